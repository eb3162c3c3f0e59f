"""The audit log in the web layer: `note` keeps an entry for what the request showed or gave
out, and the administrators' page that lists the log (`/admin/audit`).

A GET keeps its entry beside the request in a short transaction of its own that can
never fail the request (`harvest.db.keep_aside`): the audit log is the one write a read
makes. A POST keeps it in the request's own unit of work, so it is dropped with a rollback.
"""

from typing import Any

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth import signed_in_user
from app.database import SAFE_METHODS, db, engine
from app.params import date_value, int_value, page_arg
from harvest import accounts, audit
from harvest.audit import ACTION_LABELS, AuditAction, AuditQuery
from harvest.db import keep_aside
from harvest.models import User

bp = Blueprint("audit", __name__)


def _acting() -> User | None:
    user: User | None = g.get("api_user") or signed_in_user()
    return user


def note(
    action: AuditAction, *, entity: str = "", entity_id: object = "", detail: str = ""
) -> None:
    """Keep an entry of the audit log for this request's caller."""
    user = _acting()
    channel = "api" if request.path.startswith("/api/") else "web"

    def keep(session: Any) -> None:
        audit.record_access(
            session,
            action,
            by=user,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            channel=channel,
        )

    if request.method in SAFE_METHODS:
        keep_aside(engine(), keep, what="an entry of the audit log")
    else:
        keep(db())


@bp.route("/admin/audit")
@login_required
def index() -> Any:
    """List the audit log, newest first, by person and day (administrators only)."""
    session = db()
    user_id = int_value(request.args.get("user"))
    since = date_value(request.args.get("since"))
    until = date_value(request.args.get("until"))
    query = AuditQuery(user_id=user_id, since=since, until=until, page=page_arg())
    page = audit.list_access(session, query, by=signed_in_user())
    names = accounts.user_names(session)

    def page_url(number: int) -> str:
        args = {k: v for k, v in request.args.items() if k != "page" and v}
        return url_for("audit.index", page=number, **args)

    return render_template(
        "audit/index.html",
        page=page,
        names=names,
        users=sorted(names.items(), key=lambda pair: pair[1].lower()),
        filters={"user": user_id, "since": since, "until": until},
        labels={key.value: _(label) for key, label in ACTION_LABELS.items()},
        channels={"web": _("web"), "api": _("API"), "cli": _("command line")},
        page_url=page_url,
    )
