"""A map ready to show: the filtered graph, its metrics, answers and layout, cached when dear.

The layout is computed once per municipality on the unfiltered graph, so actors
keep their place when filters or the date change; it and the metrics of large
maps (`CACHE_METRICS_FROM` actors or more) are stored in `ComputedResult` keyed by
the graph's version (one per municipality, `network.graph.graph_version`).

With a `schedule` (the web pages pass one, see `network.jobs`), a request never waits
for a dear computation it can avoid (stale-while-revalidate): when the stored result
is of an older version it is shown marked `stale` and a background job is scheduled;
when nothing is stored, a small map is computed in the request, and a large one once
with the cheaper estimate (betweenness exact only up to `INLINE_EXACT_UP_TO` actors),
stored as provisional and marked `computing` while the background job computes the
exact one. Without a schedule (CLI, exports) everything is computed now, exactly.
Focus narrows what is drawn, laid out afresh around the focused actor; metrics stay those
of the map. Maps are as of a date (today unless one is chosen: `parse_filters`).

The last `RECENT_MAPS` current maps are also kept in this process's memory, keyed by
the database, filters, graph version and what the viewer may see, so a warm request
only reads the version: views share that graph and must not change it.
Functions may flush (the cache) and never commit. Must not import `app` or Flask.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
from sqlmodel import Session

from network import cache, layout, metrics
from network.graph import (
    GraphFilters,
    Viewer,
    build_graph,
    focus_graph,
    graph_version,
    simple_graph,
)

CACHE_METRICS_FROM = 300
RECENT_MAPS = 6
INLINE_EXACT_UP_TO = 2000
PROVISIONAL = "provisional"
# Asks for the layout and metrics of these filters to be computed in the background;
# the version is the one the request saw (jobs for the same pair run once at a time).
Schedule = Callable[[GraphFilters, str], None]


@dataclass
class MapView:
    """Everything a map page, the API and the exports show.

    `stale`: the layout or metrics shown were computed from an older state of the
    graph; `computing`: a background job is computing the current ones."""

    filters: GraphFilters
    graph: nx.MultiGraph
    shown: nx.MultiGraph
    per_node: dict[Hashable, dict[str, Any]]
    summary: dict[str, Any]
    answers: dict[str, Any]
    positions: dict[Hashable, tuple[float, float]]
    version: str
    focus: int | None = None
    depth: int = 1
    cached: list[str] = field(default_factory=list)
    stale: bool = False
    computing: bool = False


@dataclass
class Found:
    """A layout or metrics payload and how current it is."""

    payload: dict[str, Any]
    stale: bool = False
    computing: bool = False


def layout_key(filters: GraphFilters) -> str:
    """Return the cache key of the layout of `filters`' municipality (or the country)."""
    return cache.cache_key("layout", filters.municipality or "all")


def metrics_key(filters: GraphFilters) -> str:
    """Return the cache key of the metrics of `filters`."""
    return cache.cache_key("metrics", filters.key())


def whole_map(municipality: str | None) -> GraphFilters:
    """Return the filters of the municipality's (None: the country's) unfiltered map today."""
    return GraphFilters(municipality, date.today())


def compute_layout_payload(
    session: Session,
    filters: GraphFilters,
    graph: nx.MultiGraph,
    community: dict[Hashable, int] | None = None,
) -> Any:
    """Compute the layout of the municipality's unfiltered map today (`graph` if it is that map).

    `community`, the communities of that unfiltered map if known, spares finding them again."""
    base = whole_map(filters.municipality)
    if filters != base:
        graph, community = build_graph(session, base), None
    placed = layout.compute_layout(simple_graph(graph), community)
    return {"positions": [[n, x, y] for n, (x, y) in placed.items()]}


def compute_metrics_payload(
    graph: nx.MultiGraph, *, exact_up_to: int = metrics.EXACT_BETWEENNESS_UP_TO
) -> dict[str, Any]:
    """Compute the metrics of `graph` as a storable payload."""
    per_node, summary = metrics.node_metrics(graph, exact_up_to=exact_up_to)
    return {"nodes": [[n, m] for n, m in per_node.items()], "summary": summary}


def _lookup(
    session: Session,
    key: str,
    version: str,
    compute: Callable[[], dict[str, Any]],
    *,
    keep: cache.Keep | None,
    schedule: Schedule | None,
    quick: Callable[[], dict[str, Any]] | None = None,
) -> Found:
    """Return the stored payload, stale or fresh, or compute it (see the module docstring)."""
    entry = cache.read_entry(session, key)
    current = entry is not None and entry[0] == version
    if entry is not None and current and not entry[1].get(PROVISIONAL):
        return Found(entry[1])
    if schedule is None:
        payload = compute()
        _keep(session, key, version, payload, keep)
        return Found(payload)
    if entry is not None:
        return Found(entry[1], stale=not current, computing=True)
    if quick is None:
        payload = compute()
        _keep(session, key, version, payload, keep)
        return Found(payload)
    payload = {**quick(), PROVISIONAL: True}
    _keep(session, key, version, payload, keep)
    return Found(payload, computing=True)


def _keep(
    session: Session, key: str, version: str, payload: dict[str, Any], keep: cache.Keep | None
) -> None:
    if keep is None:
        cache.store(session, key, version, payload)
    else:
        keep(key, version, payload)


def _place_newcomers(
    positions: dict[Hashable, tuple[float, float]], graph: nx.MultiGraph
) -> dict[Hashable, tuple[float, float]]:
    """Place actors a stored layout lacks (new since it was computed) beside the others."""
    missing = [n for n in graph if n not in positions]
    if not missing:
        return positions
    part = simple_graph(graph.subgraph(missing))
    if len(missing) <= layout.FORCE_UP_TO:
        placed = layout.force_layout(part)
    else:
        placed = layout.grouped_layout(part, {})
    right = max((x for x, _y in positions.values()), default=0.0) + 4 * layout.SPACING
    left = min((x for x, _y in placed.values()), default=0.0)
    shift = right - left if positions else 0.0
    return {**positions, **{n: (x + shift, y) for n, (x, y) in placed.items()}}


def _metrics_of(found: Found, graph: nx.MultiGraph) -> tuple[dict[Hashable, Any], dict[str, Any]]:
    per_node = {n: m for n, m in found.payload["nodes"] if n in graph}
    if len(per_node) < graph.number_of_nodes():  # stale metrics: newcomers show degree only
        simple = simple_graph(graph)
        for node in graph:
            if node not in per_node:
                per_node[node] = {"degree": simple.degree(node), "ties": graph.degree(node)}
    return per_node, found.payload["summary"]


@dataclass(frozen=True)
class _Prepared:
    graph: nx.MultiGraph
    per_node: dict[Hashable, dict[str, Any]]
    summary: dict[str, Any]
    answers: dict[str, Any]
    positions: dict[Hashable, tuple[float, float]]


_RECENT: OrderedDict[tuple[Any, ...], _Prepared] = OrderedDict()
_RECENT_LOCK = threading.Lock()


def _recent_key(session: Session, filters: GraphFilters, version: str, viewer: Viewer) -> Any:
    user = viewer.user
    role = user.role if user is not None and user.active else None
    database = str(session.get_bind().engine.url)
    return (database, filters.key(), version, role, viewer.member_of)


def _recall(key: Any) -> _Prepared | None:
    with _RECENT_LOCK:
        found = _RECENT.get(key)
        if found is not None:
            _RECENT.move_to_end(key)
        return found


def _remember(key: Any, prepared: _Prepared) -> None:
    with _RECENT_LOCK:
        _RECENT[key] = prepared
        while len(_RECENT) > RECENT_MAPS:
            _RECENT.popitem(last=False)


def prepare_map(
    session: Session,
    filters: GraphFilters,
    viewer: Viewer | None = None,
    *,
    focus: int | None = None,
    depth: int = 1,
    keep: cache.Keep | None = None,
    schedule: Schedule | None = None,
) -> MapView:
    """Build the map for `filters`, with metrics, answers and layout; focus on one actor.

    A freshly computed layout or metrics is stored with `keep` (see `network.cache`),
    else in `session`. With `schedule`, dear results are computed in the background
    and an older one is shown meanwhile (see the module docstring)."""
    viewer = viewer or Viewer()
    version = graph_version(session, filters.municipality)
    recent_key = _recent_key(session, filters, version, viewer)
    recalled = _recall(recent_key)
    if recalled is not None:
        return _view(filters, version, recalled, focus, depth)
    graph = build_graph(session, filters, viewer)
    large = graph.number_of_nodes() >= CACHE_METRICS_FROM
    if large:
        found_metrics = _lookup(
            session,
            metrics_key(filters),
            version,
            lambda: compute_metrics_payload(graph),
            keep=keep,
            schedule=schedule,
            quick=lambda: compute_metrics_payload(graph, exact_up_to=INLINE_EXACT_UP_TO),
        )
        per_node, summary = _metrics_of(found_metrics, graph)
    else:
        found_metrics = Found({})
        per_node, summary = metrics.node_metrics(graph)
    found_layout = _lookup(
        session,
        layout_key(filters),
        version,
        lambda: compute_layout_payload(session, filters, graph),
        keep=keep,
        # a small municipality's layout is cheaper to compute than to show stale
        schedule=schedule if large or filters != whole_map(filters.municipality) else None,
    )
    positions = _place_newcomers(
        {n: (x, y) for n, x, y in found_layout.payload["positions"]}, graph
    )
    if schedule is not None and (found_layout.computing or found_metrics.computing):
        schedule(filters, version)
    prepared = _Prepared(graph, per_node, summary, metrics.answers(graph, per_node), positions)
    stale = found_layout.stale or found_metrics.stale
    computing = found_layout.computing or found_metrics.computing
    if not stale and not computing:
        _remember(recent_key, prepared)
    return _view(filters, version, prepared, focus, depth, stale=stale, computing=computing)


def _view(
    filters: GraphFilters,
    version: str,
    prepared: _Prepared,
    focus: int | None,
    depth: int,
    *,
    stale: bool = False,
    computing: bool = False,
) -> MapView:
    graph = prepared.graph
    positions = prepared.positions
    shown = graph
    if focus is not None:  # the neighbourhood laid out afresh around the focused actor
        shown = focus_graph(graph, focus, depth)
        positions = layout.focus_layout(simple_graph(shown), focus)
    return MapView(
        filters=filters,
        graph=graph,
        shown=shown,
        per_node=prepared.per_node,
        summary=prepared.summary,
        answers=prepared.answers,
        positions=positions,
        version=version,
        focus=focus,
        depth=depth,
        cached=["layout", *(["metrics"] if graph.number_of_nodes() >= CACHE_METRICS_FROM else [])],
        stale=stale,
        computing=computing,
    )
