"""Computed layouts and metrics kept in the `ComputedResult` table until the graph changes.

A result is stored under a key with the graph version it was computed from
(`network.graph.graph_version`); a different version recomputes and replaces it, and
until then the older result can still be read (`read_entry`) and shown as stale.
The table is shared by every app process, so nothing lives only in one process.
Functions flush and never commit; a reader that must not write in its own session
(every GET) passes `keep=store_aside(engine)`, which stores the result in a short
transaction of its own and gives up quietly when that fails. Must not import `app` or Flask.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from harvest.db import keep_aside
from harvest.models import ComputedResult, utcnow

MAX_KEY = 200
# Stores a computed payload under a key for a graph version.
Keep = Callable[[str, str, dict[str, Any]], None]


def cache_key(kind: str, name: str) -> str:
    """Return a table key for `kind` and `name`, hashed when it would be too long."""
    key = f"network:{kind}:{name}"
    if len(key) <= MAX_KEY:
        return key
    return f"network:{kind}:sha256:{hashlib.sha256(name.encode()).hexdigest()}"


def read_cached(session: Session, key: str, version: str) -> dict[str, Any] | None:
    """Return the payload stored under `key` if it was computed from `version`."""
    found = read_entry(session, key)
    if found is None or found[0] != version:
        return None
    return found[1]


def read_entry(session: Session, key: str) -> tuple[str, dict[str, Any]] | None:
    """Return the version and payload stored under `key`, whichever version it was."""
    row = session.execute(
        select(ComputedResult.source_version, ComputedResult.payload).where(
            col(ComputedResult.key) == key
        )
    ).first()
    return None if row is None else (row[0], dict(row[1]))


def store(session: Session, key: str, version: str, payload: dict[str, Any]) -> None:
    """Store `payload` under `key` for `version`; a concurrent writer's row is overwritten."""
    row = session.scalars(select(ComputedResult).where(col(ComputedResult.key) == key)).first()
    if row is None:
        try:
            with session.begin_nested():
                session.add(ComputedResult(key=key, source_version=version, payload=payload))
            return
        except IntegrityError:  # another process stored it first: replace theirs
            row = session.scalars(
                select(ComputedResult).where(col(ComputedResult.key) == key)
            ).one()
    row.source_version = version
    row.payload = payload
    row.computed_at = utcnow()
    session.flush()


def store_aside(engine: Engine) -> Keep:
    """Return a `Keep` that stores in a transaction of its own and never raises."""

    def keep(key: str, version: str, payload: dict[str, Any]) -> None:
        keep_aside(
            engine,
            lambda session: store(session, key, version, payload),
            what=f"the computed result {key}",
        )

    return keep


def cached(
    session: Session,
    key: str,
    version: str,
    compute: Callable[[], dict[str, Any]],
    *,
    keep: Keep | None = None,
) -> dict[str, Any]:
    """Return the payload under `key` for `version`, computing and storing it when missing.

    It is stored with `keep`, or in `session` when there is none."""
    found = read_cached(session, key, version)
    if found is not None:
        return found
    payload = compute()
    if keep is None:
        store(session, key, version, payload)
    else:
        keep(key, version, payload)
    return payload
