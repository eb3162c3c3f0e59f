"""GET /api/v1/graph: the actors and ties of a map, with forms and metrics."""

from typing import Any

from flask import jsonify, request

from app.api import bp
from app.api.auth import caller, member_of
from app.api.openapi import EXTRA_PATHS, PREFIX
from app.database import db, engine
from harvest.models import ActorKind, Sector, TieForm
from network.cache import store_aside
from network.exports import graph_document
from network.graph import Viewer, parse_filters
from network.maps import prepare_map

FILTERS = ("municipality", "as_of", "form", "kind", "sector")


@bp.get("/graph")
def graph() -> Any:
    """Answer the map's nodes (with metrics), ties (with form and evidence) and graph metrics."""
    data: dict[str, Any] = {}
    for key in FILTERS:
        values = [v for v in request.args.getlist(key) if v.strip()]
        if values:
            data[key] = values if key in ("form", "kind", "sector") else values[-1]
    filters = parse_filters(db(), data)
    viewer = Viewer(caller(), frozenset(member_of()))
    view = prepare_map(db(), filters, viewer, keep=store_aside(engine()))
    return jsonify(graph_document(view))


def _param(name: str, schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": text}


def _values(enum: Any) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "enum": [v.value for v in enum]}}


EXTRA_PATHS[f"{PREFIX}/graph"] = {
    "get": {
        "summary": "The social-capital map: actors, ties with forms and evidence, metrics",
        "parameters": [
            _param(
                "municipality",
                {"type": "string"},
                "municipality slug; national actors tied to its actors are included as context",
            ),
            _param("as_of", {"type": "string", "format": "date"}, "ties that exist on this date"),
            _param("form", _values(TieForm), "keep ties of these forms (repeatable)"),
            _param("kind", _values(ActorKind), "keep actors of these kinds (repeatable)"),
            _param("sector", _values(Sector), "keep actors of these sectors (repeatable)"),
        ],
        "responses": {
            "200": {
                "description": "nodes (id, name, kind, sector, tier, municipality, tags, "
                "metrics), ties (id, source_id, target_id, kind, direction, form, start, end, "
                "evidence: outcome ids) "
                "and graph-level metrics, saying whether betweenness was exact or sampled"
            },
            "401": {"description": "missing or bad token"},
            "422": {"description": "a filter value is not valid"},
        },
    }
}
