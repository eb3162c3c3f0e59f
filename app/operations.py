"""Operating Brobyg: a request id and one JSON access-log line per request, the liveness
(`/healthz`) and readiness (`/readyz`) checks, and logging to stderr for `brobyg serve`.

The access log never holds a query string's values, a personal link's token or an e-mail
address: it names the signed-in user by id only.
"""

import json
import logging
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, has_request_context, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from app.database import db, engine
from harvest.db import ping, probe_write, sqlite_path

bp = Blueprint("operations", __name__)
access_log = logging.getLogger("brobyg.access")
log = logging.getLogger("brobyg.operations")

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID = "brobyg.request_id"  # environ keys the middleware and the app share
LOG_PATH = "brobyg.log_path"
LOG_USER = "brobyg.user_id"
# An incoming id is kept only when it is short and harmless in a log line or a header.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# View arguments that are keys in themselves (a personal substantiation or password link).
SECRET_ARGUMENTS = frozenset({"token", "link"})
MAX_LOGGED_PATH = 500
MIN_FREE_MB = 100  # unless BROBYG_MIN_FREE_MB says

StartResponse = Callable[..., Any]


def request_id_of(incoming: str | None) -> str:
    """Return `incoming` when it is a well-formed request id, else a new one."""
    if incoming and WELL_FORMED_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def request_id() -> str:
    """Return the id of the current request (empty outside a request)."""
    if not has_request_context():
        return ""
    return str(request.environ.get(REQUEST_ID, ""))


class RequestLog:
    """WSGI middleware: give each request an id, answer it in `X-Request-ID`, and log one
    JSON line when the answer has been sent (status, latency, bytes)."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        rid = request_id_of(environ.get("HTTP_X_REQUEST_ID"))
        environ[REQUEST_ID] = rid
        status: list[int] = [0]

        def start(status_line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = int(status_line.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append((REQUEST_ID_HEADER, rid))
            return start_response(status_line, headers, exc_info)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            _log_request(environ, 500, started, 0)
            raise
        return _Logged(body, lambda sent: _log_request(environ, status[0], started, sent))


class _Logged:
    """A response body that counts what it yields and logs the request when closed."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self.body = body
        self.done = done
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done(self.sent)


def _log_request(environ: dict[str, Any], status: int, started: float, sent: int) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return
    path = environ.get(LOG_PATH) or (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
    query = environ.get("QUERY_STRING", "")
    names = sorted({part.split("=", 1)[0] for part in query.split("&") if part})
    line = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": environ.get(REQUEST_ID, ""),
        "method": environ.get("REQUEST_METHOD", ""),
        "path": path[:MAX_LOGGED_PATH],
        "query": [name[:40] for name in names[:20]],  # the names only: values may be secrets
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "bytes": sent,
        "user": environ.get(LOG_USER),
        "remote": environ.get("REMOTE_ADDR", ""),
        "pid": os.getpid(),  # which process answered, when several serve one address
    }
    access_log.info(json.dumps(line, ensure_ascii=False))


def _note_request(response: Response) -> Response:
    """Tell the access log who asked (by id) and the path with any personal key hidden."""
    environ = request.environ
    rule = request.url_rule
    if rule is not None and SECRET_ARGUMENTS & set(rule.arguments):
        environ[LOG_PATH] = request.script_root + rule.rule
    # Only a user this request has loaded already: logging must not cost a query.
    account = g.get("_login_user")  # Flask-Login's, for the web
    user = g.get("api_user") or getattr(account, "user", None)  # the token's, for the API
    environ[LOG_USER] = getattr(user, "id", None)
    return response


# --- health ------------------------------------------------------------------


def _disk_folders(app: Flask) -> list[Path]:
    """Return the folders whose disk must have room: the instance folder and the SQLite file's."""
    folders = [Path(app.instance_path)]
    database = sqlite_path(app.config["DATABASE_URL"])
    if database is not None:
        folders.append(database.parent)
    return folders


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def disk_problem(app: Flask) -> str | None:
    """Say which folder's disk has less free space than `MIN_FREE_MB`, or None."""
    minimum = int(app.config.get("MIN_FREE_MB", MIN_FREE_MB))
    for folder in _disk_folders(app):
        free_mb = shutil.disk_usage(_existing(folder)).free // (1024 * 1024)
        if free_mb < minimum:
            log.warning("%s MB free on the disk of %s, below %s MB", free_mb, folder, minimum)
            return "low"
    return None


def _answer(checks: dict[str, str]) -> tuple[Response, int]:
    failed = sorted(name for name, state in checks.items() if state != "ok")
    status = "unavailable" if failed else "ok"
    return jsonify(status=status, checks=checks, failed=failed), 503 if failed else 200


@bp.route("/healthz")
def healthz() -> Any:
    """Answer 200 while this process, its database and its disk respond (liveness)."""
    checks = {"database": "ok", "disk": disk_problem(current_app) or "ok"}
    try:
        ping(db())
    except SQLAlchemyError as error:
        log.warning("health check: the database does not answer: %s", error)
        checks["database"] = "unreachable"
    return _answer(checks)


@bp.route("/readyz")
def readyz() -> Any:
    """Answer 200 when this process can take traffic: its database writes and its disk has room.

    The write is rolled back in a connection of its own: the request's session stays clean."""
    checks = {"database": "ok", "disk": disk_problem(current_app) or "ok"}
    try:
        probe_write(engine())
    except SQLAlchemyError as error:
        log.warning("readiness check: the database cannot write: %s", error)
        checks["database"] = "unwritable"
    return _answer(checks)


# --- logging -------------------------------------------------------------------


class _RequestIdFilter(logging.Filter):
    """Put the current request's id on every log record (as `request_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() or "-"
        return True


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr: access lines as JSON, everything else as text with the request id."""
    text = logging.StreamHandler(sys.stderr)
    text.addFilter(_RequestIdFilter())
    text.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers = [text]
    root.setLevel(level)
    lines = logging.StreamHandler(sys.stderr)
    lines.setFormatter(logging.Formatter("%(message)s"))
    access_log.handlers = [lines]
    access_log.propagate = False


def init_app(app: Flask) -> None:
    """Wrap `app` in the request log (call before the proxy fix wraps it) and register
    the health checks."""
    app.wsgi_app = RequestLog(app.wsgi_app)  # type: ignore[method-assign]
    app.after_request(_note_request)
    app.context_processor(lambda: {"request_id": request_id()})
    app.register_blueprint(bp)
