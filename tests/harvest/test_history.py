"""Every change is kept: who, when, before and after; versions guard against lost updates."""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from harvest import actors, history, outcomes, ties
from harvest.db import open_session
from harvest.errors import StaleVersion
from harvest.models import ChangeRecord, Tie


def test_creating_a_record_writes_history(session, create_actor, create_user):
    evaluator = create_user()
    actor = actors.create_actor(
        session,
        {"name": "Rotary Klub", "kind": "association", "sector": "civil_society", "tier": 2},
        by=evaluator,
    )
    [record] = history.changes_of(session, "actor", actor.id)
    assert record.action == "create"
    assert record.user_id == evaluator.id
    assert record.before is None and record.after["name"] == "Rotary Klub"


def test_update_keeps_before_and_after_and_bumps_version(
    session, create_actor, create_tie, create_user
):
    evaluator = create_user()
    tie = create_tie(create_actor(), create_actor(), note="Første note")
    assert tie.version == 1
    ties.update_tie(
        session, tie, {"kind": "collaboration", "note": "Ny note", "version": 1}, by=evaluator
    )
    assert tie.version == 2
    records = history.changes_of(session, "tie", tie.id)
    assert [r.action for r in records] == ["create", "update"]
    assert records[1].before["note"] == "Første note"
    assert records[1].after["note"] == "Ny note"
    assert records[1].user_id == evaluator.id


def test_saving_unchanged_values_writes_no_history(session, create_actor, create_tie):
    tie = create_tie(create_actor(), create_actor())
    ties.update_tie(session, tie, {"kind": "collaboration", "version": 1}, by=None)
    assert [r.action for r in history.changes_of(session, "tie", tie.id)] == ["create"]
    assert tie.version == 1


def test_stale_version_is_refused_and_changes_nothing(session, create_actor, create_tie):
    tie = create_tie(create_actor(), create_actor(), note="A")
    ties.update_tie(session, tie, {"kind": "collaboration", "note": "B", "version": 1}, by=None)
    with pytest.raises(StaleVersion) as raised:
        ties.update_tie(session, tie, {"kind": "collaboration", "note": "C", "version": 1}, by=None)
    assert raised.value.current.note == "B"
    assert raised.value.submitted["note"] == "C"
    assert session.get(Tie, tie.id).note == "B"


def test_concurrent_saves_of_one_version_never_lose_an_update(engine, session, create_outcome):
    outcome = create_outcome()
    session.commit()
    first, second = open_session(engine, write=True), open_session(engine, write=True)
    try:
        stale = outcomes.get_outcome(second, outcome.id)
        second.commit()  # the second editor holds version 1 in memory, as a form would
        fresh = outcomes.get_outcome(first, outcome.id)
        data = {
            "title": fresh.title,
            "changed_actor_id": fresh.changed_actor_id,
            "change": fresh.change,
        }
        outcomes.update_outcome(first, fresh, {**data, "where": "Helsingør"}, 1, by=None)
        first.commit()
        with pytest.raises(StaleVersion) as raised:
            outcomes.update_outcome(second, stale, {**data, "where": "Rødovre"}, 1, by=None)
        assert raised.value.current.where == "Helsingør"
        assert raised.value.submitted["where"] == "Rødovre"
    finally:
        first.close()
        second.close()
    session.expire_all()
    assert outcomes.get_outcome(session, outcome.id).where == "Helsingør"


def test_deleting_is_recorded(session, create_actor, create_tie):
    tie = create_tie(create_actor(), create_actor(), note="Slettes")
    session.delete(tie)
    session.flush()
    records = history.changes_of(session, "tie", tie.id)
    assert records[-1].action == "delete"
    assert records[-1].before["note"] == "Slettes"


def test_history_is_append_only(session, create_actor):
    actor = create_actor()
    [record] = history.changes_of(session, "actor", actor.id)
    record.after = {"name": "forfalsket"}
    with pytest.raises(PermissionError):
        session.flush()


def test_secrets_never_reach_the_history(session, create_user):
    user = create_user()
    [record] = history.changes_of(session, "user_account", user.id)
    assert "password_hash" not in record.after
    assert record.after["email"] == user.email


def test_tie_check_constraints_hold_in_the_database(session, create_actor):
    a = create_actor()
    session.add(
        Tie(
            source_id=a.id,
            target_id=a.id,
            kind="collaboration",
            form="bonding",
            derived_form="bonding",
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_history_rows_name_the_table(session, create_outcome):
    outcome = create_outcome()
    entities = {r.entity for r in session.exec(select(ChangeRecord)).all()}
    # A harvest's questions are part of the harvest: recorded in its entry, not on their own.
    assert {"outcome", "actor", "harvest"} <= entities
    assert "harvestquestion" not in entities
    assert outcome.id
