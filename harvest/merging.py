"""Merging two actors that are the same: every tie, outcome and link moves to the one kept.

Ties are re-pointed; where that would collide with a tie the kept actor already has
(same ends and kind), the two become one: the stronger strength, the earlier start,
the later end, both notes, and the evidence of both. A tie between the two actors
themselves cannot survive (a tie needs two actors) and is removed. The merge itself
is written to the change history beside the automatic records of each change.
Must not import `app` or Flask.
"""

from dataclasses import dataclass

from sqlalchemy import insert, or_, select
from sqlmodel import Session, col

from harvest import access
from harvest.access import Action
from harvest.errors import N_, ValidationFailed
from harvest.history import USER_KEY, act_as, snapshot
from harvest.models import (
    Actor,
    ActorAlias,
    ChangeAction,
    ChangeRecord,
    ImplementationGroup,
    InformationNeed,
    Outcome,
    OutcomeContributor,
    Tie,
    TieEvidence,
    User,
    utcnow,
)
from harvest.records import editing
from harvest.ties import find_tie, reclassify_ties_of

MERGE_ENTITY = "actor_merge"


@dataclass(frozen=True)
class MergeReport:
    """What a merge moved."""

    kept_id: int
    ties_moved: int
    ties_combined: int
    ties_removed: int
    outcomes_moved: int
    contributions_moved: int


def _union(first: list[str], second: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in [*first, *second]:
        seen.setdefault(item, None)
    return list(seen)


def _absorb_fields(keep: Actor, duplicate: Actor) -> None:
    keep.tags = _union(keep.tags, duplicate.tags)
    keep.target_groups = _union(keep.target_groups, duplicate.target_groups)
    keep.accessibility = _union(keep.accessibility, duplicate.accessibility)
    for name in ("address", "website", "email", "phone", "profile"):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
    if keep.municipality_id is None:
        keep.municipality_id = duplicate.municipality_id


def _move_evidence(session: Session, from_tie: Tie, to_tie: Tie) -> None:
    rows = session.scalars(select(TieEvidence).where(col(TieEvidence.tie_id) == from_tie.id)).all()
    for row in rows:
        outcome_id = row.outcome_id
        session.delete(row)
        session.flush()
        if session.get(TieEvidence, (to_tie.id, outcome_id)) is None:
            session.add(TieEvidence(tie_id=to_tie.id or 0, outcome_id=outcome_id))
    session.flush()


def _combine(session: Session, survivor: Tie, other: Tie) -> None:
    survivor.strength = max(survivor.strength, other.strength)
    starts = [d for d in (survivor.start, other.start) if d is not None]
    survivor.start = min(starts) if starts else None
    if survivor.end is None or other.end is None:
        survivor.end = None
    else:
        survivor.end = max(survivor.end, other.end)
    if other.note and other.note not in survivor.note:
        survivor.note = "; ".join(n for n in (survivor.note, other.note) if n)[:500]
    if survivor.form_override is None and other.form_override:
        survivor.form_override, survivor.override_reason = (
            other.form_override,
            other.override_reason,
        )
    survivor.updated_at = utcnow()
    _move_evidence(session, other, survivor)
    session.delete(other)
    session.flush()


def _move_ties(session: Session, duplicate: Actor, keep: Actor) -> tuple[int, int, int]:
    moved = combined = removed = 0
    ties = session.scalars(
        select(Tie)
        .where(or_(col(Tie.source_id) == duplicate.id, col(Tie.target_id) == duplicate.id))
        .order_by(col(Tie.id))
    ).all()
    for tie in ties:
        source = keep.id if tie.source_id == duplicate.id else tie.source_id
        target = keep.id if tie.target_id == duplicate.id else tie.target_id
        if source == target:
            session.execute(
                TieEvidence.__table__.delete().where(  # type: ignore[attr-defined]
                    TieEvidence.__table__.c.tie_id == tie.id  # type: ignore[attr-defined]
                )
            )
            session.delete(tie)
            session.flush()
            removed += 1
            continue
        existing = find_tie(session, source or 0, target or 0, tie.kind)
        if existing is not None:
            _combine(session, existing, tie)
            combined += 1
            continue
        tie.source_id, tie.target_id = source or 0, target or 0
        tie.updated_at = utcnow()
        session.flush()
        moved += 1
    return moved, combined, removed


def _move_outcomes(
    session: Session, duplicate: Actor, keep: Actor, by: User | None
) -> tuple[int, int]:
    """Point every outcome naming `duplicate` at `keep`, each as an edit of that outcome."""
    named = select(col(OutcomeContributor.outcome_id)).where(
        col(OutcomeContributor.actor_id) == duplicate.id
    )
    affected = session.scalars(
        select(Outcome)
        .where(or_(col(Outcome.changed_actor_id) == duplicate.id, col(Outcome.id).in_(named)))
        .order_by(col(Outcome.id))
    ).all()
    changed = contributions = 0
    for outcome in affected:
        with editing(session, outcome, None, by=by):
            if outcome.changed_actor_id == duplicate.id:
                outcome.changed_actor_id = keep.id
                outcome.updated_at = utcnow()
                changed += 1
            row = session.get(OutcomeContributor, (outcome.id, duplicate.id))
            if row is not None:
                session.delete(row)
                session.flush()
                contributions += 1
                if session.get(OutcomeContributor, (outcome.id, keep.id)) is None:
                    session.add(
                        OutcomeContributor(outcome_id=outcome.id or 0, actor_id=keep.id or 0)
                    )
    session.flush()
    return changed, contributions


def merge_actors(
    session: Session, duplicate: Actor, keep: Actor, *, by: User | None
) -> MergeReport:
    """Merge `duplicate` into `keep`: move its ties, outcomes and links, then remove it."""
    if duplicate.id == keep.id:
        raise ValidationFailed({"keep_id": (N_("An actor cannot be merged into itself."), {})})
    access.require(session, by, Action.MERGE_ACTORS)
    act_as(session, by)
    before = snapshot(duplicate)
    moved, combined, removed = _move_ties(session, duplicate, keep)
    changed, contributions = _move_outcomes(session, duplicate, keep, by)
    for group in session.scalars(
        select(ImplementationGroup).where(col(ImplementationGroup.actor_id) == duplicate.id)
    ):
        group.actor_id = keep.id
    for need in session.scalars(
        select(InformationNeed).where(col(InformationNeed.answer_actor_id) == duplicate.id)
    ):
        need.answer_actor_id = keep.id
    for alias in session.scalars(
        select(ActorAlias).where(col(ActorAlias.actor_id) == duplicate.id)
    ):
        alias.actor_id = keep.id or 0  # a name imports chose for the duplicate means `keep`
    _absorb_fields(keep, duplicate)
    keep.updated_at = utcnow()
    session.flush()
    report = MergeReport(keep.id or 0, moved, combined, removed, changed, contributions)
    session.delete(duplicate)
    session.flush()
    reclassify_ties_of(session, keep)
    session.execute(
        insert(ChangeRecord).values(
            entity=MERGE_ENTITY,
            entity_id=str(before["id"]),
            action=ChangeAction.DELETE.value,
            user_id=session.info.get(USER_KEY),
            at=utcnow(),
            before=before,
            after={"merged_into": keep.id, **report.__dict__},
        )
    )
    return report
