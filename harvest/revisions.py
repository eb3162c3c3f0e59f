"""The versions of a record as people read them: who changed which fields, when, from what to what.

Must not import `app` or Flask.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from harvest.history import BOOKKEEPING, changes_of
from harvest.models import User

HIDDEN = BOOKKEEPING | {"created_at", "updated_by_id", "created_by_id", "id", "harvest_id"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Revision:
    """One saved change of a record."""

    version: int | None
    at: datetime
    action: str
    user: str
    changes: list[FieldChange]


def revisions(session: Session, entity: str, entity_id: int) -> list[Revision]:
    """Return a record's revisions, newest first, each with the fields it changed."""
    records = changes_of(session, entity, entity_id)
    user_ids = {r.user_id for r in records if r.user_id}
    names = (
        {
            u.id: u.name or u.email
            for u in session.scalars(select(User).where(col(User.id).in_(user_ids)))
        }
        if user_ids
        else {}
    )
    result = []
    for record in records:
        before, after = record.before or {}, record.after or {}
        keys = [k for k in (after or before) if k not in HIDDEN]
        changes = [
            FieldChange(k, before.get(k), after.get(k))
            for k in keys
            if record.action != "update" or before.get(k) != after.get(k)
        ]
        version = (after or before).get("version")
        result.append(
            Revision(version, record.at, record.action, names.get(record.user_id or 0, ""), changes)
        )
    return list(reversed(result))
