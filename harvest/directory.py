"""The association directory: finding actors that fit a citizen's wish.

Full-text search (Danish-aware, see `harvest.fulltext`) plus filters on kind, sector,
activity (tag), target group, municipality, accessibility notes, when an actor is
open (from its structured opening hours, `harvest.opening_hours`), what a first visit
is like, cost, when the entry was last checked, and whether it has a tie to a municipal
service; sorted by best match when searching, else by name; paged with
`harvest.search.Page`. Also the facet values the filter dropdowns offer.
Must not import `app` or Flask.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, func, literal, or_, select, true
from sqlmodel import Session, col

from harvest import fulltext
from harvest.models import Actor, ActorKind, FirstVisitFact, Municipality, Sector, Tie
from harvest.opening_hours import WHEN_RULES, OpenWhen
from harvest.search import (
    COUNT_CAP,
    MAX_PER_PAGE,
    Page,
    capped_count,
    count_limit,
    folded,
    ranked_page,
)
from harvest.ties import valid_on


@dataclass
class DirectoryFilters:
    """What the directory is narrowed to; every field is optional."""

    q: str = ""
    municipality: str | None = None
    kind: str | None = None
    sector: str | None = None
    activity: str | None = None
    target_group: str | None = None
    accessibility: list[str] = field(default_factory=list)
    when: str | None = None
    tied_to_service: bool = False
    first_visit: list[str] = field(default_factory=list)
    free_of_charge: bool = False
    checked_recently: bool = False

    def is_empty(self) -> bool:
        """Tell whether no filter or search is set."""
        return not (
            self.q.strip()
            or self.municipality
            or self.kind
            or self.sector
            or self.activity
            or self.target_group
            or self.accessibility
            or self.when
            or self.tied_to_service
            or self.first_visit
            or self.free_of_charge
            or self.checked_recently
        )


@dataclass(frozen=True)
class Facets:
    """The values the filters offer, each with how many actors carry it."""

    municipalities: list[tuple[str, str]]
    activities: list[tuple[str, int]]
    target_groups: list[tuple[str, int]]
    accessibility: list[tuple[str, int]]


def _json_has(column: Any, value: str) -> ColumnElement[bool]:
    """Return a condition: the JSON list in `column` holds the string `value` (any case)."""
    text = func.lower(cast(column, String))
    value = value.strip().lower()
    forms = {json.dumps(value), json.dumps(value, ensure_ascii=False)}
    return or_(*(text.contains(form, autoescape=True) for form in forms))


def _open_when(session: Session, when: OpenWhen) -> ColumnElement[bool]:
    """Return a condition: one of the actor's rows of opening hours holds `WHEN_RULES[when]`.

    The database unpacks the rows (`json_each` on SQLite, `json_array_elements` on
    PostgreSQL); the rule is the one `harvest.opening_hours.open_when` applies."""
    rule = WHEN_RULES[when]
    if session.get_bind().dialect.name == "postgresql":
        rows = func.json_array_elements(col(Actor.opening_hours)).table_valued("value")
        rows = rows.alias("hours")

        def field(name: str) -> ColumnElement[str]:
            return rows.c.value.op("->>")(name)
    else:
        rows = func.json_each(col(Actor.opening_hours)).table_valued("value").alias("hours")

        def field(name: str) -> ColumnElement[str]:
            return func.json_extract(rows.c.value, f"$.{name}")

    holds: list[ColumnElement[bool]] = [field("day").in_([day.value for day in rule.days])]
    if rule.opens_before is not None:
        holds.append(field("opens") < rule.opens_before)
    if rule.closes_after is not None:
        holds.append(field("closes") > rule.closes_after)
    return select(literal(1)).select_from(rows).where(*holds).exists()


def _tied_to_service() -> ColumnElement[bool]:
    """Return the condition: not a service itself, and a tie valid today to a municipal service."""
    services = select(col(Actor.id)).where(col(Actor.kind) == ActorKind.MUNICIPAL_SERVICE.value)
    today = valid_on(date.today())
    as_source = select(col(Tie.source_id)).where(col(Tie.target_id).in_(services), today)
    as_target = select(col(Tie.target_id)).where(col(Tie.source_id).in_(services), today)
    return and_(
        col(Actor.kind) != ActorKind.MUNICIPAL_SERVICE.value,
        or_(col(Actor.id).in_(as_source), col(Actor.id).in_(as_target)),
    )


def _conditions(session: Session, filters: DirectoryFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.municipality:
        where.append(
            col(Actor.municipality_id).in_(
                select(col(Municipality.id)).where(col(Municipality.slug) == filters.municipality)
            )
        )
    if filters.kind:
        where.append(col(Actor.kind) == filters.kind)
    if filters.sector:
        where.append(col(Actor.sector) == filters.sector)
    if filters.activity:
        where.append(_json_has(Actor.tags, filters.activity))
    if filters.target_group:
        where.append(_json_has(Actor.target_groups, filters.target_group))
    for note in filters.accessibility:
        where.append(_json_has(Actor.accessibility, note))
    if filters.when and filters.when in OpenWhen.__members__.values():
        where.append(_open_when(session, OpenWhen(filters.when)))
    if filters.tied_to_service:
        where.append(_tied_to_service())
    for fact in filters.first_visit:
        where.append(_json_has(Actor.first_visit_facts, fact))
    if filters.free_of_charge:
        where.append(col(Actor.free_of_charge).is_(True))
    if filters.checked_recently:
        where.append(col(Actor.last_checked) >= date.today() - RECENTLY_CHECKED)
    return where


def find_actors(
    session: Session, filters: DirectoryFilters, *, page: int = 1, per_page: int = 20
) -> Page[Actor]:
    """Return one page of the actors that match `filters`: best match first, else by name."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    limit = count_limit(page, per_page)
    query = select(Actor).where(*_conditions(session, filters))
    order = [folded(col(Actor.name)), col(Actor.id)]
    if filters.q.strip():
        ids = fulltext.ranked_ids(session, fulltext.ACTORS, filters.q, query, order, COUNT_CAP + 1)
        return ranked_page(session, Actor, ids or [], page, per_page, COUNT_CAP)
    total, more = capped_count(session, query, limit)
    items = session.scalars(
        query.order_by(*order).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return Page(list(items), total, page, per_page, more)


def _counted(session: Session, column: Any, municipality: str | None) -> list[tuple[str, int]]:
    """Count the actors holding each value of the JSON list `column`, in SQL.

    The database unpacks the lists (`json_each` on SQLite, `json_array_elements_text` on
    PostgreSQL) and groups them; only the distinct values come back, however many actors."""
    unpack = (
        func.json_array_elements_text
        if session.get_bind().dialect.name == "postgresql"
        else func.json_each
    )
    values = unpack(column).table_valued("value").alias("held")
    value = func.lower(func.trim(values.c.value))
    query = (
        select(value, func.count(func.distinct(col(Actor.id))))
        .select_from(Actor)
        .join(values, true())
        .where(cast(column, String) != "[]", func.trim(values.c.value) != "")
        .group_by(value)
    )
    if municipality:
        query = query.join(Municipality, col(Municipality.id) == Actor.municipality_id).where(
            col(Municipality.slug) == municipality
        )
    counts: Counter[str] = Counter()
    for held, n in session.execute(query):
        counts[str(held).lower()] += n  # SQLite's lower() folds only A-Z: fold Æ, Ø, Å here
    return sorted(counts.items())


def facets(session: Session, municipality: str | None = None) -> Facets:
    """Return the filter values in use (in `municipality`, if given), each with its count."""
    municipalities = session.execute(
        select(col(Municipality.slug), col(Municipality.name)).order_by(col(Municipality.name))
    ).all()
    return Facets(
        municipalities=[(slug, name) for slug, name in municipalities],
        activities=_counted(session, col(Actor.tags), municipality),
        target_groups=_counted(session, col(Actor.target_groups), municipality),
        accessibility=_counted(session, col(Actor.accessibility), municipality),
    )


def municipality_names(session: Session) -> dict[int, tuple[str, str]]:
    """Return (slug, name) of every municipality by id."""
    rows = session.execute(
        select(col(Municipality.id), col(Municipality.slug), col(Municipality.name))
    ).all()
    return {mid: (slug, name) for mid, slug, name in rows}


def picked_actors(session: Session, ids: list[int]) -> list[Actor]:
    """Return the actors with `ids` in the order they were picked; unknown ids are skipped."""
    wanted = list(dict.fromkeys(ids))[:MAX_PICKED]
    if not wanted:
        return []
    found = {a.id: a for a in session.scalars(select(Actor).where(col(Actor.id).in_(wanted)))}
    return [found[i] for i in wanted if i in found]


@dataclass(frozen=True)
class Freshness:
    """How fresh an entry is: never checked, checked `days` ago, or overdue (over a year)."""

    days: int | None

    @property
    def overdue(self) -> bool:
        return self.days is None or self.days > RECENTLY_CHECKED.days


def checked_age(last_checked: date | None, today: date | None = None) -> Freshness:
    """Return how long ago an entry was last checked by staff."""
    if last_checked is None:
        return Freshness(None)
    return Freshness(max(0, ((today or date.today()) - last_checked).days))


RECENTLY_CHECKED = timedelta(days=365)
MAX_PICKED = 12  # a short list is for one citizen: one printed page
FIRST_VISIT_FACTS = tuple(fact.value for fact in FirstVisitFact)
KINDS = tuple(kind.value for kind in ActorKind)
SECTORS = tuple(sector.value for sector in Sector)
