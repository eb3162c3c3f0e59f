"""Database engines, sessions and schema migrations.

SQLite is tuned for a small multi-process server (WAL, busy timeout, foreign keys,
secure_delete, write transactions that take their lock up front); PostgreSQL is used
as it comes. Must not import `app` or Flask.
"""

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from harvest import (
    history,  # noqa: F401 - registers the change-history listener
    models,  # noqa: F401 - registers every table
    records,  # noqa: F401 - registers the listener that raises versions
)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE = "brobyg_write"
# Bookkeeping beside a request (a token's last use, a cached map) waits this long at
# most for a lock, then gives up: it must never hold up or fail what the user asked for.
ASIDE_LOCK_TIMEOUT_MS = 1_000

log = logging.getLogger(__name__)


def as_typed(value: Any) -> str:
    """Serialise a JSON column's value with its text as typed ("gåture", not "g\\u00e5ture").

    The search indexes read the stored JSON text, so an escaped letter would be unfindable."""
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str, **kw: Any) -> Engine:
    """Create an engine for `url`, with Brobyg's SQLite pragmas when it is SQLite."""
    kw.setdefault("json_serializer", as_typed)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kw)
    kw.setdefault("pool_pre_ping", True)
    return create_engine(url, **kw)


def _sqlite_engine(url: str, **kw: Any) -> Engine:
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    if url in ("sqlite://", "sqlite:///:memory:"):
        kw.setdefault("poolclass", StaticPool)
    engine = create_engine(url, connect_args=connect_args, **kw)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN so that writes can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        # SQLite's own lower() folds ASCII only; Danish names need Æ, Ø and Å folded too.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
            "secure_delete=ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the write lock when it begins, so it never fails half-way
        # with "database is locked" when it upgrades a read lock; readers do not wait.
        immediate = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def open_session(engine: Engine, *, write: bool = False) -> Session:
    """Open a session; with `write`, SQLite transactions take the write lock at BEGIN."""
    bind = engine.execution_options(**{WRITE: True}) if write else engine
    return Session(bind=bind, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """Yield a session that commits once at the end, or rolls back on error."""
    session = open_session(engine, write=write)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def aside(engine: Engine, *, lock_timeout_ms: int = ASIDE_LOCK_TIMEOUT_MS) -> Iterator[Session]:
    """Yield a session in a short write transaction of its own, committed at the end.

    It waits at most `lock_timeout_ms` for a lock, so a reader that keeps a little
    bookkeeping is never held up for long by writers; errors are raised to the caller."""
    with engine.execution_options(**{WRITE: True}).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw: Any = connection.connection.dbapi_connection
        if sqlite:  # before BEGIN IMMEDIATE, which is what waits for the lock
            raw.execute(f"PRAGMA busy_timeout={int(lock_timeout_ms)}")
        try:
            with connection.begin():
                if not sqlite:
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}")
                with Session(bind=connection, expire_on_commit=False) as session:
                    yield session
                    session.flush()
        finally:
            if sqlite:
                raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def keep_aside(engine: Engine, work: Callable[[Session], object], *, what: str) -> bool:
    """Run `work` in a transaction of its own (see `aside`); log and swallow a database error.

    Return whether it was kept. For bookkeeping that must never fail the request it serves."""
    try:
        with aside(engine) as session:
            work(session)
    except SQLAlchemyError as error:
        log.warning("Could not keep %s: %s", what, error)
        return False
    return True


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for the database at `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_current(engine: Engine) -> bool:
    """Tell whether the schema exists (the migrations have been applied)."""
    return inspect(engine).has_table("alembic_version")


def sqlite_path(url: str) -> Path | None:
    """Return the file of a file-backed SQLite URL, else None."""
    if not url.startswith("sqlite:///") or url in ("sqlite:///:memory:",):
        return None
    return Path(url.removeprefix("sqlite:///"))


def ping(session: Session) -> None:
    """Run the cheapest query there is; raises if the database does not answer."""
    session.execute(text("SELECT 1"))


def probe_write(engine: Engine, *, lock_timeout_ms: int = ASIDE_LOCK_TIMEOUT_MS) -> None:
    """Write in a transaction of its own and roll it back; raise if the database cannot write.

    The write takes the write lock (SQLite) or a row lock (PostgreSQL), waiting at most
    `lock_timeout_ms`, and leaves nothing behind."""
    with engine.execution_options(**{WRITE: True}).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw: Any = connection.connection.dbapi_connection
        if sqlite:
            raw.execute(f"PRAGMA busy_timeout={int(lock_timeout_ms)}")
        try:
            transaction = connection.begin()
            try:
                if not sqlite:
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}")
                connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            finally:
                transaction.rollback()
        finally:
            if sqlite:
                raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def refresh_statistics(engine: Engine) -> None:
    """Let the query planner see the rows a bulk load added (`ANALYZE`).

    Without it PostgreSQL plans a freshly loaded table as if it were empty, and a search
    that takes 1 ms takes 90 ms."""
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
