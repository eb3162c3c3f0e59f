"""The database: SQLite tuned for concurrency, migrations matching the models."""

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

from harvest.db import make_engine, open_session, sqlite_path, upgrade
from harvest.fulltext import is_search_object
from harvest.models import Municipality


def test_migrations_create_exactly_the_models_schema(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_object": lambda o, name, t, reflected, c: (
                    not (reflected and is_search_object(name))
                )
            },
        )
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_upgrade_twice_is_harmless(engine, session, create_actor):
    actor = create_actor(name="Bevares ved opgradering")
    session.commit()
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == [
            "0004"
        ]
    session.expire_all()
    assert session.get(type(actor), actor.id).name == "Bevares ved opgradering"


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000
        assert pragma("secure_delete") == 1
    engine.dispose()


def test_sqlite_writers_queue_instead_of_failing(tmp_path):
    """A second writer waits for the first (BEGIN IMMEDIATE + busy timeout) and both succeed."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(engine)
    errors: list[BaseException] = []
    first_holds_lock = threading.Event()

    def first() -> None:
        with open_session(engine, write=True) as s:
            s.add(Municipality(slug="a", name="A"))
            s.flush()
            first_holds_lock.set()
            time.sleep(0.3)
            s.commit()

    def second() -> None:
        first_holds_lock.wait()
        try:
            with open_session(engine, write=True) as s:
                s.add(Municipality(slug="b", name="B"))
                s.commit()
        except BaseException as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_session(engine) as s:
        assert sorted(m.slug for m in s.exec(select(Municipality))) == ["a", "b"]
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "path"),
    [("sqlite:////tmp/a.db", "/tmp/a.db"), ("sqlite://", None), ("postgresql+psycopg://x/y", None)],
)
def test_sqlite_path(url, path):
    found = sqlite_path(url)
    assert (str(found) if found else None) == path


def test_names_match_case_insensitively_with_danish_letters(session, create_actor):
    from harvest import actors

    created = create_actor(name="Løbeklubben Øresund")
    assert actors.actor_by_name(session, "LØBEKLUBBEN øresund") == created
    assert actors.actor_by_name(session, "  løbeklubben øresund ") == created
