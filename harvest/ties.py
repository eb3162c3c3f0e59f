"""Ties between actors and the rule that gives each its form of social capital.

The rule (DESIGN.md): linking when exactly one end is an authority (tier 3);
bonding when both ends share sector and tier; bridging otherwise. It lives in
`derive_tie_form` only; a tie may override it with a reason.
Must not import `app` or Flask.
"""

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action, Target
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.history import act_as
from harvest.models import Actor, Tie, TieForm, Tier, User, utcnow
from harvest.records import editing
from harvest.schemas import TieCreate, TieUpdate, validate


def valid_on(day: date) -> ColumnElement[bool]:
    """Return the SQL condition that a tie exists on `day` (an open start or end is unbounded)."""
    return and_(
        or_(col(Tie.start).is_(None), col(Tie.start) <= day),
        or_(col(Tie.end).is_(None), col(Tie.end) >= day),
    )


def derive_tie_form(a: Actor, b: Actor) -> TieForm:
    """Return the social-capital form a tie between `a` and `b` carries by the rule."""
    authorities = (a.tier == Tier.AUTHORITIES) + (b.tier == Tier.AUTHORITIES)
    if authorities == 1:
        return TieForm.LINKING
    if a.sector == b.sector and a.tier == b.tier:
        return TieForm.BONDING
    return TieForm.BRIDGING


def _apply_form(tie: Tie, source: Actor, target: Actor) -> None:
    tie.derived_form = derive_tie_form(source, target).value
    tie.form = tie.form_override or tie.derived_form


def get_tie(session: Session, tie_id: int) -> Tie:
    """Return the tie with `tie_id` or raise `NotFound`."""
    tie = session.get(Tie, tie_id)
    if tie is None:
        raise NotFound(N_("No tie with id %(id)s."), id=tie_id)
    return tie


def _actor(session: Session, actor_id: int, field: str) -> Actor:
    actor = session.get(Actor, actor_id)
    if actor is None:
        raise ValidationFailed({field: (N_("No actor with id %(id)s."), {"id": actor_id})})
    return actor


def find_tie(session: Session, source_id: int, target_id: int, kind: str) -> Tie | None:
    """Return the tie with these ends and kind, if any."""
    query = select(Tie).where(
        col(Tie.source_id) == source_id, col(Tie.target_id) == target_id, col(Tie.kind) == kind
    )
    return session.scalars(query).first()


def create_tie(session: Session, data: dict[str, Any] | TieCreate, *, by: User | None) -> Tie:
    """Validate and add a tie; its form is derived from its two actors."""
    values = data if isinstance(data, TieCreate) else validate(TieCreate, data)
    act_as(session, by)
    source = _actor(session, values.source_id, "source_id")
    target = _actor(session, values.target_id, "target_id")
    access.require(session, by, Action.WRITE_ACTOR, tie_target(source, target))
    if find_tie(session, source.id or 0, target.id or 0, values.kind) is not None:
        raise ValidationFailed(
            {"kind": (N_("These two actors already have a tie of this kind."), {})}
        )
    tie = Tie(**values.model_dump(exclude={"form_override"}), form="", derived_form="")
    tie.form_override = values.form_override.value if values.form_override else None
    _apply_form(tie, source, target)
    session.add(tie)
    session.flush()
    return tie


def tie_target(source: Actor, target: Actor) -> Target:
    """A tie as the access policy sees it: in the municipalities of both its ends."""
    return Target(
        municipalities=access.municipalities(source.municipality_id, target.municipality_id)
    )


def update_tie(
    session: Session, tie: Tie, data: dict[str, Any] | TieUpdate, *, by: User | None
) -> Tie:
    """Validate and apply an edit made against `data['version']`; stale edits raise."""
    source = _actor(session, tie.source_id, "source_id")
    target = _actor(session, tie.target_id, "target_id")
    access.require(session, by, Action.WRITE_ACTOR, tie_target(source, target))
    values = data if isinstance(data, TieUpdate) else validate(TieUpdate, data)
    submitted = values.model_dump(mode="json")
    with editing(session, tie, values.version, by=by, submitted=submitted):
        changes = values.model_dump(exclude={"version", "form_override"})
        changes["form_override"] = values.form_override.value if values.form_override else None
        if not changes["form_override"]:
            changes["override_reason"] = ""
        for key, value in changes.items():
            if getattr(tie, key) != value:
                setattr(tie, key, value)
        _apply_form(tie, source, target)
        if session.is_modified(tie):
            tie.updated_at = utcnow()
    return tie


def reclassify_ties_of(session: Session, actor: Actor) -> int:
    """Re-derive the form of every tie of `actor` (after its sector or tier changed)."""
    ties = session.scalars(
        select(Tie).where(or_(col(Tie.source_id) == actor.id, col(Tie.target_id) == actor.id))
    ).all()
    changed = 0
    for tie in ties:
        before = tie.form
        _apply_form(
            tie, session.get_one(Actor, tie.source_id), session.get_one(Actor, tie.target_id)
        )
        changed += tie.form != before
    session.flush()
    return changed
