"""A GET never writes: every page and API read, for every demo role, leaves the database
as it was and runs no INSERT, UPDATE or DELETE (the map cache and the audit log, kept
aside on purpose, excepted)."""

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, col

from harvest import accounts, substantiation
from harvest.demo import DEMO_PASSWORD  # the documented demo accounts
from harvest.models import (
    Actor,
    ApiToken,
    CodingScheme,
    GroupActor,
    Harvest,
    ImplementationGroup,
    InformationNeed,
    Initiative,
    Municipality,
    Outcome,
    Substantiation,
    Tie,
    User,
    utcnow,
)
from network.exports import SUFFIXES

ROLES = {
    "anonymous": None,
    "staff": "medarbejder@brobyg.example.dk",
    "member": "medlem.helsingor@brobyg.example.dk",
    "evaluator": "evaluator@brobyg.example.dk",
    "admin": "admin@brobyg.example.dk",
}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE", "CREATE", "DROP", "ALTER")
# The map cache is kept beside the request on purpose (network.cache.store_aside).
CACHE_TABLE = "computedresult"
# The audit log is the one write a read must make: who viewed a draft, searched or exported
# (harvest.audit), kept aside in a transaction of its own that can never fail the GET.
AUDIT_TABLE = "accessrecord"
# The readiness probe (/readyz) writes there in a transaction of its own that it rolls back.
PROBE_TABLE = "alembic_version"
ASIDE_TABLES = frozenset({CACHE_TABLE, AUDIT_TABLE, PROBE_TABLE})
SKIP_ENDPOINTS = frozenset({"static"})


def fingerprint(engine: Engine) -> dict[str, int]:
    """Return the row count of every table (the cache aside) and the newest history id."""
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in ASIDE_TABLES:
                count = select(func.count()).select_from(table)
                counts[table.name] = conn.execute(count).scalar_one()
        history = SQLModel.metadata.tables["changerecord"]
        newest = select(func.coalesce(func.max(history.c.id), 0))
        counts["changerecord.max_id"] = conn.execute(newest).scalar_one()
    return counts


def _first(session: Any, query: Any) -> Any:
    found = session.scalars(query.limit(1)).first()
    assert found is not None, str(query)
    return found


@pytest.fixture
def demo_world(session: Any, demo_data: None) -> dict[str, Any]:
    """The demo data, a token of every signed-in role, a personal substantiation link,
    and sample values for the routes' ids and slugs."""
    final = _first(session, select(Outcome).where(col(Outcome.status) == "final"))
    draft = _first(session, select(Outcome).where(col(Outcome.status) == "draft"))
    ready = _first(session, select(Outcome).where(col(Outcome.status).in_(["reviewed", "ready"])))
    _record, link = substantiation.request_substantiation(
        session, ready, {"name": "Uafhængig Person", "role": "Frivillig"}, by=None
    )
    tokens = {}
    for role, email in ROLES.items():
        user = accounts.user_by_email(session, email) if email else None
        if user is not None:
            tokens[role] = accounts.create_token(session, user)
    someone = _first(session, select(User).order_by(col(User.id)))
    reset = accounts.issue_password_link(session, someone, accounts.RESET, by=None)
    # Their last use is fresh, so no request is due to keep it: no write at all is allowed.
    session.execute(sqlalchemy.update(ApiToken).values(last_used_at=utcnow()))
    harvest = session.get(Harvest, draft.harvest_id)
    actor = _first(session, select(Actor).where(col(Actor.municipality_id).is_not(None)))
    world = {
        "tokens": tokens,
        "harvest": harvest.slug,
        "municipality": session.get(Municipality, actor.municipality_id).slug,
        "actor": actor.id,
        "values": {
            "actor_id": [actor.id],
            "tie_id": [_first(session, select(Tie.id))],
            "outcome_id": [final.id, draft.id],
            "other_id": [draft.id],
            "need_id": [_first(session, select(InformationNeed.id))],
            "municipality": ["helsingor"],
            "group": ["helsingor"],
            "place_id": [_first(session, select(GroupActor.id).order_by(col(GroupActor.id)))],
            "initiative_id": [
                _first(session, select(Initiative.id).where(col(Initiative.status) == s))
                for s in ("draft", "published")
            ],
            "substantiation_id": [_first(session, select(Substantiation.id))],
            "token": [link, "not-a-link"],
            "user_id": [someone.id],
            "link": [reset, "not-a-link"],
            "fmt": sorted(SUFFIXES),
        },
        "slugs": {
            "coding.scheme": _first(session, select(CodingScheme.slug)),
            "knowledge.page": "skriv-en-forandring",
            "api.groups_detail": _first(session, select(ImplementationGroup.slug)),
            "api.municipalities_detail": "helsingor",
        },
    }
    session.commit()
    return world


def _paths(app: Flask, world: dict[str, Any]) -> list[str]:
    """Return a URL of every GET route, once per sample value of its id, and a few queries."""
    paths: list[str] = []
    adapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint in SKIP_ENDPOINTS:
            continue
        choices: list[dict[str, Any]] = [{}]
        for name in sorted(rule.arguments):
            if name in ("slug", "key"):
                options = [world["slugs"].get(rule.endpoint, world["harvest"])]
            else:
                options = world["values"][name]
            choices = [{**c, name: v} for c in choices for v in options]
        paths += [adapter.build(rule.endpoint, values) for values in choices]
    municipality, actor = world["municipality"], world["actor"]
    paths += [
        f"/kort/?municipality={municipality}",
        f"/kort/?municipality={municipality}&focus={actor}&depth=2&form=bridging",
        "/kort/?as_of=2024-01-01&size=betweenness&q=a&view=table",
        f"/kort/forandring?harvest={world['harvest']}",
        f"/kort/hent.json?municipality={municipality}&form=linking",
        f"/api/v1/graph?municipality={municipality}",
        "/api/v1/graph?form=bonding&as_of=2025-01-01",
        "/outcomes?q=bibliotek",
        "/initiativer/?kind=joint_activity&status=published&municipality=helsingor&q=kor",
        "/api/v1/initiatives?kind=referral_routine&status=draft",
        "/metode/?format=md&lang=en",
        f"/metode/{municipality}?format=md",
        "/aktoerer/?q=forening&has_municipal_tie=1",
        f"/api/v1/outcomes?harvest={world['harvest']}&status=draft,final&page=2&per_page=2",
        f"/api/v1/actors?municipality={municipality}&q=a",
        f"/api/v1/ties?as_of=2025-01-01&municipality={municipality}",
        "/?lang=en",
    ]
    return paths


def _signed_in(app: Flask, email: str | None) -> FlaskClient:
    client = app.test_client()
    if email:
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
    return client


@pytest.fixture
def writes(app: Flask) -> Iterator[list[str]]:
    """Collect every writing SQL statement the app's engine runs (the cache aside)."""
    seen: list[str] = []
    engine: Engine = app.extensions["brobyg.engine"]

    def _before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        text = statement.lstrip().upper()
        if text.startswith(WRITES) and not any(t.upper() in text for t in ASIDE_TABLES):
            seen.append(statement.split("\n")[0][:160])

    event.listen(engine, "before_cursor_execute", _before)
    yield seen
    event.remove(engine, "before_cursor_execute", _before)


def test_no_get_of_any_role_changes_the_database(app, engine, demo_world, writes):
    clients = {role: _signed_in(app, email) for role, email in ROLES.items()}
    paths = _paths(app, demo_world)
    before = fingerprint(engine)
    del writes[:]  # the sign-ins above keep their time; from here on only GETs
    failures: dict[str, int] = {}
    statuses: dict[int, int] = {}
    writers: dict[str, list[str]] = {}
    for role, client in clients.items():
        token = demo_world["tokens"].get(role)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for path in paths:
            response = client.get(path, headers=headers if path.startswith("/api/") else {})
            response.close()  # files are streamed
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                failures[f"{role} {path}"] = response.status_code
            if writes:
                writers[f"{role} {path}"] = list(writes)
                del writes[:]
    assert failures == {}
    assert writers == {}
    assert fingerprint(engine) == before
    assert statuses.get(200, 0) > len(paths), statuses  # most pages were really shown


def test_a_due_token_use_is_kept_beside_a_get(client, session, demo_world, writes):
    token = demo_world["tokens"]["staff"]
    session.execute(sqlalchemy.update(ApiToken).values(last_used_at=None))
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/actors", headers=headers).status_code == 200
    assert client.get("/api/v1/ties", headers=headers).status_code == 200
    assert [w.split(" SET")[0] for w in writes] == ["UPDATE apitoken"]  # once, not per request
    session.rollback()  # a new snapshot
    used = session.scalars(select(ApiToken.last_used_at).where(ApiToken.prefix == token[:12]))
    assert used.one() is not None


def test_signing_in_keeps_its_time_without_a_new_version_or_history(
    app, engine, session, demo_world, writes
):
    email = ROLES["evaluator"]
    user = accounts.user_by_email(session, email)
    version = user.version
    before = fingerprint(engine)
    _signed_in(app, email)
    session.rollback()  # a new snapshot
    again = accounts.user_by_email(session, email)
    assert again.last_login_at is not None
    assert again.version == version
    assert fingerprint(engine) == before  # no history row
