"""Information needs on every side: what citizens, the municipality and civil society ask.

A need says who asks (`NeedAsker`) and about whom or what (an actor, a kind of actor, a
sector or a free-text subject). Owns recording, editing (version-checked), listing with
filters, the per-municipality view of who asks what of whom, and marking a need answered
by an actor, a knowledge page (its `key`) or a note; plus the demo needs in
content/demo/needs.yaml. Must not import `app` or Flask.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, field_validator
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlmodel import Session, col

from harvest import access, pages
from harvest.access import Action, Target
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.history import act_as
from harvest.listing import ListQuery
from harvest.models import (
    Actor,
    ActorKind,
    ImplementationGroup,
    InformationNeed,
    Municipality,
    NeedAsker,
    NeedFrequency,
    Sector,
    User,
    utcnow,
)
from harvest.records import editing
from harvest.schemas import Checked, validate
from harvest.search import MAX_PER_PAGE, Page

NEEDS_FILE = "needs.yaml"


# Three visible characters: the length counts after the spaces around the text are stripped.
THREE_VISIBLE = r"\S[\s\S]*\S[\s\S]*\S"


class NeedBase(Checked):
    question: str = Field(min_length=3, max_length=2000, pattern=THREE_VISIBLE)
    municipality: str | None = Field(default=None, max_length=64)
    group: str | None = Field(default=None, max_length=64)
    frequency: NeedFrequency = NeedFrequency.SOMETIMES
    answer_actor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    answer_page: str = Field(default="", max_length=80)
    answer_note: str = Field(default="", max_length=5000)
    note_answers: bool = False
    asker: NeedAsker = NeedAsker.CITIZENS
    about_actor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    about_kind: ActorKind | None = None
    about_sector: Sector | None = None
    about: str = Field(default="", max_length=300)

    @field_validator(
        "municipality",
        "group",
        "answer_actor_id",
        "about_actor_id",
        "about_kind",
        "about_sector",
        mode="before",
    )
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("asker", mode="before")
    @classmethod
    def _citizens_unless_said(cls, value: Any) -> Any:
        return NeedAsker.CITIZENS if value in (None, "") else value


class NeedCreate(NeedBase):
    """A new information need: the base fields, with no version yet."""


class NeedUpdate(NeedBase):
    version: int


@dataclass
class NeedFilters:
    """What the list of needs is narrowed to."""

    municipality: str | None = None
    answered: bool | None = None
    q: str = ""
    asker: str | None = None


class NeedQuery(ListQuery):
    """What the API's list of needs takes: who asks, the municipality, answered or not."""

    municipality: str | None = Field(default=None, max_length=64)
    asker: NeedAsker | None = None
    answered: bool | None = None


def list_needs_api(session: Session, wanted: NeedQuery) -> Page[InformationNeed]:
    """Return one page of needs as records, in the order and with the filters of the page."""
    filters = NeedFilters(
        municipality=wanted.municipality,
        answered=wanted.answered,
        q=wanted.q,
        asker=wanted.asker.value if wanted.asker else None,
    )
    found = list_needs(session, filters, page=wanted.page, per_page=wanted.per_page)
    return Page([line.need for line in found.items], found.total, found.page, found.per_page)


@dataclass(frozen=True)
class NeedLine:
    """A need with the names the list shows."""

    need: InformationNeed
    municipality: str
    group: str
    actor: Actor | None
    about_actor: Actor | None = None

    @property
    def answered(self) -> bool:
        return is_answered(self.need)


def is_answered(need: InformationNeed) -> bool:
    """Tell whether an actor, a knowledge page or the note answers the need."""
    return (
        need.answer_actor_id is not None
        or bool(need.answer_page)
        or (need.note_answers and bool(need.answer_note))
    )


def page_keys(root: Path | None = None) -> set[str]:
    """Return the keys of the knowledge pages (in any language)."""
    if root is None:
        from harvest.demo import content_dir  # late: harvest.demo loads the demo needs

        root = content_dir()
    return {p.key for lang in ("da", "en") for p in pages.load_pages(root, lang)}


def _ids(session: Session, values: NeedBase) -> dict[str, Any]:
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    municipality_id = group_id = None
    if values.municipality:
        municipality_id = session.scalars(
            select(col(Municipality.id)).where(col(Municipality.slug) == values.municipality)
        ).first()
        if municipality_id is None:
            errors["municipality"] = (
                N_("No municipality called '%(slug)s'."),
                {"slug": values.municipality},
            )
    if values.group:
        group_id = session.scalars(
            select(col(ImplementationGroup.id)).where(col(ImplementationGroup.slug) == values.group)
        ).first()
        if group_id is None:
            errors["group"] = (
                N_("No implementation group called '%(slug)s'."),
                {"slug": values.group},
            )
    for field in ("answer_actor_id", "about_actor_id"):
        actor_id = getattr(values, field)
        if actor_id is not None and session.get(Actor, actor_id) is None:
            errors[field] = (N_("No actor with id %(id)s."), {"id": actor_id})
    if values.answer_page and values.answer_page not in page_keys():
        errors["answer_page"] = (
            N_("No knowledge page called '%(key)s'."),
            {"key": values.answer_page},
        )
    if values.note_answers and not values.answer_note:
        errors["answer_note"] = (N_("Write the answer in the note, or untick that it answers."), {})
    if errors:
        raise ValidationFailed(errors)
    return {
        "question": values.question,
        "municipality_id": municipality_id,
        "group_id": group_id,
        "frequency": values.frequency.value,
        "answer_actor_id": values.answer_actor_id,
        "answer_page": values.answer_page,
        "answer_note": values.answer_note,
        "note_answers": values.note_answers,
        "asker": values.asker.value,
        "about_actor_id": values.about_actor_id,
        "about_kind": values.about_kind.value if values.about_kind else "",
        "about_sector": values.about_sector.value if values.about_sector else "",
        "about": values.about,
    }


def get_need(session: Session, need_id: int) -> InformationNeed:
    """Return the need with `need_id` or raise `NotFound`."""
    need = session.get(InformationNeed, need_id)
    if need is None:
        raise NotFound(N_("No information need with id %(id)s."), id=need_id)
    return need


def record_need(session: Session, data: dict[str, Any], *, by: User | None) -> InformationNeed:
    """Validate and add an information need."""
    values = validate(NeedCreate, data)
    act_as(session, by)
    need = InformationNeed(**_ids(session, values), created_by_id=by.id if by else None)
    access.require(session, by, Action.WRITE_NEED, need_target(need))
    session.add(need)
    session.flush()
    return need


def need_target(need: InformationNeed) -> Target:
    """A need as the access policy sees it: its group's if a group recorded it, else its
    municipality's."""
    if need.group_id is not None:
        return Target(group_id=need.group_id)
    return Target(municipalities=access.municipalities(need.municipality_id))


def update_need(
    session: Session, need: InformationNeed, data: dict[str, Any], *, by: User | None
) -> InformationNeed:
    """Validate and apply an edit made against `data['version']`; stale edits raise."""
    values = validate(NeedUpdate, data)
    submitted = values.model_dump(mode="json")
    with editing(session, need, values.version, by=by, submitted=submitted):
        access.require(session, by, Action.WRITE_NEED, need_target(need))
        for key, value in _ids(session, values).items():
            if getattr(need, key) != value:
                setattr(need, key, value)
        access.require(session, by, Action.WRITE_NEED, need_target(need))
        if session.is_modified(need):
            need.updated_at = utcnow()
    return need


def mark_answered(
    session: Session,
    need: InformationNeed,
    version: int,
    *,
    actor_id: int | None = None,
    page: str = "",
    note: str = "",
    by: User | None,
) -> InformationNeed:
    """Record that an actor, a knowledge page (its key) or, alone, a note answers the need."""
    if actor_id is None and not page and not note:
        raise ValidationFailed(
            {"answer_actor_id": (N_("Choose an actor or a knowledge page that answers it."), {})}
        )
    data = {
        **need_input(session, need),
        "answer_actor_id": actor_id,
        "answer_page": page,
        "answer_note": note or need.answer_note,
        "note_answers": actor_id is None and not page,
        "version": version,
    }
    return update_need(session, need, data, by=by)


def need_input(session: Session, need: InformationNeed) -> dict[str, Any]:
    """Return a stored need as the input that would record it again (slugs for ids)."""
    municipality, group = slugs_of(session, need.municipality_id, need.group_id)
    return {
        "question": need.question,
        "municipality": municipality,
        "group": group,
        "frequency": need.frequency,
        "answer_actor_id": need.answer_actor_id,
        "answer_page": need.answer_page,
        "answer_note": need.answer_note,
        "note_answers": need.note_answers,
        "asker": need.asker,
        "about_actor_id": need.about_actor_id,
        "about_kind": need.about_kind,
        "about_sector": need.about_sector,
        "about": need.about,
    }


def _slug(session: Session, model: Any, record_id: int | None) -> str | None:
    if record_id is None:
        return None
    record = session.get(model, record_id)
    return record.slug if record is not None else None


def slugs_of(
    session: Session, municipality_id: int | None, group_id: int | None
) -> tuple[str | None, str | None]:
    """Return the slugs of a need's municipality and group."""
    return (
        _slug(session, Municipality, municipality_id),
        _slug(session, ImplementationGroup, group_id),
    )


def _answered() -> ColumnElement[bool]:
    return or_(
        col(InformationNeed.answer_actor_id).is_not(None),
        col(InformationNeed.answer_page) != "",
        and_(col(InformationNeed.note_answers), col(InformationNeed.answer_note) != ""),
    )


_FREQUENCY_RANK = {"very_often": 0, "often": 1, "sometimes": 2, "once": 3}


def list_needs(
    session: Session, filters: NeedFilters, *, page: int = 1, per_page: int = 25
) -> Page[NeedLine]:
    """Return one page of needs: unanswered first, then the most often heard, newest first."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    query = select(InformationNeed)
    if filters.municipality:
        query = query.where(
            col(InformationNeed.municipality_id).in_(
                select(col(Municipality.id)).where(col(Municipality.slug) == filters.municipality)
            )
        )
    if filters.asker:
        query = query.where(col(InformationNeed.asker) == filters.asker)
    if filters.answered is True:
        query = query.where(_answered())
    elif filters.answered is False:
        query = query.where(~_answered())
    if filters.q.strip():
        for word in filters.q.lower().split()[:8]:
            query = query.where(
                func.lower(col(InformationNeed.question)).contains(word, autoescape=True)
            )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = [
        case((_answered(), 1), else_=0),
        case(_FREQUENCY_RANK, value=col(InformationNeed.frequency), else_=4),
        col(InformationNeed.created_at).desc(),
        col(InformationNeed.id).desc(),
    ]
    needs = session.scalars(
        query.order_by(*order).offset((page - 1) * per_page).limit(per_page)
    ).all()
    lines = _lines(session, needs)
    return Page(lines, total, page, per_page)


def _lines(session: Session, found: Sequence[InformationNeed]) -> list[NeedLine]:
    """Return the needs with the names of their municipality, group and actors."""
    municipalities: dict[Any, str] = {
        mid: name
        for mid, name in session.execute(select(col(Municipality.id), col(Municipality.name)))
    }
    groups: dict[Any, str] = {
        gid: name
        for gid, name in session.execute(
            select(col(ImplementationGroup.id), col(ImplementationGroup.name))
        )
    }
    return [
        NeedLine(
            need,
            municipalities.get(need.municipality_id, "") if need.municipality_id else "",
            groups.get(need.group_id, "") if need.group_id else "",
            session.get(Actor, need.answer_actor_id) if need.answer_actor_id else None,
            session.get(Actor, need.about_actor_id) if need.about_actor_id else None,
        )
        for need in found
    ]


@dataclass(frozen=True)
class Side:
    """The questions one side (the asker) has of the others in a municipality."""

    asker: str
    lines: list[NeedLine]

    @property
    def open(self) -> list[NeedLine]:
        return [line for line in self.lines if not line.answered]

    @property
    def answered(self) -> list[NeedLine]:
        return [line for line in self.lines if line.answered]


def sides_in(session: Session, municipality: Municipality) -> list[Side]:
    """Return what each side asks in `municipality`: the municipality of civil society, civil
    society of the municipality, citizens of both; unanswered first within each."""
    found = session.scalars(
        select(InformationNeed)
        .where(col(InformationNeed.municipality_id) == municipality.id)
        .order_by(
            case((_answered(), 1), else_=0),
            case(_FREQUENCY_RANK, value=col(InformationNeed.frequency), else_=4),
            col(InformationNeed.id),
        )
    ).all()
    lines = _lines(session, found)
    order = (NeedAsker.MUNICIPALITY, NeedAsker.CIVIL_SOCIETY, NeedAsker.CITIZENS)
    return [Side(a.value, [line for line in lines if line.need.asker == a.value]) for a in order]


def count_unanswered(session: Session) -> int:
    """Return how many needs no actor or page answers yet."""
    return session.scalar(select(func.count(col(InformationNeed.id))).where(~_answered())) or 0


def group_choices(session: Session) -> list[tuple[str, str]]:
    """Return (slug, name) of every implementation group, by name."""
    query = select(col(ImplementationGroup.slug), col(ImplementationGroup.name)).order_by(
        col(ImplementationGroup.name)
    )
    return [(slug, name) for slug, name in session.execute(query)]


# --- demo data ------------------------------------------------------------------


def load_demo_needs(session: Session, root: Path) -> int:
    """Load content/demo/needs.yaml (idempotent: a need already there is skipped); return how
    many were added."""
    path = root / NEEDS_FILE
    if not path.is_file():
        return 0
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    added = 0
    for row in rows:
        data = dict(row)
        for field in ("answer_actor", "about_actor"):
            actor_slug = data.pop(field, None)
            if actor_slug:
                actor = session.scalars(select(Actor).where(Actor.slug == actor_slug)).first()
                if actor is None:
                    raise ValidationFailed(
                        {field: (N_("No actor called '%(slug)s'."), {"slug": actor_slug})}
                    )
                data[f"{field}_id"] = actor.id
        values = validate(NeedCreate, data)
        exists = session.scalars(
            select(col(InformationNeed.id)).where(col(InformationNeed.question) == values.question)
        ).first()
        if exists is None:
            record_need(session, data, by=None)
            added += 1
    return added
