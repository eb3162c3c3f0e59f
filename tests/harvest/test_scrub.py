"""`privacy scan` finds CPR numbers already stored, `--redact` removes them from rows,
history, search index and uploads; erasure leaves the erased text nowhere in the file."""

from pathlib import Path

import pytest
from sqlalchemy import Table, insert, update
from sqlmodel import select

from harvest import accounts, erasure, history, outcomes, scrub, search, substantiation
from harvest.db import sqlite_path
from harvest.errors import PermissionDenied
from harvest.models import ApiToken, ChangeRecord, GroupMembership, Outcome, PendingUpload, User
from harvest.search import OutcomeFilters

CPR = "010190\u20131234"
NAME = "Xylofonia Bæksted"


def _sneak(session, outcome, text):
    """Store text the way an older Brobyg might have: past the check, also in history."""
    table = Outcome.__table__
    session.execute(update(table).where(table.c.id == outcome.id).values(sources=text))
    history_table = ChangeRecord.__table__
    assert isinstance(history_table, Table)
    session.execute(
        insert(history_table).values(
            entity="outcome",
            entity_id=str(outcome.id),
            action="update",
            before={"sources": ""},
            after={"sources": text},
        )
    )
    session.commit()


def _found(session, words):
    admin = User(email="a@example.dk", role="admin")
    query = OutcomeFilters(q=words)
    return [o.id for o in search.find_outcomes(session, query, viewer=admin, member_of=set()).items]


def _file_bytes(url):
    path = sqlite_path(url)
    data = path.read_bytes()
    wal = Path(f"{path}-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


def test_scan_finds_and_masks_and_redact_removes(session, create_outcome, database_url, engine):
    outcome = create_outcome(title="Biblioteket")
    session.commit()
    _sneak(session, outcome, f"Borgeren {CPR} samtalegruppen")
    hits = scrub.scan(session)
    assert {(h.table, h.column) for h in hits} == {
        ("outcome", "sources"),
        ("changerecord", "after"),
    }
    assert all(h.masked == "01019•-••••" for h in hits)
    version = session.get(Outcome, outcome.id).version
    session.rollback()
    scrub.redact_cpr(session)
    session.commit()
    scrub.compact(engine)
    assert scrub.scan(session) == []
    stored = session.get(Outcome, outcome.id)
    assert stored.sources == "Borgeren [CPR fjernet] samtalegruppen"
    assert stored.version == version + 1
    entries = history.changes_of(session, "outcome", outcome.id)
    assert "[CPR fjernet]" in entries[-1].after["sources"]
    assert _found(session, "samtalegruppen") == [outcome.id]
    if database_url.startswith("sqlite"):
        assert CPR.encode() not in _file_bytes(database_url)


def test_redact_deletes_uploads_holding_a_cpr(session, create_harvest, create_user):
    harvest = create_harvest()
    user = create_user()
    session.add(
        PendingUpload(
            token="t" * 40,
            harvest_id=harvest.id,
            user_id=user.id,
            filename="udfald.csv",
            content=f"title;sources\nX;{CPR}\n".encode(),
        )
    )
    session.commit()
    assert [(h.table, h.column) for h in scrub.scan(session)] == [("pendingupload", "content")]
    scrub.redact_cpr(session)
    session.commit()
    assert session.exec(select(PendingUpload)).all() == []


def test_a_clean_database_has_no_hits(session, create_outcome):
    create_outcome(sources="Ordre 4000123456, ISBN 87-7245-123-4, 2024-01-01")
    session.commit()
    assert scrub.scan(session) == []


@pytest.fixture
def answered(session, create_outcome, create_user):
    evaluator = create_user()
    outcome = create_outcome()
    outcome.status = "ready"
    person = {"name": NAME, "email": "xylofonia@example.dk", "role": "Leder af SIND"}
    record, token = substantiation.request_substantiation(session, outcome, person, by=evaluator)
    session.commit()
    substantiation.answer(
        session,
        token,
        {
            "verdict_outcome": "fully_agree",
            "verdict_significance": "fully_agree",
            "verdict_contribution": "partially_agree",
            "comment_contribution": f"Jeg, {NAME}, så det selv.",
        },
    )
    session.commit()
    return record


def test_erase_substantiator(session, engine, database_url, answered, create_user):
    with pytest.raises(PermissionDenied):
        erasure.erase_substantiator(session, answered, by=create_user("s@example.dk", "staff"))
    session.rollback()
    erasure.erase_substantiator(session, answered, by=None)
    session.commit()
    scrub.compact(engine)
    record = session.get(substantiation.Substantiation, answered.id)
    assert (
        record.name == erasure.ERASED and record.email == "" and record.comment_contribution == ""
    )
    assert record.verdict_contribution == "partially_agree" and record.role == "Leder af SIND"
    for entry in history.changes_of(session, "substantiation", answered.id):
        assert NAME not in str(entry.before) + str(entry.after)
    if database_url.startswith("sqlite"):
        data = _file_bytes(database_url)
        assert NAME.encode() not in data and b"xylofonia@example.dk" not in data


def test_erase_user(session, engine, database_url, create_user, create_outcome):
    from harvest import groups

    groups.create_group(session, {"slug": "nord", "name": "Nord"}, by=None)
    user = create_user("xylo@example.dk", "member", name=NAME, groups=["nord"])
    accounts.create_token(session, user)
    outcome = create_outcome()
    session.commit()
    erasure.erase_user(session, user, by=None)
    session.commit()
    scrub.compact(engine)
    erased = session.get(User, user.id)
    assert erased.name == "" and erased.email == f"erased-{user.id}@invalid"
    assert not erased.active
    assert accounts.authenticate(session, "xylo@example.dk", "x" * 12) is None
    assert session.exec(select(ApiToken).where(ApiToken.user_id == user.id)).all() == []
    assert (
        session.exec(select(GroupMembership).where(GroupMembership.user_id == user.id)).all() == []
    )
    assert session.get(Outcome, outcome.id) is not None
    if database_url.startswith("sqlite"):
        data = _file_bytes(database_url)
        assert NAME.encode() not in data and b"xylo@example.dk" not in data


def test_erase_text(session, engine, database_url, create_outcome):
    outcome = create_outcome(significance=f"{NAME} fortalte om mødet")
    session.commit()
    data = {name: getattr(outcome, name) for name in outcomes._FIELDS}
    outcomes.update_outcome(
        session, outcome, {**data, "title": "Ny titel"}, outcome.version, by=None
    )
    session.commit()
    erasure.erase_text(session, outcome, "significance", by=None)
    session.commit()
    scrub.compact(engine)
    assert session.get(Outcome, outcome.id).significance == ""
    for entry in history.changes_of(session, "outcome", outcome.id):
        assert NAME not in str(entry.before) + str(entry.after)
    assert _found(session, "Xylofonia") == []
    if database_url.startswith("sqlite"):
        assert NAME.encode() not in _file_bytes(database_url)


def test_cli_scan_exits_1_with_masked_hits_and_redact_cleans(runner, session, create_outcome):
    from app.cli import main

    outcome = create_outcome()
    session.commit()
    _sneak(session, outcome, f"Borgeren {CPR}")
    found = runner.invoke(main, ["privacy", "scan"])
    assert found.exit_code == 1
    assert "outcome" in found.output and "01019•-••••" in found.output
    assert "1234" not in found.output
    redacted = runner.invoke(main, ["privacy", "scan", "--redact"])
    assert redacted.exit_code == 1
    clean = runner.invoke(main, ["privacy", "scan"])
    assert clean.exit_code == 0, clean.output


def test_cli_erase_substantiator_and_user(runner, session, answered, create_user):
    from app.cli import main

    create_user("xylo@example.dk", "staff", name=NAME)
    session.commit()
    assert runner.invoke(main, ["privacy", "erase-substantiator", str(answered.id)]).exit_code == 0
    assert runner.invoke(main, ["privacy", "erase-user", "xylo@example.dk"]).exit_code == 0
    missing = runner.invoke(main, ["privacy", "erase-user", "nobody@example.dk"])
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    session.rollback()
    assert scrub.scan(session) == []
    assert accounts.user_by_email(session, "xylo@example.dk") is None
