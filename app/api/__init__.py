"""The HTTP JSON API under /api/v1: the blueprint, its token check and its error answers.

Routes live in `app.api.resources`, the OpenAPI document in `app.api.openapi`.
Imports `harvest` only through its services; holds no SQL.
"""

from typing import Any

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from sqlalchemy.exc import InvalidRequestError

from app.auth import csrf
from app.database import db, discard
from harvest.errors import StaleVersion

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.errorhandler(StaleVersion)
def _stale(error: StaleVersion) -> Any:
    """Answer 409 with the record as it is stored now."""
    from app.api.serialize import serialize_any

    discard()
    current = error.current
    if current is not None:
        try:
            db().refresh(current)
        except InvalidRequestError:  # deleted meanwhile: nothing current to show
            current = None
    body = {
        "error": _("Someone else saved this record while you were editing it."),
        "current": serialize_any(db(), current) if current is not None else None,
    }
    return jsonify(body), 409


from app.api import (  # noqa: E402, F401 - they register on `bp`
    auth,
    graph,
    initiatives,
    openapi,
    resources,
    substantiations,
)
