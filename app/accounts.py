"""Account pages: a user's own account (password, API tokens, sessions), the one-time
password links, and the administrators' pages for users (invite, roles, activity)."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length

from app import mail
from app.auth import end_session, signed_in_user, start_session
from app.database import AfterCommit, db
from app.forms import options
from app.i18n import ROLE_LABELS, show_errors
from app.links import external_url
from app.translated_forms import Form
from harvest import access, accounts
from harvest.access import Action
from harvest.errors import ValidationFailed
from harvest.models import Role, User
from harvest.schemas import MIN_PASSWORD

bp = Blueprint("account", __name__, url_prefix="/konto")
admin_bp = Blueprint("users", __name__, url_prefix="/admin/brugere")


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=200)])


class PasswordSetForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=200)])


class InviteForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=120)])
    role = SelectField(_l("Role"))
    groups = SelectMultipleField(_l("Implementation groups"))


class RoleForm(Form):
    version = HiddenField()
    role = SelectField(_l("Role"))
    groups = SelectMultipleField(_l("Implementation groups"))


def _choose_role_and_groups(form: InviteForm | RoleForm) -> None:
    form.role.choices = options((r.value, ROLE_LABELS.get(r.value, r.value)) for r in Role)
    form.groups.choices = options((g.slug, g.name) for g in accounts.list_groups(db()))


def _me() -> User:
    user = signed_in_user()
    if user is None:
        abort(401)
    return user


# --- the signed-in user's own account ------------------------------------------------


@bp.route("/")
@login_required
def index(form: PasswordChangeForm | None = None) -> Any:
    """Show the user's account: change the password, API tokens, sign out everywhere."""
    user = _me()
    return render_template(
        "account/index.html",
        user=user,
        form=form or PasswordChangeForm(formdata=None),
        action_form=FlaskForm(),
        tokens=accounts.list_tokens(db(), user),
        state_of=accounts.token_state,
        revoke_url=lambda t: url_for("account.revoke_token", token_id=t.id),
        min_password=MIN_PASSWORD,
    )


@bp.route("/adgangskode", methods=["POST"])
@login_required
def change_password() -> Any:
    """Change the signed-in user's password; every other session of theirs ends."""
    user = _me()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        data = {"password": form.password.data or "", "confirm": form.confirm.data or ""}
        try:
            accounts.change_password(db(), user, form.current.data or "", data, by=user)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            start_session(user)  # this browser stays signed in, with the new epoch
            flash(_("Your password is changed. Your other sessions have ended."), "success")
            return redirect(url_for("account.index"))
    return index(form), 422


@bp.route("/log-ud-overalt", methods=["POST"])
@login_required
def sign_out_everywhere() -> Any:
    """End every session of the signed-in user, this one too."""
    user = _me()
    if not FlaskForm().validate_on_submit():
        abort(400)
    accounts.end_sessions(db(), user)
    end_session()
    flash(_("You are signed out everywhere."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/noegler/<int:token_id>/tilbagekald", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Any:
    """Revoke one of the signed-in user's own API tokens."""
    user = _me()
    if not FlaskForm().validate_on_submit():
        abort(400)
    token = next((t for t in accounts.list_tokens(db(), user) if t.id == token_id), None)
    if token is None:
        abort(404)
    accounts.revoke_token(db(), token, by=user)
    flash(_("The token %(prefix)s is revoked.", prefix=token.prefix), "success")
    return redirect(url_for("account.index"))


@bp.route("/adgangskode/<link>", methods=["GET", "POST"])
def set_password(link: str) -> Any:
    """Set a password through a one-time link (an invitation or a reset)."""
    _link, user = accounts.password_link(db(), link)
    form = PasswordSetForm()
    if form.validate_on_submit():
        data = {"password": form.password.data or "", "confirm": form.confirm.data or ""}
        try:
            accounts.use_password_link(db(), link, data)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            end_session()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.errors or form.form_errors else 200
    page = render_template(
        "account/set_password.html", form=form, email=user.email, min_password=MIN_PASSWORD
    )
    return page, status


# --- administrators: users -----------------------------------------------------------


def _admin() -> User:
    user = _me()
    if not access.may(db(), user, Action.ADMINISTER):
        abort(403)
    return user


def _user(user_id: int) -> User:
    user = accounts.get_user(db(), user_id)
    if user is None:
        abort(404)
    return user


@admin_bp.route("/", endpoint="index")
@login_required
def users_index() -> Any:
    """List every user, with the form to invite one."""
    _admin()
    form = InviteForm(formdata=None)
    _choose_role_and_groups(form)
    return _users_page(form)


def _users_page(form: InviteForm, link: str | None = None, invited: User | None = None) -> Any:
    return render_template(
        "account/users.html",
        users=accounts.list_users(db()),
        form=form,
        link=link,
        invited=invited,
        hours=accounts.LINK_HOURS,
    )


@admin_bp.route("/inviter", methods=["POST"])
@login_required
def invite() -> Any:
    """Invite a user: add them and show a one-time link to set a password, once."""
    admin = _admin()
    form = InviteForm()
    _choose_role_and_groups(form)
    if form.validate_on_submit():
        data = {
            "email": form.email.data or "",
            "name": form.name.data or "",
            "role": form.role.data,
            "groups": form.groups.data or [],
        }
        try:
            user, token = accounts.invite_user(db(), data, by=admin)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            letter, link = _mail_link(user, token, "account_invitation")
            return AfterCommit(
                lambda: _users_page(
                    InviteForm(formdata=None), link=_shown(letter, link), invited=user
                )
            )
    _choose_role_and_groups(form)
    return _users_page(form), 422


@admin_bp.route("/<int:user_id>")
@login_required
def detail(user_id: int, form: RoleForm | None = None, link: str | None = None) -> Any:
    """Show one user: role and groups, activity, sessions, reset link and API tokens."""
    _admin()
    user = _user(user_id)
    if form is None:
        form = RoleForm(formdata=None)
        form.role.data = user.role
        form.groups.data = accounts.group_slugs_of(db(), user)
        form.version.data = str(user.version)
    _choose_role_and_groups(form)
    return render_template(
        "account/user.html",
        user=user,
        form=form,
        action_form=FlaskForm(),
        tokens=accounts.list_tokens(db(), user),
        state_of=accounts.token_state,
        revoke_url=lambda t: url_for("users.revoke_token", user_id=user.id, token_id=t.id),
        link=link,
        hours=accounts.LINK_HOURS,
    )


def _version() -> int | None:
    text = request.form.get("version", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


@admin_bp.route("/<int:user_id>/rolle", methods=["POST"])
@login_required
def set_role(user_id: int) -> Any:
    """Change a user's role and implementation groups."""
    admin = _admin()
    user = _user(user_id)
    form = RoleForm()
    _choose_role_and_groups(form)
    if form.validate_on_submit():
        data = {"role": form.role.data, "groups": form.groups.data or []}
        try:
            accounts.set_role(db(), user, data, _version(), by=admin)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash(_("The role is saved."), "success")
            return redirect(url_for("users.detail", user_id=user_id))
    return detail(user_id, form=form), 422


@admin_bp.route("/<int:user_id>/aktiv", methods=["POST"])
@login_required
def set_active(user_id: int) -> Any:
    """Deactivate a user (their sessions end) or re-activate them."""
    admin = _admin()
    user = _user(user_id)
    wanted = request.form.get("active")
    if not FlaskForm().validate_on_submit() or wanted not in ("0", "1"):
        abort(400)
    accounts.set_active(db(), user, wanted == "1", _version(), by=admin)
    flash(
        _("The account is active.") if wanted == "1" else _("The account is deactivated."),
        "success",
    )
    return redirect(url_for("users.detail", user_id=user_id))


@admin_bp.route("/<int:user_id>/log-ud", methods=["POST"])
@login_required
def sign_out(user_id: int) -> Any:
    """End every session of a user."""
    _admin()
    user = _user(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    accounts.end_sessions(db(), user)
    flash(_("Every session of %(email)s has ended.", email=user.email), "success")
    return redirect(url_for("users.detail", user_id=user_id))


@admin_bp.route("/<int:user_id>/nulstil", methods=["POST"])
@login_required
def reset(user_id: int) -> Any:
    """Make a one-time link for the user to set a new password, shown once."""
    admin = _admin()
    user = _user(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    token = accounts.issue_password_link(db(), user, accounts.RESET, by=admin)
    letter, link = _mail_link(user, token, "account_reset")
    return AfterCommit(lambda: detail(user_id, link=_shown(letter, link)))


def _mail_link(user: User, token: str, template: str) -> tuple[mail.Letter, str]:
    """Queue the one-time password link for `user` by e-mail (Danish) when mail is on."""
    link = external_url("account.set_password", link=token)
    letter = mail.send(user.email, template, "da", link=link, hours=accounts.LINK_HOURS)
    return letter, link


def _shown(letter: mail.Letter, link: str) -> str | None:
    """Return the link to show the administrator: none once it went by e-mail."""
    if letter.state == mail.MailState.SENT:
        flash(_("The link is sent by e-mail to %(email)s.", email=letter.to), "success")
        return None
    if letter.state == mail.MailState.FAILED:
        flash(_("The e-mail could not be sent. Give the person the link yourself."), "error")
    return link


@admin_bp.route(
    "/<int:user_id>/noegler/<int:token_id>/tilbagekald", methods=["POST"], endpoint="revoke_token"
)
@login_required
def revoke_user_token(user_id: int, token_id: int) -> Any:
    """Revoke one of a user's API tokens."""
    admin = _admin()
    user = _user(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    token = next((t for t in accounts.list_tokens(db(), user) if t.id == token_id), None)
    if token is None:
        abort(404)
    accounts.revoke_token(db(), token, by=admin)
    flash(_("The token %(prefix)s is revoked.", prefix=token.prefix), "success")
    return redirect(url_for("users.detail", user_id=user_id))
