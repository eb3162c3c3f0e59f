"""The pages for what citizens ask for: staff browse, members and evaluators record and edit."""

import pytest
from sqlmodel import select

from harvest.models import InformationNeed
from tests.conftest import PASSWORD


@pytest.fixture
def loaded(demo_data):
    """Start from the demo data set (tests/conftest.py)."""


def _login(client, session, create_user, role):
    create_user(email=f"{role}@example.dk", role=role)
    session.commit()
    client.post("/login", data={"email": f"{role}@example.dk", "password": PASSWORD})


def test_the_public_is_asked_to_sign_in(client):
    assert client.get("/behov/").status_code == 302


def test_staff_browse_with_unanswered_first_and_filter_by_municipality(
    client, session, create_user, loaded
):
    _login(client, session, create_user, "staff")
    page = client.get("/behov/").get_data(as_text=True)
    assert "endnu ikke besvaret" in page
    assert page.index("Endnu ikke besvaret") < page.index("Besvares af:")
    assert "Registrér et behov" not in page
    only = client.get("/behov/?municipality=fredericia&lang=en").get_data(as_text=True)
    assert "§ 82-tilbud" in only and "Helsingør" not in only.split("<main")[1].split("</form>")[1]
    open_only = client.get("/behov/?answered=no").get_data(as_text=True)
    assert "Besvares af:" not in open_only
    assert client.get("/behov/new").status_code == 403


def test_evaluator_records_and_answers_a_need(client, session, create_user, loaded):
    _login(client, session, create_user, "evaluator")
    response = client.post(
        "/behov/new",
        data={
            "question": "Findes der en strikkeklub i Rødovre?",
            "municipality": "rodovre",
            "frequency": "often",
        },
    )
    assert response.status_code == 302
    need = session.exec(
        select(InformationNeed).where(InformationNeed.question.startswith("Findes der en strik"))
    ).one()
    page = client.get(f"/behov/{need.id}/edit").get_data(as_text=True)
    assert "Findes der en strikkeklub" in page
    response = client.post(
        f"/behov/{need.id}/edit",
        data={
            "question": need.question,
            "municipality": "rodovre",
            "frequency": "often",
            "answer_page": "find-an-association",
            "version": need.version,
        },
    )
    assert response.status_code == 302
    listed = client.get("/behov/?municipality=rodovre").get_data(as_text=True)
    assert "Find en forening til en borger" in listed
    stale = client.post(
        f"/behov/{need.id}/edit",
        data={"question": "Andet", "frequency": "once", "version": need.version},
    )
    assert stale.status_code == 409 and "Andet" in stale.get_data(as_text=True)


def test_an_empty_question_is_refused(client, session, create_user):
    _login(client, session, create_user, "evaluator")
    response = client.post("/behov/new", data={"question": "", "frequency": "once"})
    assert response.status_code == 422
