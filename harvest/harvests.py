"""Harvests: their design (users and uses, useable questions, period, step).

Must not import `app` or Flask.
"""

from typing import Any

from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action
from harvest.accounts import group_by_slug
from harvest.actors import municipality_by_slug
from harvest.coding import ensure_default_scheme
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.models import Harvest, HarvestQuestion, User, utcnow
from harvest.records import creating, editing, parts_of
from harvest.schemas import HarvestCreate, validate


def harvest_by_slug(session: Session, slug: str) -> Harvest:
    """Return the harvest with `slug` or raise `NotFound`."""
    harvest = session.scalars(select(Harvest).where(col(Harvest.slug) == slug)).first()
    if harvest is None:
        raise NotFound(N_("No harvest called '%(slug)s'."), slug=slug)
    return harvest


def list_harvests(session: Session) -> list[Harvest]:
    """Return every harvest, newest period first."""
    query = select(Harvest).order_by(col(Harvest.period_start).desc(), col(Harvest.title))
    return list(session.scalars(query))


def questions_of(session: Session, harvest: Harvest) -> list[HarvestQuestion]:
    """Return a harvest's useable questions in order."""
    query = (
        select(HarvestQuestion)
        .where(col(HarvestQuestion.harvest_id) == harvest.id)
        .order_by(col(HarvestQuestion.position))
    )
    return list(session.scalars(query))


def _resolve(session: Session, values: HarvestCreate) -> dict[str, Any]:
    group = group_by_slug(session, values.group) if values.group else None
    municipality_id = group.municipality_id if group else None
    if values.municipality:
        municipality_id = municipality_by_slug(session, values.municipality).id
    return {
        "title": values.title,
        "group_id": group.id if group else None,
        "municipality_id": municipality_id,
        "period_start": values.period_start,
        "period_end": values.period_end,
        "users_and_uses": values.users_and_uses,
        "step": values.step.value,
    }


@parts_of("harvest")
def harvest_parts(session: Session, harvest: Harvest) -> dict[str, Any]:
    """Return the parts of a harvest that are versioned with it: its questions in order."""
    return {"questions": [q.text for q in questions_of(session, harvest)]}


def create_harvest(
    session: Session, data: dict[str, Any] | HarvestCreate, *, by: User | None
) -> Harvest:
    """Validate and add a harvest with its questions, coded with the default scheme."""
    access.require(session, by, Action.DESIGN_HARVEST)
    values = data if isinstance(data, HarvestCreate) else validate(HarvestCreate, data)
    if session.scalars(select(Harvest.id).where(col(Harvest.slug) == values.slug)).first():
        raise ValidationFailed({"slug": (N_("That short name is already taken."), {})})
    scheme = ensure_default_scheme(session)
    harvest = Harvest(slug=values.slug, coding_scheme_id=scheme.id, **_resolve(session, values))
    with creating(session, harvest, by=by):
        set_questions(session, harvest, values.questions)
    return harvest


def sync_harvest(
    session: Session, harvest: Harvest, values: HarvestCreate, *, by: User | None
) -> bool:
    """Make `harvest` match `values` as one edit; return whether anything changed."""
    with editing(session, harvest, None, by=by):
        for key, value in _resolve(session, values).items():
            if getattr(harvest, key) != value:
                setattr(harvest, key, value)
        changed = session.is_modified(harvest)
        if changed:
            harvest.updated_at = utcnow()
        session.flush()
        return set_questions(session, harvest, values.questions) or changed


def set_questions(session: Session, harvest: Harvest, texts: list[str]) -> bool:
    """Make the harvest's questions exactly `texts`, in order; return whether any changed."""
    current = {q.position: q for q in questions_of(session, harvest)}
    changed = False
    for position, text in enumerate(texts, start=1):
        question = current.pop(position, None)
        if question is None:
            session.add(HarvestQuestion(harvest_id=harvest.id or 0, position=position, text=text))
            changed = True
        elif question.text != text:
            question.text = text
            changed = True
    for question in current.values():
        session.delete(question)
        changed = True
    session.flush()
    return changed


def get_harvest(session: Session, harvest_id: int) -> Harvest:
    """Return the harvest with `harvest_id` or raise `NotFound`."""
    harvest = session.get(Harvest, harvest_id)
    if harvest is None:
        raise NotFound(N_("No harvest with id %(id)s."), id=harvest_id)
    return harvest


def update_harvest(
    session: Session, harvest: Harvest, data: dict[str, Any], version: int, *, by: User | None
) -> Harvest:
    """Validate and apply an edit of a harvest and its questions made against `version`."""
    access.require(session, by, Action.DESIGN_HARVEST)
    values = validate(HarvestCreate, {**data, "slug": harvest.slug})
    submitted = values.model_dump(mode="json")
    with editing(session, harvest, version, by=by, submitted=submitted):
        try:
            sync_harvest(session, harvest, values, by=by)
        except NotFound as missing:
            field = "group" if "group" in missing.message else "municipality"
            raise ValidationFailed({field: (missing.message, missing.params)}) from None
    return harvest
