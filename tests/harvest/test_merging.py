"""Merging two actors that are the same keeps every tie and outcome."""

import pytest
from sqlmodel import select

from harvest import merging, outcomes
from harvest.errors import ValidationFailed
from harvest.models import (
    Actor,
    ChangeRecord,
    ImplementationGroup,
    Outcome,
    OutcomeContributor,
    Tie,
    TieEvidence,
)


def test_an_actor_cannot_be_merged_into_itself(session, create_actor):
    actor = create_actor()
    with pytest.raises(ValidationFailed):
        merging.merge_actors(session, actor, actor, by=None)


def test_ties_outcomes_contributions_and_groups_move_to_the_kept_actor(
    session, create_actor, create_tie, create_outcome, create_harvest
):
    keep = create_actor(name="SIND Helsingør", tags=["samtalegruppe"])
    dup = create_actor(name="Sind i Helsingør", tags=["café"], email="sind@example.dk")
    other = create_actor(name="Biblioteket", kind="municipal_service", sector="municipal")
    tie = create_tie(dup, other, kind="hosting")
    harvest = create_harvest()
    changed = create_outcome(harvest, actor=dup, title="Sind flytter caféen")
    helped = create_outcome(
        harvest, actor=other, title="Biblioteket åbner", contributor_ids=[dup.id]
    )
    session.add(ImplementationGroup(slug="g", name="Gruppe", actor_id=dup.id))
    session.flush()
    dup_id = dup.id

    report = merging.merge_actors(session, dup, keep, by=None)
    session.commit()

    assert session.get(Actor, dup_id) is None
    assert (session.get(Tie, tie.id).source_id, session.get(Tie, tie.id).target_id) == (
        keep.id,
        other.id,
    )
    assert session.get(Outcome, changed.id).changed_actor_id == keep.id
    assert outcomes.contributor_ids(session, session.get(Outcome, helped.id)) == [keep.id]
    assert session.exec(select(ImplementationGroup.actor_id)).one() == keep.id
    assert keep.tags == ["samtalegruppe", "café"] and keep.email == "sind@example.dk"
    assert (report.ties_moved, report.outcomes_moved, report.contributions_moved) == (1, 1, 1)
    merge = session.exec(
        select(ChangeRecord).where(ChangeRecord.entity == merging.MERGE_ENTITY)
    ).one()
    assert merge.entity_id == str(dup_id) and merge.after["merged_into"] == keep.id


def test_colliding_ties_become_one_with_the_stronger_strength_and_all_evidence(
    session, create_actor, create_tie, create_outcome, create_harvest
):
    keep, dup, other = create_actor(), create_actor(), create_actor()
    kept_tie = create_tie(keep, other, kind="collaboration", strength=1, start="2025-01-01")
    dup_tie = create_tie(dup, other, kind="collaboration", strength=3, start="2024-05-01")
    harvest = create_harvest()
    first = create_outcome(harvest, actor=keep, title="Først")
    second = create_outcome(harvest, actor=dup, title="Dernæst")
    session.add(TieEvidence(tie_id=kept_tie.id, outcome_id=first.id))
    session.add(TieEvidence(tie_id=dup_tie.id, outcome_id=second.id))
    session.flush()
    dup_tie_id = dup_tie.id

    report = merging.merge_actors(session, dup, keep, by=None)
    session.commit()

    assert report.ties_combined == 1
    assert session.get(Tie, dup_tie_id) is None
    survivor = session.get(Tie, kept_tie.id)
    assert survivor.strength == 3 and str(survivor.start) == "2024-05-01"
    evidence = set(
        session.exec(select(TieEvidence.outcome_id).where(TieEvidence.tie_id == survivor.id))
    )
    assert evidence == {first.id, second.id}
    assert session.get(Outcome, second.id).changed_actor_id == keep.id


def test_a_tie_between_the_two_is_removed_but_its_outcome_stays(
    session, create_actor, create_tie, create_outcome
):
    keep, dup = create_actor(), create_actor()
    between = create_tie(dup, keep)
    outcome = create_outcome(actor=keep)
    session.add(TieEvidence(tie_id=between.id, outcome_id=outcome.id))
    session.flush()
    between_id = between.id
    report = merging.merge_actors(session, dup, keep, by=None)
    session.commit()
    assert report.ties_removed == 1 and session.get(Tie, between_id) is None
    assert session.get(Outcome, outcome.id) is not None


def test_merged_ties_get_their_form_rederived(session, create_actor, create_tie):
    keep = create_actor(name="Kommunens tilbud", kind="municipal_service", sector="municipal")
    dup = create_actor(name="Forening")
    other = create_actor(name="Anden forening")
    tie = create_tie(dup, other)
    assert tie.form == "bonding"
    merging.merge_actors(session, dup, keep, by=None)
    session.commit()
    assert session.get(Tie, tie.id).form == "bridging"


def test_contribution_already_held_by_the_kept_actor_is_not_doubled(
    session, create_actor, create_outcome
):
    keep, dup = create_actor(), create_actor()
    outcome = create_outcome(contributor_ids=[keep.id, dup.id])
    merging.merge_actors(session, dup, keep, by=None)
    session.commit()
    rows = session.exec(
        select(OutcomeContributor).where(OutcomeContributor.outcome_id == outcome.id)
    ).all()
    assert [r.actor_id for r in rows] == [keep.id]
