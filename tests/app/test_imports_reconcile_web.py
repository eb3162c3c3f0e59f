"""The web import of an outsider's spreadsheet: the review page reconciles near-miss actor
names (one labelled select per name) before the confirm, and remembers the choice."""

import io
import re

import pytest
from sqlmodel import select

from harvest.models import Actor, Outcome
from tests.conftest import PASSWORD
from tests.harvest.outside_sheet import outside_harvest, outside_workbook


@pytest.fixture
def outside(session, create_municipality, create_harvest, create_actor, create_user):
    found = outside_harvest(create_municipality, create_harvest, create_actor)
    create_user("eva@example.dk", "evaluator")
    session.commit()
    return found


def _upload(client, lang="da"):
    client.post("/login", data={"email": "eva@example.dk", "password": PASSWORD})
    return client.post(
        f"/harvests/test-harvest/import?lang={lang}",
        data={"file": (io.BytesIO(outside_workbook()), "forandringer.xlsx")},
        content_type="multipart/form-data",
    )


def _token(page):
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


def _outcomes(session):
    session.rollback()
    return session.exec(select(Outcome)).all()


def test_the_review_offers_a_labelled_choice_per_unmatched_name(client, outside, session):
    response = _upload(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Navne der ikke matcher en aktør" in page
    assert '<label for="actor_0">Aktør for &#39;Rotary&#39;</label>' in page
    assert (
        f'<option value="{outside["rotary"].id}">Rotary Klub København (København)</option>' in page
    )
    assert '<label for="actor_1">' in page and 'value="new"' in page
    assert '<label for="kind_1">' in page
    assert "3 nye, 0 ændrede, 0 uændrede" in page
    assert "hvornår" in page and "uden for høstens periode" in page  # warnings, in Danish
    assert _outcomes(session) == []


def test_confirm_without_a_choice_shows_the_error_summary(client, outside, session):
    page = _upload(client).get_data(as_text=True)
    response = client.post(
        "/harvests/test-harvest/import/confirm", data={"token": _token(page), "name_0": "Rotary"}
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'class="error-summary"' in text and 'href="#actor_0"' in text
    assert _outcomes(session) == []


def test_choices_import_in_one_pass_and_the_reimport_changes_nothing(client, outside, session):
    page = _upload(client).get_data(as_text=True)
    done = client.post(
        "/harvests/test-harvest/import/confirm",
        data={
            "token": _token(page),
            "name_0": "Rotary",
            "actor_0": str(outside["rotary"].id),
            "kind_0": "association",
            "name_1": "Deltagere i peer-gruppen Helsingør",
            "actor_1": "new",
            "kind_1": "citizen_group",
        },
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    assert sorted(o.ref for o in _outcomes(session)) == ["H-01", "H-02", "H-03"]
    new = session.exec(
        select(Actor).where(Actor.name == "Deltagere i peer-gruppen Helsingør")
    ).one()
    assert new.kind == "citizen_group" and new.sector == "citizens"
    again = _upload(client).get_data(as_text=True)
    assert "0 nye, 0 ændrede, 3 uændrede" in again
    assert "Navne der ikke matcher en aktør" not in again
    client.post("/harvests/test-harvest/import/confirm", data={"token": _token(again)})
    assert len(_outcomes(session)) == 3


def test_the_review_speaks_english_when_asked(client, outside):
    page = _upload(client, lang="en").get_data(as_text=True)
    assert "Names that match no actor" in page
    assert "is outside the harvest&#39;s period" in page
    assert "<td>when</td>" in page
