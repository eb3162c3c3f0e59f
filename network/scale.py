"""A seeded synthetic municipality for trying Brobyg at scale: N actors, 4N ties, 20N outcomes.

The municipality and its harvest go through the services (and the history); the
actors, ties, outcomes and tie evidence are written with bulk inserts
(Core `insert(table)` in chunks, no ORM objects), which bypass the ORM's unit of work
and so the automatic change history: generated test data is nobody's edit, and tens of
thousands of history rows would only slow the run. Only ids are read back. The municipality's slug
`syntetisk-N` marks it; a second run with the same N changes nothing.
Must not import `app` or Flask.
"""

import random
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlmodel import Session, col, select

from harvest import actors, fulltext, harvests
from harvest.models import (
    Actor,
    Municipality,
    Outcome,
    OutcomeStatus,
    Tie,
    TieEvidence,
    TieKind,
    User,
    utcnow,
)
from harvest.ties import derive_tie_form

TIES_PER_ACTOR = 4
OUTCOMES_PER_ACTOR = 20
NEIGHBOURHOOD = 25
LOCAL_SHARE = 0.85
CHUNK = 5000
FIRST_DAY = date(2015, 1, 1)
HARVEST_START, HARVEST_END = date(2024, 1, 1), date(2026, 6, 30)
KINDS: tuple[tuple[str, str, int, int], ...] = (  # kind, sector, tier, weight
    ("association", "civil_society", 2, 30),
    ("volunteer_group", "civil_society", 2, 12),
    ("citizen_group", "citizens", 1, 10),
    ("municipal_service", "municipal", 2, 20),
    ("municipal_management", "municipal", 3, 4),
    ("council", "municipal", 3, 2),
    ("region_health", "region", 2, 8),
    ("education_job", "municipal", 2, 6),
    ("business", "private", 2, 6),
    ("funder", "private", 3, 2),
)


@dataclass
class ScaleReport:
    """What `add_synthetic_municipality` did."""

    slug: str
    created: bool
    actors: int = 0
    ties: int = 0
    outcomes: int = 0


def slug_for(size: int) -> str:
    """Return the slug of the synthetic municipality of `size` actors."""
    return f"syntetisk-{size}"


def _bulk(
    session: Session,
    model: Any,
    rows: list[dict[str, Any]],
    index: fulltext.SearchIndex | None = None,
) -> None:
    connection = session.connection()
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _copy(connection, model.__table__, rows)
        return
    statement = insert(model.__table__)
    with fulltext.indexed_in_bulk(connection, index) if index else nullcontext():
        for start in range(0, len(rows), CHUNK):
            connection.execute(statement, rows[start : start + CHUNK])


def _copy(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Write `rows` with PostgreSQL's COPY (one statement, not one insert per row)."""
    names = list(rows[0])
    processors = [table.c[name].type.bind_processor(connection.dialect) for name in names]
    columns = ", ".join(f'"{name}"' for name in names)
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    process(row[name]) if process else row[name]
                    for name, process in zip(names, processors, strict=True)
                ]
            )


Member = tuple[int, str, int]  # id, sector, tier: all a tie's form depends on


def _form_of() -> Callable[[Member, Member], str]:
    """Return `derive_tie_form` for two members, asked once per pair of sector and tier."""
    forms: dict[tuple[str, int, str, int], str] = {}

    def form(a: Member, b: Member) -> str:
        key = (a[1], a[2], b[1], b[2])
        if key not in forms:
            source = Actor(slug="", name="", kind="", sector=a[1], tier=a[2])
            target = Actor(slug="", name="", kind="", sector=b[1], tier=b[2])
            forms[key] = derive_tie_form(source, target).value
        return forms[key]

    return form


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _actor_rows(rng: random.Random, size: int, municipality_id: int) -> list[dict[str, Any]]:
    now = utcnow()
    weights = [w for *_rest, w in KINDS]
    rows = []
    for i in range(size):
        kind, sector, tier, _weight = rng.choices(KINDS, weights=weights)[0]
        rows.append(
            {
                "slug": f"syn-{size}-{i}",
                "name": f"Syntetisk {kind.replace('_', ' ')} {size}-{i}",
                "kind": kind,
                "sector": sector,
                "tier": tier,
                "municipality_id": municipality_id,
                "tags": [],
                "target_groups": [],
                "accessibility": [],
                "address": "",
                "website": "",
                "email": "",
                "phone": "",
                "profile": "",
                "opening_hours": [],
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def _tie_rows(rng: random.Random, members: list[Member]) -> list[dict[str, Any]]:
    now = utcnow()
    n = len(members)
    wanted = TIES_PER_ACTOR * n
    kinds = [k.value for k in TieKind]
    form_of = _form_of()
    seen: set[tuple[int, int, str]] = set()
    rows: list[dict[str, Any]] = []
    attempts = 0
    while len(rows) < wanted and attempts < wanted * 20:
        attempts += 1
        i = rng.randrange(n)
        if rng.random() < LOCAL_SHARE:
            base = i - i % NEIGHBOURHOOD
            j = min(n - 1, base + rng.randrange(NEIGHBOURHOOD))
        else:
            j = rng.randrange(n)
        if i == j:
            continue
        a, b = members[i], members[j]
        kind = rng.choice(kinds)
        key = (a[0], b[0], kind)
        if key in seen:
            continue
        seen.add(key)
        start = _day(rng, FIRST_DAY, HARVEST_END)
        end = _day(rng, start, HARVEST_END) if rng.random() < 0.1 else None
        form = form_of(a, b)
        rows.append(
            {
                "source_id": a[0],
                "target_id": b[0],
                "kind": kind,
                "start": start,
                "end": end,
                "strength": rng.randint(1, 3),
                "form": form,
                "derived_form": form,
                "form_override": None,
                "override_reason": "",
                "note": "",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def _outcome_rows(
    rng: random.Random, size: int, harvest_id: int, actor_ids: list[int]
) -> list[dict[str, Any]]:
    now = utcnow()
    statuses = [OutcomeStatus.FINAL.value] * 7 + [OutcomeStatus.DRAFT.value] * 3
    rows = []
    for i in range(OUTCOMES_PER_ACTOR * size):
        rows.append(
            {
                "ref": f"syn-{size}-{i}",
                "harvest_id": harvest_id,
                "title": f"Syntetisk forandring {i}",
                "changed_actor_id": rng.choice(actor_ids),
                "change": "Aktøren gør noget andet end før (syntetiske data).",
                "when_start": _day(rng, HARVEST_START, HARVEST_END),
                "when_end": None,
                "where": "",
                "significance": "",
                "contribution": "",
                "sources": "",
                "evidence": "",
                "status": rng.choice(statuses),
                "created_by_id": None,
                "updated_by_id": None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def add_synthetic_municipality(
    session: Session, size: int, *, seed: int | None = None, by: User | None = None
) -> ScaleReport:
    """Add the seeded synthetic municipality of `size` actors; do nothing if it exists."""
    slug = slug_for(size)
    existing = session.scalars(select(Municipality).where(col(Municipality.slug) == slug)).first()
    if existing is not None:
        return ScaleReport(slug, created=False)
    rng = random.Random(size if seed is None else seed)  # noqa: S311 - seeded test data
    municipality = actors.create_municipality(
        session, {"slug": slug, "name": f"Syntetisk kommune ({size})"}, by=by
    )
    harvest = harvests.create_harvest(
        session,
        {
            "slug": f"{slug}-hoest",
            "title": f"Syntetisk høst ({size} aktører)",
            "municipality": slug,
            "period_start": HARVEST_START,
            "period_end": HARVEST_END,
        },
        by=by,
    )
    _bulk(session, Actor, _actor_rows(rng, size, municipality.id or 0), fulltext.ACTORS)
    members: list[Member] = [
        (row.id, row.sector, row.tier)
        for row in session.execute(
            select(Actor.id, Actor.sector, Actor.tier)
            .where(col(Actor.municipality_id) == municipality.id)
            .order_by(col(Actor.id))
        )
    ]
    tie_rows = _tie_rows(rng, members)
    _bulk(session, Tie, tie_rows)
    actor_ids = [a[0] for a in members]
    outcome_rows = _outcome_rows(rng, size, harvest.id or 0, actor_ids)
    _bulk(session, Outcome, outcome_rows, fulltext.OUTCOMES)
    tie_ids = [
        tie_id
        for (tie_id,) in session.execute(
            select(Tie.id)
            .where(
                col(Tie.source_id).in_(
                    select(Actor.id).where(col(Actor.municipality_id) == municipality.id)
                )
            )
            .where(col(Tie.start) >= HARVEST_START)
        )
    ]
    outcome_ids = [
        oid
        for (oid,) in session.execute(
            select(Outcome.id).where(col(Outcome.harvest_id) == harvest.id)
        )
    ]
    evidence = [
        {"tie_id": tie_id, "outcome_id": outcome_ids[i % len(outcome_ids)]}
        for i, tie_id in enumerate(tie_ids)
    ]
    if outcome_ids:
        _bulk(session, TieEvidence, evidence)
    session.flush()
    return ScaleReport(
        slug, created=True, actors=size, ties=len(tie_rows), outcomes=len(outcome_rows)
    )
