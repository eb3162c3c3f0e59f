"""The front page, the privacy page and the accessibility statement."""

from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from app.auth import signed_in_user
from app.database import db
from harvest import access
from harvest.access import Action
from harvest.overview import knowledge_base_overview
from harvest.retention import RetentionSettings

bp = Blueprint("main", __name__)

NAV = (
    ("main.index", _l("Front page"), "main"),
    ("directory.index", _l("Directory"), "directory"),
    ("maps.index", _l("Maps"), "maps"),
    ("outcomes.harvest_index", _l("Harvests"), "outcomes"),
    ("outcomes.index", _l("Outcomes"), "outcomes"),
    ("initiatives.index", _l("Initiatives"), "initiatives"),
    ("method.index", _l("Method"), "method"),
    ("knowledge.index", _l("Knowledge"), "knowledge"),
)


HARVEST_PAGES = (
    "outcomes.harvest",
    "outcomes.new",
    "imports.",
    "substantiation.",
    "coding.",
    "analysis.",
)


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    def nav_items() -> list[tuple[str, Any, bool]]:
        """Return the main menu (endpoint, label, is-current) for the sections this app has."""
        items = [item for item in NAV if item[0] in current_app.view_functions]
        here = request.endpoint or ""
        current = next((e for e, _, _ in items if e == here), None)
        if current is None and here.startswith(HARVEST_PAGES):
            current = "outcomes.harvest_index"
        elif current is None and here.startswith("outcomes."):
            current = "outcomes.index"
        if current is None:
            current = next((e for e, _, section in items if section == request.blueprint), None)
        return [(endpoint, label, endpoint == current) for endpoint, label, _ in items]

    def may(action: str) -> bool:
        """Tell whether the signed-in user may do `action` somewhere (to offer its link)."""
        return access.may_somewhere(db(), signed_in_user(), Action(action))

    return {"nav_items": nav_items, "may": may}


@bp.route("/")
def index() -> Any:
    """Show what the knowledge base holds and lead on to the rest."""
    return render_template("index.html", overview=knowledge_base_overview(db()))


@bp.route("/privatliv")
def privacy() -> Any:
    """Say what Brobyg stores about people, why, for how long, and who sees it."""
    return render_template("privacy.html", retention=RetentionSettings.from_env())


@bp.route("/tilgaengelighed")
def accessibility() -> Any:
    """Show the accessibility statement (tilgængelighedserklæring) Danish public bodies publish."""
    return render_template("accessibility.html")
