"""Lists of municipalities, groups, harvests, actors and ties: filters, search, pages.

Each `list_*` function takes a query schema validated through `harvest.schemas.validate`
(so bad filter values become `ValidationFailed`, never a crash) and answers a
`harvest.search.Page`. Also holds the few lookups the API needs. Must not import `app` or Flask.
"""

from datetime import date
from typing import Any, TypeVar

from pydantic import Field, field_validator
from sqlalchemy import ColumnElement, Select, func, or_
from sqlmodel import Session, SQLModel, col, select

from harvest import fulltext, harvests
from harvest.errors import N_, ValidationFailed
from harvest.models import (
    Actor,
    ActorKind,
    Code,
    CodeDimension,
    Harvest,
    HarvestQuestion,
    ImplementationGroup,
    Municipality,
    OutcomeQuestion,
    OutcomeStatus,
    Sector,
    Tie,
    TieForm,
    TieKind,
    Tier,
)
from harvest.schemas import Checked
from harvest.search import (
    COUNT_CAP,
    MAX_PER_PAGE,
    OutcomeFilters,
    Page,
    capped_count,
    count_limit,
    folded,
    ranked_page,
)
from harvest.ties import valid_on

M = TypeVar("M", bound=SQLModel)
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


# --- query schemas ------------------------------------------------------------


def _split(value: Any) -> Any:
    """Turn repeated or comma-separated values into one list of non-empty strings."""
    items = value if isinstance(value, list) else [value]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


class ListQuery(Checked):
    """What every list takes: full-text `q` and the page wanted."""

    q: str = Field(default="", max_length=200)
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    per_page: int = Field(default=20, ge=1)

    @field_validator("per_page", mode="after")
    @classmethod
    def _cap(cls, value: int) -> int:
        return min(value, MAX_PER_PAGE)


class GroupQuery(ListQuery):
    municipality: str | None = Field(default=None, max_length=64)


class HarvestQuery(ListQuery):
    group: str | None = Field(default=None, max_length=64)
    municipality: str | None = Field(default=None, max_length=64)


class ActorQuery(ListQuery):
    municipality: str | None = Field(default=None, max_length=64)
    kind: ActorKind | None = None
    sector: Sector | None = None
    tier: Tier | None = None


class TieQuery(ListQuery):
    municipality: str | None = Field(default=None, max_length=64)
    form: TieForm | None = None
    kind: TieKind | None = None
    actor_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    as_of: date | None = None


class OutcomeQuery(ListQuery):
    harvest: str | None = Field(default=None, max_length=80)
    status: list[OutcomeStatus] = Field(default_factory=list)
    actor_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    type_of_change: str | None = Field(default=None, max_length=64)
    social_capital_form: str | None = Field(default=None, max_length=64)
    date_from: date | None = Field(default=None, alias="from")
    date_to: date | None = Field(default=None, alias="to")
    municipality: str | None = Field(default=None, max_length=64)

    @field_validator("status", mode="before")
    @classmethod
    def _statuses(cls, value: Any) -> Any:
        return _split(value)


# --- shared pieces ------------------------------------------------------------


def _page(session: Session, query: Select[Any], order: list[Any], q: ListQuery) -> Page[Any]:
    total, more = capped_count(session, query, count_limit(q.page, q.per_page))
    rows = session.scalars(
        query.order_by(*order).offset((q.page - 1) * q.per_page).limit(q.per_page)
    ).all()
    return Page(list(rows), total, q.page, q.per_page, more)


def _municipality_id(session: Session, slug: str | None, field: str = "municipality") -> int | None:
    if slug is None:
        return None
    found = session.scalars(select(Municipality.id).where(col(Municipality.slug) == slug)).first()
    if found is None:
        raise ValidationFailed({field: (N_("No municipality called '%(slug)s'."), {"slug": slug})})
    return found


def _like(column: Any, q: str) -> ColumnElement[bool]:
    return func.lower(column).contains(q.strip().lower(), autoescape=True)


def parse_number(text: str, maximum: int = MAX_ID) -> int | None:
    """Return the whole number `text` spells in ASCII digits, if it is at most `maximum`.

    `str.isdigit()` alone is not enough: it accepts "²", which `int()` refuses, and
    other scripts' digits, which `int()` reads."""
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None


def by_slug_or_id(session: Session, model: type[M], key: str) -> M | None:
    """Return the `model` record whose id (all digits) or slug is `key`, if any."""
    record_id = parse_number(key)
    if record_id:
        found = session.get(model, record_id)
        if found is not None:
            return found
    return session.scalars(select(model).where(model.slug == key)).first()  # type: ignore[attr-defined]


def get_by_id(session: Session, model: type[M], record_id: int) -> M | None:
    """Return the `model` record with `record_id`, if any (ids out of range find nothing)."""
    if not 0 < record_id <= MAX_ID:
        return None
    return session.get(model, record_id)


# --- lists ----------------------------------------------------------------------


def list_municipalities(session: Session, q: ListQuery) -> Page[Municipality]:
    """Return one page of municipalities, by name, matching `q.q` in name or region."""
    query = select(Municipality)
    if q.q:
        query = query.where(or_(_like(Municipality.name, q.q), _like(Municipality.region, q.q)))
    return _page(session, query, [col(Municipality.name), col(Municipality.id)], q)


def list_groups(session: Session, q: GroupQuery) -> Page[ImplementationGroup]:
    """Return one page of implementation groups, by name, narrowed by municipality and `q`."""
    query = select(ImplementationGroup)
    if q.municipality is not None:
        municipality_id = _municipality_id(session, q.municipality)
        query = query.where(col(ImplementationGroup.municipality_id) == municipality_id)
    if q.q:
        query = query.where(_like(ImplementationGroup.name, q.q))
    return _page(session, query, [col(ImplementationGroup.name), col(ImplementationGroup.id)], q)


def list_harvests(session: Session, q: HarvestQuery) -> Page[Harvest]:
    """Return one page of harvests, newest period first, narrowed by group, municipality, `q`."""
    query = select(Harvest)
    if q.group is not None:
        group = session.scalars(
            select(ImplementationGroup.id).where(col(ImplementationGroup.slug) == q.group)
        ).first()
        if group is None:
            raise ValidationFailed(
                {"group": (N_("No implementation group called '%(slug)s'."), {"slug": q.group})}
            )
        query = query.where(col(Harvest.group_id) == group)
    if q.municipality is not None:
        query = query.where(
            col(Harvest.municipality_id) == _municipality_id(session, q.municipality)
        )
    if q.q:
        query = query.where(or_(_like(Harvest.title, q.q), _like(Harvest.users_and_uses, q.q)))
    order = [col(Harvest.period_start).desc().nulls_last(), col(Harvest.title), col(Harvest.id)]
    return _page(session, query, order, q)


def list_actors(session: Session, q: ActorQuery) -> Page[Actor]:
    """Return one page of actors narrowed by the filters; with `q.q`, best matches first."""
    query = select(Actor)
    if q.municipality is not None:
        query = query.where(col(Actor.municipality_id) == _municipality_id(session, q.municipality))
    if q.kind is not None:
        query = query.where(col(Actor.kind) == q.kind.value)
    if q.sector is not None:
        query = query.where(col(Actor.sector) == q.sector.value)
    if q.tier is not None:
        query = query.where(col(Actor.tier) == int(q.tier))
    order = [folded(col(Actor.name)), col(Actor.id)]
    if q.q.strip():
        ids = fulltext.ranked_ids(session, fulltext.ACTORS, q.q, query, order, COUNT_CAP + 1)
        return ranked_page(session, Actor, ids or [], q.page, q.per_page, COUNT_CAP)
    return _page(session, query, order, q)


def list_ties(session: Session, q: TieQuery) -> Page[Tie]:
    """Return one page of ties narrowed by municipality (either end), form, kind, actor, date."""
    query = select(Tie)
    if q.municipality is not None:
        local = select(Actor.id).where(
            col(Actor.municipality_id) == _municipality_id(session, q.municipality)
        )
        query = query.where(or_(col(Tie.source_id).in_(local), col(Tie.target_id).in_(local)))
    if q.form is not None:
        query = query.where(col(Tie.form) == q.form.value)
    if q.kind is not None:
        query = query.where(col(Tie.kind) == q.kind.value)
    if q.actor_id is not None:
        query = query.where(or_(col(Tie.source_id) == q.actor_id, col(Tie.target_id) == q.actor_id))
    if q.as_of is not None:
        query = query.where(valid_on(q.as_of))
    return _page(session, query, [col(Tie.id)], q)


def outcome_filters(session: Session, q: OutcomeQuery) -> OutcomeFilters:
    """Turn an outcome query into `OutcomeFilters`, resolving slugs; unknown values raise."""
    harvest_id = None
    if q.harvest:
        found = session.scalars(select(Harvest.id).where(col(Harvest.slug) == q.harvest)).first()
        if found is None:
            raise ValidationFailed(
                {"harvest": (N_("No harvest called '%(slug)s'."), {"slug": q.harvest})}
            )
        harvest_id = found
    for key in ("type_of_change", "social_capital_form"):
        value = getattr(q, key)
        if value is not None and not _is_code(session, key, value):
            raise ValidationFailed({key: (N_("Unknown code: %(codes)s."), {"codes": value})})
    return OutcomeFilters(
        q=q.q,
        harvest_id=harvest_id,
        statuses=[s.value for s in q.status],
        actor_id=q.actor_id,
        type_of_change=q.type_of_change,
        social_capital_form=q.social_capital_form,
        date_from=q.date_from,
        date_to=q.date_to,
        municipality_id=_municipality_id(session, q.municipality),
    )


def _is_code(session: Session, dimension: str, code: str) -> bool:
    query = (
        select(Code.id)
        .join(CodeDimension, col(CodeDimension.id) == Code.dimension_id)
        .where(col(CodeDimension.key) == dimension, col(Code.key) == code)
    )
    return session.scalars(query).first() is not None


# --- lookups for showing records ---------------------------------------------------


def slug_of(session: Session, model: type[M], record_id: int | None) -> str | None:
    """Return the slug of the `model` record with `record_id`, or None."""
    if record_id is None:
        return None
    record = session.get(model, record_id)
    return record.slug if record is not None else None  # type: ignore[attr-defined]


def question_of(session: Session, outcome_id: int) -> str | None:
    """Return the text of the harvest question an outcome answers, if any."""
    query = (
        select(HarvestQuestion.text)
        .join(OutcomeQuestion, col(OutcomeQuestion.question_id) == HarvestQuestion.id)
        .where(col(OutcomeQuestion.outcome_id) == outcome_id)
    )
    return session.scalars(query).first()


def question_id_by_text(session: Session, harvest: Harvest, text: str) -> int:
    """Return the id of the harvest's question with this text, or raise `ValidationFailed`."""
    for question in harvests.questions_of(session, harvest):
        if question.text.strip() == text.strip():
            return question.id or 0
    raise ValidationFailed({"harvest_question": (N_("This value is not valid."), {})})
