"""Possible duplicates: flagged within a harvest, remembered as "not a duplicate", merged."""

import pytest
from sqlmodel import select

from harvest import duplicates, outcomes
from harvest.errors import PermissionDenied, StaleVersion
from harvest.models import ChangeRecord, ImplementationGroup, OutcomeLink, TieEvidence

SAME = {
    "title": "Biblioteket låner lokaler ud",
    "change": "Fra marts låner biblioteket et mødelokale gratis ud hver tirsdag.",
}
# The same statement as pasted from Word: an en dash, no-break spaces, other case.
PASTED = {
    "title": "Biblioteket\u00a0LÅNER lokaler ud \u2013",
    "change": "Fra marts låner biblioteket et\u00a0mødelokale gratis ud hver tirsdag",
}


@pytest.fixture
def pair(session, create_harvest, create_actor, create_outcome):
    harvest = create_harvest()
    library = create_actor(name="Biblioteket")
    first = create_outcome(harvest, actor=library, **SAME)
    return harvest, library, first


def test_a_close_statement_of_the_same_actor_is_flagged(session, pair):
    harvest, library, first = pair
    found = duplicates.find_duplicates(
        session, harvest, {"changed_actor_id": library.id, **PASTED}, viewer=None, system=True
    )
    assert [c.id for c in found] == [first.id]


def test_a_different_actor_or_different_text_is_not_flagged(session, pair, create_actor):
    harvest, library, _first = pair
    other = create_actor(name="Foreningen")
    assert not duplicates.find_duplicates(
        session, harvest, {"changed_actor_id": other.id, **SAME}, viewer=None, system=True
    )
    unlike = {"title": "Jobcentret henviser", "change": "Sagsbehandlere ringer til caféen."}
    assert not duplicates.find_duplicates(
        session, harvest, {"changed_actor_id": library.id, **unlike}, viewer=None, system=True
    )


def test_a_hint_never_shows_a_draft_to_someone_who_cannot_read_it(session, pair, create_user):
    harvest, library, _first = pair
    staff = create_user("staff@example.dk", role="staff")
    values = {"changed_actor_id": library.id, **PASTED}
    assert not duplicates.find_duplicates(session, harvest, values, viewer=staff)
    assert not duplicates.find_duplicates(session, harvest, values, viewer=None)


def test_not_a_duplicate_is_remembered(session, pair, create_outcome, create_user):
    harvest, library, first = pair
    second = create_outcome(harvest, actor=library, **PASTED)
    evaluator = create_user()
    assert [c.id for c in duplicates.duplicates_of(session, second, viewer=evaluator)] == [first.id]
    duplicates.mark_not_duplicate(session, second, first, by=evaluator)
    assert duplicates.duplicates_of(session, second, viewer=evaluator) == []
    assert duplicates.duplicates_of(session, first, viewer=evaluator) == []
    judged = duplicates.dismissal(session, first, second)
    assert judged.by_id == evaluator.id and judged.at is not None
    assert duplicates.flagged_ids(session, [first, second], viewer=evaluator) == set()


def test_a_member_judges_only_their_own_groups_drafts(session, pair, create_outcome, create_user):
    harvest, library, first = pair
    second = create_outcome(harvest, actor=library, **PASTED)
    session.add(ImplementationGroup(slug="other-group", name="Anden gruppe"))
    session.flush()
    outsider = create_user("m@example.dk", role="member", groups=["other-group"])
    with pytest.raises(PermissionDenied):
        duplicates.mark_not_duplicate(session, first, second, by=outsider)


def test_merge_folds_every_part_and_withdraws_the_other_with_history(
    session, pair, create_outcome, create_actor, create_tie
):
    harvest, library, keep = pair
    helper = create_actor(name="Frivilligcentret")
    other = create_outcome(
        harvest, actor=library, contributor_ids=[helper.id], sources="Referat fra mødet", **PASTED
    )
    later = create_outcome(harvest, actor=helper, title="Frivilligcentret flytter ind")
    outcomes.link_outcomes(session, other, later, by=None)
    tie = create_tie(library, helper, kind="hosting")
    outcomes.add_tie_evidence(session, other, tie, by=None)
    duplicates.merge_outcomes(
        session, keep, other, keep_version=keep.version, other_version=other.version, by=None
    )
    assert outcomes.contributor_ids(session, keep) == [helper.id]
    assert "Referat fra mødet" in keep.sources
    assert session.get(TieEvidence, (tie.id, keep.id)) is not None
    assert session.scalars(
        select(OutcomeLink).where(
            OutcomeLink.source_id == keep.id, OutcomeLink.target_id == later.id
        )
    ).first()
    assert other.status == "withdrawn"
    assert duplicates.merged_into(session, other) == keep.id
    entries = session.scalars(
        select(ChangeRecord).where(
            ChangeRecord.entity == "outcome", ChangeRecord.entity_id == str(other.id)
        )
    ).all()
    assert entries[-1].after["status"] == "withdrawn"
    assert entries[-1].before["status"] == "draft"


def test_a_stale_merge_is_refused(session, pair, create_outcome):
    harvest, library, keep = pair
    other = create_outcome(harvest, actor=library, **PASTED)
    read = other.version
    outcomes.update_outcome(
        session,
        other,
        {"changed_actor_id": library.id, **PASTED, "where": "Helsingør"},
        read,
        by=None,
    )
    with pytest.raises(StaleVersion):
        duplicates.merge_outcomes(
            session, keep, other, keep_version=keep.version, other_version=read, by=None
        )


def test_import_rows_name_their_possible_duplicates(session, pair, create_actor):
    harvest, library, first = pair
    rows = [
        {"changed_actor_id": library.id, **PASTED},
        {"changed_actor_id": create_actor(name="Caféen").id, **SAME},
        {"changed_actor_id": None, **SAME},
        {"changed_actor_id": library.id, "outcome_id": first.id, **SAME},
    ]
    found = duplicates.possible_duplicates_of_rows(session, harvest, rows, viewer=None, system=True)
    assert list(found) == [0]
    assert found[0][0].id == first.id
