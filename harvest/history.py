"""The append-only change history: who changed which record, when, before and after.

A session listener writes a `ChangeRecord` for every insert, update and delete of
every table, so no path (form, API, import, demo, CLI) can change data unrecorded.
Secrets (password and token hashes) are never copied into the history.
Must not import `app` or Flask.
"""

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import NO_VALUE
from sqlmodel import Session, SQLModel, col, select

from harvest.models import (
    ChangeAction,
    ChangeRecord,
    CodeDimension,
    QuestionAnswer,
    User,
    utcnow,
)

SECRET_COLUMNS = frozenset({"password_hash", "token_hash"})
UNTRACKED = frozenset(
    {
        "changerecord",
        "apitoken",
        "passwordlink",
        "alembic_version",
        "pendingupload",
        "computedresult",
        "accessrecord",  # the audit log is its own record, deleted after its retention
    }
)
# Bookkeeping of sessions, kept by plain UPDATEs and left out of every history entry.
SESSION_COLUMNS = frozenset({"session_epoch"})
BOOKKEEPING = frozenset({"version", "updated_at"})
USER_KEY = "brobyg_user_id"
RECORDING = "brobyg_recording"  # records whose edit `harvest.records` writes as one entry
# The parts of a record, by table: the (table, id) of the record each row belongs to.
PART_OF: dict[str, tuple[tuple[str, str], ...]] = {
    "outcomecontributor": (("outcome", "outcome_id"),),
    "outcomecode": (("outcome", "outcome_id"),),
    "outcomequestion": (("outcome", "outcome_id"),),
    "outcomelink": (("outcome", "source_id"), ("outcome", "target_id")),
    "tieevidence": (("outcome", "outcome_id"),),
    "harvestquestion": (("harvest", "harvest_id"),),
    "codedimension": (("codingscheme", "scheme_id"),),
    "code": (("codedimension", "dimension_id"),),
    "questionanswer": (("interpretation", "interpretation_id"),),
    "answeroutcome": (("questionanswer", "answer_id"),),
}


def act_as(session: Session, user: User | None) -> None:
    """Attribute the session's following changes to `user` (None: the system)."""
    session.info[USER_KEY] = user.id if user is not None else None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(obj: SQLModel) -> dict[str, Any]:
    """Return the record's column values as JSON-ready data, secrets left out."""
    mapper = inspect(obj).mapper
    return {
        c.key: _plain(getattr(obj, c.key))
        for c in mapper.column_attrs
        if c.key not in SECRET_COLUMNS and c.key not in SESSION_COLUMNS
    }


def _before(obj: SQLModel) -> tuple[dict[str, Any], bool]:
    """Return the values before this flush and whether anything but bookkeeping changed."""
    state = inspect(obj)
    before: dict[str, Any] = {}
    changed = False
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SECRET_COLUMNS or key in SESSION_COLUMNS:
            continue
        hist = state.attrs[key].history
        if hist.deleted and hist.deleted[0] is not NO_VALUE:
            before[key] = _plain(hist.deleted[0])
            changed = changed or key not in BOOKKEEPING
        else:
            before[key] = _plain(getattr(obj, key))
        if hist.added and key not in BOOKKEEPING and not hist.deleted:
            changed = True
    return before, changed


def _identity(obj: SQLModel) -> str:
    mapper = inspect(obj).mapper
    return "/".join(str(part) for part in mapper.primary_key_from_instance(obj))


def _recorded_keys(session: OrmSession) -> set[tuple[str, str]]:
    """Return (table, id) of the records being edited as one unit, and of their dimensions."""
    keys = {(r.__table__.name, str(r.id)) for r in session.info.get(RECORDING, [])}
    schemes = {int(i) for table, i in keys if table == "codingscheme"}
    if schemes:  # a code belongs to its scheme through its dimension
        for obj in list(session.identity_map.values()):
            if isinstance(obj, CodeDimension) and obj.scheme_id in schemes:
                keys.add(("codedimension", str(obj.id)))
    interpretations = {int(i) for table, i in keys if table == "interpretation" and i != "None"}
    if interpretations:  # a supporting outcome belongs to its interpretation through its answer
        for obj in list(session.identity_map.values()):
            if isinstance(obj, QuestionAnswer) and obj.interpretation_id in interpretations:
                keys.add(("questionanswer", str(obj.id)))
    return keys


def _is_recorded(obj: Any, table: str, keys: set[tuple[str, str]]) -> bool:
    if (table, str(getattr(obj, "id", None))) in keys:
        return True
    return any((root, str(getattr(obj, column))) in keys for root, column in PART_OF.get(table, ()))


@event.listens_for(OrmSession, "after_flush")
def _record_changes(session: OrmSession, _context: Any) -> None:
    rows: list[dict[str, Any]] = []
    user_id = session.info.get(USER_KEY)
    now = utcnow()
    recording = session.info.get(RECORDING, [])
    keys = _recorded_keys(session) if recording else set()

    def add(obj: Any, action: ChangeAction, before: Any, after: Any) -> None:
        table = obj.__table__.name
        if table in UNTRACKED:
            return
        if recording and (any(r is obj for r in recording) or _is_recorded(obj, table, keys)):
            return
        rows.append(
            {
                "entity": table,
                "entity_id": _identity(obj),
                "action": action.value,
                "user_id": user_id,
                "at": now,
                "before": before,
                "after": after,
            }
        )

    for obj in session.new:
        add(obj, ChangeAction.CREATE, None, snapshot(obj))
    for obj in session.dirty:
        if not session.is_modified(obj, include_collections=False):
            continue
        before, changed = _before(obj)
        if changed:
            add(obj, ChangeAction.UPDATE, before, snapshot(obj))
    for obj in session.deleted:
        add(obj, ChangeAction.DELETE, snapshot(obj), None)
    if rows:
        session.connection().execute(insert(ChangeRecord), rows)


@event.listens_for(ChangeRecord, "before_update")
@event.listens_for(ChangeRecord, "before_delete")
def _refuse_rewrite(*_args: Any) -> None:
    raise PermissionError("the change history is append-only")


def changes_of(session: Session, entity: str, entity_id: int | str) -> list[ChangeRecord]:
    """Return the history of one record, oldest first."""
    query = (
        select(ChangeRecord)
        .where(col(ChangeRecord.entity) == entity, col(ChangeRecord.entity_id) == str(entity_id))
        .order_by(col(ChangeRecord.id))
    )
    return list(session.scalars(query))
