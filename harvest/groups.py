"""Implementation groups: creating and editing them, and the actors in them over time.

An actor's place in a group (`GroupActor`) says when it was invited, joined and left and
the part it plays; citizens take part only as anonymous citizen groups, never as named
persons. Must not import `app` or Flask.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, field_validator
from sqlmodel import Session, col, select

from harvest import access, accounts, actors
from harvest.access import Action, Target
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.history import act_as
from harvest.models import (
    Actor,
    ActorKind,
    GroupActor,
    ImplementationGroup,
    MemberRole,
    Municipality,
    Sector,
    User,
    utcnow,
)
from harvest.records import creating, editing
from harvest.schemas import Checked, GroupCreate, validate


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


# --- the actors in a group over time ------------------------------------------------


class GroupActorInput(Checked):
    """An actor's place in a group: the part it plays and when it was invited, joined, left."""

    actor_id: int = Field(ge=1, le=2**31 - 1)
    role: MemberRole = MemberRole.ASSOCIATION
    invited: date | None = None
    joined: date | None = None
    left: date | None = None
    note: str = Field(default="", max_length=500)

    @field_validator("invited", "joined", "left", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value


@dataclass(frozen=True)
class GroupEvent:
    """One step in a group's composition: an actor invited, joined or left on a day."""

    day: date
    step: str  # "invited", "joined", "left"
    place: GroupActor
    actor: Actor


def group_target(group: ImplementationGroup) -> Target:
    """A group as the access policy sees it when its composition is edited."""
    return Target(group_id=group.id)


def _checked_place(
    session: Session, group: ImplementationGroup, data: dict[str, Any], place_id: int | None
) -> GroupActorInput:
    values = validate(GroupActorInput, data)
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    actor = session.get(Actor, values.actor_id)
    if actor is None:
        errors["actor_id"] = (N_("No actor with id %(id)s."), {"id": values.actor_id})
    elif actor.id == group.actor_id:
        errors["actor_id"] = (N_("The group cannot be a member of itself."), {})
    elif values.role == MemberRole.CITIZEN_REPRESENTATIVE and not _anonymous_citizens(actor):
        errors["actor_id"] = (
            N_(
                "Citizens take part only as an anonymous citizen group: choose an actor of "
                "the kind 'anonymous citizen group'."
            ),
            {},
        )
    else:
        taken = select(col(GroupActor.id)).where(
            col(GroupActor.group_id) == group.id, col(GroupActor.actor_id) == actor.id
        )
        other = session.scalars(taken).first()
        if other is not None and other != place_id:
            errors["actor_id"] = (N_("This actor is already listed in the group."), {})
    if values.invited is None and values.joined is None:
        errors["invited"] = (N_("Give the day it was invited, the day it joined, or both."), {})
    if values.invited and values.joined and values.joined < values.invited:
        errors["joined"] = (N_("It cannot join before it was invited."), {})
    if values.left and values.left < (values.joined or values.invited or values.left):
        errors["left"] = (N_("It cannot leave before it joined."), {})
    if errors:
        raise ValidationFailed(errors)
    return values


def _anonymous_citizens(actor: Actor) -> bool:
    return actor.kind == ActorKind.CITIZEN_GROUP or actor.sector == Sector.CITIZENS


def _fields(values: GroupActorInput) -> dict[str, Any]:
    return {
        "actor_id": values.actor_id,
        "role": values.role.value,
        "invited": values.invited,
        "joined": values.joined,
        "left": values.left,
        "note": values.note,
    }


def add_group_actor(
    session: Session, group: ImplementationGroup, data: dict[str, Any], *, by: User | None
) -> GroupActor:
    """Validate and add an actor's place in `group` (invited, joined, left, its part)."""
    access.require(session, by, Action.WRITE_GROUP_ACTORS, group_target(group))
    values = _checked_place(session, group, data, None)
    place = GroupActor(group_id=group.id or 0, **_fields(values))
    with creating(session, place, by=by):
        pass
    return place


def update_group_actor(
    session: Session, place: GroupActor, data: dict[str, Any], version: int, *, by: User | None
) -> GroupActor:
    """Validate and apply an edit of an actor's place made against `version`; stale edits
    raise."""
    group = session.get(ImplementationGroup, place.group_id)
    if group is None:
        raise NotFound(N_("No implementation group with id %(id)s."), id=place.group_id)
    access.require(session, by, Action.WRITE_GROUP_ACTORS, group_target(group))
    submitted = {**data, "version": version}
    with editing(session, place, version, by=by, submitted=submitted):
        values = _checked_place(session, group, data, place.id)
        for key, value in _fields(values).items():
            if getattr(place, key) != value:
                setattr(place, key, value)
        if session.is_modified(place):
            place.updated_at = utcnow()
    return place


def get_group_actor(session: Session, group: ImplementationGroup, place_id: int) -> GroupActor:
    """Return the place `place_id` in `group` or raise `NotFound`."""
    place = session.get(GroupActor, place_id)
    if place is None or place.group_id != group.id:
        raise NotFound(N_("No member with id %(id)s in this group."), id=place_id)
    return place


def group_actors(session: Session, group: ImplementationGroup) -> list[tuple[GroupActor, Actor]]:
    """Return the actors of `group` with their places, first invited or joined first."""
    rows = session.execute(
        select(GroupActor, Actor)
        .join(Actor, col(Actor.id) == GroupActor.actor_id)
        .where(col(GroupActor.group_id) == group.id)
    ).all()
    found = [(place, actor) for place, actor in rows]
    found.sort(key=lambda pair: (pair[0].invited or pair[0].joined or date.max, pair[1].name))
    return found


def timeline(places: list[tuple[GroupActor, Actor]]) -> list[GroupEvent]:
    """Return every invitation, joining and leaving of the places, in the order they happened."""
    events = [
        GroupEvent(day, step, place, actor)
        for place, actor in places
        for step, day in (
            ("invited", place.invited),
            ("joined", place.joined),
            ("left", place.left),
        )
        if day is not None
    ]
    order = {"invited": 0, "joined": 1, "left": 2}
    return sorted(events, key=lambda e: (e.day, order[e.step], e.actor.name))


@dataclass(frozen=True)
class GroupPage:
    """What a group's page shows: the group, its municipality and own actor, its actors'
    places and the timeline of invitations, joinings and leavings."""

    group: ImplementationGroup
    municipality: Municipality | None
    actor: Actor | None
    places: list[tuple[GroupActor, Actor]]
    events: list[GroupEvent]


def group_page(session: Session, group: ImplementationGroup) -> GroupPage:
    """Gather what a group's page shows."""
    places = group_actors(session, group)
    return GroupPage(
        group,
        session.get(Municipality, group.municipality_id) if group.municipality_id else None,
        session.get(Actor, group.actor_id) if group.actor_id else None,
        places,
        timeline(places),
    )


def load_demo_group_actors(session: Session, path: Path) -> int:
    """Load the `actors` of each group in content/demo/groups.yaml (idempotent: an actor
    already in the group is skipped); return how many places were added."""
    if not path.is_file():
        return 0
    added = 0
    for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        group = accounts.group_by_slug(session, row["slug"])
        for item in row.get("actors") or []:
            data = dict(item)
            actor = actors.actor_by_slug(session, data.pop("actor"))
            exists = select(col(GroupActor.id)).where(
                col(GroupActor.group_id) == group.id, col(GroupActor.actor_id) == actor.id
            )
            if session.scalars(exists).first() is None:
                add_group_actor(session, group, {**data, "actor_id": actor.id}, by=None)
                added += 1
    return added
