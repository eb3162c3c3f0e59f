"""Consistent copies of the SQLite database: backup and restore through SQLite's online
backup API, so a copy taken while the app writes holds every committed transaction and no
half-written page (copying the file with `cp` while it runs can lose data).

PostgreSQL is backed up with its own tools (`pg_dump`, `pg_restore`; see the README).
Must not import `app` or Flask.
"""

import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from harvest.db import alembic_config, sqlite_path
from harvest.errors import N_, BrobygError

BACKUP_PAGES = 256  # pages per step: writers get the lock between the steps


class BackupRefused(BrobygError):
    """A backup or restore that cannot be done; the message says why."""


def _file_of(engine: Engine) -> Path:
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        raise BackupRefused(
            N_(
                "This database is not an SQLite file. On PostgreSQL use pg_dump and "
                "pg_restore (see the README)."
            )
        )
    return path


def known_revisions() -> set[str]:
    """Return every schema revision Brobyg's migrations know."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {revision.revision for revision in script.walk_revisions()}


def revision_of(path: Path) -> str | None:
    """Return the schema revision of the Brobyg database file at `path`, or None."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            integrity = conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError:
        return None
    if row is None or integrity is None or integrity[0] != "ok":
        return None
    return str(row[0])


def backup(engine: Engine, target: Path) -> None:
    """Copy the running SQLite database to `target`, consistent under concurrent writes."""
    _file_of(engine)
    if target.exists():
        raise BackupRefused(N_("%(path)s exists already; choose a new file."), path=str(target))
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        with sqlite3.connect(target) as copy:
            source.backup(copy, pages=BACKUP_PAGES)  # type: ignore[union-attr]
        copy.close()
    finally:
        raw.close()


def restore(engine: Engine, source: Path) -> str:
    """Replace the SQLite database's contents by the backup `source`; return its revision.

    The file must be a Brobyg database of a schema revision these migrations know; run
    `brobyg db upgrade` afterwards if it is older."""
    _file_of(engine)
    if not source.is_file():
        raise BackupRefused(N_("There is no file %(path)s."), path=str(source))
    revision = revision_of(source)
    if revision is None or revision not in known_revisions():
        raise BackupRefused(N_("%(path)s is not a backup of a Brobyg database."), path=str(source))
    engine.dispose()
    raw = engine.raw_connection()
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_file:
            backup_file.backup(raw.driver_connection)  # type: ignore[arg-type]
    finally:
        raw.close()
    engine.dispose()
    return revision


def holds_data(engine: Engine) -> bool:
    """Tell whether the database already holds accounts or outcomes (a restore replaces them)."""
    from sqlalchemy import inspect, text

    if not inspect(engine).has_table("user_account"):
        return False
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT EXISTS (SELECT 1 FROM user_account) OR EXISTS (SELECT 1 FROM outcome)")
        ).scalar()
    return bool(found)
