"""The initiatives resource of the API: list, get, create and update (with `version`).

The same rules as the pages: drafts for the group's members and evaluators, published
initiatives for every API user. Views parse, call `harvest.initiatives`, commit once; no SQL.
"""

from typing import Any

from flask import url_for

from app.api import bp
from app.api import serialize as show
from app.api.auth import caller
from app.api.parsing import body, page_answer, query, record_answer
from app.database import db
from harvest import initiatives
from harvest.initiatives import InitiativeFilters, InitiativeQuery
from harvest.search import Page

READ_ONLY = ("id", "version", "outcome_ids")


@bp.get("/initiatives")
def initiatives_index() -> Any:
    """List the initiatives the caller may see; filter by municipality, kind and status."""
    wanted = query(InitiativeQuery)
    filters = InitiativeFilters(
        municipality=wanted.municipality,
        kind=wanted.kind,
        status=wanted.status.value if wanted.status else None,
        q=wanted.q,
    )
    found = initiatives.list_initiatives(
        db(), filters, caller(), page=wanted.page, per_page=wanted.per_page
    )
    shown = Page([line.initiative for line in found.items], found.total, found.page, found.per_page)
    return page_answer(db(), shown)


@bp.get("/initiatives/<int:initiative_id>")
def initiatives_detail(initiative_id: int) -> Any:
    """Show an initiative the caller may see."""
    return record_answer(db(), initiatives.get_visible(db(), initiative_id, caller()))


@bp.post("/initiatives")
def initiatives_create() -> Any:
    """Record an initiative for the group named in the body (its members, evaluators)."""
    record = initiatives.record_initiative(db(), body("initiatives", "create"), by=caller())
    response, status = record_answer(db(), record, 201)
    response.headers["Location"] = url_for("api.initiatives_detail", initiative_id=record.id)
    return response, status


@bp.route("/initiatives/<int:initiative_id>", methods=["PUT", "PATCH"])
def initiatives_update(initiative_id: int) -> Any:
    """Edit an initiative and its parts as one unit, against the `version` read."""
    record = initiatives.get_visible(db(), initiative_id, caller())
    data = body("initiatives", "update")
    current = {k: v for k, v in show.serialize_any(db(), record).items() if k not in READ_ONLY}
    current.pop("rounds", None)  # rounds sent are edited or added; those left out stay
    merged = {**current, **{k: v for k, v in data.items() if k != "version"}}
    initiatives.update_initiative(db(), record, merged, data.get("version"), by=caller())
    return record_answer(db(), record)
