"""Fixtures: a fresh, migrated database per test on SQLite, and on PostgreSQL when
BROBYG_TEST_DATABASE_URL is set; a domain `session` with no Flask; `app`, `client`
and `runner` for the web layer; factories that go through the services.

Databases. `database_url` (and so `engine`, `session`, `app`, `client`, `runner`) is a
database of the test's own, copied from a template migrated once per worker: a file copy
on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL. It runs once per backend
(`BACKENDS`); `ON_SQLITE` / `ON_POSTGRES` choose one.

Demo data. Ask for the `demo_data` fixture, in the test or in one of its fixtures, and the
test's database starts as a copy of one with the demo data set loaded (loaded once per
worker and backend, by `harvest.demo.load_demo`). Each test still has its own copy, so it
may write freely. Examples:

    def test_x(client, demo_data): ...

    @pytest.fixture
    def world(session, demo_data): ...

    pytestmark = pytest.mark.usefixtures("demo_data")  # a whole module

Only tests about loading the demo (tests/harvest/test_demo.py) call `load_demo` themselves.
`sqlite_demo_template` is the path of the loaded SQLite file, for tests that start their
own processes on a copy of it (tests/e2e).

Passwords are hashed in-process with a small scrypt work factor (`TEST_PASSWORD_HASH`).
Processes and waits: tests/processes.py starts `brobyg` commands and servers and waits for
them on a condition; its `SAFETY_NET` is the only bound, so give no test a fixed deadline."""

import functools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from werkzeug.routing import Rule
from werkzeug.security import generate_password_hash

from app import create_app
from harvest import accounts, actors, demo, harvests, outcomes, ties
from harvest.db import make_engine, open_session, upgrade
from harvest.models import Actor, Harvest, Municipality, Outcome, Tie, User

os.environ.setdefault("BROBYG_SECRET_KEY", "test-secret")
# Passwords: the same scrypt through the same code, at a work factor of 2**10 instead of
# werkzeug's 2**15: a hash costs a millisecond, not a tenth of a second or (under load) most
# of a second, hundreds of times per run. Checking reads the factor from the stored hash.
# Processes that tests start (`brobyg serve`) keep the real factor.
TEST_PASSWORD_HASH = "scrypt:1024:8:1"
accounts.generate_password_hash = functools.partial(
    generate_password_hash, method=TEST_PASSWORD_HASH
)
accounts._DUMMY_HASH = generate_password_hash("not-a-real-password", method=TEST_PASSWORD_HASH)
PG_URL = os.environ.get("BROBYG_TEST_DATABASE_URL")


# Apps: the suite makes an app per test, and each would compile the same templates and URL
# rules again (a tenth of a second a test, most of the suite's setup). The apps of one test
# process share the compiled code instead: Jinja's own bytecode cache (keyed by template
# name and source checksum) and werkzeug's URL builder per rule (a function of the rule's
# text, parts and defaults only). What each app renders or builds is unchanged.
class _SharedBytecode(BytecodeCache):
    """Jinja bytecode kept in memory for every app of this test process."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _SharedBytecode()}
_compile_builder = Rule._compile_builder
_BUILDERS: dict[tuple[Any, ...], Any] = {}


def _shared_builder(rule: Rule, append_unknown: bool = True) -> Any:
    key = (
        rule.rule,
        rule.host if rule.map.host_matching else rule.subdomain,
        tuple(rule._trace),
        repr(sorted((rule.defaults or {}).items())),
        append_unknown,
    )
    if key not in _BUILDERS:
        _BUILDERS[key] = _compile_builder(rule, append_unknown)
    return _BUILDERS[key]


Rule._compile_builder = _shared_builder  # type: ignore[method-assign]

BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]
# Tests that only make sense on one backend choose it (nothing to skip on the other).
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ON_POSTGRES = pytest.mark.parametrize(
    "database_url", [b for b in BACKENDS if b == "postgres"], indirect=True
)
PASSWORD = "correct-horse-battery"  # noqa: S105 - test accounts only


def _load_demo(url: str) -> None:
    engine = make_engine(url)
    with open_session(engine, write=True) as session:
        demo.load_demo(session)
        session.commit()
    engine.dispose()


def _sqlite_file(url: str, path: Path) -> Path:
    """Fold the write-ahead log into the file at `path`, so a plain copy holds everything."""
    engine = make_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate one SQLite file once; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "brobyg.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return _sqlite_file(f"sqlite:///{path}", path)


@pytest.fixture(scope="session")
def sqlite_demo_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """Load the demo data once into a copy of the migrated file; `demo_data` tests copy it."""
    path = tmp_path_factory.mktemp("demo-template") / "brobyg.sqlite3"
    shutil.copy(sqlite_template, path)
    _load_demo(f"sqlite:///{path}")
    return _sqlite_file(f"sqlite:///{path}", path)


class PostgresDatabases:
    """This worker's PostgreSQL databases: templates made once, a fresh copy per test.

    Under pytest-xdist each worker has names of its own (`<name>_<worker>`, `_main`
    without xdist), so parallel workers never touch each other's databases. The given
    database is only used to connect from while creating and dropping the others."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.base = f"{self.url.database}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        self.admin = make_engine(url, isolation_level="AUTOCOMMIT")
        self.empty = self._make(f"{self.base}_tpl", template=None)
        self.demo: str | None = None

    def _url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _make(self, name: str, template: str | None) -> str:
        """(Re)create database `name`, as a copy of `template` or migrated from nothing."""
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        if template is None:
            engine = make_engine(self._url(name))
            upgrade(engine)
            engine.dispose()
        return name

    def fresh(self, with_demo: bool) -> str:
        """Return the URL of a new copy of the migrated (or demo) template for one test."""
        if with_demo and self.demo is None:
            name = self._make(f"{self.base}_demo_tpl", template=self.empty)
            _load_demo(self._url(name))
            self.demo = name
        return self._url(self._make(self.base, template=self.demo if with_demo else self.empty))

    def close(self) -> None:
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    """Migrate this worker's PostgreSQL template once (and load the demo one on first use)."""
    assert PG_URL
    databases = PostgresDatabases(PG_URL)
    yield databases
    databases.close()


@pytest.fixture
def demo_data() -> None:
    """Ask for the demo data set: `database_url` then starts as a copy of it."""


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of a fresh, migrated database of this test's own: empty, or holding
    the demo data when the test (or one of its fixtures) asks for `demo_data`."""
    with_demo = "demo_data" in request.fixturenames
    if request.param == "postgres":
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        return databases.fresh(with_demo)
    template = request.getfixturevalue("sqlite_demo_template" if with_demo else "sqlite_template")
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
