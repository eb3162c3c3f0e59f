"""One version per record: every part of a record is under its version and in its history."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, col, select

from harvest import coding, groups, harvests, needs, outcomes, substantiation, ties, workflow
from harvest.errors import PermissionDenied, StaleVersion
from harvest.models import ChangeRecord, Outcome, OutcomeContributor


def _entries(session: Session, entity: str, entity_id: int) -> list[ChangeRecord]:
    query = (
        select(ChangeRecord)
        .where(col(ChangeRecord.entity) == entity, col(ChangeRecord.entity_id) == str(entity_id))
        .order_by(col(ChangeRecord.id))
    )
    return list(session.scalars(query))


def _data(outcome: Outcome, **changes: Any) -> dict[str, Any]:
    fields = ("title", "changed_actor_id", "change", "when_start", "status")
    return {**{f: getattr(outcome, f) for f in fields}, **changes}


@pytest.fixture
def world(session, create_harvest, create_actor, create_outcome) -> dict[str, Any]:
    harvest = create_harvest()
    a, b, c = create_actor(), create_actor(), create_actor()
    first = create_outcome(harvest, actor=a)
    second = create_outcome(harvest, actor=b, title="Koret tager imod nye")
    tie = ties.create_tie(
        session, {"source_id": a.id, "target_id": b.id, "kind": "referral"}, by=None
    )
    session.commit()
    return {
        "harvest": harvest,
        "a": a,
        "b": b,
        "c": c,
        "first": first,
        "second": second,
        "tie": tie,
    }


EDITS: dict[str, Callable[[Session, dict[str, Any], int], None]] = {
    "contributors": lambda s, w, v: outcomes.update_outcome(
        s, w["first"], _data(w["first"], contributor_ids=[w["b"].id, w["c"].id]), v, by=None
    ),
    "codes": lambda s, w, v: outcomes.update_outcome(
        s, w["first"], _data(w["first"]), v, by=None, codes={"type_of_change": ["policy"]}
    ),
    "question": lambda s, w, v: outcomes.update_outcome(
        s,
        w["first"],
        _data(w["first"]),
        v,
        by=None,
        question_id=harvests.questions_of(s, w["harvest"])[0].id,
    ),
    "chain": lambda s, w, v: outcomes.link_outcomes(
        s, w["first"], w["second"], by=None, version=v, checked=w["first"]
    ),
    "evidenced tie": lambda s, w, v: outcomes.add_tie_evidence(
        s, w["first"], w["tie"], by=None, version=v
    ),
    "status": lambda s, w, v: workflow.move_outcome(
        s, w["first"], w["harvest"], "reviewed", v, by=None
    ),
}
PART_KEYS = {
    "contributors": "contributor_ids",
    "codes": "codes",
    "question": "question_id",
    "chain": "leads_to",
    "evidenced tie": "tie_ids",
    "status": "status",
}


@pytest.mark.parametrize("part", sorted(EDITS))
def test_a_change_of_any_part_raises_the_version_once_and_is_kept(session, world, part):
    outcome = world["first"]
    read = outcome.version
    before = len(_entries(session, "outcome", outcome.id))
    EDITS[part](session, world, read)
    session.commit()
    assert outcome.version == read + 1
    entries = _entries(session, "outcome", outcome.id)
    assert len(entries) == before + 1
    entry = entries[-1]
    key = PART_KEYS[part]
    assert entry.before[key] != entry.after[key]
    assert (entry.before["version"], entry.after["version"]) == (read, read + 1)


@pytest.mark.parametrize("part", sorted(EDITS))
def test_a_stale_change_of_any_part_is_refused_and_changes_nothing(session, world, part):
    outcome = world["first"]
    outcomes.update_outcome(session, outcome, _data(outcome, where="Helsingør"), 1, by=None)
    session.commit()
    entries = len(_entries(session, "outcome", outcome.id))
    with pytest.raises(StaleVersion):
        EDITS[part](session, world, 1)
    session.rollback()
    session.refresh(outcome)
    assert outcome.version == 2
    assert len(_entries(session, "outcome", outcome.id)) == entries


def test_a_chain_is_a_change_of_both_outcomes(session, world):
    first, second = world["first"], world["second"]
    outcomes.link_outcomes(session, first, second, by=None, version=1, checked=first)
    session.commit()
    assert (first.version, second.version) == (2, 2)
    assert _entries(session, "outcome", second.id)[-1].after["comes_from"] == [first.id]


def test_a_save_that_changes_nothing_keeps_the_version_and_writes_no_history(session, world):
    outcome = world["first"]
    entries = len(_entries(session, "outcome", outcome.id))
    outcomes.update_outcome(session, outcome, _data(outcome), 1, by=None)
    session.commit()
    assert outcome.version == 1
    assert len(_entries(session, "outcome", outcome.id)) == entries


def test_the_parts_of_an_outcome_are_not_recorded_on_their_own(session, world):
    EDITS["contributors"](session, world, 1)
    session.commit()
    tables = {r.entity for r in session.scalars(select(ChangeRecord))}
    assert not tables & {"outcomecontributor", "outcomecode", "outcomequestion", "outcomelink"}
    rows = session.scalars(select(OutcomeContributor)).all()
    assert {r.actor_id for r in rows} == {world["b"].id, world["c"].id}


def test_a_harvest_and_its_questions_are_one_record(session, world):
    harvest = world["harvest"]
    data = {
        "title": harvest.title,
        "period_start": "2024-01-01",
        "period_end": "2026-06-30",
        "questions": ["Hvem gør noget andet end før?", "Hvilke bånd er nye?"],
    }
    harvests.update_harvest(session, harvest, data, harvest.version, by=None)
    session.commit()
    entry = _entries(session, "harvest", harvest.id)[-1]
    assert entry.after["questions"] == data["questions"]
    assert entry.before["questions"] == ["Hvem gør noget andet end før?"]
    with pytest.raises(StaleVersion):
        harvests.update_harvest(session, harvest, {**data, "questions": []}, 1, by=None)


def test_a_coding_scheme_and_its_dimensions_are_one_record(session):
    scheme = coding.create_scheme(session, {"slug": "egen", "name": "Egen"}, by=None)
    session.commit()
    dimension = coding.add_dimension(session, scheme, {"key": "sted", "label": "Sted"}, by=None)
    session.commit()
    coding.add_code(session, dimension, {"key": "by", "label": "By"}, by=None)
    session.commit()
    assert scheme.version == 3
    entry = _entries(session, "codingscheme", scheme.id)[-1]
    assert entry.after["dimensions"][0]["codes"] == [{"key": "by", "label": "By", "position": 0}]
    with pytest.raises(StaleVersion):
        coding.update_scheme(session, scheme, {"name": "Andet"}, 1, by=None)


def test_stale_edits_of_actors_ties_and_needs_are_refused(session, world, create_municipality):
    from harvest import actors

    create_municipality()
    actor, tie = world["a"], world["tie"]
    base = {"name": actor.name, "kind": actor.kind, "sector": actor.sector, "tier": actor.tier}
    actors.update_actor(session, actor, {**base, "address": "Stengade 1", "version": 1}, by=None)
    with pytest.raises(StaleVersion):
        actors.update_actor(session, actor, {**base, "address": "Anden", "version": 1}, by=None)
    ties.update_tie(session, tie, {"kind": "referral", "strength": 3, "version": 1}, by=None)
    with pytest.raises(StaleVersion):
        ties.update_tie(session, tie, {"kind": "referral", "strength": 1, "version": 1}, by=None)
    need = needs.record_need(session, {"question": "Hvor kan man synge?"}, by=None)
    needs.update_need(session, need, {"question": "Hvor kan man danse?", "version": 1}, by=None)
    with pytest.raises(StaleVersion):
        needs.update_need(session, need, {"question": "Hvor kan man gå?", "version": 1}, by=None)


@pytest.fixture
def concluded(session, world, create_user, create_municipality) -> dict[str, Any]:
    """An outcome of group A that is substantiated, with one verdict given."""
    create_municipality()
    groups.create_group(session, {"slug": "a", "name": "A", "municipality": "helsingor"}, by=None)
    harvest = harvests.create_harvest(
        session, {"slug": "a-hoest", "title": "Høst A", "group": "a"}, by=None
    )
    outcome = outcomes.record_outcome(
        session,
        harvest,
        {**_data(world["first"]), "status": "ready", "title": "Klar til at blive bekræftet"},
        by=None,
    )
    request, token = substantiation.request_substantiation(
        session, outcome, {"name": "Uvildig", "role": "Leder"}, by=None
    )
    verdicts = {f"verdict_{p}": "fully_agree" for p in ("outcome", "significance", "contribution")}
    substantiation.answer(session, token, verdicts)
    workflow.move_outcome(session, outcome, harvest, "substantiated", outcome.version, by=None)
    member = create_user("medlem@example.dk", "member", groups=["a"])
    evaluator = create_user()
    session.commit()
    return {"outcome": outcome, "request": request, "member": member, "evaluator": evaluator}


def test_members_cannot_rewrite_a_substantiated_outcome(session, concluded):
    outcome = concluded["outcome"]
    with pytest.raises(PermissionDenied):
        outcomes.update_outcome(
            session,
            outcome,
            _data(outcome, title="Omskrevet"),
            outcome.version,
            by=concluded["member"],
        )


def test_an_evaluators_restatement_sends_it_back_to_ready_keeping_the_verdicts(session, concluded):
    outcome = concluded["outcome"]
    outcomes.update_outcome(
        session,
        outcome,
        _data(outcome, change="Caféen henviser nu alle nye gæster."),
        outcome.version,
        by=concluded["evaluator"],
    )
    session.commit()
    assert outcome.status == "ready"
    summary = substantiation.summary_for_outcome(session, outcome, with_names=True)
    assert [e.earlier for e in summary.entries] == [True]
    assert summary.counts["outcome"]["fully_agree"] == 0  # not counted for the new statement
    assert concluded["request"].outcome_version is not None


def test_an_evaluators_coding_of_a_final_outcome_keeps_its_status(session, concluded):
    outcome = concluded["outcome"]
    outcomes.update_outcome(
        session,
        outcome,
        _data(outcome),
        outcome.version,
        by=concluded["evaluator"],
        codes={"type_of_change": ["practice"]},
    )
    assert outcome.status == "substantiated"
