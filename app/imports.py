"""Outcome spreadsheet upload for evaluators (upload, row report, confirm); the checking and
importing live in harvest.spreadsheet. The harvest report is app.reports'."""

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired

from app.auth import signed_in_user
from app.database import db
from app.i18n import error_text, translate
from harvest import access, harvests, report, spreadsheet
from harvest.access import Action, Target
from harvest.models import Harvest, User

bp = Blueprint("imports", __name__)


class UploadForm(FlaskForm):
    file = FileField(_l("Spreadsheet file (XLSX or CSV)"), validators=[FileRequired()])


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


def note_text(note: spreadsheet.RowNote) -> str:
    """Return a row's problem or warning as one translated line."""
    problem = translate(note.message, note.params)
    if note.column:
        return _(
            "Row %(row)s, column %(column)s: %(problem)s",
            row=note.row,
            column=note.column,
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
            "column": note.column,
            "text": translate(note.message, note.params),
        }
        for kind, note in notes
    ]


def _review(
    harvest: Harvest, plan: spreadsheet.ImportPlan, filename: str, token: str | None
) -> str:
    confirm = ConfirmForm(token=token) if token else None
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
        columns=report.COLUMNS,
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
            columns=report.COLUMNS,
            limit_mb=spreadsheet.MAX_BYTES // (1024 * 1024),
            max_rows=spreadsheet.MAX_ROWS,
        ), 422
    upload = form.file.data
    filename = Path(upload.filename or "upload").name
    content = upload.read(spreadsheet.MAX_BYTES + 1)
    try:
        plan = spreadsheet.plan_import(db(), harvest, spreadsheet.read_table(content, filename))
    except spreadsheet.SpreadsheetError as error:
        form.file.errors = [error_text(error)]
        return render_template(
            "imports/new.html",
            harvest=harvest,
            form=form,
            columns=report.COLUMNS,
            limit_mb=spreadsheet.MAX_BYTES // (1024 * 1024),
            max_rows=spreadsheet.MAX_ROWS,
        ), 422
    token = None
    if plan.ok:
        token = spreadsheet.store_upload(db(), harvest, user, filename, content).token
    return _review(harvest, plan, filename, token), 200 if plan.ok else 422


@bp.route("/harvests/<slug>/import/confirm", methods=["POST"])
@login_required
def confirm(slug: str) -> Any:
    """Import a checked upload: every row, or none if anything changed since the check."""
    harvest, user = _evaluator_harvest(slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    upload = spreadsheet.pending_upload(db(), form.token.data or "", harvest, user)
    plan = spreadsheet.import_outcomes(db(), harvest, upload.content, upload.filename, by=user)
    if not plan.ok:
        return _review(harvest, plan, upload.filename, None), 422
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
