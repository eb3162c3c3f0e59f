"""Harvests: their design (users and uses, useable questions, period, step).

Must not import `app` or Flask.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action
from harvest.accounts import group_by_slug
from harvest.actors import municipality_by_slug
from harvest.coding import ensure_default_scheme
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.models import CodingScheme, Harvest, HarvestQuestion, User, utcnow
from harvest.records import creating, editing, parts_of
from harvest.schemas import HarvestCreate, QuestionText, validate

RESERVED_SLUGS = frozenset({"new"})  # /harvests/new is the page that makes one


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


def questions_of(
    session: Session, harvest: Harvest, *, retired: bool = False
) -> list[HarvestQuestion]:
    """Return a harvest's useable questions in order; with `retired`, the retired ones after."""
    query = select(HarvestQuestion).where(col(HarvestQuestion.harvest_id) == harvest.id)
    if not retired:
        query = query.where(col(HarvestQuestion.retired).is_(False))
    return list(session.scalars(query.order_by(col(HarvestQuestion.position))))


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
    every = questions_of(session, harvest, retired=True)
    return {
        "questions": [q.text for q in every if not q.retired],
        "retired_questions": [q.text for q in every if q.retired],
    }


def create_harvest(
    session: Session,
    data: dict[str, Any] | HarvestCreate,
    *,
    by: User | None,
    scheme: CodingScheme | None = None,
) -> Harvest:
    """Validate and add a harvest with its questions, coded with `scheme` (else the default)."""
    access.require(session, by, Action.DESIGN_HARVEST)
    values = data if isinstance(data, HarvestCreate) else validate(HarvestCreate, data)
    taken = session.scalars(select(Harvest.id).where(col(Harvest.slug) == values.slug)).first()
    if taken or values.slug in RESERVED_SLUGS:
        raise ValidationFailed({"slug": (N_("That short name is already taken."), {})})
    scheme = scheme or ensure_default_scheme(session)
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


@dataclass
class QuestionDraft:
    """One question as an edit leaves it: `id` None for a new one."""

    text: str
    id: int | None = None
    retired: bool = False


def _arrange(session: Session, harvest: Harvest, drafts: list[QuestionDraft]) -> bool:
    """Make the harvest's questions `drafts`, in order; return whether any changed.

    Questions keep their id (and so the outcomes that answer them) whatever their new
    place or text; one left out is retired, never deleted. The questions in use come
    first, the retired ones after, so a question's number is its position."""
    existing = {q.id: q for q in questions_of(session, harvest, retired=True)}
    kept = [d for d in drafts if d.id is not None]
    if any(d.id not in existing for d in kept):
        raise ValidationFailed(
            {"questions": (N_("That question is not part of this harvest."), {})}
        )
    listed = {d.id for d in kept}
    drafts = drafts + [
        QuestionDraft(q.text, q.id, True) for q in existing.values() if q.id not in listed
    ]
    ordered = [d for d in drafts if not d.retired] + [d for d in drafts if d.retired]
    changed = False
    places = {d.id: n for n, d in enumerate(ordered, start=1) if d.id is not None}
    for draft in ordered:
        question = existing.get(draft.id)
        if question is not None and (question.text, question.retired) != (
            draft.text,
            draft.retired,
        ):
            question.text, question.retired = draft.text, draft.retired
            changed = True
    if any(existing[i].position != n for i, n in places.items()):
        # Two steps, so no two questions ever share a place (a unique constraint).
        for question_id, n in places.items():
            existing[question_id].position = -n
        session.flush()
        for question_id, n in places.items():
            existing[question_id].position = n
        changed = True
    for n, draft in enumerate(ordered, start=1):
        if draft.id is None:
            question = HarvestQuestion(
                harvest_id=harvest.id or 0, position=n, text=draft.text, retired=draft.retired
            )
            session.add(question)
            changed = True
    session.flush()
    return changed


def set_questions(session: Session, harvest: Harvest, texts: list[str]) -> bool:
    """Make the harvest's questions in use exactly `texts`, in order; return whether any changed.

    A text already asked (or retired) keeps its question and so its answers; the other
    texts reword the remaining questions in order; questions left over are retired."""
    every = questions_of(session, harvest, retired=True)
    by_text = {q.text: q for q in reversed(every)}
    matched: dict[int, HarvestQuestion] = {}
    for n, text in enumerate(texts):
        question = by_text.pop(text, None)
        if question is not None and question not in matched.values():
            matched[n] = question
    spare = [q for q in every if q not in matched.values() and not q.retired]
    drafts = []
    for n, text in enumerate(texts):
        question = matched.get(n) or (spare.pop(0) if spare else None)
        drafts.append(QuestionDraft(text, question.id if question else None))
    return _arrange(session, harvest, drafts)


class QuestionMove(StrEnum):
    """What the design page does to one useable question."""

    UP = "up"
    DOWN = "down"
    RETIRE = "retire"
    RESTORE = "restore"


def _question_text(text: str) -> str:
    try:
        return validate(QuestionText, {"text": text}).text
    except ValidationFailed as error:
        raise ValidationFailed({"question": error.errors["text"]}) from None


def add_question(
    session: Session, harvest: Harvest, text: str, version: int, *, by: User | None
) -> HarvestQuestion:
    """Add a useable question at the end of those in use, as an edit made against `version`."""
    access.require(session, by, Action.DESIGN_HARVEST)
    text = _question_text(text)
    with editing(session, harvest, version, by=by):
        drafts = [
            QuestionDraft(q.text, q.id, q.retired)
            for q in questions_of(session, harvest, retired=True)
        ]
        _arrange(session, harvest, [*drafts, QuestionDraft(text)])
    return [q for q in questions_of(session, harvest) if q.text == text][-1]


def change_question(
    session: Session,
    harvest: Harvest,
    question_id: int,
    version: int,
    *,
    by: User | None,
    text: str | None = None,
    move: QuestionMove | None = None,
) -> HarvestQuestion:
    """Reword, move, retire or restore one useable question, as an edit made against `version`.

    Its outcomes stay with it: the question keeps its identity wherever it goes."""
    access.require(session, by, Action.DESIGN_HARVEST)
    new_text = _question_text(text) if text is not None else None
    with editing(session, harvest, version, by=by):
        drafts = [
            QuestionDraft(q.text, q.id, q.retired)
            for q in questions_of(session, harvest, retired=True)
        ]
        found = [n for n, d in enumerate(drafts) if d.id == question_id]
        if not found:
            raise NotFound(N_("That question is not part of this harvest."))
        n = found[0]
        draft = drafts[n]
        if new_text is not None:
            draft.text = new_text
        if move in (QuestionMove.UP, QuestionMove.DOWN) and not draft.retired:
            other = n - 1 if move == QuestionMove.UP else n + 1
            if 0 <= other < len(drafts) and not drafts[other].retired:
                drafts[n], drafts[other] = drafts[other], drafts[n]
        elif move == QuestionMove.RETIRE:
            draft.retired = True
        elif move == QuestionMove.RESTORE and draft.retired:
            draft.retired = False
            drafts.remove(draft)
            in_use = sum(1 for d in drafts if not d.retired)
            drafts.insert(in_use, draft)
        _arrange(session, harvest, drafts)
    question = session.get(HarvestQuestion, question_id)
    assert question is not None
    return question


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
