"""Subject access: everything Brobyg holds about one person, found by their e-mail, as data.

The account (without its password hash or token fingerprints), group memberships, the
history entries they wrote, the outcomes, comments and needs they created, the
substantiations answered under their e-mail, and the audit entries by them or about
their records. Must not import `app` or Flask.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from harvest import audit
from harvest.errors import N_, NotFound
from harvest.models import (
    ApiToken,
    ChangeRecord,
    GroupMembership,
    Harvest,
    ImplementationGroup,
    InformationNeed,
    Outcome,
    OutcomeComment,
    Substantiation,
    User,
)

SECRET_COLUMNS = frozenset({"password_hash", "token_hash"})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(record: SQLModel, *, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Return a row's columns as JSON-ready data, secrets and `leave_out` left out."""
    columns = record.__table__.columns  # type: ignore[attr-defined]
    return {
        c.name: _plain(getattr(record, c.name))
        for c in columns
        if c.name not in SECRET_COLUMNS | leave_out
    }


def export_person(session: Session, email: str) -> dict[str, Any]:
    """Return everything held about the person with `email`; `NotFound` if nothing is."""
    wanted = email.strip().lower()
    user = session.scalars(select(User).where(func.lower(col(User.email)) == wanted)).first()
    substantiations = list(
        session.scalars(
            select(Substantiation)
            .where(func.lower(col(Substantiation.email)) == wanted)
            .order_by(col(Substantiation.id))
        )
    )
    if user is None and not substantiations:
        raise NotFound(N_("Brobyg holds nothing about %(email)s."), email=email)
    found: dict[str, Any] = {"email": email, "account": None}
    outcome_ids: list[str] = []
    if user is not None:
        found.update(_account_part(session, user))
        outcome_ids = [str(o["id"]) for o in found["outcomes_created"]]
    found["substantiations"] = [_row(s) for s in substantiations]
    by_them = audit.entries_by(session, user.id or 0) if user is not None else []
    about = audit.entries_about(
        session, "substantiation", [str(s.id) for s in substantiations]
    ) + audit.entries_about(session, "outcome", outcome_ids)
    found["audit"] = {
        "by_them": [audit.entry_record(e) for e in by_them],
        "about_their_records": [audit.entry_record(e) for e in about],
    }
    return found


def _account_part(session: Session, user: User) -> dict[str, Any]:
    """Return the account's part of the export: account, groups, history, what they wrote."""
    uid = user.id
    groups = session.execute(
        select(ImplementationGroup.slug, ImplementationGroup.name)
        .join(GroupMembership, col(GroupMembership.group_id) == ImplementationGroup.id)
        .where(col(GroupMembership.user_id) == uid)
        .order_by(col(ImplementationGroup.slug))
    ).all()
    tokens = session.scalars(
        select(ApiToken).where(col(ApiToken.user_id) == uid).order_by(col(ApiToken.id))
    )
    changes = session.scalars(
        select(ChangeRecord)
        .where(col(ChangeRecord.user_id) == uid)
        .order_by(col(ChangeRecord.at), col(ChangeRecord.id))
    )
    outcomes = session.execute(
        select(Outcome, Harvest.slug)
        .join(Harvest, col(Harvest.id) == Outcome.harvest_id)
        .where(col(Outcome.created_by_id) == uid)
        .order_by(col(Outcome.id))
    ).all()
    comments = session.scalars(
        select(OutcomeComment)
        .where(col(OutcomeComment.author_id) == uid)
        .order_by(col(OutcomeComment.id))
    )
    needs = session.scalars(
        select(InformationNeed)
        .where(col(InformationNeed.created_by_id) == uid)
        .order_by(col(InformationNeed.id))
    )
    return {
        "account": _row(user),
        "api_tokens": [_row(t) for t in tokens],
        "groups": [{"slug": slug, "name": name} for slug, name in groups],
        "changes": [
            {
                "entity": c.entity,
                "entity_id": c.entity_id,
                "action": c.action,
                "at": c.at.isoformat(),
            }
            for c in changes
        ],
        "outcomes_created": [{**_row(o), "harvest": slug} for o, slug in outcomes],
        "comments": [_row(c) for c in comments],
        "needs_created": [_row(n) for n in needs],
    }
