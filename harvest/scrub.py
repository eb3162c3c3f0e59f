"""Finding and removing text that must not stay in the database: the primitives that
`brobyg privacy scan`, erasure and retention share.

`scan` walks every text, string and JSON column of every table (reflected from
`SQLModel.metadata`), the history's before/after JSON and the cells of pending
uploads, and reports where a CPR number stands, never the number itself.
`redact_history` is the one place allowed to rewrite the append-only history (a
deliberate Core UPDATE); `rebuild_search` renews the full-text index so that no
old words stay in its segments; `compact` makes SQLite overwrite freed pages.
Must not import `app` or Flask.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, String, Table, Text, delete, select, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from harvest import fulltext, privacy, spreadsheet
from harvest.models import ChangeRecord, PendingUpload

Replace = Callable[[str], str]

# Columns that hold digests, never text someone typed (hex digests may hold ten digits).
_SKIPPED = {"token_hash", "password_hash", "token"}


@dataclass(frozen=True)
class Hit:
    """A CPR number found in the database: where it stands and the number masked."""

    table: str
    row_id: str
    column: str
    masked: str


def replace_in(value: Any, replace: Replace) -> Any:
    """Return `value` (text, or JSON of lists and dicts) with `replace` applied to every string."""
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list):
        return [replace_in(item, replace) for item in value]
    if isinstance(value, dict):
        return {replace_in(k, replace): replace_in(v, replace) for k, v in value.items()}
    return value


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


def _text_columns(table: Table) -> list[str]:
    return [
        c.name
        for c in table.columns
        if isinstance(c.type, String | Text | JSON) and c.name not in _SKIPPED
    ]


def _row_id(table: Table, row: Any) -> str:
    return "/".join(str(row._mapping[c.name]) for c in table.primary_key.columns)


def _history() -> Table:
    table = ChangeRecord.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def _tables() -> list[Table]:
    return [t for t in SQLModel.metadata.sorted_tables if _text_columns(t)]


def upload_texts(upload: PendingUpload) -> list[str]:
    """Return the texts a pending upload holds: its file name and every cell it decodes to."""
    texts = [upload.filename or ""]
    try:
        texts += [cell for row in spreadsheet.read_table(upload.content, "") for cell in row]
    except spreadsheet.SpreadsheetError:
        texts.append(upload.content.decode("utf-8", "replace"))
    return texts


def scan(session: Session) -> list[Hit]:
    """Return every CPR number stored anywhere in the database, masked, table by table."""
    hits: list[Hit] = []
    for table in _tables():
        columns = _text_columns(table)
        keys = [c for c in table.primary_key.columns]
        for row in session.execute(select(*keys, *(table.c[n] for n in columns))):
            for name in columns:
                for value in _strings(row._mapping[name]):
                    for found in privacy.find_cpr(value):
                        hits.append(Hit(table.name, _row_id(table, row), name, found.masked))
    for upload in session.scalars(select(PendingUpload)):
        for value in upload_texts(upload):
            for found in privacy.find_cpr(value):
                hits.append(Hit("pendingupload", str(upload.id), "content", found.masked))
    return hits


def redact_history(
    session: Session,
    replace: Replace,
    *,
    entity: str | None = None,
    entity_id: int | str | None = None,
) -> int:
    """Apply `replace` to every string in the history's before/after (of one entity if
    given); return how many history entries changed.

    The history is append-only through the ORM; this deliberate Core UPDATE is the one
    place allowed to rewrite it, so that erased or redacted text does not live on there.
    """
    history = _history()
    query = select(history.c.id, history.c.before, history.c.after)
    if entity is not None:
        query = query.where(history.c.entity == entity)
    if entity_id is not None:
        query = query.where(history.c.entity_id == str(entity_id))
    changed = 0
    for row in session.execute(query).all():
        before, after = replace_in(row.before, replace), replace_in(row.after, replace)
        if before != row.before or after != row.after:
            # Deliberate rewrite of the append-only history: removing personal data.
            session.execute(
                update(history).where(history.c.id == row.id).values(before=before, after=after)
            )
            changed += 1
    session.flush()
    return changed


def redact_rows(session: Session, replace: Replace) -> int:
    """Apply `replace` to every text column of every table but the history; return rows changed.

    A Core UPDATE, so that no history entry repeats the text; versioned rows still get a
    higher version, so that a form opened before the redaction is refused as stale.
    """
    changed = 0
    history = _history()
    for table in _tables():
        if table is history:
            continue
        columns = _text_columns(table)
        keys = list(table.primary_key.columns)
        for row in session.execute(select(*keys, *(table.c[n] for n in columns))).all():
            values = {}
            for name in columns:
                new = replace_in(row._mapping[name], replace)
                if new != row._mapping[name]:
                    values[name] = new
            if not values:
                continue
            if "version" in table.c:
                values["version"] = table.c.version + 1
            where = [k == row._mapping[k.name] for k in keys]
            session.execute(update(table).where(*where).values(**values))
            changed += 1
    session.flush()
    session.expire_all()
    return changed


def delete_uploads_with_cpr(session: Session) -> int:
    """Delete every pending upload whose name or cells hold a CPR number; return how many."""
    ids = [
        upload.id
        for upload in session.scalars(select(PendingUpload))
        if any(privacy.contains_cpr(t) for t in upload_texts(upload))
    ]
    if ids:
        session.execute(delete(PendingUpload).where(PendingUpload.id.in_(ids)))  # type: ignore[union-attr]
        session.flush()
    return len(ids)


def redact_cpr(session: Session) -> list[Hit]:
    """Replace every CPR number in the database by a marker, in rows, history and search
    index, and delete pending uploads holding one; return what was found."""
    hits = scan(session)
    if not hits:
        return hits
    redact_rows(session, privacy.redact_cpr)
    redact_history(session, privacy.redact_cpr)
    delete_uploads_with_cpr(session)
    rebuild_search(session)
    return hits


def rebuild_search(session: Session) -> None:
    """Rebuild the full-text index from the tables, leaving no old words in its segments.

    SQLite's FTS5 tables are external-content: 'rebuild' re-reads the tables and
    'optimize' merges the segments so that deleted entries are really gone. On
    PostgreSQL the `search_vector` columns are generated, so an UPDATE already renewed
    them; the old row versions go with VACUUM (see `compact`).
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    for index in fulltext.INDEXES:
        fts = index.fts_table
        for command in ("rebuild", "optimize"):  # our own table names, no input
            session.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('{command}')"))  # noqa: S608
    session.flush()


def compact(engine: Engine) -> None:
    """Make the database drop the bytes of deleted and changed rows; run after commit.

    SQLite: checkpoint the WAL into the file and truncate it, then VACUUM (rewrites the
    file; secure_delete already zeroes freed pages), then truncate the WAL again.
    PostgreSQL: VACUUM, so dead row versions are removed; see the README for what stays.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM")


def history_values(session: Session, entity: str, entity_id: int | str, field: str) -> set[str]:
    """Return every text `field` ever had in the history of one record."""
    history = _history()
    query = select(history.c.before, history.c.after).where(
        history.c.entity == entity, history.c.entity_id == str(entity_id)
    )
    found: set[str] = set()
    for before, after in session.execute(query).all():
        for state in (before, after):
            if isinstance(state, dict):
                found.update(_strings(state.get(field)))
    return found


def replacing(old: set[str], marker: str) -> Replace:
    """Return a replace function that turns each text in `old` into `marker`, also inside
    longer texts (texts shorter than four characters only where they stand alone)."""
    olds = sorted((o for o in old if o), key=len, reverse=True)

    def replace(value: str) -> str:
        if value in old:
            return marker
        for item in olds:
            if len(item) >= 4 and item in value:
                value = value.replace(item, marker)
        return value

    return replace
