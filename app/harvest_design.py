"""The harvest design pages: create a harvest, edit its design, and add, reword, reorder,
retire and restore its useable questions (evaluators and administrators)."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth import signed_in_user
from app.conflicts import conflict_page
from app.database import attempt, db
from app.forms import options
from app.harvest_design_forms import HarvestForm, QuestionForm
from app.i18n import show_errors
from app.outcomes import STEP_LABELS
from app.params import int_value
from harvest import access, coding, directory, harvests, needs
from harvest.access import Action
from harvest.errors import N_, NotFound, StaleVersion, ValidationFailed
from harvest.harvests import QuestionMove
from harvest.models import Harvest, User
from harvest.records import state_of

bp = Blueprint("harvest_design", __name__)
DESIGN_FIELDS = (
    "title",
    "group",
    "municipality",
    "period_start",
    "period_end",
    "users_and_uses",
    "step",
)
MOVES = {m.value: m for m in QuestionMove}


def _designer() -> User:
    """Return the signed-in user if they may design harvests, else 403."""
    user = signed_in_user()
    if user is None or not access.may(db(), user, Action.DESIGN_HARVEST):
        abort(403)
    return user


def _prepare(form: HarvestForm) -> None:
    municipalities = sorted(directory.municipality_names(db()).values(), key=lambda m: m[1])
    form.municipality.choices = options([("", _("— from the group —")), *municipalities])
    form.group.choices = options([("", _("— none: across groups —")), *needs.group_choices(db())])
    form.step.choices = options((key, label) for key, label in STEP_LABELS.items())
    form.coding_scheme.choices = options((s.slug, s.name) for s in coding.list_schemes(db()))


def _data(form: HarvestForm) -> dict[str, Any]:
    data: dict[str, Any] = {name: (form[name].data or "").strip() for name in DESIGN_FIELDS}
    for name in ("group", "municipality", "period_start", "period_end"):
        data[name] = data[name] or None
    return data


def _as_field(missing: NotFound) -> ValidationFailed:
    field = "group" if "group" in missing.message else "municipality"
    return ValidationFailed({field: (N_("Choose one from the list."), {})})


def _design_values(state: dict[str, Any]) -> dict[str, Any]:
    """Return a stored harvest's state as the design form's values (also for the conflict page)."""
    municipality, group = needs.slugs_of(db(), state.get("municipality_id"), state.get("group_id"))
    values = {name: state.get(name) or "" for name in DESIGN_FIELDS}
    values.update(municipality=municipality or "", group=group or "")
    return values


@bp.route("/harvests/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    """Show the form for a new harvest and create it."""
    user = _designer()
    form = HarvestForm()
    _prepare(form)
    if request.method == "GET":
        form.coding_scheme.data = coding.ensure_default_scheme(db()).slug
    if form.validate_on_submit():
        data = {**_data(form), "slug": (form.slug.data or "").strip()}
        data["questions"] = [
            line.strip() for line in (form.questions.data or "").splitlines() if line.strip()
        ]
        try:
            with attempt():
                scheme = (
                    coding.scheme_by_slug(db(), form.coding_scheme.data)
                    if form.coding_scheme.data
                    else None
                )
                try:
                    harvest = harvests.create_harvest(db(), data, by=user, scheme=scheme)
                except NotFound as missing:
                    raise _as_field(missing) from None
            flash(_("The harvest is created."), "success")
            return redirect(url_for("outcomes.harvest_detail", slug=harvest.slug))
        except ValidationFailed as error:
            show_errors(form, error, whole_form="period_end")
        except NotFound:
            show_errors(
                form, ValidationFailed({"coding_scheme": (N_("Choose one from the list."), {})})
            )
    status = 422 if form.errors or form.form_errors else 200
    return render_template("harvests/design.html", form=form, harvest=None), status


def _edit_page(harvest: Harvest, form: HarvestForm, status: int = 200) -> tuple[str, int]:
    questions = harvests.questions_of(db(), harvest, retired=True)
    question_forms = {
        q.id: QuestionForm(
            formdata=None, prefix=f"q{q.id}", data={"text": q.text, "version": str(harvest.version)}
        )
        for q in questions
    }
    adding = QuestionForm(formdata=None, prefix="new", data={"version": str(harvest.version)})
    in_use = [q for q in questions if not q.retired]
    return render_template(
        "harvests/design.html",
        form=form,
        harvest=harvest,
        in_use=in_use,
        retired=[q for q in questions if q.retired],
        question_forms=question_forms,
        adding=adding,
        scheme=coding.scheme_of(db(), harvest),
        schemes=coding.list_schemes(db()),
    ), status


@bp.route("/harvests/<slug>/design", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> Any:
    """Show a harvest's design to edit; a save based on an old version shows the merge."""
    user = _designer()
    harvest = harvests.harvest_by_slug(db(), slug)
    if request.method == "GET":
        values = _design_values(state_of(db(), harvest))
        form = HarvestForm(formdata=None, data={**values, "version": str(harvest.version)})
        _prepare(form)
        return _edit_page(harvest, form)
    form = HarvestForm()
    _prepare(form)
    if form.validate_on_submit():
        read = int_value(form.version.data) or 0
        current = {"questions": [q.text for q in harvests.questions_of(db(), harvest)]}
        try:
            with attempt():
                harvests.update_harvest(db(), harvest, {**current, **_data(form)}, read, by=user)
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("outcomes.harvest_detail", slug=harvest.slug))
        except StaleVersion:
            return conflict_page(
                form,
                harvest,
                read,
                _design_values,
                DESIGN_FIELDS,
                action=url_for("harvest_design.edit", slug=harvest.slug),
                what=_("this harvest"),
            )
        except ValidationFailed as error:
            show_errors(form, error, whole_form="period_end")
    return _edit_page(harvest, form, 422)


def _stale(harvest: Harvest) -> Any:
    flash(
        _(
            "Someone else changed this harvest meanwhile, so your change to its questions "
            "was not made. Here are the questions as they are now; try again."
        ),
        "error",
    )
    return redirect(url_for("harvest_design.edit", slug=harvest.slug, _anchor="questions"))


@bp.route("/harvests/<slug>/design/questions", methods=["POST"])
@login_required
def add_question(slug: str) -> Any:
    """Add a useable question at the end of those in use."""
    user = _designer()
    harvest = harvests.harvest_by_slug(db(), slug)
    form = QuestionForm(prefix="new")
    if not form.validate_on_submit():
        abort(400)
    try:
        with attempt():
            question = harvests.add_question(
                db(), harvest, form.text.data or "", int_value(form.version.data) or 0, by=user
            )
    except StaleVersion:
        return _stale(harvest)
    except ValidationFailed:
        flash(_("Write the question before you add it."), "error")
        return redirect(url_for("harvest_design.edit", slug=slug, _anchor="new-text"))
    flash(_("The question is added."), "success")
    return redirect(url_for("harvest_design.edit", slug=slug, _anchor=f"question-{question.id}"))


@bp.route("/harvests/<slug>/design/questions/<int:question_id>", methods=["POST"])
@login_required
def question(slug: str, question_id: int) -> Any:
    """Reword, move up or down, retire or restore one useable question."""
    user = _designer()
    harvest = harvests.harvest_by_slug(db(), slug)
    form = QuestionForm(prefix=f"q{question_id}")
    do = request.form.get("do", "")
    if not form.validate_on_submit() or (do != "text" and do not in MOVES):
        abort(400)
    try:
        with attempt():
            harvests.change_question(
                db(),
                harvest,
                question_id,
                int_value(form.version.data) or 0,
                by=user,
                text=form.text.data if do == "text" else None,
                move=MOVES.get(do),
            )
    except StaleVersion:
        return _stale(harvest)
    except NotFound:
        abort(404)
    except ValidationFailed:
        flash(_("A question needs its text; retire it instead of emptying it."), "error")
        return redirect(
            url_for("harvest_design.edit", slug=slug, _anchor=f"question-{question_id}")
        )
    flash(
        {
            "text": _("The question is reworded."),
            "up": _("The question is moved up."),
            "down": _("The question is moved down."),
            "retire": _("The question is retired: the outcomes that answer it keep it."),
            "restore": _("The question is in use again."),
        }[do],
        "success",
    )
    return redirect(url_for("harvest_design.edit", slug=slug, _anchor=f"question-{question_id}"))
