"""One version per record: optimistic locking and one history entry per edit.

A record people edit is one unit with its parts: an outcome with its contributors,
codes, question, chains and evidenced ties; a harvest with its questions; a coding
scheme with its dimensions and codes. Every service edits a record inside
`editing()`, which locks the row, checks the version the editor read, and at the
end raises the version once and writes one history entry holding the whole record
before and after. Parts register here (`parts_of`) by the module that owns them.
Must not import `app` or Flask.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel

from harvest.errors import StaleVersion
from harvest.history import RECORDING, USER_KEY, act_as, snapshot
from harvest.models import ChangeAction, ChangeRecord, Versioned, utcnow

PartsReader = Callable[[Session, Any], dict[str, Any]]
_PARTS: dict[str, PartsReader] = {}


def parts_of(table: str) -> Callable[[PartsReader], PartsReader]:
    """Register the function that reads the parts of the records of `table`."""

    def register(reader: PartsReader) -> PartsReader:
        _PARTS[table] = reader
        return reader

    return register


def state_of(session: Session, record: SQLModel) -> dict[str, Any]:
    """Return the whole record as JSON-ready data: its columns and its parts."""
    state = snapshot(record)
    reader = _PARTS.get(record.__table__.name)  # type: ignore[attr-defined]
    if reader is not None:
        state.update(reader(session, record))
    return state


def check_version(
    record: Versioned, expected: int, submitted: dict[str, Any] | None = None
) -> None:
    """Raise `StaleVersion` when `record` has moved on since version `expected` was read."""
    if record.version != expected:
        raise StaleVersion(record, submitted)


def lock(session: Session, record: SQLModel) -> None:
    """Take the record's row lock and read it afresh, so concurrent edits queue.

    PostgreSQL locks the row (SELECT … FOR UPDATE) until the transaction ends; SQLite
    write transactions already hold the database's write lock from their first statement."""
    if inspect(record).persistent:
        session.refresh(record, with_for_update=True)


def _recording(session: Session) -> list[Any]:
    return session.info.setdefault(RECORDING, [])


def _write_entry(
    session: Session,
    record: SQLModel,
    action: ChangeAction,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    identity = inspect(record).mapper.primary_key_from_instance(record)
    session.connection().execute(
        insert(ChangeRecord),
        [
            {
                "entity": record.__table__.name,  # type: ignore[attr-defined]
                "entity_id": "/".join(str(part) for part in identity),
                "action": action.value,
                "user_id": session.info.get(USER_KEY),
                "at": utcnow(),
                "before": before,
                "after": after,
            }
        ],
    )


_RAISED = "brobyg_raised_versions"


def _raise_once(session: OrmSession, record: Any) -> None:
    """Raise the record's version by one, unless this transaction has raised it already."""
    raised: set[tuple[str, Any]] = session.info.setdefault(_RAISED, set())
    key = (record.__table__.name, inspect(record).identity)
    if key in raised:
        return
    raised.add(key)
    history = inspect(record).attrs.version.history
    if not history.added:  # not set by hand
        record.version = (record.version or 0) + 1


@event.listens_for(OrmSession, "before_flush")
def _raise_versions(session: OrmSession, _context: Any, _instances: Any) -> None:
    """Give every changed record its next version: once per transaction, checked on UPDATE."""
    for obj in list(session.dirty):
        if isinstance(obj, Versioned) and session.is_modified(obj, include_collections=False):
            _raise_once(session, obj)


@event.listens_for(OrmSession, "after_commit")
@event.listens_for(OrmSession, "after_rollback")
@event.listens_for(OrmSession, "after_soft_rollback")  # a savepoint undone undoes its raises
def _forget_raised(session: OrmSession, *_args: Any) -> None:
    session.info.pop(_RAISED, None)


def _bump(session: Session, record: Versioned, read: int) -> None:
    """Raise the version when only parts changed (a change of columns has raised it already)."""
    if record.version != read:
        return
    _raise_once(session, record)
    if hasattr(record, "updated_at"):
        record.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise StaleVersion(record) from None


@contextmanager
def editing(
    session: Session,
    record: Versioned,
    version: int | None,
    *,
    by: Any,
    submitted: dict[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """Edit `record` and its parts as one unit; yields its state before the edit.

    Locks the row, refuses a stale `version` (None: no check, e.g. a system edit) with
    `StaleVersion`, and on leaving raises the version once and writes one history
    entry if anything changed. An edit of a record already being edited in this
    session joins the outer one."""
    recording = _recording(session)
    if any(r is record for r in recording):
        yield state_of(session, record)
        return
    act_as(session, by)
    lock(session, record)
    if version is not None:
        check_version(record, version, submitted)
    read = record.version
    before = state_of(session, record)
    recording.append(record)
    try:
        yield before
        try:
            session.flush()
        except StaleDataError:
            raise StaleVersion(record, submitted) from None
        after = state_of(session, record)
        if differs(before, after):
            _bump(session, record, read)
            after = state_of(session, record)
            _write_entry(session, record, ChangeAction.UPDATE, before, after)
    finally:
        recording.remove(record)


@contextmanager
def creating(session: Session, record: Versioned, *, by: Any) -> Iterator[None]:
    """Add `record` and its parts as one unit, written to the history as one entry."""
    act_as(session, by)
    recording = _recording(session)
    recording.append(record)
    try:
        session.add(record)
        session.flush()
        yield
        session.flush()
        _write_entry(session, record, ChangeAction.CREATE, None, state_of(session, record))
    finally:
        recording.remove(record)


_IGNORED = frozenset({"version", "updated_at", "updated_by_id"})


def differs(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Tell whether two states of a record differ in more than bookkeeping."""
    keys = (before.keys() | after.keys()) - _IGNORED
    return any(before.get(k) != after.get(k) for k in keys)


def flush_or_stale(
    session: Session, record: Versioned, submitted: dict[str, Any] | None = None
) -> None:
    """Flush; if a concurrent writer won the race, raise `StaleVersion` with the record."""
    try:
        session.flush()
    except StaleDataError:
        raise StaleVersion(record, submitted) from None
