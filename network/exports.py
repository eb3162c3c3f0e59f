"""Graph files: GraphML and GEXF (Gephi), JSON (the API's shape) and Kumu's spreadsheet layout.

Every actor of the map is written, also those without ties. GraphML and GEXF take
scalar attributes only, so lists are joined with `|` and dates written as
YYYY-MM-DD. Kumu's layout: an `Elements` sheet keyed by `Label` and a `Connections`
sheet with `From` and `To`; several values in a cell are joined by `|`.
Must not import `app` or Flask.
"""

import io
from collections.abc import Hashable
from typing import Any

import networkx as nx
from openpyxl import Workbook

from network.maps import MapView

FORMATS = ("graphml", "gexf", "json", "kumu")
MEDIA_TYPES = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "json": "application/json",
    "kumu": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
SUFFIXES = {"graphml": "graphml", "gexf": "gexf", "json": "json", "kumu": "xlsx", "html": "html"}
ELEMENT_COLUMNS = ("Label", "Type", "Sector", "Tier", "Municipality", "Tags", "Slug", "Id")
CONNECTION_COLUMNS = (
    "From",
    "To",
    "Type",
    "Form",
    "Start",
    "End",
    "Strength",
    "Outcomes",
    "Id",
)
SCALAR_METRICS = ("degree", "betweenness", "constraint", "effective_size", "brokerage")


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "|".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def node_record(node: Hashable, data: dict[str, Any], metrics: dict[str, Any]) -> dict[str, Any]:
    """Return an actor as the API and JSON export show it."""
    return {
        "id": node,
        "name": data["name"],
        "slug": data["slug"],
        "kind": data["kind"],
        "sector": data["sector"],
        "tier": data["tier"],
        "municipality": data["municipality"] or None,
        "context": bool(data.get("context")),
        "metrics": metrics,
    }


def tie_record(data: dict[str, Any]) -> dict[str, Any]:
    """Return a tie as the API and JSON export show it; evidence holds outcome ids."""
    return {
        "id": data["id"],
        "source_id": data["source_id"],
        "target_id": data["target_id"],
        "kind": data["kind"],
        "form": data["form"],
        "derived_form": data["derived_form"],
        "start": data["start"].isoformat() if data["start"] else None,
        "end": data["end"].isoformat() if data["end"] else None,
        "strength": data["strength"],
        "evidence": list(data["evidence"]),
    }


def graph_document(view: MapView) -> dict[str, Any]:
    """Return the map as the API's JSON document: nodes, ties and graph-level metrics."""
    graph = view.shown
    filters = view.filters
    answers = view.answers
    return {
        "filters": {
            "municipality": filters.municipality,
            "as_of": filters.as_of.isoformat() if filters.as_of else None,
            "form": sorted(filters.forms),
            "kind": sorted(filters.kinds),
            "sector": sorted(filters.sectors),
        },
        "nodes": [node_record(n, d, view.per_node.get(n, {})) for n, d in graph.nodes(data=True)],
        "ties": [tie_record(d) for _u, _v, d in graph.edges(data=True)],
        "metrics": {**view.summary, "answers": answers, "graph_version": view.version},
    }


def _flat_graph(view: MapView) -> nx.MultiGraph:
    flat = nx.MultiGraph()
    for node, data in view.shown.nodes(data=True):
        metrics = view.per_node.get(node, {})
        attrs = {k: _plain(v) for k, v in data.items()}
        attrs["label"] = data["name"]
        for name in (*SCALAR_METRICS, "community"):
            if metrics.get(name) is not None:  # a missing value stays absent, not ""
                attrs[name] = metrics[name]
        flat.add_node(str(node), **attrs)
    for u, v, key, data in view.shown.edges(keys=True, data=True):
        attrs = {k: _plain(v) for k, v in data.items() if k != "id"}
        attrs["tie_id"] = data["id"]
        flat.add_edge(str(u), str(v), key=str(key), **attrs)
    return flat


def to_graphml(view: MapView) -> bytes:
    """Return the map as GraphML."""
    out = io.BytesIO()
    nx.write_graphml(_flat_graph(view), out, encoding="utf-8")
    return out.getvalue()


def to_gexf(view: MapView) -> bytes:
    """Return the map as GEXF 1.2 for Gephi."""
    out = io.BytesIO()
    nx.write_gexf(_flat_graph(view), out, encoding="utf-8")
    return out.getvalue()


def to_kumu(view: MapView) -> bytes:
    """Return the map in Kumu's spreadsheet layout (Elements and Connections sheets)."""
    book = Workbook()
    elements = book.active
    elements.title = "Elements"
    elements.append(ELEMENT_COLUMNS)
    names = {}
    for node, data in view.shown.nodes(data=True):
        names[node] = data["name"]
        elements.append(
            [
                data["name"],
                data["kind"],
                data["sector"],
                data["tier"],
                data["municipality"],
                "|".join(data.get("tags", [])),
                data["slug"],
                node,
            ]
        )
    connections = book.create_sheet("Connections")
    connections.append(CONNECTION_COLUMNS)
    for u, v, data in view.shown.edges(data=True):
        source, target = (u, v) if data["source_id"] == u else (v, u)
        connections.append(
            [
                names[source],
                names[target],
                data["kind"],
                data["form"],
                _plain(data["start"]),
                _plain(data["end"]),
                data["strength"],
                "|".join(data["evidence_titles"]),
                data["id"],
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_graph(view: MapView, fmt: str) -> bytes:
    """Return the map in `fmt` (graphml, gexf, json or kumu)."""
    import json

    if fmt == "graphml":
        return to_graphml(view)
    if fmt == "gexf":
        return to_gexf(view)
    if fmt == "json":
        return json.dumps(graph_document(view), ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "kumu":
        return to_kumu(view)
    raise ValueError(fmt)
