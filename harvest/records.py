"""Optimistic locking shared by every editable record.

Must not import `app` or Flask.
"""

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from harvest.errors import StaleVersion
from harvest.models import Versioned


def check_version(
    record: Versioned, expected: int, submitted: dict[str, Any] | None = None
) -> None:
    """Raise `StaleVersion` when `record` has moved on since version `expected` was read."""
    if record.version != expected:
        raise StaleVersion(record, submitted)


def flush_or_stale(
    session: Session, record: Versioned, submitted: dict[str, Any] | None = None
) -> None:
    """Flush; if a concurrent writer won the race, roll back and raise `StaleVersion`."""
    try:
        session.flush()
    except StaleDataError:
        identity = inspect(record).identity
        session.rollback()
        current = session.get(type(record), identity, populate_existing=True) if identity else None
        raise StaleVersion(current, submitted) from None
