"""Outcome spreadsheet upload for evaluators (upload, row report, confirm); the checking and
importing live in harvest.spreadsheet. The harvest report is app.reports'."""

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, InputRequired

from app.auth import signed_in_user
from app.database import db
from app.forms import KIND_LABELS
from app.forms import options as choice_options
from app.i18n import catalogues, error_text, translate
from app.translated_forms import Form
from harvest import access, actor_reconciliation, harvests, report, sheet_columns, spreadsheet
from harvest.access import Action, Target
from harvest.models import Harvest, User

bp = Blueprint("imports", __name__)


class UploadForm(Form):
    file = FileField(_l("Spreadsheet file (XLSX or CSV)"), validators=[FileRequired()])


class ConfirmForm(Form):
    token = HiddenField(validators=[DataRequired()])


NEW = actor_reconciliation.NEW


def reconcile_form(plan: spreadsheet.ImportPlan, token: str | None = None) -> ConfirmForm:
    """Return the confirm form with, per name that matches no actor, a choice of actor
    (its candidates, or create it as new) and the kind a new actor gets."""

    class ReconcileForm(ConfirmForm):
        pass

    kinds = [(k, str(label)) for k, label in KIND_LABELS.items()]
    for index, name in enumerate(plan.unmatched):
        options = [("", _("Choose…"))] if name.candidates else []
        options += [
            (str(c.id), f"{c.name} ({c.municipality})" if c.municipality else c.name)
            for c in name.candidates
        ]
        options.append((NEW, _("Create '%(name)s' as a new actor", name=name.typed)))
        rows = ", ".join(str(r) for r in dict.fromkeys(row for row, _c in name.places))
        setattr(ReconcileForm, f"name_{index}", HiddenField(default=name.typed))
        setattr(
            ReconcileForm,
            f"actor_{index}",
            SelectField(
                _("Actor for '%(name)s'", name=name.typed),
                choices=choice_options(options),
                validators=[InputRequired(_("Choose an actor, or create it as new."))],
                description=_("Used in rows %(rows)s.", rows=rows),
            ),
        )
        setattr(
            ReconcileForm,
            f"kind_{index}",
            SelectField(
                _("Kind, if '%(name)s' is created as new", name=name.typed),
                choices=choice_options(kinds),
                default=actor_reconciliation.default_kind(name.typed),
            ),
        )
    form = ReconcileForm(token=token) if token else ReconcileForm()
    form.names = [  # type: ignore[attr-defined]
        (getattr(form, f"actor_{i}"), getattr(form, f"kind_{i}"), getattr(form, f"name_{i}"))
        for i in range(len(plan.unmatched))
    ]
    return form


def chosen_actors(form: ConfirmForm) -> dict[str, actor_reconciliation.NameChoice]:
    """Return the choices a submitted reconciliation form holds, by typed name."""
    choices: dict[str, actor_reconciliation.NameChoice] = {}
    for actor, kind, name in getattr(form, "names", []):
        if actor.data == NEW:
            choices[name.data] = actor_reconciliation.NameChoice(kind=kind.data)
        elif actor.data and actor.data.isdigit():
            choices[name.data] = actor_reconciliation.NameChoice(actor_id=int(actor.data))
    return choices


def column_header(column: str) -> str:
    """Return a column's header in the user's language (unknown headers as written)."""
    return sheet_columns.header_for(column, str(get_locale() or "da"))


def note_text(note: spreadsheet.RowNote) -> str:
    """Return a row's problem or warning as one translated line."""
    problem = translate(note.message, note.params)
    if note.column:
        return _(
            "Row %(row)s, column %(column)s: %(problem)s",
            row=note.row,
            column=column_header(note.column),
            problem=problem,
        )
    return _("Row %(row)s: %(problem)s", row=note.row, problem=problem)


def _evaluator_harvest(slug: str) -> tuple[Harvest, User]:
    """Return the harvest and the signed-in evaluator or admin; others get 403."""
    harvest = harvests.harvest_by_slug(db(), slug)
    user = signed_in_user()
    target = Target(group_id=harvest.group_id)
    if user is None or not access.may(db(), user, Action.IMPORT_OUTCOMES, target):
        abort(403)
    return harvest, user


def _rows(plan: spreadsheet.ImportPlan) -> list[dict[str, Any]]:
    notes = [("problem", n) for n in plan.problems] + [("warning", n) for n in plan.warnings]
    notes.sort(key=lambda pair: (pair[1].row, pair[0] != "problem"))
    return [
        {
            "kind": kind,
            "row": note.row,
            "column": column_header(note.column) if note.column else "",
            "text": translate(note.message, note.params),
        }
        for kind, note in notes
    ]


def _review(
    harvest: Harvest,
    plan: spreadsheet.ImportPlan,
    filename: str,
    token: str | None,
    form: ConfirmForm | None = None,
) -> str:
    confirm = form or (reconcile_form(plan, token) if token else None)
    return render_template(
        "imports/review.html",
        harvest=harvest,
        plan=plan,
        notes=_rows(plan),
        filename=filename,
        confirm_form=confirm,
        counts={a: plan.count(a) for a in ("create", "update", "unchanged")},
    )


@bp.route("/harvests/<slug>/import", methods=["GET"])
@login_required
def new(slug: str) -> Any:
    """Show the upload form for an outcome spreadsheet."""
    harvest, _user = _evaluator_harvest(slug)
    return render_template(
        "imports/new.html",
        harvest=harvest,
        form=UploadForm(),
        columns=[column_header(c) for c in report.COLUMNS],
        limit_mb=spreadsheet.MAX_BYTES // (1024 * 1024),
        max_rows=spreadsheet.MAX_ROWS,
    )


@bp.route("/harvests/<slug>/import", methods=["POST"])
@login_required
def create(slug: str) -> Any:
    """Check an uploaded spreadsheet and show its row report; keep it if it can be imported."""
    harvest, user = _evaluator_harvest(slug)
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template(
            "imports/new.html",
            harvest=harvest,
            form=form,
            columns=[column_header(c) for c in report.COLUMNS],
            limit_mb=spreadsheet.MAX_BYTES // (1024 * 1024),
            max_rows=spreadsheet.MAX_ROWS,
        ), 422
    upload = form.file.data
    filename = Path(upload.filename or "upload").name
    content = upload.read(spreadsheet.MAX_BYTES + 1)
    try:
        plan = spreadsheet.plan_import(
            db(),
            harvest,
            spreadsheet.read_table(content, filename),
            by=user,
            translations=catalogues(),
        )
    except spreadsheet.SpreadsheetError as error:
        form.file.errors = [error_text(error)]
        return render_template(
            "imports/new.html",
            harvest=harvest,
            form=form,
            columns=[column_header(c) for c in report.COLUMNS],
            limit_mb=spreadsheet.MAX_BYTES // (1024 * 1024),
            max_rows=spreadsheet.MAX_ROWS,
        ), 422
    token = None
    if plan.checked:
        token = spreadsheet.store_upload(db(), harvest, user, filename, content).token
    return _review(harvest, plan, filename, token), 200 if plan.checked else 422


@bp.route("/harvests/<slug>/import/confirm", methods=["POST"])
@login_required
def confirm(slug: str) -> Any:
    """Import a checked upload: every row, or none if anything changed since the check."""
    harvest, user = _evaluator_harvest(slug)
    token = ConfirmForm()
    if not token.validate_on_submit():
        abort(400)
    upload = spreadsheet.pending_upload(db(), token.token.data or "", harvest, user)
    table = spreadsheet.read_table(upload.content, upload.filename)
    plan = spreadsheet.plan_import(db(), harvest, table, by=user, translations=catalogues())
    form = reconcile_form(plan)
    if plan.checked and not form.validate_on_submit():
        return _review(harvest, plan, upload.filename, upload.token, form), 422
    if plan.checked and plan.unmatched:
        plan = spreadsheet.plan_import(
            db(),
            harvest,
            table,
            by=user,
            choices=chosen_actors(form),
            translations=catalogues(),
        )
    if not plan.ok:
        return _review(harvest, plan, upload.filename, None), 422
    spreadsheet.run_import(db(), harvest, plan, by=user)
    spreadsheet.discard_upload(db(), upload)
    flash(
        _(
            "Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            created=plan.count("create"),
            updated=plan.count("update"),
            unchanged=plan.count("unchanged"),
        ),
        "success",
    )
    return redirect(url_for("outcomes.harvest_detail", slug=harvest.slug))
