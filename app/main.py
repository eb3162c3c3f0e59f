"""The front page and the health check."""

from typing import Any

from flask import Blueprint, jsonify, render_template
from sqlalchemy.exc import SQLAlchemyError

from app.database import db
from harvest.db import ping
from harvest.overview import knowledge_base_overview

bp = Blueprint("main", __name__)


@bp.route("/")
def index() -> Any:
    """Show what the knowledge base holds and lead on to the rest."""
    return render_template("index.html", overview=knowledge_base_overview(db()))


@bp.route("/healthz")
def healthz() -> Any:
    """Answer 200 when the app and its database respond."""
    try:
        ping(db())
    except SQLAlchemyError:
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
