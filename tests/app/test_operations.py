"""Operating Brobyg: readiness and liveness, the request id, the access log, several worker
processes sharing one database and Redis, and a graceful stop on SIGTERM, on real servers."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import text

from app import create_app
from harvest import accounts, actors
from harvest.db import WRITE, make_engine
from tests.conftest import ON_POSTGRES

REDIS_URL = "redis://127.0.0.1:6379/13"
ADMIN = "admin@example.dk"
# Safety bounds only: every wait below ends as soon as its condition holds.
START_BOUND = 120
STOP_BOUND = 60


def wait_for(condition: Callable[[], Any], what: str, bound: float = START_BOUND) -> Any:
    """Poll `condition` until it returns something true; fail after `bound` seconds."""
    deadline = time.monotonic() + bound
    while True:
        found = condition()
        if found:
            return found
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.1)


class Server:
    """A `brobyg serve` process on a free port, its stderr kept in a file."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.terminated = False
        self.stderr = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(self.port), *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
        )
        wait_for(self._answers, "brobyg serve answers")

    def _answers(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            urllib.request.urlopen(self.url + "/healthz", timeout=5).close()
        except OSError:
            return False
        return True

    def refuses(self) -> bool:
        """Tell whether a new connection is refused."""
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
        except ConnectionRefusedError:
            return True
        return False

    def access_lines(self) -> list[dict[str, Any]]:
        lines = self.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def terminate(self) -> None:
        """Send SIGTERM once (a second one would cut the graceful stop short)."""
        if not self.terminated:
            self.terminated = True
            self.process.terminate()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.terminate()
        try:
            return self.process.wait(timeout=STOP_BOUND)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.stderr.close()


@pytest.fixture
def served(database_url: str, tmp_path: Path, session: Any) -> Iterator[dict[str, Any]]:
    """The environment of a migrated database with an administrator and their API token;
    start servers with `start(*args)`, stopped at the end."""
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    env = {
        **os.environ,
        "BROBYG_DATABASE_URL": database_url,
        "BROBYG_SECRET_KEY": "operations",
        "BROBYG_REDIS_URL": REDIS_URL,
        "BROBYG_LANG": "en",
    }
    admin = accounts.create_user(
        session, {"email": ADMIN, "role": "admin", "password": "rigtig-adgangskode-1"}, by=None
    )
    token = accounts.create_token(session, admin)
    session.commit()
    servers: list[Server] = []

    def start(*args: str) -> Server:
        server = Server(env, tmp_path / f"server-{len(servers)}.log", *args)
        servers.append(server)
        return server

    try:
        yield {"env": env, "token": token, "start": start}
    finally:
        for server in servers:
            server.stop()
        store.flushdb()


def _api(url: str, token: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    call = urllib.request.Request(
        url + "/api/v1" + path,
        data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(call, timeout=60) as answer:
        return answer.status, json.loads(answer.read())


# --- readiness and liveness --------------------------------------------------


def test_ready_and_healthy_answer_200_and_leave_nothing_behind(client, engine):
    with engine.connect() as conn:
        before = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ok", "checks": {"database": "ok", "disk": "ok"}, "failed": []}
    assert client.get("/healthz").status_code == 200
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).all() == before


def test_a_nearly_full_disk_makes_readiness_and_health_answer_503(database_url, tmp_path):
    # More than the whole disk holds: other workers' files come and go, the disk's size does not.
    total_mb = __import__("shutil").disk_usage(tmp_path).total // (1024 * 1024)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "MIN_FREE_MB": total_mb + 1})
    app.instance_path = str(tmp_path / "instance")
    client = app.test_client()
    for path in ("/readyz", "/healthz"):
        answer = client.get(path)
        assert answer.status_code == 503, path
        assert answer.json["failed"] == ["disk"]
        assert answer.json["checks"]["database"] == "ok"
    app.extensions["brobyg.engine"].dispose()


def test_a_database_that_cannot_take_a_write_is_not_ready(client, database_url):
    """Another writer holds the database (SQLite's write lock, PostgreSQL's row lock) for
    longer than a probe waits: not ready, though still alive (reads go on)."""
    holder = make_engine(database_url)
    with holder.execution_options(**{WRITE: True}).connect() as conn, conn.begin() as hold:
        # SQLite's BEGIN IMMEDIATE holds the write lock; on PostgreSQL, lock the row.
        if conn.dialect.name != "sqlite":
            conn.exec_driver_sql("SELECT * FROM alembic_version FOR UPDATE")
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json["failed"] == ["database"]
        assert ready.json["checks"]["database"] == "unwritable"
        assert client.get("/healthz").status_code == 200
        hold.rollback()
    holder.dispose()
    assert client.get("/readyz").status_code == 200


@ON_POSTGRES
def test_a_read_only_postgresql_database_is_not_ready(database_url, tmp_path):
    name = make_engine(database_url).url.database
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    try:
        app = create_app({"TESTING": True, "DATABASE_URL": database_url})
        app.instance_path = str(tmp_path / "instance")
        answer = app.test_client().get("/readyz")
        assert answer.status_code == 503
        assert answer.json["checks"]["database"] == "unwritable"
        app.extensions["brobyg.engine"].dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        admin.dispose()


# --- request id --------------------------------------------------------------


def test_a_well_formed_request_id_is_echoed(client):
    answer = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a-0001"})
    assert answer.headers["X-Request-ID"] == "lb-7f3a-0001"


@pytest.mark.parametrize(
    "hostile", ["short", "x" * 129, "<script>alert(1)</script>", "id with spaces", "æøå-12345"]
)
def test_a_hostile_request_id_is_replaced(client, hostile):
    answer = client.get("/healthz", headers={"X-Request-ID": hostile})
    given = answer.headers["X-Request-ID"]
    assert given != hostile and len(given) == 32 and given.isalnum()


def test_every_answer_has_its_own_request_id(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


# --- the access log, on the real servers ---------------------------------------


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_access_log_has_one_json_line_per_request_without_secrets(served, workers):
    server = served["start"]("--workers", workers)
    call = urllib.request.Request(
        server.url + "/outcomes?q=hemmeligt-ord&page=2", headers={"X-Request-ID": "trace-0001"}
    )
    urllib.request.urlopen(call, timeout=60).close()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.url + "/s/personlig-noegle-123?q=skjult-vaerdi", timeout=60)
    refused.value.close()
    _api(server.url, served["token"], "/municipalities")

    def lines() -> dict[str, dict[str, Any]]:
        found = {line["request_id"]: line for line in server.access_lines()}
        return found if "trace-0001" in found and len(found) >= 4 else {}

    found = wait_for(lines, "the access log lines")
    outcomes = found["trace-0001"]
    assert outcomes["method"] == "GET" and outcomes["path"] == "/outcomes"
    assert outcomes["query"] == ["page", "q"] and outcomes["status"] in (200, 302)
    assert outcomes["ms"] > 0 and outcomes["bytes"] >= 0 and outcomes["remote"] == "127.0.0.1"
    linked = next(line for line in found.values() if line["path"].startswith("/s/"))
    assert linked["path"] == "/s/<token>" and linked["status"] == 404
    api = next(line for line in found.values() if line["path"] == "/api/v1/municipalities")
    assert api["status"] == 200 and isinstance(api["user"], int) and api["bytes"] > 0
    log = server.log.read_text()
    secrets = ("hemmeligt-ord", "personlig-noegle-123", "skjult-vaerdi", served["token"], ADMIN)
    assert not [secret for secret in secrets if secret in log]
    assert "gunicorn.access" not in log and '"GET /outcomes' not in log  # no second access log


# --- several processes ---------------------------------------------------------


def test_two_workers_serve_concurrently_and_share_what_they_write(served):
    server = served["start"]("--workers", "2", "--threads", "2")
    url, token = server.url, served["token"]
    with ThreadPoolExecutor(8) as pool:
        created = list(
            pool.map(
                lambda n: _api(url, token, "/municipalities", {"slug": f"k{n}", "name": f"K {n}"}),
                range(12),
            )
        )
    assert [status for status, _record in created] == [201] * 12

    def reads_across_processes() -> bool:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _n: _api(url, token, "/municipalities"), range(16)))
        assert all(body["total"] == 12 for _status, body in answers)
        lines = server.access_lines()
        writers = {line["pid"] for line in lines if line["method"] == "POST"}
        readers = {line["pid"] for line in lines if line["method"] == "GET"}
        # Some read that saw every write was answered by another process than some writer.
        return any(reader != writer for reader in readers for writer in writers)

    wait_for(reads_across_processes, "a read answered by another process than a writer")


def test_several_workers_need_redis_for_their_limits(database_url):
    env = {**os.environ, "BROBYG_DATABASE_URL": database_url, "BROBYG_LANG": "en"}
    env.pop("BROBYG_REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--workers", "2", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "BROBYG_REDIS_URL" in done.stderr and "Traceback" not in done.stderr


# --- graceful stop -------------------------------------------------------------


def _accepted(port: int) -> bool:
    """Tell whether the listening socket on `port` has no connection waiting to be accepted
    (Linux: the accept queue is the listening socket's receive queue in /proc/net/tcp)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            local, state, queues = fields[1], fields[3], fields[4]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                return int(queues.split(":")[1], 16) == 0
    return False


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_lets_the_request_in_flight_finish_and_refuses_new_ones(served, session, workers):
    server = served["start"]("--workers", workers, "--graceful-timeout", "60")
    body = json.dumps({"slug": "fredericia", "name": "Fredericia"}).encode()
    head = (
        "POST /api/v1/municipalities HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {served['token']}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=STOP_BOUND) as upload:
        upload.sendall(head + body[:10])  # a client still sending its request
        wait_for(lambda: _accepted(server.port), "the server took the connection")
        server.terminate()
        wait_for(server.refuses, "new connections are refused", bound=STOP_BOUND)
        assert server.process.poll() is None, "the server waits for the request in flight"
        upload.sendall(body[10:])
        answer = b""
        while chunk := upload.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
    assert server.process.wait(timeout=STOP_BOUND) == 0
    session.rollback()  # a fresh snapshot
    assert actors.municipality_by_slug(session, "fredericia").name == "Fredericia"


def test_a_500_page_and_answer_give_the_request_id_as_a_reference(app):
    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    client = app.test_client()
    page = client.get("/broken", headers={"X-Request-ID": "support-case-42"})
    assert page.status_code == 500 and page.headers["X-Request-ID"] == "support-case-42"
    assert "support-case-42" in page.get_data(as_text=True)
    answer = client.get("/broken", headers={"Accept": "application/json"})
    assert answer.status_code == 500
    assert answer.json["request_id"] == answer.headers["X-Request-ID"]
