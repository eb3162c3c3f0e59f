"""What each side asks: the information needs of citizens, the municipality and civil
society that implementation groups record, for staff; and per municipality, who asks
what of whom."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from app.auth import signed_in_user
from app.conflicts import conflict_page
from app.database import db
from app.directory_forms import ASKER_LABELS, FREQUENCY_LABELS, NEED_FIELDS, NeedForm
from app.forms import KIND_LABELS, SECTOR_LABELS, options
from app.i18n import show_errors
from app.params import int_value, page_arg
from harvest import access, actors, directory, needs, pages
from harvest.access import Action
from harvest.demo import content_dir
from harvest.errors import StaleVersion, ValidationFailed
from harvest.models import InformationNeed
from harvest.records import state_of

bp = Blueprint("needs", __name__, url_prefix="/behov")


def _page_titles() -> dict[str, tuple[str, str]]:
    """Return (slug, title) of each knowledge page by key, in the reader's language."""
    lang = str(get_locale() or "da")
    return {p.key: (p.slug, p.title) for p in pages.load_pages(content_dir(), lang)}


def _reader() -> None:
    if not access.may(db(), signed_in_user(), Action.READ_INTERNAL):
        abort(403)


@bp.route("/")
@login_required
def index() -> Any:
    """List the needs: unanswered first; filter by who asks, municipality, answered or not."""
    _reader()
    args = request.args
    answered = {"yes": True, "no": False}.get(args.get("answered", ""))
    asker = args.get("asker", "")
    filters = needs.NeedFilters(
        municipality=(args.get("municipality") or None),
        answered=answered,
        q=(args.get("q") or "")[:200],
        asker=asker if asker in ASKER_LABELS else None,
    )
    page = needs.list_needs(db(), filters, page=page_arg())
    kept = {k: args.get(k) for k in ("municipality", "answered", "q", "asker") if args.get(k)}
    return render_template(
        "needs/index.html",
        page=page,
        filters=filters,
        answered=args.get("answered", ""),
        municipalities=sorted(directory.municipality_names(db()).values(), key=lambda m: m[1]),
        page_url=lambda n: url_for("needs.index", **kept, page=n),
        unanswered=needs.count_unanswered(db()),
        **_labels(),
    )


def _labels() -> dict[str, Any]:
    """Return what every list of needs shows beside the needs: words, pages, permissions."""
    return {
        "asker_labels": ASKER_LABELS,
        "kind_labels": KIND_LABELS,
        "sector_labels": SECTOR_LABELS,
        "frequency_labels": FREQUENCY_LABELS,
        "page_titles": _page_titles(),
        "can_record": access.may_somewhere(db(), signed_in_user(), Action.WRITE_NEED),
    }


@bp.route("/kommune/<municipality>")
@login_required
def between(municipality: str) -> Any:
    """Show what each side in a municipality asks of the other, answered or not."""
    _reader()
    found = actors.municipality_by_slug(db(), municipality)
    return render_template(
        "needs/between.html",
        municipality=found,
        sides=needs.sides_in(db(), found),
        **_labels(),
    )


def _prepare(form: NeedForm) -> None:
    municipalities = sorted(directory.municipality_names(db()).values(), key=lambda m: m[1])
    form.municipality.choices = options([("", _("— none —")), *municipalities])
    form.group.choices = options([("", _("— none —")), *needs.group_choices(db())])
    titles = sorted(_page_titles().items(), key=lambda item: item[1][1])
    form.answer_page.choices = options(
        [("", _("— not answered by a page —")), *((key, t[1]) for key, t in titles)]
    )


def _data(form: NeedForm) -> dict[str, Any]:
    data = {name: getattr(form, name).data or "" for name in NEED_FIELDS}
    data["note_answers"] = bool(form.note_answers.data)
    return data


def _writer(need: InformationNeed | None = None) -> Any:
    """Return the signed-in user if they may write `need` (or record needs at all)."""
    user = signed_in_user()
    allowed = (
        access.may_somewhere(db(), user, Action.WRITE_NEED)
        if need is None
        else access.may(db(), user, Action.WRITE_NEED, needs.need_target(need))
    )
    if user is None or not allowed:
        abort(403)
    return user


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    """Record a need the group has heard."""
    user = _writer()
    form = NeedForm()
    _prepare(form)
    if request.method == "GET":
        form.municipality.data = request.args.get("municipality", "")
    if form.validate_on_submit():
        try:
            needs.record_need(db(), _data(form), by=user)
            flash(_("The need is saved."), "success")
            return redirect(url_for("needs.index"))
        except ValidationFailed as error:
            show_errors(form, error)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("needs/form.html", form=form, need=None), status


def _need_values(state: dict[str, Any]) -> dict[str, Any]:
    """Return a stored need's state as the edit form's values (also for the conflict page)."""
    municipality, group = needs.slugs_of(db(), state.get("municipality_id"), state.get("group_id"))
    values: dict[str, Any] = {name: state.get(name) or "" for name in NEED_FIELDS}
    values.update(
        municipality=municipality or "",
        group=group or "",
        answer_actor_id=str(state.get("answer_actor_id") or ""),
        about_actor_id=str(state.get("about_actor_id") or ""),
        note_answers=bool(state.get("note_answers")),
        asker=state.get("asker") or "citizens",
    )
    return values


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id: int) -> Any:
    """Edit a need or say what answers it; a stale save shows the merge of both versions."""
    need = needs.get_need(db(), need_id)
    user = _writer(need)
    if request.method == "GET":
        values = _need_values(state_of(db(), need))
        form = NeedForm(formdata=None, data={**values, "version": str(need.version)})
        _prepare(form)
        return render_template("needs/form.html", form=form, need=need)
    form = NeedForm()
    _prepare(form)
    if form.validate_on_submit():
        read = int_value(form.version.data) or 0
        try:
            needs.update_need(db(), need, {**_data(form), "version": read}, by=user)
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("needs.index"))
        except StaleVersion:
            return conflict_page(
                form,
                need,
                read,
                _need_values,
                NEED_FIELDS,
                action=url_for("needs.edit", need_id=need_id),
                what=_("this need"),
            )
        except ValidationFailed as error:
            show_errors(form, error)
    return render_template("needs/form.html", form=form, need=need), 422
