"""The audit log of access: who viewed a draft or a substantiation, searched outcomes,
signed in, or took a harvest, report, analysis or map out of Brobyg, and when.

Writing an entry is the one write a read makes: the web layer keeps it beside a GET
in a short transaction of its own (`harvest.db.keep_aside`), and in the request's unit
of work for a POST. Entries are deleted after their retention (`harvest.retention`).
Must not import `app` or Flask.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action
from harvest.errors import N_
from harvest.models import AccessRecord, User, utcnow
from harvest.search import Page

MAX_DETAIL = 500


class AuditAction(StrEnum):
    """What the person did that the log keeps."""

    SIGN_IN = "sign_in"
    VIEW_DRAFT = "view_draft"  # an outcome that is not final
    VIEW_SUBSTANTIATION = "view_substantiation"  # names and contacts of substantiators
    SEARCH_OUTCOMES = "search_outcomes"
    EXPORT_HARVEST = "export_harvest"  # detail: the format
    VIEW_REPORT = "view_report"
    VIEW_ANALYSIS = "view_analysis"
    EXPORT_ANALYSIS = "export_analysis"
    DOWNLOAD_MAP = "download_map"  # detail: the format and filters
    EXPORT_PERSON = "export_person"  # a subject-access export; detail: the e-mail


ACTION_LABELS = {
    AuditAction.SIGN_IN: N_("Signed in"),
    AuditAction.VIEW_DRAFT: N_("Viewed an outcome that is not final"),
    AuditAction.VIEW_SUBSTANTIATION: N_("Viewed substantiation requests"),
    AuditAction.SEARCH_OUTCOMES: N_("Searched outcomes"),
    AuditAction.EXPORT_HARVEST: N_("Exported a harvest"),
    AuditAction.VIEW_REPORT: N_("Viewed a harvest report"),
    AuditAction.VIEW_ANALYSIS: N_("Viewed an analysis"),
    AuditAction.EXPORT_ANALYSIS: N_("Exported an analysis"),
    AuditAction.DOWNLOAD_MAP: N_("Downloaded a map"),
    AuditAction.EXPORT_PERSON: N_("Exported a person's data"),
}


@dataclass(frozen=True)
class AuditQuery:
    """Which entries an administrator looks at: one person's, from and to a day."""

    user_id: int | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1
    per_page: int = 50


def record_access(
    session: Session,
    action: AuditAction,
    *,
    by: User | None,
    entity: str = "",
    entity_id: object = "",
    detail: str = "",
    channel: str = "web",
    now: datetime | None = None,
) -> AccessRecord:
    """Keep one entry of the log: `by` (None: not signed in) did `action` to a record."""
    entry = AccessRecord(
        at=now or utcnow(),
        user_id=by.id if by is not None else None,
        channel=channel,
        action=action.value,
        entity=entity,
        entity_id=str(entity_id)[:80],
        detail=detail[:MAX_DETAIL],
    )
    session.add(entry)
    session.flush()
    return entry


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def list_access(session: Session, query: AuditQuery, *, by: User | None) -> Page[AccessRecord]:
    """Return one page of the log, newest first; administrators only."""
    access.require(session, by, Action.ADMINISTER)
    statement = select(AccessRecord)
    if query.user_id is not None:
        statement = statement.where(col(AccessRecord.user_id) == query.user_id)
    if query.since is not None:
        statement = statement.where(col(AccessRecord.at) >= _start(query.since))
    if query.until is not None:
        next_day = date.fromordinal(query.until.toordinal() + 1)
        statement = statement.where(col(AccessRecord.at) < _start(next_day))
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = max(1, query.page)
    rows = session.scalars(
        statement.order_by(col(AccessRecord.at).desc(), col(AccessRecord.id).desc())
        .offset((page - 1) * query.per_page)
        .limit(query.per_page)
    ).all()
    return Page(list(rows), total, page, query.per_page)


def entries_by(session: Session, user_id: int) -> list[AccessRecord]:
    """Return every entry of what one person did, oldest first."""
    return list(
        session.scalars(
            select(AccessRecord)
            .where(col(AccessRecord.user_id) == user_id)
            .order_by(col(AccessRecord.at), col(AccessRecord.id))
        )
    )


def entries_about(session: Session, entity: str, ids: list[str]) -> list[AccessRecord]:
    """Return every entry about these records of one kind, oldest first."""
    if not ids:
        return []
    return list(
        session.scalars(
            select(AccessRecord)
            .where(col(AccessRecord.entity) == entity, col(AccessRecord.entity_id).in_(ids))
            .order_by(col(AccessRecord.at), col(AccessRecord.id))
        )
    )


def count_older_than(session: Session, cutoff: datetime) -> int:
    """Return how many entries were written before `cutoff`."""
    statement = select(func.count()).where(col(AccessRecord.at) < cutoff)
    return session.scalar(statement) or 0


def delete_older_than(session: Session, cutoff: datetime) -> int:
    """Delete the entries written before `cutoff`; return how many."""
    result: Any = session.execute(delete(AccessRecord).where(col(AccessRecord.at) < cutoff))
    return int(result.rowcount or 0)


def entry_record(entry: AccessRecord) -> dict[str, Any]:
    """Return an entry as JSON-ready data."""
    return {
        "at": entry.at.isoformat(),
        "user_id": entry.user_id,
        "channel": entry.channel,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "detail": entry.detail,
    }
