"""The web upload: evaluators see the row report first, and confirm to import all rows or none."""

import io
import re

import pytest
from sqlmodel import select

from harvest.models import Outcome, PendingUpload
from tests.conftest import PASSWORD

GOOD = (
    "title;changed_actor;change;status\n"
    "Klubben åbner for nye;Løbeklubben Øresund;Nye løbere hver torsdag;draft\n"
).encode("utf-8-sig")
BAD = "title,changed_actor,change\nX,Ingen Sådan,Y\n,Løbeklubben Øresund,Z\n".encode()


@pytest.fixture
def setup(session, create_harvest, create_actor, create_user):
    create_harvest()
    create_actor(name="Løbeklubben Øresund")
    create_user("eva@example.dk", "evaluator")
    create_user("eva2@example.dk", "evaluator")
    create_user("staff@example.dk", "staff")
    session.commit()


def _login(client, email):
    client.post("/login", data={"email": email, "password": PASSWORD})


def _upload(client, content, name="outcomes.csv"):
    return client.post(
        "/harvests/test-harvest/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _outcomes(session):
    session.rollback()
    return session.exec(select(Outcome)).all()


def test_signed_out_users_are_sent_to_login(client, setup):
    response = client.get("/harvests/test-harvest/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_may_not_import(client, setup):
    _login(client, "staff@example.dk")
    assert client.get("/harvests/test-harvest/import").status_code == 403
    assert _upload(client, GOOD).status_code == 403


def test_the_form_has_a_labelled_file_field(client, setup):
    _login(client, "eva@example.dk")
    page = client.get("/harvests/test-harvest/import").get_data(as_text=True)
    assert '<label for="file"' in page and 'type="file"' in page
    assert "<style" not in page


def test_upload_shows_the_report_and_saves_nothing_until_confirmed(client, setup, session):
    _login(client, "eva@example.dk")
    response = _upload(client, GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bekræft og importér" in page
    assert "1 nye, 0 ændrede, 0 uændrede" in page and "built-in method" not in page
    assert _outcomes(session) == []
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post("/harvests/test-harvest/import/confirm", data={"token": token})
    assert done.status_code == 302
    assert [o.title for o in _outcomes(session)] == ["Klubben åbner for nye"]
    assert session.exec(select(PendingUpload)).all() == []


def test_problems_are_listed_by_row_without_a_confirm_button(client, setup, session):
    _login(client, "eva@example.dk")
    response = _upload(client, BAD)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<th scope="row">3</th>' in page and "titel" in page
    assert "Bekræft og importér" not in page
    assert _outcomes(session) == [] and session.exec(select(PendingUpload)).all() == []


def test_only_the_uploader_may_confirm(client, setup, session, app):
    _login(client, "eva@example.dk")
    page = _upload(client, GOOD).get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    other = app.test_client()
    _login(other, "eva2@example.dk")
    response = other.post("/harvests/test-harvest/import/confirm", data={"token": token})
    assert response.status_code == 404
    assert _outcomes(session) == []


def test_an_unreadable_file_is_explained_on_the_form(client, setup):
    _login(client, "eva@example.dk")
    response = _upload(client, "title\nSø\n".encode("latin-1"))
    assert response.status_code == 422
    assert "UTF-8" in response.get_data(as_text=True)


def test_the_printable_report_links_print_css_only(client, setup, create_outcome, session):
    _login(client, "eva@example.dk")
    page = client.get("/harvests/test-harvest/report").get_data(as_text=True)
    assert "css/print.css" in page and "<style" not in page and 'style="' not in page
    assert "Outcome Harvesting" in page
