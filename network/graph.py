"""Build the social-capital graph of actors and ties from the database.

A map is the graph of a municipality (or all) as of a date (`parse_filters`: today when
none is chosen, so ended ties are left out), filtered by tie form,
actor kind and sector. Ties carry the outcomes that evidence them (only those the
viewer may see). Tie forms come from `harvest.ties.derive_tie_form` through the
stored `Tie.form`; nothing here classifies ties again.

Municipality filter: the municipality's actors, the ties among them, and, as
context, national actors (no municipality) tied to them; those are marked
`context=True` and shown only while they keep a tie after the other filters.
Must not import `app` or Flask.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from harvest import access
from harvest.actors import municipality_id_of
from harvest.errors import N_, ValidationFailed
from harvest.models import (
    Actor,
    ActorKind,
    Harvest,
    Municipality,
    Outcome,
    Sector,
    Tie,
    TieEvidence,
    TieForm,
    User,
)
from harvest.schemas import Checked, validate
from harvest.ties import valid_on


@dataclass(frozen=True)
class GraphFilters:
    """What a map shows: a municipality (slug, None for all), a date and value filters."""

    municipality: str | None = None
    as_of: date | None = None
    forms: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)
    sectors: frozenset[str] = field(default_factory=frozenset)

    def key(self) -> str:
        """Return a short, stable text naming these filters (for caches and file names)."""
        parts = [
            self.municipality or "all",
            self.as_of.isoformat() if self.as_of else "now",
            ",".join(sorted(self.forms)) or "*",
            ",".join(sorted(self.kinds)) or "*",
            ",".join(sorted(self.sectors)) or "*",
        ]
        return "|".join(parts)


class GraphQuery(Checked):
    """The filters of a map as they arrive from a form, the API or the CLI."""

    municipality: str | None = None
    as_of: date | None = None
    form: list[TieForm] = []
    kind: list[ActorKind] = []
    sector: list[Sector] = []


def parse_filters(session: Session, data: dict[str, Any]) -> GraphFilters:
    """Validate map filters, as of today unless a date is given.

    An unknown municipality or value raises `ValidationFailed`."""
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("form", "kind", "sector"):
            values = value if isinstance(value, list) else [value]
            values = [v for v in values if v not in (None, "")]
            if values:
                cleaned[key] = values
        elif value not in (None, ""):
            cleaned[key] = value
    query = validate(GraphQuery, cleaned)
    if query.municipality is not None:
        municipality_id_of(session, query.municipality)
    return GraphFilters(
        municipality=query.municipality,
        as_of=query.as_of or date.today(),
        forms=frozenset(f.value for f in query.form),
        kinds=frozenset(k.value for k in query.kind),
        sectors=frozenset(s.value for s in query.sector),
    )


@dataclass(frozen=True)
class Viewer:
    """Who looks at the map: decides which evidencing outcomes are shown."""

    user: User | None = None
    member_of: frozenset[int] = frozenset()


def tie_exists_on(start: date | None, end: date | None, day: date) -> bool:
    """Tell whether a tie with these dates exists on `day` (open ends are unbounded)."""
    return (start is None or start <= day) and (end is None or end >= day)


def _municipality_slugs(session: Session) -> dict[int, str]:
    return {mid: slug for mid, slug in session.execute(select(Municipality.id, Municipality.slug))}


ACTOR_COLUMNS = (
    col(Actor.id),
    col(Actor.name),
    col(Actor.slug),
    col(Actor.kind),
    col(Actor.sector),
    col(Actor.tier),
    col(Actor.municipality_id),
    col(Actor.tags),
)


_SOURCE = aliased(Actor, name="source_actor")
_TARGET = aliased(Actor, name="target_actor")
CHUNK = 1000


def _value_filters(actor: Any, filters: GraphFilters) -> list[Any]:
    conditions = []
    if filters.kinds:
        conditions.append(actor.kind.in_(sorted(filters.kinds)))
    if filters.sectors:
        conditions.append(actor.sector.in_(sorted(filters.sectors)))
    return conditions


def _tie_conditions(filters: GraphFilters, municipality_id: int | None) -> list[Any]:
    """Return the WHERE conditions that pick the map's ties (joined to `_ends`)."""
    conditions: list[Any] = []
    if filters.as_of is not None:
        conditions.append(valid_on(filters.as_of))
    if filters.forms:
        conditions.append(col(Tie.form).in_(sorted(filters.forms)))
    for end in (_SOURCE, _TARGET):
        conditions += _value_filters(end, filters)
        if municipality_id is not None:  # each end here or national ...
            place = col(end.municipality_id)
            conditions.append(or_(place == municipality_id, place.is_(None)))
    if municipality_id is not None:  # ... and at least one end here
        home = sa_select(col(Actor.id)).where(col(Actor.municipality_id) == municipality_id)
        conditions.append(or_(col(Tie.source_id).in_(home), col(Tie.target_id).in_(home)))
    return conditions


def _tie_select(columns: Iterable[Any], filters: GraphFilters, municipality_id: int | None) -> Any:
    conditions = _tie_conditions(filters, municipality_id)
    query = sa_select(*columns)
    if municipality_id is not None or filters.kinds or filters.sectors:
        query = query.join(_SOURCE, col(_SOURCE.id) == col(Tie.source_id)).join(
            _TARGET, col(_TARGET.id) == col(Tie.target_id)
        )
    return query.where(*conditions)


def _tie_rows(session: Session, filters: GraphFilters, municipality_id: int | None) -> list[Any]:
    columns = (
        col(Tie.id),
        col(Tie.source_id),
        col(Tie.target_id),
        col(Tie.kind),
        col(Tie.form),
        col(Tie.derived_form),
        col(Tie.override_reason),
        col(Tie.start),
        col(Tie.end),
        col(Tie.strength),
    )
    query = _tie_select(columns, filters, municipality_id).order_by(col(Tie.id))
    return list(session.execute(query))


def _actor_rows(
    session: Session, filters: GraphFilters, municipality_id: int | None, context: set[int]
) -> list[Any]:
    """Return the map's actors: those of the municipality (or all) and the `context` ids."""
    query = sa_select(*ACTOR_COLUMNS).where(*_value_filters(Actor, filters))
    if municipality_id is None:
        return list(session.execute(query))
    rows = list(session.execute(query.where(col(Actor.municipality_id) == municipality_id)))
    ids = sorted(context)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows += session.execute(sa_select(*ACTOR_COLUMNS).where(col(Actor.id).in_(chunk)))
    return rows


def tie_evidence(
    session: Session,
    tie_ids: Iterable[int],
    viewer: Viewer,
    *,
    among: Any = None,
) -> dict[int, list[tuple[int, str]]]:
    """Return, per tie, the (id, title) of the outcomes evidencing it that `viewer` may see.

    `among`, a select of tie ids, narrows the query in SQL (else every tie's evidence is read)."""
    wanted = set(tie_ids)
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if not wanted:
        return found
    query = (
        sa_select(
            col(TieEvidence.tie_id),
            col(Outcome.id),
            col(Outcome.title),
            col(Outcome.status),
            col(Harvest.group_id),
        )
        .join(Outcome, col(Outcome.id) == TieEvidence.outcome_id)
        .join(Harvest, col(Harvest.id) == Outcome.harvest_id)
        .order_by(col(Outcome.id))
    )
    if among is not None:
        query = query.where(col(TieEvidence.tie_id).in_(among))
    member_of = set(viewer.member_of)
    for tie_id, outcome_id, title, status, group_id in session.execute(query):
        if tie_id in wanted and access.can_see_outcome(viewer.user, status, group_id, member_of):
            found[tie_id].append((outcome_id, title))
    return found


def build_graph(
    session: Session, filters: GraphFilters | None = None, viewer: Viewer | None = None
) -> nx.MultiGraph:
    """Build the map's graph: actors are nodes (by id), ties are keyed edges (by tie id).

    The database picks the actors, ties and evidence of the municipality and filters;
    national actors come along as context only when a shown tie reaches them."""
    filters = filters or GraphFilters()
    viewer = viewer or Viewer()
    municipality_id = municipality_id_of(session, filters.municipality)
    slugs = _municipality_slugs(session)
    graph = nx.MultiGraph(filters=filters.key())
    ties = _tie_rows(session, filters, municipality_id)
    ends = {r.source_id for r in ties} | {r.target_id for r in ties}
    rows = _actor_rows(session, filters, municipality_id, ends)
    for row in rows:
        context = municipality_id is not None and row.municipality_id is None
        if context and row.id not in ends:
            continue
        graph.add_node(
            row.id,
            name=row.name,
            slug=row.slug,
            kind=row.kind,
            sector=row.sector,
            tier=row.tier,
            municipality=slugs.get(row.municipality_id, "") if row.municipality_id else "",
            tags=list(row.tags or []),
            context=context,
        )
    among = None
    if filters != GraphFilters():
        among = _tie_select((col(Tie.id),), filters, municipality_id)
    evidence = tie_evidence(session, (r.id for r in ties), viewer, among=among)
    for r in ties:
        shown = evidence.get(r.id, [])
        graph.add_edge(
            r.source_id,
            r.target_id,
            key=r.id,
            id=r.id,
            source_id=r.source_id,
            target_id=r.target_id,
            kind=r.kind,
            form=r.form,
            derived_form=r.derived_form,
            override_reason=r.override_reason or "",
            start=r.start,
            end=r.end,
            strength=r.strength,
            evidence=[oid for oid, _title in shown],
            evidence_titles=[title for _oid, title in shown],
        )
    return graph


def simple_graph(graph: nx.MultiGraph) -> nx.Graph:
    """Return the graph with parallel ties merged (weight: number of ties), for metrics."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    for u, v in graph.edges():
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += 1
        else:
            simple.add_edge(u, v, weight=1)
    return simple


def focus_graph(graph: nx.MultiGraph, actor_id: int, depth: int) -> nx.MultiGraph:
    """Return the part of `graph` within `depth` steps (1 or 2) of `actor_id`."""
    if actor_id not in graph:
        raise ValidationFailed({"focus": (N_("That actor is not on this map."), {"id": actor_id})})
    if depth not in (1, 2):
        raise ValidationFailed({"depth": (N_("Choose 1 or 2 steps."), {})})
    near = nx.single_source_shortest_path_length(graph, actor_id, cutoff=depth)
    return graph.subgraph(near).copy()


def _state(session: Session, model: Any, *conditions: Any) -> tuple[Any, ...]:
    """Return count, sum of versions, sum of ids and the last change of `model`'s rows."""
    query = sa_select(
        func.count(),
        func.coalesce(func.sum(model.version), 0),
        func.coalesce(func.sum(model.id), 0),
        func.max(model.updated_at),
    ).where(*conditions)
    return tuple(session.execute(query).one())


def _evidence_state(session: Session, *conditions: Any) -> tuple[Any, ...]:
    """Return count and sums of the evidence rows and their outcomes' versions."""
    query = (
        sa_select(
            func.count(),
            func.coalesce(func.sum(TieEvidence.outcome_id), 0),
            func.coalesce(func.sum(Outcome.version), 0),
            func.max(Outcome.updated_at),
        )
        .join(Outcome, col(Outcome.id) == col(TieEvidence.outcome_id))
        .where(*conditions)
    )
    return tuple(session.execute(query).one())


def graph_version(session: Session, municipality: str | None = None) -> str:
    """Return a text that changes whenever the map of `municipality` (None: the country) may.

    A municipality's version covers its actors, every national actor (they are context
    on any map), the ties touching its actors and those ties' evidencing outcomes (their
    status and title decide what a viewer sees); an edit elsewhere leaves it alone, and
    a tie between two municipalities changes both. Counts and sums of ids and versions
    catch deletions and edits that keep the last change time."""
    municipality_id = municipality_id_of(session, municipality)
    if municipality_id is None:
        parts: tuple[Any, ...] = (
            *_state(session, Actor),
            *_state(session, Tie),
            *_evidence_state(session),
        )
        scope = "all"
    else:
        home = sa_select(col(Actor.id)).where(col(Actor.municipality_id) == municipality_id)
        touching = or_(col(Tie.source_id).in_(home), col(Tie.target_id).in_(home))
        parts = (
            *_state(session, Actor, col(Actor.municipality_id) == municipality_id),
            *_state(session, Actor, col(Actor.municipality_id).is_(None)),
            *_state(session, Tie, touching),
            *_evidence_state(
                session, col(TieEvidence.tie_id).in_(sa_select(col(Tie.id)).where(touching))
            ),
        )
        scope = f"m{municipality_id}"
    text = "|".join(str(part) for part in parts)
    return f"{scope}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"
