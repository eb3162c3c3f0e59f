"""Coding pages: the fast coding table of a harvest (many outcomes saved in one post)
and the coding-scheme admin (dimensions, codes, which harvests use a scheme).
The rules live in harvest.coding; evaluators and admins only (`Action.ANALYSE`)."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from app.auth import signed_in_user
from app.database import db
from app.i18n import error_text, field_errors
from app.params import int_value, page_arg
from app.translated_forms import Form
from harvest import access, analysis, coding, conflicts, harvests
from harvest.access import Action
from harvest.errors import StaleVersion, ValidationFailed
from harvest.models import Code, CodeDimension, CodingScheme, Harvest, User
from harvest.records import check_version

bp = Blueprint("coding", __name__)
PER_PAGE = 50


class PostForm(Form):
    """A form with only its CSRF token; the fields are read from the request."""


def _coder() -> User:
    user = signed_in_user()
    if user is None or not access.may(db(), user, Action.ANALYSE):
        abort(403)
    return user


# --- the fast coding table -----------------------------------------------------------


def _rows(dimensions: list[tuple[CodeDimension, list[Code]]]) -> list[coding.CodingRow]:
    form = request.form
    rows = []
    for raw in form.getlist("outcome"):
        outcome_id = int_value(raw)
        if outcome_id is None:
            continue
        prefix = f"o-{outcome_id}-"
        choices = {}
        for dimension, _codes in dimensions:
            name = prefix + dimension.key
            values = [v for v in form.getlist(name) if v]
            choices[dimension.key] = values if dimension.multiple else values[:1]
        rows.append(
            coding.CodingRow(
                outcome_id=outcome_id,
                version=int_value(form.get(prefix + "version")) or 0,
                seen=form.get(prefix + "seen", ""),
                choices=choices,
                question_id=int_value(form.get(prefix + "question")),
            )
        )
    return rows


def _table(harvest: Harvest, page: int, errors: dict[str, str] | None = None) -> str:
    scheme = coding.scheme_of(db(), harvest)
    dimensions = coding.active_dimensions(db(), scheme, with_retired_codes=True)
    everything = analysis.counted_outcomes(db(), harvest)
    pages = max(1, -(-len(everything) // PER_PAGE))
    page = min(max(1, page), pages)
    shown = everything[(page - 1) * PER_PAGE : page * PER_PAGE]
    current = coding.harvest_coding(db(), harvest, shown)
    return render_template(
        "coding/harvest.html",
        harvest=harvest,
        scheme=scheme,
        dimensions=dimensions,
        outcomes=shown,
        current=current,
        fingerprint=coding.coding_fingerprint,
        questions=harvests.questions_of(db(), harvest, retired=True),
        form=PostForm(),
        page=page,
        pages=pages,
        total=len(everything),
        errors=errors or {},
        is_retired=coding.is_retired,
    )


@bp.route("/harvests/<slug>/coding", methods=["GET", "POST"])
@login_required
def harvest(slug: str) -> Any:
    """Show a harvest's outcomes as a table with one select per dimension; save them all."""
    user = _coder()
    found = harvests.harvest_by_slug(db(), slug)
    page = page_arg()
    if request.method == "GET":
        return _table(found, page)
    if not PostForm().validate_on_submit():
        abort(400)
    scheme = coding.scheme_of(db(), found)
    rows = _rows(coding.active_dimensions(db(), scheme, with_retired_codes=True))
    try:
        result = coding.code_outcomes(db(), found, rows, by=user)
    except ValidationFailed as error:
        flash(_("Nothing was saved: some codes are not in the coding scheme."), "error")
        return _table(found, page, field_errors(error)), 422
    if result.saved or not result.stale:
        flash(
            ngettext(
                "The coding of %(num)d outcome is saved.",
                "The coding of %(num)d outcomes is saved.",
                len(result.saved),
            ),
            "success",
        )
    if result.stale:
        titles = {o.id: o.title for o in analysis.counted_outcomes(db(), found)}
        flash(
            _(
                "Someone else changed these outcomes while you were coding, so your codes for "
                "them were not saved. Their current codes are shown; code them again: %(titles)s",
                titles="; ".join(titles.get(i, str(i)) for i in result.stale),
            ),
            "error",
        )
    return redirect(url_for("coding.harvest", slug=found.slug, page=page))


# --- coding schemes --------------------------------------------------------------------


@bp.route("/coding/schemes", methods=["GET", "POST"])
@login_required
def schemes() -> Any:
    """List the coding schemes and add one (a copy of another, or empty)."""
    user = _coder()
    errors: dict[str, str] = {}
    form = PostForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        source = request.form.get("copy_from", "")
        try:
            scheme = coding.create_scheme(
                db(),
                {
                    "slug": request.form.get("slug", ""),
                    "name": request.form.get("name", ""),
                    "description": request.form.get("description", ""),
                },
                copy_from=coding.scheme_by_slug(db(), source) if source else None,
                by=user,
            )
            flash(_("The coding scheme is created."), "success")
            return redirect(url_for("coding.scheme", slug=scheme.slug))
        except ValidationFailed as error:
            errors = field_errors(error)
    found = coding.list_schemes(db())
    return render_template(
        "coding/schemes.html",
        schemes=found,
        using={s.id: coding.harvests_using(db(), s) for s in found},
        form=form,
        errors=errors,
        values=request.form,
    ), 422 if errors else 200


def _scheme_page(
    scheme: CodingScheme,
    errors: dict[str, str] | None = None,
    status: int = 200,
    merged: conflicts.Merge | None = None,
) -> Any:
    return render_template(
        "coding/scheme.html",
        scheme=scheme,
        dimensions=[(d, coding.codes_of(db(), d)) for d in coding.dimensions_of(db(), scheme)],
        uses=coding.code_use_counts(db(), scheme),
        harvests_using=coding.harvests_using(db(), scheme),
        all_harvests=harvests.list_harvests(db()),
        is_retired=coding.is_retired,
        form=PostForm(),
        errors=errors or {},
        values=request.form,
        merged=merged,
    ), status


@bp.route("/coding/schemes/<slug>", methods=["GET", "POST"])
@login_required
def scheme(slug: str) -> Any:
    """Show a scheme's dimensions and codes for editing; rename the scheme."""
    user = _coder()
    found = coding.scheme_by_slug(db(), slug)
    if request.method == "GET":
        return _scheme_page(found)
    if not PostForm().validate_on_submit():
        abort(400)
    data = {
        "name": request.form.get("name", ""),
        "description": request.form.get("description", ""),
    }
    read = int_value(request.form.get("version")) or 0
    try:
        coding.update_scheme(db(), found, data, read, by=user)
    except ValidationFailed as error:
        return _scheme_page(found, field_errors(error), 422)
    except StaleVersion:
        saved = {"name": found.name, "description": found.description}
        base = conflicts.state_at(db(), "codingscheme", found.id or 0, read)
        merged = conflicts.merge(data, saved, base, ("name", "description"))
        return _scheme_page(found, status=409, merged=merged)
    flash(_("The coding scheme is saved."), "success")
    return redirect(url_for("coding.scheme", slug=slug))


PART_ACTIONS = ("rename", "up", "down", "retire", "restore")


@bp.route("/coding/schemes/<slug>/parts", methods=["POST"])
@login_required
def change(slug: str) -> Any:
    """Add, rename, move, retire or restore a dimension or code of a scheme."""
    user = _coder()
    found = coding.scheme_by_slug(db(), slug)
    if not PostForm().validate_on_submit():
        abort(400)
    form = request.form
    action = form.get("action", "")
    part_id = int_value(form.get("id")) or 0
    try:
        if action == "add_dimension":
            coding.add_dimension(
                db(),
                found,
                {
                    "key": form.get("key", ""),
                    "label": form.get("label", ""),
                    "multiple": bool(form.get("multiple")),
                },
                by=user,
            )
        elif action == "add_code":
            dimension = coding.get_dimension(db(), found, part_id)
            coding.add_code(
                db(),
                dimension,
                {"key": form.get("key", ""), "label": form.get("label", "")},
                by=user,
            )
        elif action in PART_ACTIONS:
            part: CodeDimension | Code
            if form.get("kind") == "code":
                part = coding.get_code(db(), found, part_id)
            else:
                part = coding.get_dimension(db(), found, part_id)
            if action == "rename":
                coding.rename(db(), part, {"label": form.get("label", "")}, by=user)
            elif action in ("up", "down"):
                coding.move(db(), part, -1 if action == "up" else 1, by=user)
            elif action == "retire":
                coding.retire(db(), part, by=user)
            else:
                coding.restore(db(), part, by=user)
        else:
            abort(400)
    except ValidationFailed as error:
        flash(error_text(error), "error")
        return _scheme_page(found, field_errors(error), 422)
    flash(_("The coding scheme is saved."), "success")
    return redirect(
        url_for("coding.scheme", slug=slug)
        + (f"#part-{form.get('anchor')}" if form.get("anchor") else "")
    )


@bp.route("/coding/schemes/<slug>/harvests", methods=["POST"])
@login_required
def assign(slug: str) -> Any:
    """Make a harvest code with this scheme, carrying its codes over by their keys.

    When some codes cannot be carried over, the first post only shows which (nothing
    is written) and the evaluator confirms; the confirmation names what it saw, so a
    change made meanwhile shows the list again instead of losing more than was shown."""
    user = _coder()
    found = coding.scheme_by_slug(db(), slug)
    if not PostForm().validate_on_submit():
        abort(400)
    target = harvests.harvest_by_slug(db(), request.form.get("harvest", ""))
    version = int_value(request.form.get("version") or request.form.get(f"version-{target.slug}"))
    old = coding.scheme_of(db(), target)
    try:
        check_version(target, version or 0)
        plan = coding.plan_scheme_switch(db(), target, found)
        confirmed = request.form.get("confirm", "")
        if plan.lost and confirmed != plan.digest:
            if confirmed:
                flash(
                    _(
                        "The coding changed since you looked. Check the codes that would "
                        "be removed again."
                    ),
                    "error",
                )
            return _switch_page(found, target, old, plan, done=False)
        report = coding.assign_scheme(db(), target, found, version or 0, by=user)
    except StaleVersion:
        flash(
            _(
                "Someone else changed %(harvest)s meanwhile, so its coding scheme was not "
                "changed. Here is the scheme as it is now; try again.",
                harvest=target.title,
            ),
            "error",
        )
        return redirect(url_for("coding.scheme", slug=slug))
    flash(_("%(harvest)s now codes with this scheme.", harvest=target.title), "success")
    return _switch_page(found, target, old, report, done=True)


def _switch_page(
    scheme: CodingScheme,
    harvest: Harvest,
    old: CodingScheme,
    report: coding.SchemeSwitch,
    *,
    done: bool,
) -> Any:
    return render_template(
        "coding/switch.html",
        scheme=scheme,
        harvest=harvest,
        old=old,
        report=report,
        done=done,
        form=PostForm(),
    )
