"""Records as the API shows them: field names follow DESIGN.md's spreadsheet, relations are ids
or slugs. Reads through the services; holds no SQL."""

from datetime import date
from typing import Any

from sqlmodel import Session

from harvest import coding, harvests, listing, outcomes
from harvest.models import (
    Actor,
    Harvest,
    ImplementationGroup,
    Municipality,
    Outcome,
    Tie,
)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def municipality(_session: Session, record: Municipality) -> dict[str, Any]:
    """Show a municipality."""
    return {
        "id": record.id,
        "version": record.version,
        "slug": record.slug,
        "name": record.name,
        "region": record.region,
    }


def group(session: Session, record: ImplementationGroup) -> dict[str, Any]:
    """Show an implementation group."""
    return {
        "id": record.id,
        "version": record.version,
        "slug": record.slug,
        "name": record.name,
        "municipality": listing.slug_of(session, Municipality, record.municipality_id),
        "actor": listing.slug_of(session, Actor, record.actor_id),
        "description": record.description,
    }


def harvest(session: Session, record: Harvest) -> dict[str, Any]:
    """Show a harvest with its useable questions."""
    return {
        "id": record.id,
        "version": record.version,
        "slug": record.slug,
        "title": record.title,
        "group": listing.slug_of(session, ImplementationGroup, record.group_id),
        "municipality": listing.slug_of(session, Municipality, record.municipality_id),
        "period_start": _iso(record.period_start),
        "period_end": _iso(record.period_end),
        "users_and_uses": record.users_and_uses,
        "step": record.step,
        "questions": [q.text for q in harvests.questions_of(session, record)],
    }


def actor(session: Session, record: Actor) -> dict[str, Any]:
    """Show an actor with its public contact details."""
    return {
        "id": record.id,
        "version": record.version,
        "slug": record.slug,
        "name": record.name,
        "kind": record.kind,
        "sector": record.sector,
        "tier": record.tier,
        "municipality": listing.slug_of(session, Municipality, record.municipality_id),
        "tags": list(record.tags),
        "target_groups": list(record.target_groups),
        "accessibility": list(record.accessibility),
        "address": record.address,
        "website": record.website,
        "email": record.email,
        "phone": record.phone,
        "profile": record.profile,
    }


def tie(_session: Session, record: Tie) -> dict[str, Any]:
    """Show a tie with its derived and overridden form."""
    return {
        "id": record.id,
        "version": record.version,
        "source_id": record.source_id,
        "target_id": record.target_id,
        "kind": record.kind,
        "form": record.form,
        "derived_form": record.derived_form,
        "form_override": record.form_override,
        "override_reason": record.override_reason,
        "start": _iso(record.start),
        "end": _iso(record.end),
        "strength": record.strength,
        "note": record.note,
    }


def outcome(session: Session, record: Outcome) -> dict[str, Any]:
    """Show an outcome as a row of the outcome spreadsheet, with its codes."""
    return {
        "id": record.id,
        "version": record.version,
        "harvest": listing.slug_of(session, Harvest, record.harvest_id),
        "title": record.title,
        "changed_actor_id": record.changed_actor_id,
        "change": record.change,
        "when": _iso(record.when_start),
        "when_end": _iso(record.when_end),
        "where": record.where,
        "significance": record.significance,
        "contribution": record.contribution,
        "contributor_ids": outcomes.contributor_ids(session, record),
        "sources": record.sources,
        "evidence": record.evidence,
        "status": record.status,
        "codes": coding.codes_for_outcome(session, record.id or 0),
        "harvest_question": listing.question_of(session, record.id or 0),
    }


SERIALIZERS: dict[type, Any] = {
    Municipality: municipality,
    ImplementationGroup: group,
    Harvest: harvest,
    Actor: actor,
    Tie: tie,
    Outcome: outcome,
}


def serialize_any(session: Session, record: Any) -> dict[str, Any]:
    """Show any record the API knows."""
    shown: dict[str, Any] = SERIALIZERS[type(record)](session, record)
    return shown
