"""The harvest report (printable, and its public variant) and the page where an evaluator
writes the interpretation: an answer to each useable question with the outcomes that support
it, and an overall interpretation. The gathering lives in harvest.report, the record in
harvest.interpretation."""

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField

from app.audit import note
from app.auth import signed_in_user
from app.conflicts import conflict_page
from app.database import db
from app.forms import STATUS_LABELS, CheckboxesField, options
from app.i18n import show_errors
from app.params import int_value, int_values
from harvest import access, harvests, interpretation, report
from harvest.access import Action, Target
from harvest.audit import AuditAction
from harvest.errors import StaleVersion, ValidationFailed
from harvest.models import Harvest, HarvestQuestion, User
from harvest.records import state_of
from harvest.report import HarvestReport, ReportOutcome

bp = Blueprint("reports", __name__)


def report_html(harvest_report: HarvestReport, *, standalone: bool = False) -> str:
    """Render the printable harvest report; `standalone` carries its CSS for a file on disk.

    The web page and `brobyg export harvest --format html` both come through here, so both
    render the Markdown with the app's sanitised pipeline (`app.markdown`)."""
    css = None
    if standalone:
        stylesheet = Path(current_app.static_folder or "") / "css" / "print.css"
        css = stylesheet.read_text(encoding="utf-8")
    return render_template(
        "report/harvest.html",
        report=harvest_report,
        standalone=standalone,
        embedded_css=css,
        method_note=_(report.METHOD_NOTE),
        statuses_note=_(report.ALL_STATUSES_NOTE),
        counts_note=_(report.COUNTS_NOTE),
        public_note=_(report.PUBLIC_NOTE),
        report_status_labels=report.STATUS_LABELS,
        code_columns=report.CODE_COLUMNS,
    )


def _analyst_harvest(slug: str) -> tuple[Harvest, User]:
    """Return the harvest and the signed-in evaluator or admin; others get 403."""
    harvest = harvests.harvest_by_slug(db(), slug)
    user = signed_in_user()
    if user is None or not access.may(
        db(), user, Action.ANALYSE, Target(group_id=harvest.group_id)
    ):
        abort(403)
    return harvest, user


@bp.route("/harvests/<slug>/report")
@login_required
def harvest_report(slug: str) -> Any:
    """Show the printable harvest report (every status: evaluators and admins only)."""
    harvest, _user = _analyst_harvest(slug)
    note(AuditAction.VIEW_REPORT, entity="harvest", entity_id=harvest.slug, detail="html")
    return report_html(report.build_report(db(), harvest))


@bp.route("/harvests/<slug>/report/public")
def public_report(slug: str) -> Any:
    """Show the public harvest report: final outcomes only, substantiators named by consent,
    answers and interpretation only if the evaluator published them."""
    harvest = harvests.harvest_by_slug(db(), slug)
    return report_html(report.build_report(db(), harvest, final_only=True))


# --- the interpretation page ---------------------------------------------------------


class InterpretationForm(FlaskForm):
    """The fixed fields; the answers and outcomes of each question are added per harvest."""

    version = HiddenField()
    overall = TextAreaField(
        _l("Overall interpretation"),
        description=_l(
            "What the outcomes mean together for the harvest users. Markdown is allowed."
        ),
    )
    publish = BooleanField(
        _l("Publish the answers and the overall interpretation in the public report")
    )


def _answer(question_id: int) -> str:
    return f"answer_{question_id}"


def _outcomes(question_id: int) -> str:
    return f"outcomes_{question_id}"


def _names(questions: list[HarvestQuestion]) -> list[str]:
    """Return the form's field names in the order the page and the conflict page show them."""
    names = []
    for q in questions:
        names += [_answer(q.id or 0), _outcomes(q.id or 0)]
    return [*names, "overall", "publish"]


def _outcome_label(outcome: ReportOutcome) -> str:
    status = STATUS_LABELS.get(outcome.status, outcome.status)
    return f"{outcome.id}. {outcome.title} ({status})"


def _form_for(
    questions: list[HarvestQuestion], choices: list[tuple[int, str]], **kwargs: Any
) -> FlaskForm:
    """Return the interpretation form with an answer and an outcome choice per question."""

    class Form(InterpretationForm):
        pass

    for n, q in enumerate(questions, start=1):
        setattr(
            Form,
            _answer(q.id or 0),
            TextAreaField(
                _l("Answer to question %(n)s", n=n),
                description=_l("Markdown is allowed."),
            ),
        )
        setattr(
            Form,
            _outcomes(q.id or 0),
            CheckboxesField(
                _l("Outcomes that support the answer to question %(n)s", n=n),
                choices=options(choices),
                validate_choice=False,
            ),
        )
    return Form(**kwargs)


def _to_form(suggested: dict[int, list[int]], questions: list[HarvestQuestion]) -> Any:
    """Return the function that turns a stored interpretation's state into the form's values.

    A question not answered yet suggests the outcomes coded as answering it."""

    def to_form(state: dict[str, Any]) -> dict[str, Any]:
        answers = state.get("answers") or {}
        values: dict[str, Any] = {
            "overall": state.get("overall") or "",
            "publish": bool(state.get("publish")),
        }
        for q in questions:
            given = answers.get(str(q.id))
            outcome_ids = given["outcomes"] if given else suggested.get(q.id or 0, [])
            values[_answer(q.id or 0)] = given["text"] if given else ""
            values[_outcomes(q.id or 0)] = [str(i) for i in outcome_ids]
        return values

    return to_form


def _submitted(form: FlaskForm, questions: list[HarvestQuestion]) -> Any:
    answers = {
        q.id or 0: interpretation.AnswerInput(
            text=form[_answer(q.id or 0)].data or "",
            outcome_ids=frozenset(int_values(form[_outcomes(q.id or 0)].data or [])),
        )
        for q in questions
    }
    return interpretation.InterpretationInput(
        overall=form["overall"].data or "", publish=bool(form["publish"].data), answers=answers
    )


@bp.route("/harvests/<slug>/interpretation", methods=["GET", "POST"])
@login_required
def interpretation_page(slug: str) -> Any:
    """Write the answers to the useable questions and the overall interpretation."""
    harvest, user = _analyst_harvest(slug)
    session = db()
    questions = harvests.questions_of(session, harvest)
    found = [o for o in report.harvest_outcomes(session, harvest) if o.status != "withdrawn"]
    choices = [(o.id, _outcome_label(o)) for o in found]
    coded = interpretation.coded_outcomes(session, harvest)
    to_form = _to_form(coded, questions)
    names = _names(questions)
    stored = interpretation.interpretation_of(session, harvest)
    if request.method == "GET":
        values = to_form(state_of(session, stored) if stored else {})
        version = str(stored.version) if stored else ""
        form = _form_for(questions, choices, formdata=None, data={**values, "version": version})
        status = 200
    else:
        form = _form_for(questions, choices)
        status = 422
        if form.validate_on_submit():
            read = int_value(form["version"].data)
            try:
                interpretation.save_interpretation(
                    session, harvest, _submitted(form, questions), read, by=user
                )
                flash(_("The interpretation is saved."), "success")
                return redirect(url_for("reports.interpretation_page", slug=harvest.slug))
            except StaleVersion as error:
                return conflict_page(
                    form,
                    error.current,
                    read or 0,
                    to_form,
                    names,
                    action=url_for("reports.interpretation_page", slug=harvest.slug),
                    what=_("the interpretation"),
                )
            except ValidationFailed as error:
                show_errors(form, error)
    by_outcome = {o.id: o for o in found}
    sections = [
        {
            "number": n,
            "question": q,
            "answer": form[_answer(q.id or 0)],
            "outcomes": form[_outcomes(q.id or 0)],
            "coded": {str(i) for i in coded.get(q.id or 0, [])},
        }
        for n, q in enumerate(questions, start=1)
    ]
    return render_template(
        "report/interpretation.html",
        harvest=harvest,
        form=form,
        sections=sections,
        outcomes=by_outcome,
    ), status
