"""Implementation groups: creating and editing them.

Must not import `app` or Flask.
"""

from typing import Any

from sqlmodel import Session, col, select

from harvest import access, accounts, actors
from harvest.access import Action
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.history import act_as
from harvest.models import ImplementationGroup, User
from harvest.records import editing
from harvest.schemas import GroupCreate


def _group_fields(session: Session, values: GroupCreate) -> dict[str, Any]:
    municipality_id = actors.municipality_id_of(session, values.municipality)
    actor_id = None
    if values.actor:
        try:
            actor_id = actors.actor_by_slug(session, values.actor).id
        except NotFound as missing:
            raise ValidationFailed({"actor": (missing.message, missing.params)}) from None
    return {
        "name": values.name,
        "municipality_id": municipality_id,
        "actor_id": actor_id,
        "description": values.description,
    }


def create_group(session: Session, data: dict[str, Any], *, by: User | None) -> ImplementationGroup:
    """Validate and add an implementation group."""
    access.require(session, by, Action.ADMINISTER)
    values = accounts.validate_group(data)
    act_as(session, by)
    taken = select(ImplementationGroup.id).where(col(ImplementationGroup.slug) == values.slug)
    if session.scalars(taken).first() is not None:
        raise ValidationFailed({"slug": (N_("That short name is already taken."), {})})
    group = ImplementationGroup(slug=values.slug, **_group_fields(session, values))
    session.add(group)
    session.flush()
    return group


def update_group(
    session: Session,
    group: ImplementationGroup,
    data: dict[str, Any],
    version: int,
    *,
    by: User | None,
) -> ImplementationGroup:
    """Validate and apply an edit of an implementation group made against `version`."""
    access.require(session, by, Action.ADMINISTER)
    values = accounts.validate_group({**data, "slug": group.slug})
    submitted = values.model_dump(mode="json")
    with editing(session, group, version, by=by, submitted=submitted):
        for key, value in _group_fields(session, values).items():
            if getattr(group, key) != value:
                setattr(group, key, value)
    return group
