"""Possible duplicates: two outcomes side by side, marked "not a duplicate" or merged.

Views parse, call `harvest.duplicates` and render; the domain asks the access policy.
"""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms import HiddenField, RadioField

from app.auth import signed_in_user
from app.database import attempt, db
from app.i18n import field_errors
from app.params import int_value
from app.translated_forms import Form
from harvest import access, actors, duplicates, outcomes
from harvest.access import Action
from harvest.errors import PermissionDenied, StaleVersion, ValidationFailed
from harvest.models import Outcome, User

bp = Blueprint("duplicates", __name__)

PARTS = (
    ("title", _l("Headline")),
    ("changed_actor", _l("Changed actor")),
    ("change", _l("What changed")),
    ("when", _l("When")),
    ("where", _l("Where")),
    ("significance", _l("Significance")),
    ("contribution", _l("Contribution")),
    ("contributors", _l("Contributors")),
    ("sources", _l("Sources")),
    ("evidence", _l("Evidence")),
    ("status", _l("Status")),
)


class JudgeForm(Form):
    """The versions both outcomes were read at (and, to merge, which one to keep)."""

    version = HiddenField()
    other_version = HiddenField()
    keep = RadioField(_l("Keep"), choices=[], validate_choice=False)


def _readable(outcome_id: int, user: User | None) -> Outcome:
    outcome = outcomes.get_outcome(db(), outcome_id)
    if not access.may(db(), user, Action.READ_OUTCOME, outcomes.outcome_target(db(), outcome)):
        abort(404)
    return outcome


def _pair(outcome_id: int, other_id: int) -> tuple[Outcome, Outcome, User | None]:
    user = signed_in_user()
    return _readable(outcome_id, user), _readable(other_id, user), user


def _parts(outcome: Outcome) -> dict[str, str]:
    names = actors.actor_names(
        db(), {outcome.changed_actor_id or 0, *outcomes.contributor_ids(db(), outcome)}
    )
    when = str(outcome.when_start or "")
    if outcome.when_end:
        when += f" – {outcome.when_end}"
    return {
        "title": outcome.title,
        "changed_actor": names.get(outcome.changed_actor_id or 0, ""),
        "change": outcome.change,
        "when": when,
        "where": outcome.where,
        "significance": outcome.significance,
        "contribution": outcome.contribution,
        "contributors": "; ".join(
            sorted(names.get(i, "") for i in outcomes.contributor_ids(db(), outcome))
        ),
        "sources": outcome.sources,
        "evidence": outcome.evidence,
        "status": outcome.status,
    }


@bp.route("/outcomes/<int:outcome_id>/duplicates/<int:other_id>")
def compare(outcome_id: int, other_id: int) -> Any:
    """Show two outcomes side by side, part by part, with what differs marked in words."""
    outcome, other, user = _pair(outcome_id, other_id)
    if outcome.id == other.id or outcome.harvest_id != other.harvest_id:
        return redirect(url_for("outcomes.detail", outcome_id=outcome_id))
    mine, theirs = _parts(outcome), _parts(other)
    form = JudgeForm(version=outcome.version, other_version=other.version)
    form.keep.choices = [
        (str(outcome.id), _("Keep #%(id)s", id=outcome.id)),
        (str(other.id), _("Keep #%(id)s", id=other.id)),
    ]
    form.keep.data = str(outcome.id)
    return render_template(
        "outcomes/compare.html",
        outcome=outcome,
        other=other,
        rows=[(key, label, mine[key], theirs[key]) for key, label in PARTS],
        form=form,
        can_judge=user is not None and duplicates.may_judge(db(), user, outcome, other),
        dismissal=duplicates.dismissal(db(), outcome, other),
    )


def _versions(form: JudgeForm) -> tuple[int, int]:
    return int_value(form.version.data) or 0, int_value(form.other_version.data) or 0


@bp.route("/outcomes/<int:outcome_id>/duplicates/<int:other_id>/dismiss", methods=["POST"])
@login_required
def dismiss(outcome_id: int, other_id: int) -> Any:
    """Remember that the two outcomes are not duplicates."""
    outcome, other, user = _pair(outcome_id, other_id)
    form = JudgeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with attempt():
            duplicates.mark_not_duplicate(db(), outcome, other, by=user)
        flash(_("Marked as not a duplicate; the pair will not be flagged again."), "success")
    except ValidationFailed as error:
        for message in field_errors(error).values():
            flash(message, "error")
    return redirect(url_for("outcomes.detail", outcome_id=outcome_id))


@bp.route("/outcomes/<int:outcome_id>/duplicates/<int:other_id>/merge", methods=["POST"])
@login_required
def merge(outcome_id: int, other_id: int) -> Any:
    """Merge the pair: keep the one chosen, fold the other into it and withdraw it."""
    outcome, other, user = _pair(outcome_id, other_id)
    form = JudgeForm()
    if not form.validate_on_submit():
        abort(400)
    version, other_version = _versions(form)
    keep, drop = (other, outcome) if form.keep.data == str(other.id) else (outcome, other)
    keep_version, drop_version = (
        (other_version, version) if keep is other else (version, other_version)
    )
    try:
        with attempt():
            duplicates.merge_outcomes(
                db(), keep, drop, keep_version=keep_version, other_version=drop_version, by=user
            )
    except StaleVersion:
        flash(
            _("One of the outcomes was changed meanwhile. Compare them again, then merge."),
            "error",
        )
        return redirect(url_for("duplicates.compare", outcome_id=outcome_id, other_id=other_id))
    except PermissionDenied:
        abort(403)
    except ValidationFailed as error:
        for message in field_errors(error).values():
            flash(message, "error")
        return redirect(url_for("outcomes.detail", outcome_id=outcome_id))
    flash(
        _("Merged: #%(drop)s is withdrawn, merged into #%(keep)s.", drop=drop.id, keep=keep.id),
        "success",
    )
    return redirect(url_for("outcomes.detail", outcome_id=keep.id))
