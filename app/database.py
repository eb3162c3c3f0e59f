"""The database for the web layer: one engine per app, one session and one unit of work per
request.

Every view runs inside `unit_of_work`: its session commits once when the view answers
below 400 to a POST, PUT, PATCH or DELETE, and rolls back otherwise, GETs included, so a
read never writes and a view never commits. `attempt` runs service calls in a savepoint
for views that catch a domain error and carry on.

Work that must follow a commit (sending e-mail) is registered with `after_commit`; a view
whose page depends on that work answers `AfterCommit(make)`: the unit of work commits,
runs the registered work, then makes the response."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

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


def unit_of_work(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a view so that its request commits once on success and rolls back otherwise."""

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        result = view(*args, **kwargs)
        if isinstance(result, AfterCommit):
            _commit()
            return current_app.make_response(result.make())
        response = current_app.make_response(result)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            _commit()
        else:
            discard()
        return response

    return run


class AfterCommit:
    """A view's answer made only once its request has committed and `after_commit` work ran."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def after_commit(work: Callable[[], None]) -> None:
    """Run `work` once this request's changes are committed (never when they roll back)."""
    g.setdefault("after_commit", []).append(work)


def _commit() -> None:
    session = g.get("db")
    if session is not None:
        session.commit()
    for work in g.pop("after_commit", []):
        work()


def wrap_views(app: Flask) -> None:
    """Put every view of `app` inside the request's unit of work."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = unit_of_work(view)


@contextmanager
def attempt() -> Iterator[None]:
    """Run service calls in a savepoint: a domain error undoes what they did and propagates."""
    with db().begin_nested():
        yield


def discard() -> None:
    """Roll back what this request did so far (the error handlers call it)."""
    g.pop("after_commit", None)
    session = g.get("db")
    if session is not None:
        session.rollback()


def _close(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()
