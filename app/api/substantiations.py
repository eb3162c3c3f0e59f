"""The substantiations resource of the API: list, get, create (with the personal link), update.

Evaluators and administrators only: the records carry substantiators' names and e-mails.
Views parse, check access, call `harvest.substantiation`, commit once; no SQL here.
"""

from datetime import datetime
from typing import Any

from flask import jsonify, url_for

from app.api import bp
from app.api import serialize as show
from app.api.auth import caller, require
from app.api.openapi import (
    EXTRA_PATHS,
    EXTRA_SCHEMAS,
    INT,
    PREFIX,
    STR,
    _body,
    _errors,
    _list_operation,
    _one,
)
from app.api.parsing import body, flag, page_answer, query, record_answer, version
from app.database import db
from app.links import external_url
from harvest import access, outcomes
from harvest import substantiation as service
from harvest.access import Action
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.models import Substantiation, Verdict
from harvest.search import Page

CHANGEABLE = ("name", "email", "role")


def _iso(value: datetime | None) -> str | None:
    return service._aware(value).isoformat() if value else None


def substantiation(_session: Any, record: Substantiation) -> dict[str, Any]:
    """Show a request with its answer; `status` is pending, answered, expired or revoked."""
    return {
        "id": record.id,
        "version": record.version,
        "outcome_id": record.outcome_id,
        "name": record.name,
        "email": record.email,
        "role": record.role,
        "status": service.state_of(record).value,
        "expires_at": _iso(record.expires_at),
        "answered_at": _iso(record.answered_at),
        "verdict_outcome": record.verdict_outcome,
        "verdict_significance": record.verdict_significance,
        "verdict_contribution": record.verdict_contribution,
        "comment_outcome": record.comment_outcome,
        "comment_significance": record.comment_significance,
        "comment_contribution": record.comment_contribution,
        "consent_named": record.consent_named,
    }


show.SERIALIZERS[Substantiation] = substantiation


def _evaluators_only() -> None:
    require(access.may(db(), caller(), Action.SUBSTANTIATE))


def _record(substantiation_id: int) -> Substantiation:
    return service.get_substantiation(db(), substantiation_id)


def _with_link(record: Substantiation, token: str, status: int) -> Any:
    shown = substantiation(db(), record)
    shown["link"] = external_url("substantiation.respond", token=token)
    response = jsonify(shown)
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for(
            "api.substantiations_detail", substantiation_id=record.id
        )
    return response


@bp.get("/substantiations")
def substantiations_index() -> Any:
    """List substantiation requests, filtered by outcome, harvest and status."""
    _evaluators_only()
    wanted = query(service.SubstantiationQuery)
    try:
        found: Page[Substantiation] = service.list_substantiations(db(), wanted)
    except NotFound as missing:
        raise ValidationFailed({"harvest": (missing.message, missing.params)}) from None
    return page_answer(db(), found)


@bp.get("/substantiations/<int:substantiation_id>")
def substantiations_detail(substantiation_id: int) -> Any:
    """Show one substantiation request."""
    _evaluators_only()
    return record_answer(db(), _record(substantiation_id))


@bp.post("/substantiations")
def substantiations_create() -> Any:
    """Ask one person to substantiate an outcome; the answer carries the personal `link` once."""
    _evaluators_only()
    data = body()
    outcome_id = data.get("outcome_id")
    if isinstance(outcome_id, bool) or not isinstance(outcome_id, int):
        raise ValidationFailed({"outcome_id": (N_("Enter a whole number."), {})})
    try:
        outcome = outcomes.get_outcome(db(), outcome_id)
    except NotFound as missing:
        raise ValidationFailed({"outcome_id": (missing.message, missing.params)}) from None
    request = {k: v for k, v in data.items() if k in (*CHANGEABLE, "expires_in_days")}
    record, token = service.request_substantiation(db(), outcome, request, by=caller())
    return _with_link(record, token, 201)


@bp.route("/substantiations/<int:substantiation_id>", methods=["PUT", "PATCH"])
def substantiations_update(substantiation_id: int) -> Any:
    """Change who is asked, withdraw the link (`status: revoked`), or `reissue` a new link."""
    _evaluators_only()
    record = _record(substantiation_id)
    data = body()
    read = version(data)
    wanted = data.get("status")
    if wanted is not None and wanted not in ("revoked", service.state_of(record).value):
        raise ValidationFailed(
            {"status": (N_("Only 'revoked' can be set; answers come from the personal link."), {})}
        )
    merged = {**{k: getattr(record, k) for k in CHANGEABLE}, **data}
    merged["revoked"] = wanted == "revoked" and service.state_of(record) != "revoked"
    service.update_substantiation(db(), record, merged, read, by=caller())
    if flag(data, "reissue"):
        token = service.reissue(db(), record, by=caller())
        return _with_link(record, token, 200)
    return record_answer(db(), record)


# --- the OpenAPI description ---------------------------------------------------------------

_VERDICT = {"type": ["string", "null"], "enum": [*(v.value for v in Verdict), None]}
_TIME = {"type": ["string", "null"], "format": "date-time", "readOnly": True}
EXTRA_SCHEMAS["Substantiation"] = {
    "type": "object",
    "properties": {
        "id": {**INT, "readOnly": True},
        "version": INT,
        "outcome_id": INT,
        "name": {**STR, "description": "shown to evaluators only"},
        "email": STR,
        "role": {**STR, "description": "what reports show instead of the name"},
        "status": {"type": "string", "enum": [s.value for s in service.LinkState]},
        "expires_in_days": {**INT, "writeOnly": True, "minimum": 1, "default": 30},
        "expires_at": _TIME,
        "answered_at": _TIME,
        "verdict_outcome": {**_VERDICT, "readOnly": True},
        "verdict_significance": {**_VERDICT, "readOnly": True},
        "verdict_contribution": {**_VERDICT, "readOnly": True},
        "comment_outcome": {**STR, "readOnly": True},
        "comment_significance": {**STR, "readOnly": True},
        "comment_contribution": {**STR, "readOnly": True},
        "consent_named": {"type": "boolean", "readOnly": True},
        "reissue": {"type": "boolean", "writeOnly": True},
        "link": {
            "type": "string",
            "format": "uri",
            "readOnly": True,
            "description": "the personal link, answered once on creation or reissue",
        },
    },
}
_ID = {"name": "substantiation_id", "in": "path", "required": True, "schema": INT}
_FILTERS = [
    ("outcome_id", INT, "only this outcome's requests"),
    ("harvest", STR, "only this harvest's requests (slug)"),
    ("status", STR, "pending, answered, expired or revoked (repeat or comma-separate)"),
]
_UPDATE = {
    "summary": "Update a substantiation request; send the version you read",
    "parameters": [_ID],
    "requestBody": _body("Substantiation"),
    "responses": {
        **_one("Substantiation", "200", "updated"),
        **_errors("400", "401", "403", "404", "409", "422"),
    },
}
EXTRA_PATHS[f"{PREFIX}/substantiations"] = {
    "get": _list_operation("substantiations", "Substantiation", _FILTERS),
    "post": {
        "summary": "Ask one person to substantiate an outcome (answers the personal link once)",
        "requestBody": _body("Substantiation"),
        "responses": {
            **_one("Substantiation", "201", "created, with `link`"),
            **_errors("400", "401", "403", "422"),
        },
    },
}
EXTRA_PATHS[f"{PREFIX}/substantiations/{{substantiation_id}}"] = {
    "get": {
        "summary": "Get one substantiation request",
        "parameters": [_ID],
        "responses": {
            **_one("Substantiation", "200", "the record"),
            **_errors("401", "403", "404"),
        },
    },
    "put": _UPDATE,
    "patch": _UPDATE,
}
