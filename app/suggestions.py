"""Suggestions while typing: the JSON that feeds the comboboxes (`static/js/combobox.js`)."""

from typing import Any

from flask import Blueprint, jsonify, request

from app.auth import signed_in_user
from app.database import db
from app.forms import KIND_LABELS, STATUS_LABELS
from app.i18n import field_errors
from app.params import int_value
from harvest import accounts, actor_names, actors, outcome_titles
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


@bp.route("/outcomes/forslag", endpoint="outcomes")
def suggest_outcomes() -> Any:
    """Return the outcomes of `harvest` (an id) the viewer may see that best match `q`, JSON.

    `exclude` leaves one out (the outcome being linked from)."""
    user = signed_in_user()
    member_of = accounts.group_ids_of(db(), user) if user else set()
    found = outcome_titles.suggest_outcomes(
        db(),
        int_value(request.args.get("harvest")) or 0,
        request.args.get("q", "")[:200],
        viewer=user,
        member_of=member_of,
        exclude=int_value(request.args.get("exclude")),
        limit=int_value(request.args.get("limit")) or 10,
    )
    items = [
        {
            "id": o.id,
            "name": o.title,
            "kind": f"#{o.id} · {STATUS_LABELS.get(o.status, o.status)}",
            "municipality": o.when_start.isoformat() if o.when_start else "",
        }
        for o in found
    ]
    response = jsonify(items=items)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
