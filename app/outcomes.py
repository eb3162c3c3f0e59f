"""Pages for harvests and outcomes: lists with search and filters, the outcome page,
recording and editing, the status workflow, review comments, chains and ties."""

from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from app import mail
from app.audit import note
from app.auth import signed_in_user
from app.conflicts import conflict_page
from app.database import AfterCommit, attempt, db
from app.forms import (
    CHANGE_TYPES,
    FIELD_LABELS,
    PART_LABELS,
    STATUS_LABELS,
    TIE_KIND_LABELS,
    CommentForm,
    LinkForm,
    OutcomeFilterForm,
    OutcomeForm,
    ResolveForm,
    StatusForm,
    TieForm,
    options,
)
from app.i18n import field_errors, show_errors
from app.links import external_url
from app.params import date_value, int_value, int_values, page_arg
from harvest import (
    access,
    accounts,
    actors,
    coding,
    directory,
    duplicates,
    harvests,
    initiatives,
    outcomes,
    progress,
    review,
    revisions,
    search,
    substantiation,
    workflow,
)
from harvest.access import Action, Target
from harvest.audit import AuditAction
from harvest.errors import StaleVersion, ValidationFailed, WarningsNotConfirmed
from harvest.models import Harvest, Outcome, OutcomeStatus, User
from harvest.records import state_of

bp = Blueprint("outcomes", __name__)
FORM_FIELDS = (
    "title",
    "change",
    "when_start",
    "when_end",
    "where",
    "significance",
    "contribution",
    "sources",
    "evidence",
)


def _viewer() -> tuple[User | None, set[int]]:
    user = signed_in_user()
    return user, accounts.group_ids_of(db(), user) if user else set()


def _visible_outcome(outcome_id: int) -> tuple[Outcome, User | None, set[int]]:
    """Return the outcome if the viewer may see it; hidden ones are 404, not 403."""
    user, member_of = _viewer()
    outcome = outcomes.get_outcome(db(), outcome_id)
    if not access.may(db(), user, Action.READ_OUTCOME, outcomes.outcome_target(db(), outcome)):
        abort(404)
    return outcome, user, member_of


def _writable_outcome(outcome_id: int) -> tuple[Outcome, Harvest, User | None, set[int]]:
    """Return the outcome and its harvest if the viewer may write it now, else 403."""
    outcome, user, member_of = _visible_outcome(outcome_id)
    harvest = harvests.get_harvest(db(), outcome.harvest_id)
    target = outcomes.outcome_target(db(), outcome, harvest)
    if not access.may(db(), user, Action.WRITE_OUTCOME, target):
        abort(403)
    return outcome, harvest, user, member_of


def _filters(harvest: Harvest | None, actor_filter: OutcomeFilterForm) -> search.OutcomeFilters:
    args = request.args
    statuses = [s for s in args.getlist("status") if s in OutcomeStatus.__members__.values()]
    actor_filter.actor.errors = actor_filter.actor.resolve()
    return search.OutcomeFilters(
        q=args.get("q", "")[:200],
        harvest_id=harvest.id if harvest else None,
        statuses=statuses,
        actor_id=None if actor_filter.actor.errors else int_value(actor_filter.actor.data),
        type_of_change=args.get("type_of_change") or None,
        social_capital_form=args.get("form") or None,
        date_from=date_value(args.get("from")),
        date_to=date_value(args.get("to")),
    )


def _list(harvest: Harvest | None, template: str, **context: Any) -> str:
    user, member_of = _viewer()
    actor_filter = OutcomeFilterForm(request.args)
    filters = _filters(harvest, actor_filter)
    if filters.q.strip():
        note(
            AuditAction.SEARCH_OUTCOMES,
            entity="harvest" if harvest else "",
            entity_id=harvest.slug if harvest else "",
            detail=filters.q.strip(),
        )
    page = search.find_outcomes(
        db(),
        filters,
        viewer=user,
        member_of=member_of,
        page=page_arg(),
    )
    names = actors.actor_names(db(), {o.changed_actor_id for o in page.items if o.changed_actor_id})
    return render_template(
        template,
        page=page,
        names=names,
        harvest=harvest,
        actor_filter=actor_filter,
        args=request.args,
        flagged=duplicates.flagged_ids(db(), page.items, viewer=user) if harvest else set(),
        can_write=harvest is not None
        and access.may(db(), user, Action.WRITE_OUTCOME, Target(group_id=harvest.group_id)),
        **context,
    )


@bp.route("/harvests")
def harvest_index() -> Any:
    """List the harvests."""
    return render_template(
        "harvests/index.html",
        harvests=harvests.list_harvests(db()),
        can_design=access.may(db(), signed_in_user(), Action.DESIGN_HARVEST),
    )


@bp.route("/harvests/<slug>")
def harvest_detail(slug: str) -> Any:
    """Show a harvest's design and its outcomes, searchable and filterable."""
    harvest = harvests.harvest_by_slug(db(), slug)
    user = signed_in_user()
    evaluating = access.may(db(), user, Action.ANALYSE)
    return _list(
        harvest,
        "harvests/detail.html",
        questions=harvests.questions_of(db(), harvest),
        can_design=access.may(db(), user, Action.DESIGN_HARVEST),
        progress=progress.harvest_progress(db(), harvest) if evaluating else None,
    )


@bp.route("/outcomes")
def index() -> Any:
    """Search outcomes across every harvest the viewer may see."""
    return _list(None, "outcomes/index.html")


# --- recording and editing ---------------------------------------------------


RATED = "significance_rating"  # the one coding dimension members set on the outcome form


def _prepare(form: OutcomeForm, harvest: Harvest, current: int | None = None) -> None:
    questions: list[tuple[object, Any]] = [
        (q.id, f"{q.position}. {q.text}")
        if not q.retired
        else (q.id, _("%(question)s (retired)", question=q.text))
        for q in harvests.questions_of(db(), harvest, retired=True)
        if not q.retired or q.id == current
    ]
    form.question_id.choices = options([("", _("— none yet —")), *questions])
    chosen = int_values(form.initiative_ids.data or [])
    offered = initiatives.choices_for_outcome(
        db(),
        harvest.group_id,
        outcomes.harvest_municipality_id(db(), harvest),
        signed_in_user(),
        chosen,
    )
    form.initiative_ids.choices = options((i.id, i.title) for i in offered)
    scheme = coding.scheme_of(db(), harvest)
    ratings = [codes for d, codes in coding.active_dimensions(db(), scheme) if d.key == RATED]
    form.rates_significance = bool(ratings)
    if ratings:
        rated = [(c.key, _(c.label)) for c in ratings[0]]
        form.significance_rating.choices = options([("", _("Not rated")), *rated])


def _data(form: OutcomeForm, harvest: Harvest, user: User | None, status: str) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(form, name).data or "" for name in FORM_FIELDS}
    data["status"] = status
    data["contributor_ids"] = int_values(form.contributor_ids.data or [])
    data["initiative_ids"] = int_values(form.initiative_ids.data or [])
    actor_id = int_value(form.changed_actor_id.data)
    if form.new_actor_name.data and form.new_actor_name.data.strip():
        municipality_id = outcomes.harvest_municipality_id(db(), harvest)
        municipality = directory.municipality_names(db()).get(municipality_id or 0)
        actor = actors.actor_by_name(db(), form.new_actor_name.data) or actors.create_actor(
            db(),
            {
                "name": form.new_actor_name.data,
                "kind": form.new_actor_kind.data,
                "sector": form.new_actor_sector.data,
                "tier": form.new_actor_tier.data,
                "municipality": municipality[0] if municipality else None,
            },
            by=user,
        )
        actor_id = actor.id
    data["changed_actor_id"] = actor_id
    return data


def _codes(form: OutcomeForm) -> dict[str, list[str]]:
    chosen = [
        ("type_of_change", form.type_of_change.data),
        ("social_capital_form", form.social_capital_form.data),
    ]
    if form.rates_significance:
        chosen.append((RATED, form.significance_rating.data))
    return {key: [value] if value else [] for key, value in chosen}


def _outcome_values(state: dict[str, Any]) -> dict[str, Any]:
    """Return a stored outcome's state as the edit form's values (also for the conflict page)."""
    codes = state.get("codes") or {}
    values = {name: state.get(name) or "" for name in FORM_FIELDS}
    values.update(
        changed_actor_id=str(state.get("changed_actor_id") or ""),
        contributor_ids=[str(i) for i in state.get("contributor_ids") or []],
        initiative_ids=[str(i) for i in state.get("initiative_ids") or []],
        question_id=str(state.get("question_id") or ""),
        type_of_change=(codes.get("type_of_change") or [""])[0],
        social_capital_form=(codes.get("social_capital_form") or [""])[0],
        significance_rating=(codes.get(RATED) or [""])[0],
    )
    return values


# The conflict page merges the form's text fields and the outcome's parts.
MERGED_FIELDS = (
    *FORM_FIELDS,
    "changed_actor_id",
    "contributor_ids",
    "initiative_ids",
    "question_id",
    "type_of_change",
    "social_capital_form",
    RATED,
)


@bp.route("/harvests/<slug>/outcomes/new", methods=["GET", "POST"])
@login_required
def new(slug: str) -> Any:
    """Show the form for a new outcome and record it."""
    harvest = harvests.harvest_by_slug(db(), slug)
    user, _member_of = _viewer()
    if not access.may(db(), user, Action.WRITE_OUTCOME, Target(group_id=harvest.group_id)):
        abort(403)
    form = OutcomeForm()
    _prepare(form, harvest)
    warnings = False
    if form.validate_on_submit():
        try:
            outcome = outcomes.record_outcome(
                db(),
                harvest,
                _data(form, harvest, user, form.status.data or "draft"),
                by=user,
                confirm_warnings=bool(form.confirm_warnings.data),
                codes=_codes(form),
                question_id=int_value(form.question_id.data),
            )
            flash(_("The outcome is saved."), "success")
            _flag_duplicates(outcome, user)
            return redirect(url_for("outcomes.detail", outcome_id=outcome.id))
        except ValidationFailed as error:
            warnings = isinstance(error, WarningsNotConfirmed)
            show_errors(form, error, whole_form="change")
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "outcomes/form.html", form=form, harvest=harvest, outcome=None, warnings=warnings
    ), status


@bp.route("/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
@login_required
def edit(outcome_id: int) -> Any:
    """Show the edit form; a save based on an old version shows the merge of both."""
    outcome, harvest, user, _member_of = _writable_outcome(outcome_id)
    if request.method == "GET":
        values = _outcome_values(state_of(db(), outcome))
        form = OutcomeForm(formdata=None, data={**values, "version": str(outcome.version)})
        _prepare(form, harvest, int_value(values["question_id"]))
        return render_template(
            "outcomes/form.html", form=form, harvest=harvest, outcome=outcome, warnings=False
        )
    form = OutcomeForm()
    _prepare(form, harvest, state_of(db(), outcome).get("question_id"))
    warnings = False
    if form.validate_on_submit():
        read = int_value(form.version.data) or 0
        try:
            outcomes.update_outcome(
                db(),
                outcome,
                _data(form, harvest, user, outcome.status),
                read,
                by=user,
                confirm_warnings=bool(form.confirm_warnings.data),
                codes=_codes(form),
                question_id=int_value(form.question_id.data),
            )
            flash(_("Your changes are saved."), "success")
            _flag_duplicates(outcome, user)
            return redirect(url_for("outcomes.detail", outcome_id=outcome.id))
        except StaleVersion:
            return conflict_page(
                form,
                outcome,
                read,
                _outcome_values,
                MERGED_FIELDS,
                action=url_for("outcomes.edit", outcome_id=outcome.id),
                what=_("this outcome"),
            )
        except ValidationFailed as error:
            warnings = isinstance(error, WarningsNotConfirmed)
            show_errors(form, error, whole_form="change")
    return render_template(
        "outcomes/form.html", form=form, harvest=harvest, outcome=outcome, warnings=warnings
    ), 422


def _flag_duplicates(outcome: Outcome, user: User | None) -> None:
    """Say after a save that the outcome looks like one already in the harvest."""
    found = duplicates.duplicates_of(db(), outcome, viewer=user)
    if found:
        numbers = ", ".join(f"#{c.id}" for c in found)
        flash(
            _(
                "This outcome may be a duplicate of %(numbers)s: compare them below.",
                numbers=numbers,
            ),
            "warning",
        )


# --- the outcome page and what happens on it ---------------------------------


@bp.route("/outcomes/<int:outcome_id>")
def detail(outcome_id: int) -> Any:
    """Show an outcome: its three parts, actors, chains, ties, review and versions."""
    outcome, user, member_of = _visible_outcome(outcome_id)
    if outcome.status != OutcomeStatus.FINAL:
        note(AuditAction.VIEW_DRAFT, entity="outcome", entity_id=outcome.id, detail=outcome.status)
    view = outcomes.outcome_view(db(), outcome)

    def visible(other: Outcome) -> bool:
        return access.may(db(), user, Action.READ_OUTCOME, outcomes.outcome_target(db(), other))

    view = replace(
        view,
        led_from=[o for o in view.led_from if visible(o)],
        led_to=[o for o in view.led_to if visible(o)],
        initiatives=[i for i in view.initiatives if initiatives.may_see(db(), user, i)],
    )
    target = outcomes.outcome_target(db(), outcome, view.harvest)
    internal = access.may(db(), user, Action.COMMENT_OUTCOME, target) or access.may(
        db(), user, Action.ANALYSE
    )
    can_write = access.may(db(), user, Action.WRITE_OUTCOME, target)
    link_form = LinkForm(version=outcome.version)
    tie_form = TieForm(version=outcome.version)
    if can_write:
        link_form.other_id.harvest_id = view.harvest.id
        link_form.other_id.exclude = outcome.id
        tie_form.source_id.data = str(outcome.changed_actor_id or "")
    flags, smart = outcomes.advice(db(), outcome) if can_write else ([], {})
    return render_template(
        "outcomes/detail.html",
        view=view,
        flags=flags,
        smart=smart,
        o=outcome,
        codes=coding.codes_for_outcome(db(), outcome.id or 0),
        questions={q.id: q for q in harvests.questions_of(db(), view.harvest, retired=True)},
        internal=internal,
        can_write=can_write,
        moves=workflow.allowed_moves(db(), user, outcome, view.harvest) if user else [],
        can_comment=access.may(db(), user, Action.COMMENT_OUTCOME, target),
        status_form=StatusForm(version=outcome.version),
        comment_form=CommentForm(),
        resolve_form=ResolveForm(),
        link_form=link_form,
        tie_form=tie_form,
        threads=review.threads_of(db(), outcome) if internal else {},
        revisions=_readable(revisions.revisions(db(), "outcome", outcome.id or 0), view.harvest)
        if internal
        else [],
        author_names=accounts.user_names(db()) if internal else {},
        possible_duplicates=duplicates.duplicates_of(db(), outcome, viewer=user),
        merged_into=duplicates.merged_into(db(), outcome)
        if outcome.status == OutcomeStatus.WITHDRAWN
        else None,
        substantiation_summary=substantiation.summary_for_outcome(
            db(), outcome, with_names=access.may(db(), user, Action.SUBSTANTIATE)
        ),
    )


def _readable(found: list[revisions.Revision], harvest: Harvest) -> list[revisions.Revision]:
    """Return the revisions with their values in words: labels, names and question texts."""
    ids: set[int] = set()
    for revision in found:
        for c in revision.changes:
            if c.field in ("changed_actor_id", "contributor_ids"):
                for value in (c.before, c.after):
                    ids.update(value if isinstance(value, list) else [value] if value else [])
    names = actors.actor_names(db(), ids) if ids else {}
    titles = initiatives.titles(db())
    questions = {q.id: f"{q.position}. {q.text}" for q in harvests.questions_of(db(), harvest)}

    def shown(name: str, value: Any) -> Any:
        if value is None or value == [] or value == {}:
            return None
        if name == "status":
            return _status_label(value)
        if name == "changed_actor_id":
            return names.get(value, value)
        if name == "contributor_ids":
            return ", ".join(str(names.get(i, i)) for i in value)
        if name == "initiative_ids":
            return ", ".join(titles.get(i, f"#{i}") for i in value)
        if name == "question_id":
            return questions.get(value, value)
        if name == "codes" and isinstance(value, dict):
            return "; ".join(
                f"{DIMENSION_LABELS.get(k, k)}: {', '.join(_code_label(c) for c in v)}"
                for k, v in value.items()
                if v
            )
        if isinstance(value, list):
            return ", ".join(f"#{v}" for v in value)
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


@bp.route("/outcomes/<int:outcome_id>/status", methods=["POST"])
@login_required
def move(outcome_id: int) -> Any:
    """Move an outcome one step in the workflow (or withdraw it)."""
    outcome, user, _member_of = _visible_outcome(outcome_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    harvest = harvests.get_harvest(db(), outcome.harvest_id)
    version = int_value(form.version.data) or 0
    before = outcome.status
    if form.status.data == OutcomeStatus.WITHDRAWN and form.confirm.data != "yes":
        return render_template("outcomes/withdraw.html", o=outcome, version=version, form=form)
    workflow.move_outcome(db(), outcome, harvest, form.status.data or "", version, by=user)
    flash(_("The status is now: %(status)s.", status=_status_label(outcome.status)), "success")
    letters = []
    returned = workflow.returned_for_review(before, outcome.status)
    if returned and access.may(db(), user, Action.ANALYSE):
        link = external_url("outcomes.detail", outcome_id=outcome_id)
        for member in workflow.group_members(db(), harvest, besides=user):
            letters.append(
                mail.send(
                    member.email,
                    "outcome_returned",
                    "da",
                    title=outcome.title,
                    harvest=harvest.title,
                    status=_status_label(outcome.status),
                    link=link,
                )
            )
    return AfterCommit(lambda: _moved(outcome_id, letters))


def _moved(outcome_id: int, letters: list[mail.Letter]) -> Any:
    """Say whether the group was told of a return, once the move is committed."""
    sent = sum(1 for letter in letters if letter.state == mail.MailState.SENT)
    if sent:
        flash(
            ngettext(
                "%(num)d member of the group is told by e-mail.",
                "%(num)d members of the group are told by e-mail.",
                sent,
            ),
            "success",
        )
    if any(letter.state == mail.MailState.FAILED for letter in letters):
        flash(_("The group could not be told by e-mail; the move is saved."), "error")
    return redirect(url_for("outcomes.detail", outcome_id=outcome_id))


def _status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@bp.route("/outcomes/<int:outcome_id>/comments", methods=["POST"])
@login_required
def comment(outcome_id: int) -> Any:
    """Add a review comment or an answer to one."""
    outcome, user, _member_of = _visible_outcome(outcome_id)
    form = CommentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with attempt():
            review.add_comment(
                db(),
                outcome,
                form.part.data or "general",
                form.body.data or "",
                by=user,
                parent_id=int_value(form.parent_id.data),
            )
        flash(_("Your comment is added."), "success")
    except ValidationFailed as error:
        for message in field_errors(error).values():
            flash(message, "error")
    return redirect(url_for("outcomes.detail", outcome_id=outcome_id) + "#review")


@bp.route("/outcomes/<int:outcome_id>/comments/<int:comment_id>/resolution", methods=["POST"])
@login_required
def resolve(outcome_id: int, comment_id: int) -> Any:
    """Resolve a review thread, or reopen it."""
    outcome, user, _member_of = _visible_outcome(outcome_id)
    form = ResolveForm()
    if not form.validate_on_submit() or user is None:
        abort(400)
    resolved = form.resolved.data == "yes"
    review.resolve_thread(db(), outcome, comment_id, resolved=resolved, by=user)
    flash(_("The comment is resolved.") if resolved else _("The comment is open again."), "success")
    return redirect(url_for("outcomes.detail", outcome_id=outcome_id) + f"#comment-{comment_id}")


@bp.route("/outcomes/<int:outcome_id>/links", methods=["POST"])
@login_required
def link(outcome_id: int) -> Any:
    """Record that this outcome led to another, or came from it."""
    outcome, _harvest, user, _member_of = _writable_outcome(outcome_id)
    form = LinkForm()
    form.other_id.harvest_id, form.other_id.exclude = outcome.harvest_id, outcome.id
    problems = form.other_id.resolve()
    for message in problems:
        flash(f"{form.other_id.label.text}: {message}", "error")
    if problems or not form.other_id.data:
        return redirect(url_for("outcomes.detail", outcome_id=outcome_id) + "#chains")
    other = outcomes.get_outcome(db(), int_value(form.other_id.data) or 0)
    if other.harvest_id != outcome.harvest_id:
        abort(400)
    source, target = (outcome, other) if form.direction.data == "to" else (other, outcome)
    version = int_value(form.version.data) or 0
    outcomes.link_outcomes(db(), source, target, by=user, version=version, checked=outcome)
    flash(_("The chain is recorded."), "success")
    return redirect(url_for("outcomes.detail", outcome_id=outcome_id) + "#chains")


@bp.route("/outcomes/<int:outcome_id>/ties", methods=["POST"])
@login_required
def tie(outcome_id: int) -> Any:
    """Record a tie this outcome created or strengthened (the tie is made if missing)."""
    outcome, _harvest, user, _member_of = _writable_outcome(outcome_id)
    form = TieForm(MultiDict(request.form))
    problems = {name: form[name].resolve() for name in ("source_id", "target_id")}
    if any(problems.values()):
        for name, messages in problems.items():
            for message in messages:
                flash(f"{form[name].label.text}: {message}", "error")
        return redirect(url_for("outcomes.detail", outcome_id=outcome_id) + "#ties")
    data = {
        "source_id": int_value(form.source_id.data),
        "target_id": int_value(form.target_id.data),
        "kind": form.kind.data,
        "start": form.start.data or None,
        "strength": form.strength.data or 2,
    }
    try:
        with attempt():
            version = int_value(form.version.data) or 0
            outcomes.evidence_tie(db(), outcome, data, by=user, version=version)
        flash(_("The tie is recorded as evidenced by this outcome."), "success")
    except ValidationFailed as error:
        for message in field_errors(error).values():
            flash(message, "error")
    return redirect(url_for("outcomes.detail", outcome_id=outcome_id) + "#ties")


STEP_LABELS = {
    "design": _l("Design"),
    "gather": _l("Gather and draft"),
    "engage": _l("Engage change agents"),
    "substantiate": _l("Substantiate"),
    "analyse": _l("Analyse and interpret"),
    "support_use": _l("Support use"),
}
SMART_LABELS = {
    "specific": _l("Specific"),
    "measurable": _l("Measurable"),
    "achieved": _l("Achieved"),
    "relevant": _l("Relevant"),
    "timely": _l("Timely"),
}
DIMENSION_LABELS = {
    "type_of_change": _l("Type of change"),
    "intended": _l("Intended"),
    "positive": _l("Positive"),
    "significance_rating": _l("Significance"),
    "contribution_level": _l("Contribution"),
    "social_capital_form": _l("Form of social capital"),
    "recovery_domain": _l("Recovery-oriented practice domain"),
}


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "status_labels": STATUS_LABELS,
        "change_types": CHANGE_TYPES,
        "step_labels": STEP_LABELS,
        "part_labels": PART_LABELS,
        "tie_kind_labels": TIE_KIND_LABELS,
        "dimension_labels": DIMENSION_LABELS,
        "field_labels": FIELD_LABELS,
        "smart_labels": SMART_LABELS,
    }


HARVEST_ACTIONS = (
    ("substantiation.harvest", _l("Substantiation"), Action.SUBSTANTIATE),
    ("coding.harvest", _l("Coding"), Action.ANALYSE),
    ("analysis.harvest", _l("Analysis"), Action.ANALYSE),
    ("imports.new", _l("Import outcomes"), Action.IMPORT_OUTCOMES),
    ("reports.interpretation_page", _l("Interpretation"), Action.ANALYSE),
    ("reports.harvest_report", _l("Harvest report"), Action.ANALYSE),
)


@bp.app_context_processor
def _harvest_actions() -> dict[str, Any]:
    def harvest_actions() -> list[tuple[str, Any]]:
        """Return the harvest tools this app has that the policy lets the user use, in order."""
        user = signed_in_user()
        return [
            (e, label)
            for e, label, action in HARVEST_ACTIONS
            if e in current_app.view_functions and access.may(db(), user, action)
        ]

    return {"harvest_actions": harvest_actions}


@bp.app_template_filter("number")
def _number(value: int) -> str:
    """Write a whole number the reader's way: 1.000 in Danish, 1,000 in English."""
    return format_decimal(value)


@bp.app_template_filter("code_label")
def _code_label(key: str) -> str:
    for code_key, label in coding.all_code_labels():
        if code_key == key:
            return _(label)
    return key
