"""Fixtures: a fresh, migrated database per test on SQLite, and on PostgreSQL when
BROBYG_TEST_DATABASE_URL is set; a domain `session` with no Flask; `app`, `client`
and `runner` for the web layer; factories that go through the services."""

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from app import create_app
from harvest import accounts, actors, harvests, outcomes, ties
from harvest.db import MIGRATIONS, make_engine, open_session, upgrade
from harvest.models import Actor, Harvest, Municipality, Outcome, Tie, User

os.environ.setdefault("BROBYG_SECRET_KEY", "test-secret")
PG_URL = os.environ.get("BROBYG_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]
# Tests that only make sense on one backend choose it (nothing to skip on the other).
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ON_POSTGRES = pytest.mark.parametrize(
    "database_url", [b for b in BACKENDS if b == "postgres"], indirect=True
)
PASSWORD = "correct-horse-battery"  # noqa: S105 - test accounts only


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate one SQLite file once; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "brobyg.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    """Reset the PostgreSQL test database's schema and migrate it once.

    Under pytest-xdist each worker gets a database of its own (`<name>_<worker>`),
    made from the given one, so parallel workers never empty each other's tables."""
    assert PG_URL
    url = make_url(PG_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        name = f"{url.database}_{worker}"
        admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists.first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = url.set(database=name)
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return rendered


def _migration(name: str) -> ModuleType:
    path = MIGRATIONS / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"brobyg_migration_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _truncate_all(url: str) -> None:
    """Empty every table and put back the rows the data migrations insert."""
    engine = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        _migration("0004_default_coding_scheme").seed(conn)
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of a fresh, migrated, empty database for this test."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_ready")
        _truncate_all(url)
        return url
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "brobyg.sqlite3"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A domain session with no Flask; tests commit when they mean to.

    Its transactions begin deferred, so reading in a test never blocks the app's writers."""
    with open_session(engine) as session:
        yield session


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    yield app
    app.extensions["brobyg.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


# --- factories ---------------------------------------------------------------


@pytest.fixture
def create_municipality(session: Session) -> Callable[..., Municipality]:
    def make(slug: str = "helsingor", name: str = "Helsingør") -> Municipality:
        return actors.create_municipality(session, {"slug": slug, "name": name}, by=None)

    return make


@pytest.fixture
def create_actor(session: Session) -> Callable[..., Actor]:
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> Actor:
        data = {
            "name": f"Forening {next(counter)}",
            "kind": "association",
            "sector": "civil_society",
            "tier": 2,
        }
        data.update(overrides)
        return actors.create_actor(session, data, by=None)

    return make


@pytest.fixture
def create_tie(session: Session) -> Callable[..., Tie]:
    def make(source: Actor, target: Actor, **overrides: Any) -> Tie:
        data = {"source_id": source.id, "target_id": target.id, "kind": "collaboration"}
        data.update(overrides)
        return ties.create_tie(session, data, by=None)

    return make


@pytest.fixture
def create_user(session: Session) -> Callable[..., User]:
    def make(
        email: str = "evaluator@example.dk", role: str = "evaluator", **overrides: Any
    ) -> User:
        data = {"email": email, "role": role, "password": PASSWORD, "name": email.split("@")[0]}
        data.update(overrides)
        return accounts.create_user(session, data, by=None)

    return make


@pytest.fixture
def create_harvest(session: Session) -> Callable[..., Harvest]:
    def make(slug: str = "test-harvest", **overrides: Any) -> Harvest:
        data = {
            "slug": slug,
            "title": "Testhøst",
            "period_start": "2024-01-01",
            "period_end": "2026-06-30",
            "questions": ["Hvem gør noget andet end før?"],
        }
        data.update(overrides)
        return harvests.create_harvest(session, data, by=None)

    return make


@pytest.fixture
def create_outcome(
    session: Session, create_harvest: Callable[..., Harvest], create_actor: Callable[..., Actor]
) -> Callable[..., Outcome]:
    def make(harvest: Harvest | None = None, **overrides: Any) -> Outcome:
        harvest = harvest or create_harvest()
        actor = overrides.pop("actor", None) or create_actor()
        data = {
            "title": "Biblioteket låner lokaler ud",
            "changed_actor_id": actor.id,
            "change": "Fra marts 2025 låner biblioteket et mødelokale gratis ud hver tirsdag.",
            "when_start": "2025-03-01",
            "status": "draft",
        }
        data.update(overrides)
        return outcomes.record_outcome(session, harvest, data, by=None)

    return make
