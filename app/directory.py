"""The association directory: search and filters, the actor page, editing actors and
ties, and merging two actors that are the same."""

from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from app.auth import signed_in_user
from app.conflicts import conflict_page
from app.database import db
from app.directory_forms import (
    ACTOR_FIELDS,
    ACTOR_LABELS,
    FIRST_VISIT_LABELS,
    TIE_FIELDS,
    ActorForm,
    MergeForm,
    TieEditForm,
    hours_line,
)
from app.forms import KIND_LABELS, SECTOR_LABELS, TIE_KIND_LABELS, TIER_LABELS, options
from app.i18n import show_errors
from app.params import int_value, page_arg
from harvest import (
    access,
    accounts,
    actor_pages,
    actors,
    directory,
    merging,
    pages,
    revisions,
    ties,
)
from harvest.access import Action, Target
from harvest.demo import content_dir
from harvest.errors import StaleVersion, ValidationFailed
from harvest.models import User
from harvest.records import state_of

bp = Blueprint("directory", __name__, url_prefix="/aktoerer")
WHEN_LABELS = {
    "weekdays": _l("On weekdays"),
    "evenings": _l("In the evening"),
    "weekends": _l("At weekends"),
}


def _editor(target: Target | None = None, action: Action = Action.WRITE_ACTOR) -> User:
    """Return the signed-in user if they may do `action` (to `target`, or to some record)."""
    user = signed_in_user()
    allowed = (
        access.may_somewhere(db(), user, action)
        if target is None
        else access.may(db(), user, action, target)
    )
    if user is None or not allowed:
        abort(403)
    return user


def _filters(args: MultiDict[str, str]) -> directory.DirectoryFilters:
    def one(name: str, allowed: tuple[str, ...] | None = None) -> str | None:
        value = (args.get(name) or "").strip()[:100]
        if not value or (allowed is not None and value not in allowed):
            return None
        return value

    return directory.DirectoryFilters(
        q=(args.get("q") or "")[:200],
        municipality=one("municipality"),
        kind=one("kind", directory.KINDS),
        sector=one("sector", directory.SECTORS),
        activity=one("activity"),
        target_group=one("target_group"),
        accessibility=[a.strip()[:100] for a in args.getlist("access") if a.strip()][:10],
        when=one("when", tuple(WHEN_LABELS)),
        tied_to_service=args.get("tied") == "1",
        first_visit=[f for f in args.getlist("visit") if f in directory.FIRST_VISIT_FACTS],
        free_of_charge=args.get("free") == "1",
        checked_recently=args.get("checked") == "1",
    )


FILTER_KEYS = (
    "q",
    "municipality",
    "kind",
    "sector",
    "activity",
    "target_group",
    "access",
    "when",
    "visit",
    "free",
    "checked",
)


def _picked_ids(args: MultiDict[str, str]) -> list[int]:
    """Return the actor ids picked for a short list (`ids=`), at most a page's worth."""
    ids = (int_value(v) for v in args.getlist("ids"))
    return list(dict.fromkeys(i for i in ids if i is not None and i > 0))[: directory.MAX_PICKED]


def _page_url(number: int) -> str:
    """Return the directory's URL for page `number`, keeping every filter."""
    keys = (*FILTER_KEYS, "tied", "ids")
    kept = {key: request.args.getlist(key) for key in keys if key in request.args}
    return url_for("directory.index", **kept, page=number)


@bp.route("/")
def index() -> Any:
    """Find actors by search and filters; everyone may look."""
    filters = _filters(request.args)
    page = directory.find_actors(db(), filters, page=page_arg())
    shown = {a.id for a in page.items}
    picked = directory.picked_actors(db(), _picked_ids(request.args))
    municipalities = directory.municipality_names(db())
    current = next(
        (name for slug, name in municipalities.values() if slug == filters.municipality), None
    )
    return render_template(
        "directory/index.html",
        page=page,
        filters=filters,
        facets=directory.facets(db(), filters.municipality),
        municipalities=municipalities,
        municipality_name=current,
        kind_labels=KIND_LABELS,
        sector_labels=SECTOR_LABELS,
        when_labels=WHEN_LABELS,
        first_visit_labels=FIRST_VISIT_LABELS,
        page_url=_page_url,
        picked_ids={a.id for a in picked},
        picked_elsewhere=[a for a in picked if a.id not in shown],
        freshness=directory.checked_age,
        can_edit=access.may_somewhere(db(), signed_in_user(), Action.WRITE_ACTOR),
    )


@bp.route("/kortliste")
def shortlist() -> Any:
    """Show the picked actors as one printable page for a citizen, with a mail to send it."""
    picked = directory.picked_actors(db(), _picked_ids(request.args))
    municipalities = directory.municipality_names(db())
    letter = render_template(
        "directory/shortlist.txt", actors=picked, municipalities=municipalities, **_labels()
    )
    return render_template(
        "directory/shortlist.html",
        actors=picked,
        municipalities=municipalities,
        letter=letter,
        mailto="mailto:?"
        + urlencode({"subject": _("Places you can go"), "body": letter}, quote_via=quote),
        back=url_for("directory.index", ids=[a.id for a in picked]),
        **_labels(),
    )


def _labels() -> dict[str, Any]:
    return {"kind_labels": KIND_LABELS, "first_visit_labels": FIRST_VISIT_LABELS}


@bp.route("/<int:actor_id>")
def actor(actor_id: int) -> Any:
    """Show an actor: profile, activities, public contact, ties by form and outcomes."""
    user = signed_in_user()
    member_of = accounts.group_ids_of(db(), user) if user else set()
    found = actors.get_actor(db(), actor_id)
    view = actor_pages.actor_page(db(), found, viewer=user, member_of=member_of)
    can_edit = access.may(db(), user, Action.WRITE_ACTOR, actors.actor_target(found))
    return render_template(
        "directory/actor.html",
        view=view,
        a=found,
        kind_labels=KIND_LABELS,
        sector_labels=SECTOR_LABELS,
        tier_labels=TIER_LABELS,
        tie_kind_labels=TIE_KIND_LABELS,
        first_visit_labels=FIRST_VISIT_LABELS,
        field_labels=ACTOR_LABELS,
        checked=directory.checked_age(found.last_checked),
        can_edit=can_edit,
        revisions=revisions.revisions(db(), "actor", actor_id) if can_edit else [],
    )


# --- editing actors ------------------------------------------------------------


def _prepare_actor(form: ActorForm) -> None:
    choices = [(slug, name) for slug, name in sorted(directory.municipality_names(db()).values())]
    form.municipality.choices = options([("", _("— none —")), *choices])


def _actor_data(form: ActorForm) -> dict[str, Any]:
    data = {name: getattr(form, name).data or "" for name in ACTOR_FIELDS}
    data.update(
        free_of_charge=bool(form.free_of_charge.data),
        first_visit_facts=form.first_visit_facts.data or [],
    )
    return data


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    """Show the form for a new actor and add it."""
    user = _editor()
    form = ActorForm()
    _prepare_actor(form)
    if form.validate_on_submit():
        try:
            created = actors.create_actor(db(), _actor_data(form), by=user)
            flash(_("The actor is saved."), "success")
            return redirect(url_for("directory.actor", actor_id=created.id))
        except ValidationFailed as error:
            show_errors(form, error)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("directory/actor_form.html", form=form, a=None), status


def _actor_values(state: dict[str, Any]) -> dict[str, Any]:
    """Return a stored actor's state as the edit form's values (also for the conflict page)."""
    municipalities = directory.municipality_names(db())
    values: dict[str, Any] = {name: state.get(name) or "" for name in ACTOR_FIELDS}
    values.update(
        tier=str(state.get("tier") or ""),
        municipality=municipalities[state["municipality_id"]][0]
        if state.get("municipality_id") in municipalities
        else "",
        tags="; ".join(state.get("tags") or []),
        target_groups="; ".join(state.get("target_groups") or []),
        accessibility="; ".join(state.get("accessibility") or []),
        opening_hours=list(state.get("opening_hours") or []),
        first_visit_facts=list(state.get("first_visit_facts") or []),
        free_of_charge=bool(state.get("free_of_charge")),
    )
    return values


@bp.route("/<int:actor_id>/edit", methods=["GET", "POST"])
@login_required
def edit(actor_id: int) -> Any:
    """Show the edit form; a save based on an old version shows the merge of both."""
    found = actors.get_actor(db(), actor_id)
    user = _editor(actors.actor_target(found))
    if request.method == "GET":
        values = _actor_values(state_of(db(), found))
        form = ActorForm(formdata=None, data={**values, "version": str(found.version)})
        _prepare_actor(form)
        return render_template("directory/actor_form.html", form=form, a=found)
    form = ActorForm()
    _prepare_actor(form)
    if form.validate_on_submit():
        read = int_value(form.version.data) or 0
        try:
            actors.update_actor(db(), found, {**_actor_data(form), "version": read}, by=user)
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("directory.actor", actor_id=actor_id))
        except StaleVersion:
            return conflict_page(
                form,
                found,
                read,
                _actor_values,
                ACTOR_FIELDS,
                action=url_for("directory.edit", actor_id=actor_id),
                what=_("this actor"),
            )
        except ValidationFailed as error:
            show_errors(form, error)
    return render_template("directory/actor_form.html", form=form, a=found), 422


@bp.route("/<int:actor_id>/merge", methods=["GET", "POST"])
@login_required
def merge(actor_id: int) -> Any:
    """Merge this actor into another that is the same, keeping every tie and outcome."""
    user = _editor(action=Action.MERGE_ACTORS)
    duplicate = actors.get_actor(db(), actor_id)
    form = MergeForm()
    if form.validate_on_submit():
        keep_id = int_value(form.keep_id.data)
        if keep_id == actor_id:
            form.keep_id.errors = [_("Choose another actor: this is the one merged away.")]
        elif keep_id is None:
            form.keep_id.errors = [_("Choose the actor to keep.")]
        elif not form.confirm.data:
            form.confirm.errors = [_("Confirm that the two are the same actor.")]
        else:
            try:
                report = merging.merge_actors(
                    db(), duplicate, actors.get_actor(db(), keep_id), by=user
                )
                flash(
                    _(
                        "The actors are merged: %(ties)s ties and %(outcomes)s outcomes moved.",
                        ties=report.ties_moved + report.ties_combined,
                        outcomes=report.outcomes_moved + report.contributions_moved,
                    ),
                    "success",
                )
                return redirect(url_for("directory.actor", actor_id=report.kept_id))
            except ValidationFailed as error:
                show_errors(form, error)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("directory/merge.html", form=form, a=duplicate), status


# --- ties ------------------------------------------------------------------------


def _tie_data(form: TieEditForm) -> dict[str, Any]:
    return {name: getattr(form, name).data or "" for name in TIE_FIELDS}


@bp.route("/relationer/new", methods=["GET", "POST"])
@login_required
def new_tie() -> Any:
    """Show the form for a new tie (from `?source=ID`) and add it."""
    user = _editor()
    form = TieEditForm()
    if request.method == "GET":
        form.source_id.data = request.args.get("source", "")
    if form.validate_on_submit():
        data = {
            **_tie_data(form),
            "source_id": int_value(form.source_id.data),
            "target_id": int_value(form.target_id.data),
        }
        try:
            tie = ties.create_tie(db(), data, by=user)
            flash(_("The tie is saved."), "success")
            return redirect(url_for("directory.actor", actor_id=tie.source_id))
        except ValidationFailed as error:
            show_errors(form, error)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("directory/tie_form.html", form=form, tie=None, ends=None), status


def _tie_values(state: dict[str, Any]) -> dict[str, Any]:
    """Return a stored tie's state as the edit form's values (also for the conflict page)."""
    return {
        "kind": state.get("kind") or "",
        "start": state.get("start") or "",
        "end": state.get("end") or "",
        "strength": str(state.get("strength") or ""),
        "form_override": state.get("form_override") or "",
        "override_reason": state.get("override_reason") or "",
        "note": state.get("note") or "",
    }


@bp.route("/relationer/<int:tie_id>/edit", methods=["GET", "POST"])
@login_required
def edit_tie(tie_id: int) -> Any:
    """Edit a tie: kind, dates, strength, note and a reasoned override of its form."""
    tie = ties.get_tie(db(), tie_id)
    ends = (actors.get_actor(db(), tie.source_id), actors.get_actor(db(), tie.target_id))
    user = _editor(ties.tie_target(*ends))
    if request.method == "GET":
        values = _tie_values(state_of(db(), tie))
        form = TieEditForm(formdata=None, data={**values, "version": str(tie.version)})
        return render_template("directory/tie_form.html", form=form, tie=tie, ends=ends)
    form = TieEditForm()
    if form.validate_on_submit():
        read = int_value(form.version.data) or 0
        try:
            ties.update_tie(db(), tie, {**_tie_data(form), "version": read}, by=user)
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("directory.actor", actor_id=ends[0].id))
        except StaleVersion:
            return conflict_page(
                form,
                tie,
                read,
                _tie_values,
                TIE_FIELDS,
                action=url_for("directory.edit_tie", tie_id=tie_id),
                what=_("this tie"),
            )
        except ValidationFailed as error:
            show_errors(form, error)
    return render_template("directory/tie_form.html", form=form, tie=tie, ends=ends), 422


@bp.app_template_filter("days_ago")
def _days_ago(days: int) -> str:
    """Return a number of days as people say it: "3 months", "2 weeks"."""
    return str(format_timedelta(timedelta(days=days), granularity="day"))


@bp.app_template_filter("hours")
def _hours(rows: list[dict[str, str]]) -> list[str]:
    """Return an actor's rows of opening hours in plain words, one line a row."""
    return [hours_line(row) for row in rows or []]


@bp.app_context_processor
def _knowledge_pages() -> dict[str, Any]:
    def knowledge_pages() -> list[pages.Page]:
        """Return the knowledge pages in the reader's language, in their order."""
        return pages.load_pages(content_dir(), str(get_locale() or "da"))

    return {"knowledge_pages": knowledge_pages}
