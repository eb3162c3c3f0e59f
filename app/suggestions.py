"""Suggestions while typing: the JSON that feeds the actor comboboxes (`static/js/combobox.js`)."""

from typing import Any

from flask import Blueprint, jsonify, request

from app.database import db
from app.forms import KIND_LABELS
from app.i18n import field_errors
from app.params import int_value
from harvest import actor_names, actors
from harvest.errors import ValidationFailed

bp = Blueprint("suggestions", __name__)


@bp.route("/aktoerer/forslag", endpoint="actors")
def suggest_actors() -> Any:
    """Return the actors whose names best match `q` (at most `limit`, up to 20), JSON.

    `municipality` (a slug) keeps to one municipality. Actors are public, as in the directory."""
    query = request.args.get("q", "")[: actor_names.MAX_QUERY]
    limit = int_value(request.args.get("limit")) or 10
    try:
        municipality_id = actors.municipality_id_of(db(), request.args.get("municipality") or None)
    except ValidationFailed as error:
        return jsonify(errors=field_errors(error)), 422
    found = actor_names.suggest_actors(db(), query, municipality_id=municipality_id, limit=limit)
    items = [
        {
            "id": s.id,
            "name": s.name,
            "kind": str(KIND_LABELS.get(s.kind, s.kind)),
            "municipality": s.municipality,
        }
        for s in found
    ]
    response = jsonify(items=items, q=query)
    response.headers["Cache-Control"] = "private, max-age=30"
    return response
