"""Pages for the implementation group's initiatives (prøvehandlinger): the list with filters,
recording and editing, the page with its evaluation rounds and the outcomes it led to, its
history, the kinds of initiative, and the spreadsheet export and import."""

from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf.file import FileField, FileRequired

from app.auth import signed_in_user
from app.conflicts import conflict_page
from app.database import attempt, db
from app.forms import TIE_KIND_LABELS, options
from app.i18n import show_errors, translate
from app.initiative_forms import (
    FIELD_LABELS,
    INITIATIVE_FIELDS,
    STATUS_LABELS,
    InitiativeForm,
    KindForm,
    RoundForm,
)
from app.params import int_value, int_values, page_arg
from app.translated_forms import Form
from harvest import access, accounts, actors, directory, initiative_sheets, initiatives, revisions
from harvest.access import Action
from harvest.errors import StaleVersion, ValidationFailed
from harvest.models import Initiative, User
from harvest.records import state_of
from harvest.spreadsheet import SpreadsheetError

bp = Blueprint("initiatives", __name__, url_prefix="/initiativer")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UploadForm(Form):
    file = FileField(_l("Spreadsheet file (XLSX or CSV)"), validators=[FileRequired()])


def _language() -> str:
    return str(get_locale() or "da")


def _kind_labels() -> dict[int, str]:
    return {k.id or 0: initiatives.kind_label(k, _language()) for k in initiatives.list_kinds(db())}


def _municipalities() -> list[tuple[str, str]]:
    return sorted(directory.municipality_names(db()).values(), key=lambda m: m[1])


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"initiative_status_labels": STATUS_LABELS, "initiative_field_labels": FIELD_LABELS}


@bp.route("/")
def index() -> Any:
    """List the initiatives the reader may see; filter by municipality, kind and status."""
    args = request.args
    status = args.get("status") if args.get("status") in STATUS_LABELS else None
    filters = initiatives.InitiativeFilters(
        municipality=(args.get("municipality") or None),
        kind=(args.get("kind") or None),
        status=status,
        q=(args.get("q") or "")[:200],
    )
    user = signed_in_user()
    page = initiatives.list_initiatives(db(), filters, user, page=page_arg())
    kept = {k: args.get(k) for k in ("municipality", "kind", "status", "q") if args.get(k)}
    return render_template(
        "initiatives/index.html",
        page=page,
        filters=filters,
        municipalities=_municipalities(),
        kinds=initiatives.list_kinds(db()),
        kind_labels=_kind_labels(),
        can_record=access.may_somewhere(db(), user, Action.WRITE_INITIATIVE),
        can_edit_kinds=access.may(db(), user, Action.ANALYSE),
        page_url=lambda n: url_for("initiatives.index", **kept, page=n),
    )


def _writer(initiative: Initiative | None = None) -> User:
    """Return the signed-in user if they may write `initiative` (or record initiatives)."""
    user = signed_in_user()
    allowed = (
        access.may_somewhere(db(), user, Action.WRITE_INITIATIVE)
        if initiative is None
        else access.may(
            db(), user, Action.WRITE_INITIATIVE, initiatives.initiative_target(initiative)
        )
    )
    if user is None or not allowed:
        abort(403)
    return user


def _prepare(form: InitiativeForm, user: User) -> None:
    groups = initiatives.writable_groups(db(), user)
    form.group.choices = options((g.slug, g.name) for g in groups)
    form.municipality.choices = options(
        [("", _("— the group's municipality —")), *_municipalities()]
    )
    form.kind.choices = options(
        (k.key, initiatives.kind_label(k, _language())) for k in initiatives.list_kinds(db())
    )
    chosen = int_values(form.need_ids.data or [])
    form.need_ids.choices = options(
        (n.id, n.question) for n in initiatives.need_choices(db(), user, chosen)
    )
    form.status.choices = options(STATUS_LABELS.items())


def _data(form: InitiativeForm) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(form, name).data or "" for name in INITIATIVE_FIELDS}
    data["need_ids"] = int_values(form.need_ids.data or [])
    data["actor_ids"] = int_values(form.actor_ids.data or [])
    return data


def _values(state: dict[str, Any]) -> dict[str, Any]:
    """Return a stored initiative's state as the edit form's values (also for the conflict
    page)."""
    values = initiatives.input_of(db(), state)
    values.update(
        municipality=values["municipality"] or "",
        start=values["start"] or "",
        end=values["end"] or "",
        need_ids=[str(i) for i in values["need_ids"]],
        actor_ids=[str(i) for i in values["actor_ids"]],
    )
    return {name: values[name] for name in INITIATIVE_FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    """Record an initiative the group tries."""
    user = _writer()
    form = InitiativeForm()
    _prepare(form, user)
    if form.validate_on_submit():
        try:
            with attempt():
                initiative = initiatives.record_initiative(db(), _data(form), by=user)
            flash(_("The initiative is saved."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
        except ValidationFailed as error:
            show_errors(form, error, whole_form="title")
    status = 422 if form.errors or form.form_errors else 200
    return render_template("initiatives/form.html", form=form, initiative=None), status


@bp.route("/<int:initiative_id>/edit", methods=["GET", "POST"])
@login_required
def edit(initiative_id: int) -> Any:
    """Edit an initiative; a stale save shows the merge of both versions."""
    initiative = initiatives.get_visible(db(), initiative_id, signed_in_user())
    user = _writer(initiative)
    if request.method == "GET":
        values = _values(state_of(db(), initiative))
        form = InitiativeForm(formdata=None, data={**values, "version": str(initiative.version)})
        _prepare(form, user)
        return render_template("initiatives/form.html", form=form, initiative=initiative)
    form = InitiativeForm()
    _prepare(form, user)
    if form.validate_on_submit():
        read = int_value(form.version.data) or 0
        try:
            with attempt():
                initiatives.update_initiative(db(), initiative, _data(form), read, by=user)
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
        except StaleVersion:
            return conflict_page(
                form,
                initiative,
                read,
                _values,
                INITIATIVE_FIELDS,
                action=url_for("initiatives.edit", initiative_id=initiative.id),
                what=_("this initiative"),
            )
        except ValidationFailed as error:
            show_errors(form, error, whole_form="title")
    return render_template("initiatives/form.html", form=form, initiative=initiative), 422


def _page(initiative: Initiative, round_form: RoundForm | None = None, status: int = 200) -> Any:
    user = signed_in_user()
    view = initiatives.initiative_view(db(), initiative, user)
    can_write = access.may(
        db(), user, Action.WRITE_INITIATIVE, initiatives.initiative_target(initiative)
    )
    if round_form is None:
        round_form = RoundForm(formdata=None, version=str(initiative.version))
    return render_template(
        "initiatives/detail.html",
        view=view,
        i=initiative,
        kind_label=initiatives.kind_label(view.line.kind, _language()),
        can_write=can_write,
        internal=access.may(db(), user, Action.READ_INTERNAL),
        round_form=round_form,
        author_names=_author_names(view.rounds) if user else {},
        tie_kind_labels=TIE_KIND_LABELS,
    ), status


def _author_names(rounds: list[Any]) -> dict[int, str]:
    return accounts.user_names(db()) if rounds else {}


@bp.route("/<int:initiative_id>")
def detail(initiative_id: int) -> Any:
    """Show an initiative: its purpose, needs, actors, rounds and the outcomes it led to."""
    return _page(initiatives.get_visible(db(), initiative_id, signed_in_user()))


@bp.route("/<int:initiative_id>/rounds", methods=["POST"])
@login_required
def add_round(initiative_id: int) -> Any:
    """Add an evaluation round: what worked, what did not, what we adjust."""
    initiative = initiatives.get_visible(db(), initiative_id, signed_in_user())
    user = _writer(initiative)
    form = RoundForm()
    if form.validate_on_submit():
        read = int_value(form.version.data) or 0
        data = {
            "held_on": form.held_on.data,
            "worked": form.worked.data or "",
            "did_not_work": form.did_not_work.data or "",
            "adjust": form.adjust.data or "",
        }
        try:
            with attempt():
                initiatives.add_round(db(), initiative, data, read, by=user)
            flash(_("The evaluation round is saved."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
        except StaleVersion:
            form.version.data = str(initiative.version)
            form.form_errors.append(
                _("Someone else saved this initiative meanwhile. Check the page and save again.")
            )
            return _page(initiative, form, 409)
        except ValidationFailed as error:
            show_errors(form, error, whole_form="worked")
    return _page(initiative, form, 422)


@bp.route("/<int:initiative_id>/history")
def history(initiative_id: int) -> Any:
    """Show every version of an initiative: what changed, when, from what to what; who
    changed it only to signed-in readers."""
    user = signed_in_user()
    initiative = initiatives.get_visible(db(), initiative_id, user)
    found = revisions.revisions(db(), "initiative", initiative.id or 0)
    return render_template(
        "initiatives/history.html",
        i=initiative,
        revisions=_readable(found),
        internal=access.may(db(), user, Action.READ_INTERNAL),
    )


def _readable(found: list[revisions.Revision]) -> list[revisions.Revision]:
    """Return the revisions with their values in words: names, labels and questions."""
    kinds = _kind_labels()
    groups = {g.id: g.name for g in initiatives.writable_groups(db(), None)}
    places = {mid: name for mid, (_slug, name) in directory.municipality_names(db()).items()}
    ids: set[int] = set()
    for revision in found:
        for c in revision.changes:
            if c.field == "actor_ids":
                ids.update(c.before or [])
                ids.update(c.after or [])
    names = actors.actor_names(db(), ids) if ids else {}

    def shown(name: str, value: Any) -> Any:
        if value is None or value == []:
            return None
        if name == "status":
            return STATUS_LABELS.get(value, value)
        if name == "kind_id":
            return kinds.get(value, value)
        if name == "group_id":
            return groups.get(value, value)
        if name == "municipality_id":
            return places.get(value, value)
        if name == "actor_ids":
            return ", ".join(str(names.get(i, i)) for i in value)
        if name == "need_ids":
            return ", ".join(f"#{i}" for i in value)
        if name == "rounds":
            return " · ".join(
                f"{r['held_on']}: {r['worked']} / {r['did_not_work']} / {r['adjust']}"
                for r in value
            )
        return value

    return [
        replace(
            r,
            changes=[
                replace(c, before=shown(c.field, c.before), after=shown(c.field, c.after))
                for c in r.changes
            ],
        )
        for r in found
    ]


# --- kinds ----------------------------------------------------------------------------


@bp.route("/kinds", methods=["GET", "POST"])
@login_required
def kinds() -> Any:
    """Show the kinds of initiative; add one or rename one (evaluators, administrators)."""
    user = signed_in_user()
    if not access.may(db(), user, Action.ANALYSE):
        abort(403)
    form = KindForm()
    if form.validate_on_submit():
        try:
            with attempt():
                initiatives.save_kind(
                    db(),
                    {
                        "key": form.key.data,
                        "label_da": form.label_da.data,
                        "label_en": form.label_en.data,
                    },
                    by=user,
                )
            flash(_("The kind of initiative is saved."), "success")
            return redirect(url_for("initiatives.kinds"))
        except ValidationFailed as error:
            show_errors(form, error, whole_form="key")
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "initiatives/kinds.html", form=form, kinds=initiatives.list_kinds(db())
    ), status


# --- spreadsheet ------------------------------------------------------------------------


@bp.route("/export")
def export() -> Any:
    """Download the initiatives the reader may see as XLSX or (`?format=csv`) CSV."""
    fmt = "csv" if request.args.get("format") == "csv" else "xlsx"
    content = initiative_sheets.export_sheet(db(), signed_in_user(), _language(), fmt)
    response = Response(content, mimetype=MEDIA[fmt].split(";")[0])
    response.headers["Content-Disposition"] = f'attachment; filename="initiatives.{fmt}"'
    return response


@bp.route("/import", methods=["GET", "POST"])
@login_required
def upload() -> Any:
    """Import initiatives from a spreadsheet: every row valid, or nothing changes."""
    user = _writer()
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        sheet = form.file.data
        try:
            with attempt():
                done = initiative_sheets.import_sheet(
                    db(), sheet.read(), sheet.filename or "", by=user
                )
            flash(
                _(
                    "Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.",
                    created=done.created,
                    updated=done.updated,
                    unchanged=done.unchanged,
                ),
                "success",
            )
            return redirect(url_for("initiatives.index"))
        except SpreadsheetError as error:
            problems.append(translate(error.message, error.params))
        except initiative_sheets.SheetRefused as refused:
            problems.append(translate(refused.message, {}))
            problems += [
                _(
                    "Row %(row)s, %(column)s: %(message)s",
                    row=row,
                    column=column,
                    message=translate(message, params),
                )
                for row, column, message, params in refused.report.problems
            ]
    status = 422 if problems or form.errors else 200
    return render_template(
        "initiatives/import.html",
        form=form,
        problems=problems,
    ), status
