"""An implementation group's page: who was invited, who joined and who left, and where the
group sits on the map; members of the group (and evaluators) keep that history."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms import HiddenField, SelectField, StringField

from app.auth import signed_in_user
from app.conflicts import conflict_page
from app.database import db
from app.forms import options
from app.i18n import show_errors
from app.params import int_value
from app.pickers import ActorField
from app.translated_forms import Form
from harvest import access, accounts, groups
from harvest.access import Action
from harvest.errors import StaleVersion, ValidationFailed
from harvest.models import GroupActor, ImplementationGroup, User
from harvest.records import state_of

bp = Blueprint("groups", __name__, url_prefix="/grupper")

ROLE_LABELS = {
    "municipal": _l("Municipal"),
    "association": _l("Association"),
    "citizen_representative": _l("Citizen representative (anonymous citizen group)"),
    "other": _l("Other"),
}
STEP_LABELS = {"invited": _l("Invited"), "joined": _l("Joined"), "left": _l("Left")}


class GroupActorForm(Form):
    actor_id = ActorField(_l("Actor"))
    role = SelectField(_l("Part it plays"), choices=options(ROLE_LABELS.items()))
    invited = StringField(_l("Invited on (date)"), description=_l("YYYY-MM-DD"))
    joined = StringField(_l("Joined on (date)"), description=_l("YYYY-MM-DD, if it has joined"))
    left = StringField(_l("Left on (date)"), description=_l("YYYY-MM-DD, if it has left"))
    note = StringField(
        _l("Note"), description=_l("Never a citizen's name: citizens take part as a group.")
    )
    version = HiddenField()


PLACE_FIELDS = ("actor_id", "role", "invited", "joined", "left", "note")


def _group(slug: str) -> ImplementationGroup:
    return accounts.group_by_slug(db(), slug)


def _writer(group: ImplementationGroup) -> User:
    """Return the signed-in user if they may keep this group's composition."""
    user = signed_in_user()
    if user is None or not access.may(
        db(), user, Action.WRITE_GROUP_ACTORS, groups.group_target(group)
    ):
        abort(403)
    return user


@bp.route("/<group>")
@login_required
def detail(group: str) -> Any:
    """Show the group: its actors over time and its place on the map."""
    if not access.may(db(), signed_in_user(), Action.READ_INTERNAL):
        abort(403)
    found = _group(group)
    return render_template(
        "groups/detail.html",
        view=groups.group_page(db(), found),
        role_labels=ROLE_LABELS,
        step_labels=STEP_LABELS,
        can_edit=access.may(
            db(), signed_in_user(), Action.WRITE_GROUP_ACTORS, groups.group_target(found)
        ),
    )


def _data(form: GroupActorForm) -> dict[str, Any]:
    return {name: form[name].data or "" for name in PLACE_FIELDS}


@bp.route("/<group>/aktoerer/ny", methods=["GET", "POST"])
@login_required
def new_actor(group: str) -> Any:
    """Add an actor the group invited or that joined it."""
    found = _group(group)
    user = _writer(found)
    form = GroupActorForm()
    if form.validate_on_submit():
        try:
            groups.add_group_actor(db(), found, _data(form), by=user)
            flash(_("The actor is added to the group."), "success")
            return redirect(url_for("groups.detail", group=found.slug))
        except ValidationFailed as error:
            show_errors(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("groups/actor_form.html", form=form, group=found, place=None), status


def _place_values(state: dict[str, Any]) -> dict[str, Any]:
    """Return a stored place's state as the edit form's values (also for the conflict page)."""
    values = {name: state.get(name) or "" for name in PLACE_FIELDS}
    values["actor_id"] = str(state.get("actor_id") or "")
    return values


@bp.route("/<group>/aktoerer/<int:place_id>", methods=["GET", "POST"])
@login_required
def edit_actor(group: str, place_id: int) -> Any:
    """Edit an actor's place in the group; a stale save shows the merge of both versions."""
    found = _group(group)
    user = _writer(found)
    place: GroupActor = groups.get_group_actor(db(), found, place_id)
    if request.method == "GET":
        values = _place_values(state_of(db(), place))
        form = GroupActorForm(formdata=None, data={**values, "version": str(place.version)})
        return render_template("groups/actor_form.html", form=form, group=found, place=place)
    form = GroupActorForm()
    if form.validate_on_submit():
        read = int_value(form.version.data) or 0
        try:
            groups.update_group_actor(db(), place, _data(form), read, by=user)
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("groups.detail", group=found.slug))
        except StaleVersion:
            return conflict_page(
                form,
                place,
                read,
                _place_values,
                PLACE_FIELDS,
                action=url_for("groups.edit_actor", group=found.slug, place_id=place_id),
                what=_("this actor's place in the group"),
            )
        except ValidationFailed as error:
            show_errors(form, error)
    return render_template("groups/actor_form.html", form=form, group=found, place=place), 422
