"""Signing in and out, and the signed-in account of each request (Flask-Login).

A session ends on logout, on a change of password, on deactivation and when the user
or an administrator signs them out everywhere: each raises the user's session epoch,
and a cookie carrying an older epoch is refused. A session also ends when it has not
been used for `SESSION_IDLE_TIMEOUT` and `SESSION_MAX_AGE` after signing in; the times
live in the signed cookie, so keeping them writes nothing to the database.
"""

import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.database import db
from app.translated_forms import Form
from harvest import accounts, audit
from harvest.audit import AuditAction
from harvest.listing import parse_number
from harvest.models import User

bp = Blueprint("auth", __name__)
log = logging.getLogger("brobyg.auth")
login_manager = LoginManager()
csrf = CSRFProtect()


class Account(UserMixin):
    """The signed-in user as Flask-Login sees it; `user` is the domain record."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in the cookie: the user and their session epoch."""
        return f"{self.user.id}:{self.user.session_epoch}"

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def name(self) -> str:
        return self.user.name or self.user.email

    @property
    def email(self) -> str:
        return self.user.email


SIGNED_IN_AT = "brobyg_signed_in_at"
SEEN_AT = "brobyg_seen_at"
SEEN_PRECISION = 60  # seconds: the last-seen time is rewritten at most once a minute


def _now() -> datetime:
    clock = current_app.config["CLOCK"]
    return clock()  # type: ignore[no-any-return]


def start_session(user: User) -> None:
    """Sign `user` in on this browser, from now."""
    login_user(Account(user))
    now = _now().timestamp()
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def end_session() -> None:
    """Sign out this browser (the cookie's user keys and times go)."""
    logout_user()
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)


def _session_is_live() -> bool:
    """Tell whether this cookie's session is within its idle timeout and its lifetime."""
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int | float) or not isinstance(seen, int | float):
        return False
    now = _now().timestamp()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    longest = current_app.config["SESSION_MAX_AGE"].total_seconds()
    if now - seen > idle or now - signed_in > longest:
        return False
    if now - seen >= SEEN_PRECISION:
        session[SEEN_AT] = now
    return True


def _forget() -> None:
    """Drop an ended session's keys from the cookie (not `logout_user`: it loads the user)."""
    for key in ("_user_id", "_fresh", "_id", SIGNED_IN_AT, SEEN_AT):
        session.pop(key, None)


def load_account(user_id: str) -> Account | None:
    """Return the account of a cookie's user id ("id:epoch") if its session still holds."""
    number_text, _sep, epoch_text = user_id.partition(":")
    number, epoch = parse_number(number_text), parse_number(epoch_text)
    if number is None or epoch is None or not _session_is_live():
        _forget()
        return None
    user = accounts.get_user(db(), number)
    if user is None or not user.active or user.session_epoch != epoch:
        _forget()
        return None
    return Account(user)


def signed_in_user() -> User | None:
    """Return the domain user of this request, or None when nobody is signed in."""
    return current_user.user if current_user.is_authenticated else None


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site, else the front page."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the sign-in form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db(), form.email.data or "", form.password.data or "")
        if user is None:
            # Never the password; %r keeps line breaks in the e-mail out of the log.
            log.warning("failed sign-in for %r from %s", form.email.data, request.remote_addr)
            form.password.errors = [_("Wrong e-mail or password.")]
        else:
            session.pop("csrf_token", None)  # a new CSRF token for the new sign-in
            start_session(user)
            audit.record_access(db(), AuditAction.SIGN_IN, by=user)
            flash(_("You are signed in."), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["GET", "POST"])
@login_required
def logout() -> Any:
    """Sign the user out (POST), or ask them to confirm (GET)."""
    if request.method == "POST":
        form = FlaskForm()
        if form.validate_on_submit():
            user = signed_in_user()
            if user is not None:
                accounts.end_sessions(db(), user)  # a copy of this cookie stops working too
            end_session()
            flash(_("You are signed out."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/logout.html", form=FlaskForm())


def init_app(app: Flask) -> None:
    """Set up Flask-Login and CSRF protection for every form."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_account)
