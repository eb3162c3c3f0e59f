"""The database for the web layer: one engine per app, one session per request."""

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from harvest.db import make_engine, open_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    """Create the app's engine and close each request's session on teardown."""
    app.extensions["brobyg.engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close)


def engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["brobyg.engine"]


def db() -> Session:
    """Return this request's session; writes take the SQLite write lock when they begin."""
    if "db" not in g:
        write = not has_request_context() or request.method not in SAFE_METHODS
        g.db = open_session(engine(), write=write)
    return g.db


def _close(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()
