"""The substantiations resource of the API: list, get, create (with the personal link), update.

Evaluators and administrators only: the records carry substantiators' names and e-mails.
Views parse, check access, call `harvest.substantiation`, commit once; no SQL here.
"""

from typing import Any

from flask import jsonify, request, url_for

from app import mail
from app.api import bp
from app.api import serialize as show
from app.api.auth import caller, require
from app.api.parsing import body, flag, page_answer, query, record_answer, version
from app.audit import note
from app.database import AfterCommit, db
from app.links import external_url
from app.substantiation import request_letter
from harvest import access, harvests, outcomes
from harvest import substantiation as service
from harvest.access import Action
from harvest.audit import AuditAction
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.models import Substantiation
from harvest.search import Page

CHANGEABLE = ("name", "email", "role")


def _evaluators_only() -> None:
    require(access.may(db(), caller(), Action.SUBSTANTIATE))


def _record(substantiation_id: int) -> Substantiation:
    return service.get_substantiation(db(), substantiation_id)


def _with_link(
    record: Substantiation, token: str, status: int, letter: mail.Letter | None = None
) -> Any:
    shown = show.serialize_any(db(), record)
    shown["link"] = external_url("substantiation.respond", token=token)
    shown["mail"] = letter.state if letter else mail.MailState.OFF
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
    note(
        AuditAction.VIEW_SUBSTANTIATION,
        entity="substantiation",
        detail=request.query_string.decode("utf-8", "replace"),
    )
    return page_answer(db(), found)


@bp.get("/substantiations/<int:substantiation_id>")
def substantiations_detail(substantiation_id: int) -> Any:
    """Show one substantiation request."""
    _evaluators_only()
    record = _record(substantiation_id)
    note(AuditAction.VIEW_SUBSTANTIATION, entity="substantiation", entity_id=record.id)
    return record_answer(db(), record)


@bp.post("/substantiations")
def substantiations_create() -> Any:
    """Ask one person to substantiate an outcome; the answer carries the personal `link` once."""
    _evaluators_only()
    data = body("substantiations", "create")
    outcome_id = data.get("outcome_id")
    if isinstance(outcome_id, float) and outcome_id.is_integer():  # JSON's 3.0 is 3
        outcome_id = int(outcome_id)
    if isinstance(outcome_id, bool) or not isinstance(outcome_id, int):
        raise ValidationFailed({"outcome_id": (N_("Enter a whole number."), {})})
    try:
        outcome = outcomes.get_outcome(db(), outcome_id)
    except NotFound as missing:
        raise ValidationFailed({"outcome_id": (missing.message, missing.params)}) from None
    request = {k: v for k, v in data.items() if k in (*CHANGEABLE, "expires_in_days", "language")}
    record, token = service.request_substantiation(db(), outcome, request, by=caller())
    harvest = harvests.get_harvest(db(), outcome.harvest_id)
    letter = request_letter(
        record, outcome, harvest, external_url("substantiation.respond", token=token)
    )
    return AfterCommit(lambda: _with_link(record, token, 201, letter))


@bp.route("/substantiations/<int:substantiation_id>", methods=["PUT", "PATCH"])
def substantiations_update(substantiation_id: int) -> Any:
    """Change who is asked, withdraw the link (`status: revoked`), or `reissue` a new link."""
    _evaluators_only()
    record = _record(substantiation_id)
    data = body("substantiations", "update")
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
