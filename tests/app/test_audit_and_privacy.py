"""The audit log of access, the retention and privacy commands, consent in reports, the
public report and the privacy page, as the people who use them see them."""

import json

import pytest
from sqlmodel import col, select

from app.cli import main
from harvest import accounts, outcomes, substantiation
from harvest.demo import DEMO_PASSWORD  # the documented demo accounts
from harvest.models import AccessRecord, Harvest, Outcome, Substantiation

EVALUATOR = "evaluator@brobyg.example.dk"
ADMIN = "admin@brobyg.example.dk"
MEMBER = "medlem.helsingor@brobyg.example.dk"


@pytest.fixture
def world(session, demo_data):
    return session


def _sign_in(client, email):
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def _entries(session):
    session.rollback()  # a new snapshot
    return list(session.scalars(select(AccessRecord).order_by(col(AccessRecord.id))))


def _first(session, query):
    found = session.scalars(query.limit(1)).first()
    assert found is not None
    return found


def test_a_draft_view_and_an_export_are_logged_with_who_when_and_what(client, runner, world):
    session = world
    draft = _first(session, select(Outcome).where(col(Outcome.status) == "draft"))
    final = _first(session, select(Outcome).where(col(Outcome.status) == "final"))
    harvest = session.get(Harvest, draft.harvest_id)
    evaluator = accounts.user_by_email(session, EVALUATOR)
    _sign_in(client, EVALUATOR)
    assert client.get(f"/outcomes/{draft.id}").status_code == 200
    assert client.get(f"/outcomes/{final.id}").status_code == 200  # public: not logged
    assert client.get(f"/harvests/{harvest.slug}/analysis.xlsx").status_code == 200
    assert client.get("/outcomes?q=bibliotek").status_code == 200
    result = runner.invoke(main, ["export", "harvest", harvest.slug, "--format", "md", "-o", "-"])
    assert result.exit_code == 0, result.output
    found = [(e.user_id, e.channel, e.action, e.entity, e.entity_id) for e in _entries(session)]
    assert found == [
        (evaluator.id, "web", "sign_in", "", ""),
        (evaluator.id, "web", "view_draft", "outcome", str(draft.id)),
        (evaluator.id, "web", "export_analysis", "harvest", harvest.slug),
        (evaluator.id, "web", "search_outcomes", "", ""),
        (None, "cli", "export_harvest", "harvest", harvest.slug),
    ]
    entries = _entries(session)
    assert entries[3].detail == "bibliotek" and entries[4].detail == "md"
    assert all(e.at is not None for e in entries)


def test_admins_see_the_log_and_others_do_not(app, client, world):
    session = world
    draft = _first(session, select(Outcome).where(col(Outcome.status) == "draft"))
    _sign_in(client, EVALUATOR)
    client.get(f"/outcomes/{draft.id}")
    assert client.get("/admin/audit").status_code == 403
    admin = app.test_client()
    _sign_in(admin, ADMIN)
    evaluator = accounts.user_by_email(session, EVALUATOR)
    page = admin.get(f"/admin/audit?user={evaluator.id}&lang=en").get_data(as_text=True)
    assert "Viewed an outcome that is not final" in page
    assert f"outcome {draft.id}" in page
    none = admin.get(f"/admin/audit?user={evaluator.id}&since=2999-01-01").get_data(as_text=True)
    assert "Viewed an outcome" not in none and "Så et forandringsudsagn" not in none
    assert admin.get("/admin/audit?since=not-a-date&page=x").status_code == 200
    assert app.test_client().get("/admin/audit").status_code == 302  # sign in first


def test_brobyg_audit_lists_one_persons_entries(client, runner, world):
    _sign_in(client, EVALUATOR)
    client.get("/outcomes?q=forening")
    result = runner.invoke(main, ["audit", "--user", EVALUATOR, "--since", "2000-01-01"])
    assert result.exit_code == 0, result.output
    assert "search_outcomes" not in result.output  # labels, not keys
    assert "forening" in result.output
    missing = runner.invoke(main, ["audit", "--user", "nobody@example.dk"])
    assert missing.exit_code == 1 and "nobody@example.dk" in missing.output
    assert "Traceback" not in missing.output


def test_brobyg_retention_says_what_it_did_and_dry_run_writes_nothing(runner, world, monkeypatch):
    session = world
    monkeypatch.setenv("BROBYG_LANG", "en")
    dry = runner.invoke(main, ["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run" in dry.output and "would be anonymised" in dry.output
    named = session.scalars(select(Substantiation).where(col(Substantiation.name) != "")).all()
    assert named  # the demo harvests end in 2026: nothing is past retention yet
    done = runner.invoke(main, ["retention"])
    assert done.exit_code == 0 and "audit log entries deleted" in done.output
    monkeypatch.setenv("BROBYG_RETAIN_AUDIT_MONTHS", "zero")
    bad = runner.invoke(main, ["retention"])
    assert bad.exit_code == 1 and "BROBYG_RETAIN_AUDIT_MONTHS" in bad.output


def test_the_privacy_export_of_a_demo_user_holds_their_records(client, runner, world):
    session = world
    member = accounts.user_by_email(session, MEMBER)
    harvest = session.scalars(select(Harvest).where(col(Harvest.slug) == "helsingor-2024-26")).one()
    actor = _first(
        session, select(Outcome.changed_actor_id).where(col(Outcome.harvest_id) == harvest.id)
    )
    made = outcomes.record_outcome(
        session,
        harvest,
        {
            "title": "Caféen inviterer foreningen",
            "changed_actor_id": actor,
            "change": "Caféen inviterer nu foreningen til hvert fællesmøde.",
            "status": "draft",
        },
        by=member,
    )
    session.commit()
    _sign_in(client, MEMBER)
    result = runner.invoke(main, ["privacy", "export", MEMBER])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["account"]["email"] == MEMBER
    assert "password_hash" not in body["account"]
    assert [g["slug"] for g in body["groups"]] == ["helsingor"]
    assert made.id in [o["id"] for o in body["outcomes_created"]]
    assert {"entity": "outcome", "entity_id": str(made.id)} in [
        {"entity": c["entity"], "entity_id": c["entity_id"]} for c in body["changes"]
    ]
    assert [e["action"] for e in body["audit"]["by_them"]] == ["sign_in"]
    missing = runner.invoke(main, ["privacy", "export", "nobody@example.dk"])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_a_substantiators_privacy_export_holds_their_answers(runner, world):
    session = world
    record = _first(session, select(Substantiation).where(col(Substantiation.name) != ""))
    record.email = "mette.demo@example.dk"
    session.commit()
    body = json.loads(runner.invoke(main, ["privacy", "export", "Mette.Demo@example.dk"]).output)
    assert body["account"] is None
    assert [s["id"] for s in body["substantiations"]] == [record.id]
    assert "token_hash" not in body["substantiations"][0]


def _answered(session, outcome, name, role, consent):
    outcome.status = "ready"
    session.flush()
    _record, token = substantiation.request_substantiation(
        session, outcome, {"name": name, "role": role}, by=None
    )
    answer = {
        "verdict_outcome": "fully_agree",
        "verdict_significance": "fully_agree",
        "verdict_contribution": "fully_agree",
        "consent_named": consent,
    }
    substantiation.answer(session, token, answer)


def test_the_report_names_a_substantiator_only_with_consent(
    app, client, session, create_outcome, create_user
):
    outcome = create_outcome(status="draft")
    _answered(session, outcome, "Agnete Navnløs", "Frivillig i caféen", False)
    _answered(session, outcome, "Bent Navngiven", "Leder af SIND", True)
    create_user(email="ev@example.dk")
    session.commit()
    client.post("/login", data={"email": "ev@example.dk", "password": "correct-horse-battery"})
    page = client.get("/harvests/test-harvest/report").get_data(as_text=True)
    assert "Bent Navngiven (Leder af SIND)" in page
    assert "Frivillig i caféen" in page and "Agnete" not in page


def test_the_public_report_holds_final_outcomes_only(client, session, create_outcome):
    final = create_outcome(title="Kommunen henviser til foreningen", status="draft")
    harvest = session.get(Harvest, final.harvest_id)
    create_outcome(harvest, title="Udkast om caféen")
    final.status = "final"
    session.commit()
    public = client.get("/harvests/test-harvest/report/public")
    assert public.status_code == 200
    text = public.get_data(as_text=True)
    assert "Kommunen henviser til foreningen" in text and "Udkast om caféen" not in text
    assert client.get("/harvests/test-harvest/report").status_code == 302  # evaluators only


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_privacy_page_is_linked_from_every_page_and_names_the_retention(client, lang):
    front = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert 'href="/privatliv"' in front
    page = client.get("/privatliv").get_data(as_text=True)
    assert "6" in page and "12" in page and "24" in page
    assert "brobyg privacy export" in page
