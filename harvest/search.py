"""Finding outcomes: filters, full-text search, visibility and pagination in one query.

Who sees what follows `harvest.access`: final outcomes are public; drafts and the other
statuses only for the harvest's group and for evaluators. Must not import `app` or Flask.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    false,
    func,
    literal_column,
    or_,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from harvest import access, fulltext
from harvest.models import (
    Code,
    CodeDimension,
    Harvest,
    Outcome,
    OutcomeCode,
    OutcomeContributor,
    User,
)

T = TypeVar("T")
M = TypeVar("M")
MAX_PER_PAGE = 100


COUNT_CAP = 1000
"""Lists and searches count at most this many rows exactly; beyond it they say "more than"."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and how many there are in all (`more`: more than `total`).

    A list counted past `COUNT_CAP` pages on as far as it goes; a search that found more
    ranks the newest `COUNT_CAP` matches (`ranked`) and pages through those only, so every
    page comes from the same ranking."""

    items: list[T]
    total: int
    page: int
    per_page: int
    more: bool = False
    ranked: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (self.more and not self.ranked)

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def count_limit(page: int, per_page: int) -> int:
    """Return how many rows to count for `page`: `COUNT_CAP`, or more to reach past the page."""
    return max(COUNT_CAP, page * per_page)


def capped_count(session: Session, query: Select[Any], limit: int) -> tuple[int, bool]:
    """Count the rows of `query`, stopping after `limit`; say whether there were more."""
    bounded: Select[Any] = query.with_only_columns(literal_column("1"), maintain_column_froms=True)
    found = session.scalar(select(func.count()).select_from(bounded.limit(limit + 1).subquery()))
    return min(found or 0, limit), (found or 0) > limit


def ranked_page(
    session: Session,
    model: type[M],
    ids: list[int],
    page: int,
    per_page: int,
    limit: int,
) -> Page[M]:
    """Return page `page` of the records whose `ids` are ranked best first (at most `limit`)."""
    more = len(ids) > limit
    ids = ids[:limit]
    wanted = ids[(page - 1) * per_page : page * per_page]
    query = select(model).where(col(model.id).in_(wanted))  # type: ignore[attr-defined]
    found = {r.id: r for r in session.scalars(query)}  # type: ignore[attr-defined]
    return Page([found[i] for i in wanted if i in found], len(ids), page, per_page, more, True)


@dataclass
class OutcomeFilters:
    """What a list of outcomes is narrowed to; every field is optional."""

    q: str = ""
    harvest_id: int | None = None
    statuses: list[str] = field(default_factory=list)
    actor_id: int | None = None
    type_of_change: str | None = None
    social_capital_form: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    municipality_id: int | None = None


class unindexed(FunctionElement[str]):  # noqa: N801 - used like a SQL function
    """A column SQLite must not look up by its index (`+column`); other databases plan freely.

    SQLite would find the visible outcomes through the status index and sort them all;
    walking the index in the list's order instead stops after one page."""

    type = String()
    inherit_cache = True


@compiles(unindexed)
def _plain(element: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _plus(element: unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


class folded(FunctionElement[str]):  # noqa: N801 - used like a SQL function
    """A name to sort by regardless of case, in the form each database has an index for.

    PostgreSQL: `lower(name)` (an expression index); SQLite: `name COLLATE NOCASE`, the same
    order as its `lower()` (both fold A-Z only), which a plain index can hold."""

    type = String()
    inherit_cache = True


@compiles(folded)
def _lower(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _nocase(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.clauses, **kw)} COLLATE NOCASE"


def visible_to(viewer: User | None, member_of: set[int]) -> ColumnElement[bool]:
    """Return the SQL condition for the outcomes `viewer` may see, from `harvest.access`."""
    who = access.Viewer(viewer, frozenset(member_of))
    conditions: list[ColumnElement[bool]] = []
    for rule in access.grants(who.role, access.Action.READ_OUTCOME):
        condition: ColumnElement[bool] = true()
        if rule.statuses != access.ALL_STATUSES:
            condition = unindexed(col(Outcome.status)).in_(sorted(rule.statuses))
        if rule.scope == access.Scope.OWN_GROUP:
            in_group = col(Outcome.harvest_id).in_(
                select(Harvest.id).where(col(Harvest.group_id).in_(sorted(who.groups)))
            )
            condition = and_(condition, in_group) if who.groups else false()
        elif rule.scope != access.Scope.ANY:
            condition = false()
        conditions.append(condition)
    return or_(*conditions) if conditions else false()


def _coded(key: str, value: str) -> ColumnElement[bool]:
    coded = (
        select(OutcomeCode.outcome_id)
        .join(Code, col(Code.id) == OutcomeCode.code_id)
        .join(CodeDimension, col(CodeDimension.id) == Code.dimension_id)
        .where(col(CodeDimension.key) == key, col(Code.key) == value)
    )
    return col(Outcome.id).in_(coded)


def _filtered(session: Session, filters: OutcomeFilters) -> SelectOfScalar[Outcome]:
    """Return the outcomes narrowed by every filter but the full-text `q`."""
    query = select(Outcome)
    if filters.harvest_id is not None:
        query = query.where(col(Outcome.harvest_id) == filters.harvest_id)
    if filters.statuses:
        query = query.where(col(Outcome.status).in_(filters.statuses))
    if filters.actor_id is not None:
        contributed = select(OutcomeContributor.outcome_id).where(
            col(OutcomeContributor.actor_id) == filters.actor_id
        )
        query = query.where(
            or_(col(Outcome.changed_actor_id) == filters.actor_id, col(Outcome.id).in_(contributed))
        )
    if filters.type_of_change:
        query = query.where(_coded("type_of_change", filters.type_of_change))
    if filters.social_capital_form:
        query = query.where(_coded("social_capital_form", filters.social_capital_form))
    if filters.date_from:
        query = query.where(col(Outcome.when_start) >= filters.date_from)
    if filters.date_to:
        query = query.where(col(Outcome.when_start) <= filters.date_to)
    if filters.municipality_id is not None:
        query = query.where(
            col(Outcome.harvest_id).in_(
                select(Harvest.id).where(col(Harvest.municipality_id) == filters.municipality_id)
            )
        )
    return query


def find_outcomes(
    session: Session,
    filters: OutcomeFilters,
    *,
    viewer: User | None,
    member_of: set[int],
    page: int = 1,
    per_page: int = 20,
) -> Page[Outcome]:
    """Return one page of the outcomes `viewer` may see that match `filters`, best first."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    limit = count_limit(page, per_page)
    query = _filtered(session, filters).where(visible_to(viewer, member_of))
    order: list[Any] = [col(Outcome.when_start).desc().nulls_last(), col(Outcome.id).desc()]
    if filters.q.strip():
        ids = fulltext.ranked_ids(
            session, fulltext.OUTCOMES, filters.q, query, order, COUNT_CAP + 1
        )
        return ranked_page(session, Outcome, ids or [], page, per_page, COUNT_CAP)
    total, more = capped_count(session, query, limit)
    items = session.scalars(
        query.order_by(*order).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page(list(items), total, page, per_page, more)
