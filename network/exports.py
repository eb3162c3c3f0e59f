"""Graph files: GraphML, GEXF 1.3 (Gephi), JSON (the API's shape) and Kumu's spreadsheet layout.

Every actor of the map is written, also those without ties, with every attribute the
graph holds; metrics a map has not computed stay absent, never "". GraphML declares each
attribute as a typed `<key>`; lists are joined with `|` and dates written as YYYY-MM-DD.
GEXF is static when no tie has a date, else dynamic with a spell per dated tie (only the
ends that exist); each tie's kind is the GEXF edge kind, so parallel ties stay apart in
Gephi, and its direction the edge type. Kumu's layout: an `Elements` sheet keyed by
`Label` and a `Connections` sheet with `From`, `To` and `Direction`; several values in a
cell are joined by `|`, and no cell runs as a formula (`harvest.workbooks`).
Must not import `app` or Flask.
"""

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx
from openpyxl import Workbook

from harvest.workbooks import keep_sheet_as_text
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
    "Direction",
    "Type",
    "Form",
    "Start",
    "End",
    "Strength",
    "Outcomes",
    "Id",
)
# Which way a tie of each kind points, in Kumu's and GEXF's words: `directed` from the
# tie's source to its target, `mutual` both ways, `undirected` no way.
TIE_DIRECTIONS = {
    "referral": "directed",  # the source refers citizens to the target
    "funding": "directed",  # the source funds the target
    "volunteer_flow": "directed",  # volunteers come from the source to the target
    "hosting": "directed",  # the source hosts the target
    "membership": "directed",  # the source is a member of the target
    "collaboration": "mutual",
    "information_exchange": "mutual",
    "shared_activity": "undirected",
}
# Metric name -> type of its values (GraphML and GEXF declare one type per attribute).
METRIC_TYPES: dict[str, type] = {
    "degree": int,
    "ties": int,
    "betweenness": float,
    "constraint": float,
    "effective_size": float,
    "brokerage": int,
    "tiers_reached": int,
    "community": int,
}
SCALAR_METRICS = tuple(METRIC_TYPES)
GEXF_NAMESPACE = "http://gexf.net/1.3"
GEXF_SCHEMA = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def tie_direction(kind: str) -> str:
    """Return which way a tie of `kind` points: directed, mutual or undirected."""
    return TIE_DIRECTIONS.get(kind, "undirected")


def _text(value: Any) -> str:
    """Return `value` as text XML 1.0 can hold (control characters dropped)."""
    return _NOT_XML.sub("", str(value))


def _joined(values: Iterable[Any]) -> str:
    return "|".join(_text(v) for v in values)


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


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
        "tags": list(data.get("tags", [])),
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
        "direction": tie_direction(data["kind"]),
        "form": data["form"],
        "derived_form": data["derived_form"],
        "start": _day(data["start"]),
        "end": _day(data["end"]),
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


def actor_attributes(view: MapView, node: Hashable) -> dict[str, Any]:
    """Return an actor's attributes for a graph file: scalars of one type each, lists joined."""
    data = view.shown.nodes[node]
    attrs: dict[str, Any] = {
        "label": _text(data["name"]),
        "name": _text(data["name"]),
        "slug": data["slug"],
        "kind": data["kind"],
        "sector": data["sector"],
        "tier": int(data["tier"]),
        "municipality": data["municipality"] or "",
        "tags": _joined(data.get("tags", [])),
        "context": bool(data.get("context")),
    }
    metrics = view.per_node.get(node, {})
    for name, kind in METRIC_TYPES.items():
        if metrics.get(name) is not None:  # a missing value stays absent, not ""
            attrs[name] = kind(metrics[name])
    return attrs


def tie_attributes(data: dict[str, Any]) -> dict[str, Any]:
    """Return a tie's attributes for a graph file; a date it does not have stays absent."""
    attrs: dict[str, Any] = {
        "tie_id": int(data["id"]),
        "source_id": int(data["source_id"]),
        "target_id": int(data["target_id"]),
        "kind": data["kind"],
        "direction": tie_direction(data["kind"]),
        "form": data["form"],
        "derived_form": data["derived_form"],
        "override_reason": _text(data.get("override_reason") or ""),
        "strength": int(data["strength"]),
        "evidence": _joined(data["evidence"]),
        "evidence_titles": _joined(data["evidence_titles"]),
        "evidence_count": len(data["evidence"]),
    }
    for end in ("start", "end"):
        if data.get(end):
            attrs[end] = data[end].isoformat()
    return attrs


def _flat_graph(view: MapView) -> nx.MultiGraph:
    flat = nx.MultiGraph()
    for node in view.shown:
        flat.add_node(str(node), **actor_attributes(view, node))
    for u, v, key, data in view.shown.edges(keys=True, data=True):
        flat.add_edge(str(u), str(v), key=str(key), **tie_attributes(data))
    return flat


def to_graphml(view: MapView) -> bytes:
    """Return the map as GraphML, every attribute declared as a typed key."""
    out = io.BytesIO()
    nx.write_graphml(_flat_graph(view), out, encoding="utf-8")
    return out.getvalue()


_GEXF_TYPES = {bool: "boolean", int: "integer", float: "double", str: "string"}


def _declare(parent: ET.Element, scope: str, rows: Iterable[dict[str, Any]]) -> None:
    """Declare every attribute the rows hold, in first-seen order, with its GEXF type."""
    found: dict[str, type] = {}
    for row in rows:
        for name, value in row.items():
            found.setdefault(name, type(value))
    attributes = ET.SubElement(parent, "attributes", {"class": scope, "mode": "static"})
    for name, kind in found.items():
        ET.SubElement(attributes, "attribute", id=name, title=name, type=_GEXF_TYPES[kind])


def _attvalues(parent: ET.Element, row: dict[str, Any]) -> None:
    values = ET.SubElement(parent, "attvalues")
    for name, value in row.items():
        text = str(value).lower() if isinstance(value, bool) else _text(value)
        ET.SubElement(values, "attvalue", {"for": name, "value": text})


def to_gexf(view: MapView) -> bytes:
    """Return the map as GEXF 1.3 for Gephi: static, or dynamic when a tie has dates."""
    ties = [data for _u, _v, data in view.shown.edges(data=True)]
    dynamic = any(t.get("start") or t.get("end") for t in ties)
    root = ET.Element(
        "gexf",
        {
            "xmlns": GEXF_NAMESPACE,
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": GEXF_SCHEMA,
            "version": "1.3",
        },
    )
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "Brobyg"
    ET.SubElement(meta, "description").text = _text(view.filters.key())
    graph_attrs = {"defaultedgetype": "undirected", "mode": "dynamic" if dynamic else "static"}
    if dynamic:
        graph_attrs["timeformat"] = "date"
    graph = ET.SubElement(root, "graph", graph_attrs)
    actors = {node: actor_attributes(view, node) for node in view.shown}
    for row in actors.values():
        del row["label"]  # the node's own label attribute
    edge_rows = [tie_attributes(t) for t in ties]
    for row in edge_rows:
        for end in ("start", "end"):
            row.pop(end, None)  # the spell says when
    _declare(graph, "node", actors.values())
    _declare(graph, "edge", edge_rows)
    nodes = ET.SubElement(graph, "nodes", count=str(len(actors)))
    for node, row in actors.items():
        element = ET.SubElement(nodes, "node", id=str(node), label=row["name"])
        _attvalues(element, row)
    edges = ET.SubElement(graph, "edges", count=str(len(ties)))
    for tie, row in zip(ties, edge_rows, strict=True):
        element = ET.SubElement(
            edges,
            "edge",
            id=str(tie["id"]),
            source=str(tie["source_id"]),
            target=str(tie["target_id"]),
            type=row["direction"],
            kind=tie["kind"],
            weight=str(float(tie["strength"])),
        )
        _attvalues(element, row)
        spell = {end: tie[end].isoformat() for end in ("start", "end") if tie.get(end)}
        if spell:
            ET.SubElement(ET.SubElement(element, "spells"), "spell", spell)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def to_kumu(view: MapView) -> bytes:
    """Return the map in Kumu's spreadsheet layout (Elements and Connections sheets)."""
    book = Workbook()
    elements = book.active
    assert elements is not None
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
    for _u, _v, data in view.shown.edges(data=True):
        connections.append(
            [
                names[data["source_id"]],
                names[data["target_id"]],
                tie_direction(data["kind"]),
                data["kind"],
                data["form"],
                _day(data["start"]),
                _day(data["end"]),
                data["strength"],
                "|".join(data["evidence_titles"]),
                data["id"],
            ]
        )
    for sheet in (elements, connections):
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = _text(cell.value)  # openpyxl refuses control characters
        keep_sheet_as_text(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_graph(view: MapView, fmt: str) -> bytes:
    """Return the map in `fmt` (graphml, gexf, json or kumu)."""
    if fmt == "graphml":
        return to_graphml(view)
    if fmt == "gexf":
        return to_gexf(view)
    if fmt == "json":
        return json.dumps(graph_document(view), ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "kumu":
        return to_kumu(view)
    raise ValueError(fmt)
