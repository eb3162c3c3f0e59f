"""A real Brobyg server (waitress, via `brobyg serve`) with the demo data, and Debian's chromium,
both started once per worker."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvest import accounts
from harvest.db import make_engine, unit_of_work
from tests.processes import serve, stop

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "e2e-password-123"  # noqa: S105 - test accounts only
# Playwright waits for a condition (an element, a navigation) at most this long: only a
# safety net, so that a loaded machine is slow rather than failing.
WAIT_MS = 120_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_database(tmp_path_factory: pytest.TempPathFactory, sqlite_demo_template: Path) -> str:
    """Return the URL of the live server's SQLite database: a copy of the demo data."""
    path = tmp_path_factory.mktemp("e2e") / "brobyg.sqlite3"
    shutil.copy(sqlite_demo_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def live_server(live_database: str) -> Iterator[str]:
    """Start `brobyg serve` on `live_database`, plus an evaluator account of the tests' own."""
    url = live_database
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        accounts.create_user(
            session,
            {"email": "e2e@example.dk", "role": "evaluator", "name": "E2E", "password": PASSWORD},
            by=None,
        )
    engine.dispose()
    env = {**os.environ, "BROBYG_DATABASE_URL": url, "BROBYG_SECRET_KEY": "e2e-secret"}
    server, address = serve(env)
    yield address
    stop(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: `make test` installs it")
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="da-DK")  # type: ignore[attr-defined]
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        locale="da-DK", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    yield page
    context.close()
