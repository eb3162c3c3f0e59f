"""A map ready to show: the filtered graph, its metrics, answers and layout, cached when dear.

The layout is computed once per municipality on the unfiltered graph, so actors
keep their place when filters or the date change; it and the metrics of large
maps (`CACHE_METRICS_FROM` actors or more) are stored in `ComputedResult` keyed by
the graph's version. Focus narrows what is drawn; metrics stay those of the map.
Functions may flush (the cache) and never commit. Must not import `app` or Flask.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
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


@dataclass
class MapView:
    """Everything a map page, the API and the exports show."""

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


def _layout(
    session: Session,
    filters: GraphFilters,
    version: str,
    viewer: Viewer,
    graph: nx.MultiGraph,
    keep: cache.Keep | None,
) -> Any:
    key = cache.cache_key("layout", filters.municipality or "all")
    base = GraphFilters(filters.municipality)

    def compute() -> dict[str, Any]:
        unfiltered = graph if filters == base else build_graph(session, base, viewer)
        whole = simple_graph(unfiltered)
        placed = layout.compute_layout(whole)
        return {"positions": [[n, x, y] for n, (x, y) in placed.items()]}

    payload = cache.cached(session, key, version, compute, keep=keep)
    return {n: (x, y) for n, x, y in payload["positions"]}


def _metrics(
    session: Session,
    graph: nx.MultiGraph,
    filters: GraphFilters,
    version: str,
    keep: cache.Keep | None,
) -> tuple[dict[Hashable, dict[str, Any]], dict[str, Any], bool]:
    if graph.number_of_nodes() < CACHE_METRICS_FROM:
        per_node, summary = metrics.node_metrics(graph)
        return per_node, summary, False

    def compute() -> dict[str, Any]:
        per_node, summary = metrics.node_metrics(graph)
        return {"nodes": [[n, m] for n, m in per_node.items()], "summary": summary}

    key = cache.cache_key("metrics", filters.key())
    payload = cache.cached(session, key, version, compute, keep=keep)
    return {n: m for n, m in payload["nodes"]}, payload["summary"], True


def prepare_map(
    session: Session,
    filters: GraphFilters,
    viewer: Viewer | None = None,
    *,
    focus: int | None = None,
    depth: int = 1,
    keep: cache.Keep | None = None,
) -> MapView:
    """Build the map for `filters`, with metrics, answers and layout; focus on one actor.

    A freshly computed layout or metrics is stored with `keep` (see `network.cache`),
    else in `session`."""
    viewer = viewer or Viewer()
    version = graph_version(session)
    graph = build_graph(session, filters, viewer)
    per_node, summary, metrics_cached = _metrics(session, graph, filters, version, keep)
    positions = _layout(session, filters, version, viewer, graph, keep)
    missing = [n for n in graph if n not in positions]
    if missing:  # a cached layout from a moment ago may lack a brand-new actor
        positions.update(layout.force_layout(graph.subgraph(missing)))
    shown = focus_graph(graph, focus, depth) if focus is not None else graph
    return MapView(
        filters=filters,
        graph=graph,
        shown=shown,
        per_node=per_node,
        summary=summary,
        answers=metrics.answers(graph, per_node),
        positions=positions,
        version=version,
        focus=focus,
        depth=depth,
        cached=["layout", *(["metrics"] if metrics_cached else [])],
    )
