"""Who is calling the API: the Bearer token of each request, and the role checks of writes."""

from typing import Any

from flask import g, jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.database import db
from harvest import access, accounts
from harvest.access import Action
from harvest.errors import N_, PermissionDenied
from harvest.models import User

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


def _unauthorized(message: str) -> Any:
    response = jsonify({"error": message})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="brobyg"'
    return response


@bp.before_request
def _authenticate() -> Any:
    """Refuse requests without a valid token; remember the caller and their groups."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _unauthorized(_("Send an API token as 'Authorization: Bearer <token>'."))
    session = db()
    user = accounts.user_for_token(session, token.strip())
    if user is None or not access.may(session, user, Action.USE_API):
        return _unauthorized(_("The API token is not valid."))
    session.commit()  # keeps the token's last use
    g.api_user = user
    g.api_member_of = accounts.group_ids_of(session, user)
    return None


def caller() -> User:
    """Return the user whose token this request carries."""
    user: User = g.api_user
    return user


def member_of() -> set[int]:
    """Return the ids of the groups the caller is a member of."""
    groups: set[int] = g.api_member_of
    return groups


def require(allowed: bool) -> None:
    """Raise `PermissionDenied` unless `allowed`."""
    if not allowed:
        raise PermissionDenied(N_("You do not have permission to do that."))


def is_editor(user: User) -> bool:
    """Tell whether `user` designs harvests and codes outcomes (evaluators and admins)."""
    return user.active and user.role in access.EDITORS
