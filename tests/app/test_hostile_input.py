"""No hostile id, query string, form field or JSON body makes any route answer 500 or 503.

Every rule in `app.url_map` (web and API, every method) is walked with hostile values in
each path argument and in the query string, anonymous and signed in as the demo
evaluator; every API write gets hostile JSON bodies. One test loads the demo once and
collects every failing answer, so a failure lists them all.
"""

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.routing import Rule

from harvest import accounts, demo
from harvest.models import (
    Actor,
    CodingScheme,
    InformationNeed,
    Outcome,
    Substantiation,
    Tie,
)

EVALUATOR = "evaluator@brobyg.example.dk"
HOSTILE_IDS = [
    "99999999999999999999",
    "2147483648",
    "²",
    "٣",
    "-1",
    "0",
    "%00",
    "%ED%A0%80",
]
HOSTILE_VALUES = [*HOSTILE_IDS, "%FF", "2025-13-45", "x" * 300]
QUERY_NAMES = [
    "page", "q", "status", "actor", "focus", "depth", "from", "to", "as_of", "municipality",
    "kind", "sector", "form", "size", "harvest", "answered", "access", "tied", "when",
    "type_of_change", "lang", "next", "version", "id", "outcome", "outcome_id", "actor_id",
    "harvest_id", "source_id", "target_id", "per_page", "limit",
]  # fmt: skip
HOSTILE_QUERIES = [
    "page=²&q=%00&status=%ED%A0%80",
    "%00=1",
    "%ED%A0%80=1",
    *("&".join(f"{name}={value}" for name in QUERY_NAMES) for value in HOSTILE_VALUES),
]
SKIPPED = {"auth.logout"}  # would sign the walker out; it takes no arguments


@pytest.fixture
def loaded(session: Session) -> Session:
    demo.load_demo(session)
    session.commit()
    return session


def _good_values(session: Session) -> dict[tuple[str, str], str]:
    """Return a working value for each (endpoint prefix, argument) of the demo data."""

    def first(model: Any) -> str:
        return str(session.exec(select(model.id).order_by(model.id)).first())

    scheme = session.exec(select(CodingScheme.slug)).first()
    return {
        ("", "actor_id"): first(Actor),
        ("", "outcome_id"): first(Outcome),
        ("", "tie_id"): first(Tie),
        ("", "need_id"): first(InformationNeed),
        ("", "substantiation_id"): first(Substantiation),
        ("", "slug"): "helsingor-2025",
        ("coding.", "slug"): str(scheme),
        ("knowledge.", "slug"): "skriv-en-forandring",
        ("api.harvests", "key"): "helsingor-2025",
        ("api.groups", "key"): "helsingor",
        ("api.municipalities", "key"): "helsingor",
        ("", "token"): "no-such-token",
        ("", "fmt"): "json",
        ("", "filename"): "app.css",
    }


def _good(values: dict[tuple[str, str], str], endpoint: str, argument: str) -> str:
    matches = [(p, v) for (p, a), v in values.items() if a == argument and endpoint.startswith(p)]
    return max(matches, key=lambda match: len(match[0]))[1]


def _url(rule: Rule, arguments: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: arguments[m.group(1)], rule.rule)


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def _rules(app: Flask) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED]


def _walkers(client: FlaskClient, session: Session) -> list[tuple[str, dict[str, str]]]:
    """Sign the client in as the demo evaluator; return (who, API headers) to walk as."""
    user = accounts.user_by_email(session, EVALUATOR)
    assert user is not None
    token = accounts.create_token(session, user)
    session.commit()
    signed_in = client.post("/login", data={"email": EVALUATOR, "password": demo.DEMO_PASSWORD})
    assert signed_in.status_code == 302
    return [("evaluator", {"Authorization": f"Bearer {token}"}), ("anonymous", {})]


def _failures(
    client: FlaskClient, requests: list[tuple[str, str]], headers: dict[str, str], who: str
) -> dict[str, int]:
    failed = {}
    for method, url in requests:
        with_headers = headers if url.startswith("/api/") else {}
        response = client.open(url, method=method, headers=with_headers)
        response.close()  # files sent by send_file
        if response.status_code >= 500:
            failed[f"{who} {method} {url}"] = response.status_code
    return failed


def _walk(client: FlaskClient, session: Session, requests: list[tuple[str, str]]) -> None:
    failed: dict[str, int] = {}
    for who, headers in _walkers(client, session):
        if who == "anonymous":
            client.post("/logout")
        failed |= _failures(client, requests, headers, who)
    assert not failed, "\n".join(f"{status} {request}" for request, status in failed.items())


def test_hostile_path_arguments_never_answer_500(app, client, loaded):
    good = _good_values(loaded)
    requests = []
    for rule in _rules(app):
        for argument in rule.arguments:
            arguments = {a: _good(good, rule.endpoint, a) for a in rule.arguments}
            for value in HOSTILE_IDS:
                url = _url(rule, {**arguments, argument: value})
                requests += [(method, url) for method in _methods(rule)]
    assert len(requests) > 300
    _walk(client, loaded, requests)


def test_hostile_query_strings_never_answer_500(app, client, loaded):
    good = _good_values(loaded)
    requests = []
    for rule in _rules(app):
        url = _url(rule, {a: _good(good, rule.endpoint, a) for a in rule.arguments})
        for query in HOSTILE_QUERIES:
            requests += [(method, f"{url}?{query}") for method in _methods(rule)]
    _walk(client, loaded, requests)
