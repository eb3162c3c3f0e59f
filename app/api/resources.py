"""The API's resources: list, get, create and update municipalities, groups, harvests,
actors, ties, outcomes and information needs. Views parse, check access, call services,
commit once."""

from typing import Any

from flask import url_for

from app.api import bp
from app.api import serialize as show
from app.api.auth import caller, member_of
from app.api.parsing import body, flag, page_answer, query, record_answer, version
from app.audit import note
from app.database import db
from harvest import (
    access,
    actors,
    groups,
    harvests,
    listing,
    needs,
    outcomes,
    search,
    ties,
)
from harvest.access import Action
from harvest.audit import AuditAction
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.models import (
    Actor,
    Harvest,
    ImplementationGroup,
    Municipality,
    Outcome,
    OutcomeStatus,
    Tie,
)


def _created(record: Any, endpoint: str, **key: Any) -> Any:
    response, status = record_answer(db(), record, 201)
    response.headers["Location"] = url_for(endpoint, **key)
    return response, status


def _found(record: Any, what: str, key: Any) -> Any:
    if record is None:
        raise NotFound(N_("Not found."), what=what, key=key)
    return record


def _as_field_error(error: NotFound, field: str) -> ValidationFailed:
    return ValidationFailed({field: (error.message, error.params)})


# --- municipalities -------------------------------------------------------------


@bp.get("/municipalities")
def municipalities_index() -> Any:
    """List municipalities."""
    return page_answer(db(), listing.list_municipalities(db(), query(listing.ListQuery)))


@bp.get("/municipalities/<key>")
def municipalities_detail(key: str) -> Any:
    """Show a municipality by slug or id."""
    found = _found(listing.by_slug_or_id(db(), Municipality, key), "municipality", key)
    return record_answer(db(), found)


@bp.post("/municipalities")
def municipalities_create() -> Any:
    """Create a municipality (administrators)."""
    record = actors.create_municipality(db(), body("municipalities", "create"), by=caller())
    return _created(record, "api.municipalities_detail", key=record.slug)


@bp.route("/municipalities/<key>", methods=["PUT", "PATCH"])
def municipalities_update(key: str) -> Any:
    """Edit a municipality's name and region (administrators)."""
    record = _found(listing.by_slug_or_id(db(), Municipality, key), "municipality", key)
    data = body("municipalities", "update")
    merged = {"name": record.name, "region": record.region, **data}
    actors.update_municipality(db(), record, merged, version(data), by=caller())
    return record_answer(db(), record)


# --- implementation groups ----------------------------------------------------------


def _editable(shown: dict[str, Any]) -> dict[str, Any]:
    """Return a shown record's fields that an edit may send (id, version and slug stay)."""
    return {k: v for k, v in shown.items() if k not in ("id", "version", "slug")}


@bp.get("/groups")
def groups_index() -> Any:
    """List implementation groups."""
    return page_answer(db(), listing.list_groups(db(), query(listing.GroupQuery)))


@bp.get("/groups/<key>")
def groups_detail(key: str) -> Any:
    """Show an implementation group by slug or id."""
    found = _found(listing.by_slug_or_id(db(), ImplementationGroup, key), "group", key)
    return record_answer(db(), found)


@bp.post("/groups")
def groups_create() -> Any:
    """Create an implementation group (administrators)."""
    record = groups.create_group(db(), body("groups", "create"), by=caller())
    return _created(record, "api.groups_detail", key=record.slug)


@bp.route("/groups/<key>", methods=["PUT", "PATCH"])
def groups_update(key: str) -> Any:
    """Edit an implementation group (administrators)."""
    record = _found(listing.by_slug_or_id(db(), ImplementationGroup, key), "group", key)
    data = body("groups", "update")
    merged = {**_editable(show.serialize_any(db(), record)), **data}
    groups.update_group(db(), record, merged, version(data), by=caller())
    return record_answer(db(), record)


# --- harvests ---------------------------------------------------------------------


@bp.get("/harvests")
def harvests_index() -> Any:
    """List harvests."""
    return page_answer(db(), listing.list_harvests(db(), query(listing.HarvestQuery)))


@bp.get("/harvests/<key>")
def harvests_detail(key: str) -> Any:
    """Show a harvest by slug or id."""
    return record_answer(db(), _found(listing.by_slug_or_id(db(), Harvest, key), "harvest", key))


@bp.post("/harvests")
def harvests_create() -> Any:
    """Create a harvest (evaluators and administrators)."""
    data = body("harvests", "create")
    try:
        record = harvests.create_harvest(db(), data, by=caller())
    except NotFound as missing:
        field = "group" if "group" in missing.message else "municipality"
        raise _as_field_error(missing, field) from None
    return _created(record, "api.harvests_detail", key=record.slug)


@bp.route("/harvests/<key>", methods=["PUT", "PATCH"])
def harvests_update(key: str) -> Any:
    """Edit a harvest (evaluators and administrators)."""
    record = _found(listing.by_slug_or_id(db(), Harvest, key), "harvest", key)
    data = body("harvests", "update")
    current = _editable(show.serialize_any(db(), record))
    harvests.update_harvest(db(), record, {**current, **data}, version(data), by=caller())
    return record_answer(db(), record)


# --- actors -----------------------------------------------------------------------


@bp.get("/actors")
def actors_index() -> Any:
    """List actors; `q` searches their names, tags, target groups and profiles."""
    return page_answer(db(), listing.list_actors(db(), query(listing.ActorQuery)))


@bp.get("/actors/<int:actor_id>")
def actors_detail(actor_id: int) -> Any:
    """Show an actor."""
    return record_answer(db(), _found(listing.get_by_id(db(), Actor, actor_id), "actor", actor_id))


@bp.post("/actors")
def actors_create() -> Any:
    """Create an actor (members, evaluators, administrators)."""
    record = actors.create_actor(db(), body("actors", "create"), by=caller())
    return _created(record, "api.actors_detail", actor_id=record.id)


@bp.route("/actors/<int:actor_id>", methods=["PUT", "PATCH"])
def actors_update(actor_id: int) -> Any:
    """Edit an actor (members, evaluators, administrators)."""
    record = _found(listing.get_by_id(db(), Actor, actor_id), "actor", actor_id)
    data = body("actors", "update")
    current = _editable(show.serialize_any(db(), record))
    merged = {**current, **data, "version": data.get("version")}
    actors.update_actor(db(), record, merged, by=caller())
    return record_answer(db(), record)


# --- ties -------------------------------------------------------------------------


@bp.get("/ties")
def ties_index() -> Any:
    """List ties."""
    return page_answer(db(), listing.list_ties(db(), query(listing.TieQuery)))


@bp.get("/ties/<int:tie_id>")
def ties_detail(tie_id: int) -> Any:
    """Show a tie."""
    return record_answer(db(), _found(listing.get_by_id(db(), Tie, tie_id), "tie", tie_id))


@bp.post("/ties")
def ties_create() -> Any:
    """Create a tie; its form is derived from its two actors."""
    record = ties.create_tie(db(), body("ties", "create"), by=caller())
    return _created(record, "api.ties_detail", tie_id=record.id)


@bp.route("/ties/<int:tie_id>", methods=["PUT", "PATCH"])
def ties_update(tie_id: int) -> Any:
    """Edit a tie's kind, dates, strength, override and note (its ends stay)."""
    record = _found(listing.get_by_id(db(), Tie, tie_id), "tie", tie_id)
    data = body("ties", "update")
    current = _editable(show.serialize_any(db(), record))
    merged = {**current, **data, "version": data.get("version")}
    ties.update_tie(db(), record, merged, by=caller())
    return record_answer(db(), record)


# --- outcomes ---------------------------------------------------------------------

OUTCOME_INPUT = (
    "title",
    "changed_actor_id",
    "change",
    "when_end",
    "where",
    "significance",
    "contribution",
    "contributor_ids",
    "initiative_ids",
    "sources",
    "evidence",
    "status",
)


def _outcome_input(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in OUTCOME_INPUT if k in data}
    if "when" in data:
        values["when_start"] = data["when"]
    return values


def _visible_outcome(outcome_id: int) -> tuple[Outcome, Harvest]:
    """Return the outcome and its harvest if the caller may see it; hidden ones are 404."""
    record = _found(listing.get_by_id(db(), Outcome, outcome_id), "outcome", outcome_id)
    harvest = harvests.get_harvest(db(), record.harvest_id)
    target = outcomes.outcome_target(db(), record, harvest)
    if not access.may(db(), caller(), Action.READ_OUTCOME, target):
        raise NotFound(N_("No outcome with id %(id)s."), id=outcome_id)
    return record, harvest


def _harvest_of(data: dict[str, Any]) -> Harvest:
    slug = data.get("harvest")
    if slug is None or slug == "":
        raise ValidationFailed({"harvest": (N_("This field is required."), {})})
    if not isinstance(slug, str):
        raise ValidationFailed({"harvest": (N_("Enter text."), {})})
    try:
        return harvests.harvest_by_slug(db(), slug)
    except NotFound as missing:
        raise _as_field_error(missing, "harvest") from None


def _parts(harvest: Harvest, data: dict[str, Any]) -> dict[str, Any]:
    """Return the codes and the harvest question a body names, as service arguments."""
    parts: dict[str, Any] = {}
    if "codes" in data:
        codes = data["codes"]
        if not isinstance(codes, dict) or not all(
            isinstance(v, list) and all(isinstance(c, str) for c in v) for v in codes.values()
        ):
            raise ValidationFailed({"codes": (N_("This value is not valid."), {})})
        parts["codes"] = codes
    if "harvest_question" in data:
        text = data["harvest_question"]
        if text is not None and not isinstance(text, str):
            raise ValidationFailed({"harvest_question": (N_("Enter text."), {})})
        parts["question_id"] = listing.question_id_by_text(db(), harvest, text) if text else None
    return parts


@bp.get("/outcomes")
def outcomes_index() -> Any:
    """List the outcomes the caller may see, best matches first when `q` is given."""
    wanted = query(listing.OutcomeQuery)
    if wanted.q.strip():
        note(AuditAction.SEARCH_OUTCOMES, detail=wanted.q.strip())
    found = search.find_outcomes(
        db(),
        listing.outcome_filters(db(), wanted),
        viewer=caller(),
        member_of=member_of(),
        page=wanted.page,
        per_page=wanted.per_page,
    )
    return page_answer(db(), found)


@bp.get("/outcomes/<int:outcome_id>")
def outcomes_detail(outcome_id: int) -> Any:
    """Show an outcome the caller may see."""
    record, _harvest = _visible_outcome(outcome_id)
    if record.status != OutcomeStatus.FINAL:
        note(AuditAction.VIEW_DRAFT, entity="outcome", entity_id=record.id, detail=record.status)
    return record_answer(db(), record)


@bp.post("/outcomes")
def outcomes_create() -> Any:
    """Record an outcome for the harvest named in the body (its group, evaluators, admins)."""
    data = body("outcomes", "create")
    harvest = _harvest_of(data)
    confirmed = flag(data, "confirm_warnings")
    record = outcomes.record_outcome(
        db(),
        harvest,
        _outcome_input(data),
        by=caller(),
        confirm_warnings=confirmed,
        **_parts(harvest, data),
    )
    return _created(record, "api.outcomes_detail", outcome_id=record.id)


@bp.route("/outcomes/<int:outcome_id>", methods=["PUT", "PATCH"])
def outcomes_update(outcome_id: int) -> Any:
    """Edit an outcome and its parts as one unit; a new `status` moves it through the workflow."""
    record, harvest = _visible_outcome(outcome_id)
    data = body("outcomes", "update")
    read = data.get("version")
    wanted = data.get("status", record.status)
    if not isinstance(wanted, str):
        raise ValidationFailed({"status": (N_("Unknown status."), {})})
    current = _outcome_input(show.serialize_any(db(), record))
    values = {**current, **_outcome_input(data), "status": record.status}
    outcomes.update_outcome(
        db(),
        record,
        values,
        read,
        by=caller(),
        confirm_warnings=flag(data, "confirm_warnings"),
        move_to=wanted,
        **_parts(harvest, data),
    )
    return record_answer(db(), record)


# --- information needs ------------------------------------------------------------


@bp.get("/needs")
def needs_index() -> Any:
    """List information needs; filter by `asker`, `municipality`, `answered` and `q`."""
    return page_answer(db(), needs.list_needs_api(db(), query(needs.NeedQuery)))


@bp.get("/needs/<int:need_id>")
def needs_detail(need_id: int) -> Any:
    """Show an information need."""
    return record_answer(db(), needs.get_need(db(), need_id))


@bp.post("/needs")
def needs_create() -> Any:
    """Record an information need; `asker` is citizens when it is left out."""
    record = needs.record_need(db(), body("needs", "create"), by=caller())
    return _created(record, "api.needs_detail", need_id=record.id)


@bp.route("/needs/<int:need_id>", methods=["PUT", "PATCH"])
def needs_update(need_id: int) -> Any:
    """Edit an information need; fields left out keep their value."""
    record = needs.get_need(db(), need_id)
    access.require(db(), caller(), Action.WRITE_NEED, needs.need_target(record))
    data = body("needs", "update")
    merged = {**needs.need_input(db(), record), **data, "version": version(data)}
    needs.update_need(db(), record, merged, by=caller())
    return record_answer(db(), record)
