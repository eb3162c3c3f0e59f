"""Who is calling the API: the Bearer token of each request, and the role checks of writes.

Reads never write in the request's session. A token's last use is kept to the quarter
of an hour (`accounts.TOKEN_USE_PRECISION`), so nearly every request only reads; when
it is due, a read keeps it in a short transaction of its own whose failure is logged
and never fails the request; a write keeps it with its own changes (dropped with them
on a rollback).
"""

from typing import Any

from flask import g, jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.database import SAFE_METHODS, db, engine
from harvest import access, accounts
from harvest.access import Action
from harvest.db import keep_aside
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
    found = accounts.use_token(session, token.strip())
    if found is None or not access.may(session, found.user, Action.USE_API):
        return _unauthorized(_("The API token is not valid."))
    if found.due:
        _record_use(found.token_id)
    user = found.user
    g.api_user = user
    g.api_member_of = accounts.group_ids_of(session, user)
    return None


def _record_use(token_id: int) -> None:
    if request.method in SAFE_METHODS:
        keep_aside(
            engine(),
            lambda aside: accounts.record_token_use(aside, token_id),
            what="the last use of an API token",
        )
    else:  # the request holds (or will take) the write lock: keep it there
        accounts.record_token_use(db(), token_id)


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
