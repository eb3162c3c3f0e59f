"""A CPR number written with an en dash is refused on every path text enters, and
nothing is stored: web form, API, spreadsheet import (cells and file name), comments,
actor profiles, needs, substantiators' comments, scheme labels, users, groups, harvests."""

import io

import pytest
from sqlmodel import select

from app.cli import main
from harvest import (
    accounts,
    actors,
    coding,
    groups,
    harvests,
    needs,
    review,
    scrub,
    substantiation,
)
from harvest.errors import PrivacyViolation
from harvest.models import Outcome, PendingUpload
from tests.conftest import PASSWORD

CPR = "010190\u20131234"  # an en dash, as Word writes it
TEXT = f"Borgeren {CPR} deltog"


@pytest.fixture
def world(session, create_harvest, create_actor, create_user, create_outcome):
    harvest = create_harvest()
    actor = create_actor(name="Løbeklubben Øresund")
    evaluator = create_user("eva@example.dk", "evaluator")
    admin = create_user("admin@example.dk", "admin")
    outcome = create_outcome(harvest=harvest, actor=actor)
    token = accounts.create_token(session, evaluator)
    session.commit()
    return {
        "harvest": harvest,
        "actor": actor,
        "evaluator": evaluator,
        "admin": admin,
        "outcome": outcome,
        "token": token,
    }


def _stored(session):
    session.rollback()
    return scrub.scan(session)


def _login(client, email="eva@example.dk"):
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def test_web_outcome_form(client, world, session):
    _login(client)
    response = client.post(
        "/harvests/test-harvest/outcomes/new",
        data={"title": "Titel", "status": "lead", "sources": TEXT},
    )
    assert response.status_code == 422
    assert _stored(session) == []


def test_web_comment(client, world, session):
    _login(client)
    response = client.post(
        f"/outcomes/{world['outcome'].id}/comments", data={"part": "general", "body": TEXT}
    )
    assert response.status_code in (302, 422)
    assert _stored(session) == []


def test_api_outcome(client, world, session):
    response = client.post(
        "/api/v1/outcomes",
        json={"harvest": "test-harvest", "title": "Titel", "status": "lead", "where": TEXT},
        headers={"Authorization": f"Bearer {world['token']}"},
    )
    assert response.status_code == 422
    assert "where" in response.get_json()["errors"]
    assert _stored(session) == []


def _upload(client, content, name):
    return client.post(
        "/harvests/test-harvest/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_web_import_cell(client, world, session):
    _login(client)
    content = f"title;change;status\nTitel;{TEXT};lead\n".encode()
    response = _upload(client, content, "udfald.csv")
    assert response.status_code == 422
    assert "<td>forandring</td>" in response.get_data(as_text=True)  # the column, in Danish
    assert session.exec(select(PendingUpload)).all() == []
    assert _stored(session) == []


def test_web_import_file_name(client, world, session):
    _login(client)
    content = b"title;status\nTitel;lead\n"
    response = _upload(client, content, f"udfald {CPR}.csv")
    assert response.status_code == 422
    assert "filnavnet" in response.get_data(as_text=True).lower()
    assert _stored(session) == []
    assert session.exec(select(PendingUpload)).all() == []


def test_cli_import_file_name(runner, world, session, tmp_path):
    path = tmp_path / f"udfald {CPR}.csv"
    path.write_bytes(b"title;status\nTitel;lead\n")
    before = len(session.exec(select(Outcome)).all())
    result = runner.invoke(main, ["import", "outcomes", str(path), "--harvest", "test-harvest"])
    assert result.exit_code == 1
    assert "filnavnet" in result.output.lower() and "Traceback" not in result.output
    session.rollback()
    assert len(session.exec(select(Outcome)).all()) == before


def _substantiator_comment(session, w):
    outcome = w["outcome"]
    outcome.status = "ready"
    person = {"name": "Mette", "role": "Leder"}
    _record, token = substantiation.request_substantiation(
        session, outcome, person, by=w["evaluator"]
    )
    substantiation.answer(
        session,
        token,
        {
            "verdict_outcome": "fully_agree",
            "verdict_significance": "fully_agree",
            "verdict_contribution": "fully_agree",
            "comment_significance": TEXT,
        },
    )


PATHS = {
    "comment": (
        "body",
        lambda s, w: review.add_comment(s, w["outcome"], "general", TEXT, by=w["evaluator"]),
    ),
    "actor profile": (
        "profile",
        lambda s, w: actors.create_actor(
            s,
            {
                "name": "Ny",
                "kind": "association",
                "sector": "civil_society",
                "tier": 2,
                "profile": TEXT,
            },
            by=w["evaluator"],
        ),
    ),
    "need": (
        "question",
        lambda s, w: needs.record_need(s, {"question": f"Hvem er {CPR}?"}, by=w["evaluator"]),
    ),
    "substantiator comment": ("comment_significance", _substantiator_comment),
    "substantiator name": (
        "name",
        lambda s, w: substantiation.validate_request({"name": TEXT, "role": "Leder"}),
    ),
    "scheme label": (
        "label",
        lambda s, w: coding.add_dimension(
            s, coding.default_scheme(s), {"key": "ny", "label": TEXT}, by=w["admin"]
        ),
    ),
    "scheme name": (
        "name",
        lambda s, w: coding.create_scheme(s, {"slug": "ny", "name": TEXT}, by=w["admin"]),
    ),
    "harvest question": (
        "questions",
        lambda s, w: harvests.create_harvest(
            s, {"slug": "ny", "title": "Ny", "questions": [TEXT]}, by=w["admin"]
        ),
    ),
    "user name": (
        "name",
        lambda s, w: accounts.create_user(
            s,
            {"email": "ny@example.dk", "role": "staff", "password": PASSWORD, "name": TEXT},
            by=w["admin"],
        ),
    ),
    "group description": (
        "description",
        lambda s, w: groups.create_group(
            s, {"slug": "ny", "name": "Ny", "description": TEXT}, by=w["admin"]
        ),
    ),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_service_paths(session, world, path):
    field, call = PATHS[path]
    with pytest.raises(PrivacyViolation) as refused:
        call(session, world)
    assert field in refused.value.errors
    session.commit()
    assert _stored(session) == []
