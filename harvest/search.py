"""Finding outcomes: filters, full-text search, visibility and pagination in one query.

Who sees what follows `harvest.access`: final outcomes are public; drafts and the other
statuses only for the harvest's group and for evaluators. Must not import `app` or Flask.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_, false, func, or_, true
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
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and how many there are in all."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


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


def visible_to(viewer: User | None, member_of: set[int]) -> ColumnElement[bool]:
    """Return the SQL condition for the outcomes `viewer` may see, from `harvest.access`."""
    who = access.Viewer(viewer, frozenset(member_of))
    conditions: list[ColumnElement[bool]] = []
    for rule in access.grants(who.role, access.Action.READ_OUTCOME):
        condition: ColumnElement[bool] = true()
        if rule.statuses != access.ALL_STATUSES:
            condition = col(Outcome.status).in_(sorted(rule.statuses))
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


def _filtered(
    session: Session, filters: OutcomeFilters
) -> tuple[SelectOfScalar[Outcome], ColumnElement[float] | None]:
    query = select(Outcome)
    rank = None
    if filters.q.strip():
        matched = fulltext.search(session, fulltext.OUTCOMES, filters.q, query)
        if matched is None:  # only punctuation: nothing can match
            query = query.where(false())
        else:
            query, rank = matched
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
    return query, rank


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
    query, rank = _filtered(session, filters)
    query = query.where(visible_to(viewer, member_of))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order: list[ColumnElement[Any]] = [rank] if rank is not None else []
    order += [col(Outcome.when_start).desc().nulls_last(), col(Outcome.id).desc()]
    items = session.scalars(
        query.order_by(*order).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page(list(items), total, page, per_page)
