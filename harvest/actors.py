"""Municipalities and actors: lookup, creation and editing.

Must not import `app` or Flask.
"""

import re
import unicodedata
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action, Target
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.history import act_as
from harvest.models import Actor, Municipality, User, utcnow
from harvest.records import editing
from harvest.schemas import ActorCreate, ActorUpdate, MunicipalityCreate, validate
from harvest.ties import reclassify_ties_of

# What a social worker needs to send a citizen to an actor: the form, demo files and history.
PRACTICAL_FIELDS = (
    "opening_hours",
    "contact_person",
    "first_visit",
    "first_visit_facts",
    "cost",
    "free_of_charge",
    "last_checked",
)
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slugify(text: str, max_length: int = 80) -> str:
    """Return a lowercase ASCII slug for `text` (æ, ø, å spelt out)."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_DANISH)).encode("ascii", "ignore").decode()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "aktoer"


# --- municipalities ---------------------------------------------------------


def list_municipalities(session: Session) -> list[Municipality]:
    """Return every municipality, by name."""
    return list(session.scalars(select(Municipality).order_by(col(Municipality.name))))


def municipality_by_slug(session: Session, slug: str) -> Municipality:
    """Return the municipality with `slug` or raise `NotFound`."""
    found = session.scalars(select(Municipality).where(col(Municipality.slug) == slug)).first()
    if found is None:
        raise NotFound(N_("No municipality called '%(slug)s'."), slug=slug)
    return found


def create_municipality(session: Session, data: dict[str, Any], *, by: User | None) -> Municipality:
    """Validate and add a municipality."""
    access.require(session, by, Action.ADMINISTER)
    values = validate(MunicipalityCreate, data)
    act_as(session, by)
    if session.scalars(select(Municipality).where(col(Municipality.slug) == values.slug)).first():
        raise ValidationFailed({"slug": (N_("That short name is already taken."), {})})
    municipality = Municipality(**values.model_dump())
    session.add(municipality)
    session.flush()
    return municipality


# --- actors -----------------------------------------------------------------


def get_actor(session: Session, actor_id: int) -> Actor:
    """Return the actor with `actor_id` or raise `NotFound`."""
    actor = session.get(Actor, actor_id)
    if actor is None:
        raise NotFound(N_("No actor with id %(id)s."), id=actor_id)
    return actor


def actor_by_slug(session: Session, slug: str) -> Actor:
    """Return the actor with `slug` or raise `NotFound`."""
    actor = session.scalars(select(Actor).where(col(Actor.slug) == slug)).first()
    if actor is None:
        raise NotFound(N_("No actor called '%(slug)s'."), slug=slug)
    return actor


def actor_by_name(session: Session, name: str) -> Actor | None:
    """Return the actor whose name matches `name`, ignoring case and surrounding space.

    The exact name is tried first: SQLite's `lower` folds only ASCII, so `Æ` and `æ` differ
    there, yet the name as Brobyg wrote it is always found."""
    text = name.strip()
    exact = session.scalars(select(Actor).where(col(Actor.name) == text)).first()
    if exact is not None:
        return exact
    query = select(Actor).where(func.lower(Actor.name) == text.lower())
    return session.scalars(query).first()


def municipality_id_of(session: Session, slug: str | None) -> int | None:
    """Return the id of the municipality `slug` (None for None); unknown ones are invalid."""
    return _municipality_id(session, slug)


def _municipality_id(session: Session, slug: str | None) -> int | None:
    if slug is None:
        return None
    found = session.scalars(select(Municipality).where(col(Municipality.slug) == slug)).first()
    if found is None:
        raise ValidationFailed(
            {"municipality": (N_("No municipality called '%(slug)s'."), {"slug": slug})}
        )
    return found.id


def _free_slug(session: Session, base: str) -> str:
    slug, n = base, 2
    while session.scalars(select(Actor.id).where(col(Actor.slug) == slug)).first() is not None:
        slug, n = f"{base[:75]}-{n}", n + 1
    return slug


def create_actor(session: Session, data: dict[str, Any] | ActorCreate, *, by: User | None) -> Actor:
    """Validate and add an actor; its slug is made from its name unless given."""
    values = data if isinstance(data, ActorCreate) else validate(ActorCreate, data)
    municipality_id = _municipality_id(session, values.municipality)
    access.require(
        session,
        by,
        Action.WRITE_ACTOR,
        Target(municipalities=access.municipalities(municipality_id)),
    )
    act_as(session, by)
    if actor_by_name(session, values.name) is not None:
        raise ValidationFailed({"name": (N_("An actor with this name already exists."), {})})
    if (
        values.slug
        and session.scalars(select(Actor.id).where(col(Actor.slug) == values.slug)).first()
    ):
        raise ValidationFailed({"slug": (N_("That short name is already taken."), {})})
    fields = values.model_dump(exclude={"municipality", "slug"})
    actor = Actor(
        **fields,
        slug=values.slug or _free_slug(session, slugify(values.name)),
        municipality_id=municipality_id,
    )
    session.add(actor)
    session.flush()
    return actor


def actor_target(actor: Actor) -> Target:
    """Return the actor as the access policy sees it: the municipality it is in."""
    return Target(municipalities=access.municipalities(actor.municipality_id))


def update_actor(
    session: Session, actor: Actor, data: dict[str, Any] | ActorUpdate, *, by: User | None
) -> Actor:
    """Validate and apply an edit made against `data['version']`; stale edits raise."""
    access.require(session, by, Action.WRITE_ACTOR, actor_target(actor))
    values = data if isinstance(data, ActorUpdate) else validate(ActorUpdate, data)
    submitted = values.model_dump(mode="json")
    with editing(session, actor, values.version, by=by, submitted=submitted):
        municipality_id = _municipality_id(session, values.municipality)
        moved = Target(municipalities=access.municipalities(municipality_id))
        access.require(session, by, Action.WRITE_ACTOR, moved)
        other = actor_by_name(session, values.name)
        if other is not None and other.id != actor.id:
            raise ValidationFailed({"name": (N_("An actor with this name already exists."), {})})
        before = (actor.sector, actor.tier)
        for key, value in values.model_dump(exclude={"version", "municipality"}).items():
            if getattr(actor, key) != value:
                setattr(actor, key, value)
        if actor.municipality_id != municipality_id:
            actor.municipality_id = municipality_id
        if session.is_modified(actor):
            actor.updated_at = utcnow()
        session.flush()
        if (actor.sector, actor.tier) != before:
            reclassify_ties_of(session, actor)
    return actor


def actor_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Return the names of the actors with `ids`."""
    if not ids:
        return {}
    query = select(Actor.id, Actor.name).where(col(Actor.id).in_(ids))
    return {actor_id: name for actor_id, name in session.execute(query)}


def update_municipality(
    session: Session,
    municipality: Municipality,
    data: dict[str, Any],
    version: int,
    *,
    by: User | None,
) -> Municipality:
    """Validate and apply an edit of a municipality's name and region made against `version`."""
    access.require(session, by, Action.ADMINISTER)
    values = validate(MunicipalityCreate, {**data, "slug": municipality.slug})
    submitted = values.model_dump(mode="json")
    with editing(session, municipality, version, by=by, submitted=submitted):
        for key in ("name", "region"):
            if getattr(municipality, key) != getattr(values, key):
                setattr(municipality, key, getattr(values, key))
    return municipality
