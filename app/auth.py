"""Signing in and out, and the signed-in account of each request (Flask-Login)."""

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask import session as session_cookie
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
from harvest import accounts
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
        return str(self.user.id)

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def name(self) -> str:
        return self.user.name or self.user.email

    @property
    def email(self) -> str:
        return self.user.email


def signed_in_user() -> User | None:
    """Return the domain user of this request, or None when nobody is signed in."""
    return current_user.user if current_user.is_authenticated else None


class LoginForm(FlaskForm):
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
        session = db()
        user = accounts.authenticate(session, form.email.data or "", form.password.data or "")
        if user is None:
            # Never the password; %r keeps line breaks in the e-mail out of the log.
            log.warning("failed sign-in for %r from %s", form.email.data, request.remote_addr)
            form.password.errors = [_("Wrong e-mail or password.")]
        else:
            session_cookie.pop("csrf_token", None)  # a new CSRF token for the new sign-in
            login_user(Account(user))
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
            logout_user()
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

    @login_manager.user_loader
    def _load(user_id: str) -> Account | None:
        number = parse_number(user_id)
        if number is None:
            return None
        user = accounts.get_user(db(), number)
        return Account(user) if user is not None and user.active else None
