"""Fixtures of the web layer's tests: the real WSGI server, in-process, on the test's database."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from waitress import wasyncore
from waitress.server import create_server

from app import create_app

LIVE_THREADS = 8  # as `brobyg serve` by default


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Serve Brobyg with waitress on 127.0.0.1 (a free port) for the test's database;
    yield its base URL and shut it down cleanly afterwards."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            # The soak tests call thousands of times with one token; limits: test_limits.py.
            "LIMIT_API_TOKEN": "100000 per minute",
        }
    )
    app.instance_path = str(tmp_path / "instance")
    server = create_server(app, host="127.0.0.1", port=0, threads=LIVE_THREADS, ident="brobyg")
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        # Close every socket from the server's own loop, so the loop ends with nothing to
        # wait for; then stop the worker threads once they finish what they are doing.
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        except OSError:  # the loop closed its trigger already: it is ending on its own
            wasyncore.close_all(server._map)
        thread.join(timeout=10)
        server.task_dispatcher.shutdown(timeout=10)
        app.extensions["brobyg.engine"].dispose()
        assert not thread.is_alive(), "the live server did not stop"
