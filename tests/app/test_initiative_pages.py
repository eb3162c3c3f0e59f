"""The initiative pages and the `initiatives` API resource: members record, evaluate and
link initiatives; drafts stay with the group; the API and the spreadsheet give them back."""

import pytest
from sqlmodel import select

from harvest import accounts, initiatives
from harvest.models import Initiative, Outcome
from tests.conftest import PASSWORD

MEMBER = "medlem.helsingor@brobyg.example.dk"


@pytest.fixture
def loaded(demo_data):
    """Start from the demo data set (tests/conftest.py)."""


def _login(client, email):
    from harvest.demo import DEMO_PASSWORD

    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_public_sees_published_initiatives_with_their_final_outcomes_and_tie_forms(
    client, loaded
):
    page = client.get("/initiativer/").get_data(as_text=True)
    assert "Introduktionsbesøg fra jobcentret hos Syngeglad Helsingør" in page
    assert "Fælles kontaktperson mellem psykiatrien og SIND" not in page  # a draft
    only = client.get("/initiativer/?kind=referral_routine&lang=en").get_data(as_text=True)
    assert "Henvisningsrutine fra Din Indgang" in only and "Syngeglad" not in only
    initiative = client.get("/initiativer/?q=Syngeglad").get_data(as_text=True)
    link = initiative.split('class="initiative-list"')[1].split('href="/initiativer/')[1]
    link = link.split('"')[0]
    detail = client.get(f"/initiativer/{link}?lang=da").get_data(as_text=True)
    assert "Runde 2" in detail and "Syngeglad Helsingør indfører makkerordning" in detail
    assert "Brobyggende" in detail  # the form of the tie the outcome evidences
    assert "Jobcenter Helsingør inviterer SIND" not in detail  # a ready outcome: not public


def test_a_member_records_an_initiative_adds_two_rounds_and_names_it_in_an_outcome(
    client, session, loaded
):
    _login(client, MEMBER)
    form = client.get("/initiativer/new").get_data(as_text=True)
    assert "Fælles kontaktperson" in form and 'name="need_ids"' in form
    response = client.post(
        "/initiativer/new",
        data={
            "title": "Spørgsmål om frivilliges supervision",
            "group": "helsingor",
            "kind": "shared_contact_person",
            "purpose": "Socialrådgivere vil vide, om frivillige får supervision.",
            "start": "2025-09-01",
            "done": "Vi **mødtes** med SIND.",
            "status": "draft",
        },
    )
    assert response.status_code == 302
    url = response.headers["Location"]
    for day, worked in (("2025-10-01", "Svar inden for en uge"), ("2025-12-01", "Fast møde")):
        version = session.scalars(
            select(Initiative.version).where(Initiative.title.startswith("Spørgsmål om"))
        ).one()
        session.rollback()
        answer = client.post(
            f"{url}/rounds", data={"held_on": day, "worked": worked, "version": str(version)}
        )
        assert answer.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "<strong>mødtes</strong>" in page and "Fast møde" in page and "Runde 2" in page
    initiative = session.scalars(
        select(Initiative).where(Initiative.title.startswith("Spørgsmål om"))
    ).one()
    outcome = session.scalars(
        select(Outcome).where(Outcome.title.startswith("Jobcenter Helsingør"))
    ).one()
    session.rollback()
    edit = client.get(f"/outcomes/{outcome.id}/edit").get_data(as_text=True)
    assert "Spørgsmål om frivilliges supervision" in edit
    history = client.get(f"{url}/history").get_data(as_text=True)
    assert "Svar inden for en uge" in history
    stale = client.post(
        f"{url}/rounds", data={"held_on": "2026-01-01", "worked": "x", "version": "1"}
    )
    assert stale.status_code == 409
    assert initiatives.rounds_of(session, initiative.id)[-1].worked == "Fast møde"


def test_bad_input_is_refused_with_a_message_and_nothing_changes(client, session, loaded):
    _login(client, MEMBER)
    before = len(session.scalars(select(Initiative)).all())
    session.rollback()
    response = client.post(
        "/initiativer/new",
        data={
            "title": "Borger 010203-1234",
            "group": "helsingor",
            "kind": "joint_activity",
            "start": "not a date",
        },
    )
    assert response.status_code == 422
    assert "CPR" in response.get_data(as_text=True)
    assert len(session.scalars(select(Initiative)).all()) == before


def test_api_get_then_put_gives_the_same_initiatives_back(client, session, loaded):
    member = accounts.user_by_email(session, MEMBER)
    token = accounts.create_token(session, member)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/initiatives?per_page=100", headers=headers).get_json()
    assert listed["total"] >= 2 and listed["items"]
    for item in listed["items"]:
        if item["group"] != "helsingor":
            continue
        body = {k: v for k, v in item.items() if k not in ("id", "outcome_ids")}
        answer = client.put(f"/api/v1/initiatives/{item['id']}", json=body, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json() == item
    created = client.post(
        "/api/v1/initiatives",
        json={
            "title": "Følgeskab til koret",
            "group": "helsingor",
            "kind": "joint_activity",
            "rounds": [{"held_on": "2025-05-01", "worked": "Tre kom igen"}],
        },
        headers=headers,
    )
    assert created.status_code == 201
    shown = created.get_json()
    assert shown["rounds"][0]["worked"] == "Tre kom igen"
    stale = client.put(
        f"/api/v1/initiatives/{shown['id']}",
        json={"version": 0, "title": "Ny titel"},
        headers=headers,
    )
    assert stale.status_code == 409
    refused = client.post(
        "/api/v1/initiatives",
        json={"title": "Fremmed", "group": "kobenhavn", "kind": "joint_activity"},
        headers=headers,
    )
    assert refused.status_code == 403
    bad = client.post("/api/v1/initiatives", json={"title": "x", "kind": 3}, headers=headers)
    assert bad.status_code == 422 and "group" in bad.get_json()["errors"]


def test_the_spreadsheet_download_imports_back_unchanged(client, session, loaded):
    _login(client, "evaluator@brobyg.example.dk")
    for fmt, name in (("xlsx", "i.xlsx"), ("csv", "i.csv")):
        sheet = client.get(f"/initiativer/export?format={fmt}")
        assert sheet.status_code == 200
        from io import BytesIO

        answer = client.post(
            "/initiativer/import",
            data={"file": (BytesIO(sheet.data), name)},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 302
        page = client.get("/initiativer/").get_data(as_text=True)
        assert "0 nye, 0 opdateret, 6 uændret" in page or "0 new, 0 updated, 6 unchanged" in page
    assert PASSWORD  # the test accounts' password is the conftest's
