"""No hostile id, query string, form field or JSON body makes any route answer 500 or 503.

Every rule in `app.url_map` (web and API, every method) is walked with hostile values in
each path argument and in the query string, anonymous and signed in as the demo
evaluator; every API write gets hostile JSON bodies. Each walking test loads the demo once and
collects every failing answer, so a failure lists them all.
"""

import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.routing import Rule

from app.cli import main
from harvest import accounts, demo
from harvest.models import (
    Actor,
    CodingScheme,
    GroupActor,
    HarvestQuestion,
    InformationNeed,
    Initiative,
    Outcome,
    Substantiation,
    Tie,
    User,
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
def loaded(session: Session, demo_data: None) -> Session:
    return session


def _good_values(session: Session) -> dict[tuple[str, str], str]:
    """Return a working value for each (endpoint prefix, argument) of the demo data."""

    def first(model: Any) -> str:
        return str(session.exec(select(model.id).order_by(model.id)).first())

    scheme = session.exec(select(CodingScheme.slug)).first()
    return {
        ("", "actor_id"): first(Actor),
        ("", "outcome_id"): first(Outcome),
        ("", "other_id"): str(session.exec(select(Outcome.id).order_by(Outcome.id.desc())).first()),
        ("", "comment_id"): "1",
        ("", "tie_id"): first(Tie),
        ("", "need_id"): first(InformationNeed),
        ("", "place_id"): first(GroupActor),  # a place in the group helsingor, loaded first
        ("", "group"): "helsingor",
        ("", "municipality"): "helsingor",
        ("", "initiative_id"): first(Initiative),
        ("", "question_id"): first(HarvestQuestion),
        ("", "substantiation_id"): first(Substantiation),
        ("", "slug"): "helsingor-2025",
        ("coding.", "slug"): str(scheme),
        ("knowledge.", "slug"): "skriv-en-forandring",
        ("api.harvests", "key"): "helsingor-2025",
        ("api.groups", "key"): "helsingor",
        ("api.municipalities", "key"): "helsingor",
        ("", "token"): "no-such-token",
        ("", "link"): "no-such-link",
        ("", "user_id"): first(User),
        ("", "token_id"): "1",
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


HOSTILE_BODIES = [
    b'{"harvest": "\\ud800", "title": "t", "status": "lead"}',
    b'{"\\ud800": 1, "harvest": "helsingor-2025"}',
    b'{"title": {"\\udfff": "x"}, "codes": {"type_of_change": ["\\ud800"]}}',
    b'{"title": "a\\u0000b", "a\\u0000": 1}',
    b'{"title": "\xed\xa0\x80"}',  # a surrogate encoded in UTF-8: json reads it as one
    b'{"title": "\xff"}',
    b'{"version": 99999999999999999999, "x": {"y": [123456789012345678901234567890]}}',
    b'{"version": ' + b"9" * 5000 + b"}",
    b'{"tier": 1e400, "strength": -1e400}',
    b'{"codes": ' + b"[" * 50 + b"]" * 50 + b"}",
    b'{"codes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
]


def test_hostile_json_bodies_never_answer_500_on_any_api_write(app, client, loaded):
    good = _good_values(loaded)
    headers = {**_walkers(client, loaded)[0][1], "Content-Type": "application/json"}
    failed = {}
    for rule in _rules(app):
        writes = [m for m in _methods(rule) if m in ("POST", "PUT", "PATCH")]
        if not rule.rule.startswith("/api/") or not writes:
            continue
        url = _url(rule, {a: _good(good, rule.endpoint, a) for a in rule.arguments})
        for method in writes:
            for number, payload in enumerate(HOSTILE_BODIES):
                response = client.open(url, method=method, data=payload, headers=headers)
                if response.status_code not in (400, 403, 404, 422) or not response.is_json:
                    failed[f"{method} {url} body {number}"] = response.status_code
    assert not failed, failed


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _level in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"harvest": "\ud800", "title": "t", "status": "lead"}, 422, "harvest"),
        ({"\udc00": 1, "harvest": "helsingor-2025", "title": "t"}, 422, "\ufffd"),
        ({"harvest": "helsingor-2025", "codes": {"k\ud800": ["x"]}}, 422, "codes"),
        ({"harvest": "helsingor-2025", "codes": _nested(30)}, 422, "codes"),
        ({"harvest": "helsingor-2025", "changed_actor_id": 2**63}, 422, "changed_actor_id"),
    ],
)  # fmt: skip
def test_unreadable_or_huge_json_values_are_refused_by_field(
    client, session, create_user, payload, status, field
):
    token = accounts.create_token(session, create_user("admin@example.dk", "admin"))
    session.commit()
    data = json.dumps(payload)  # ensure_ascii keeps lone surrogates as \\u escapes
    response = client.post(
        "/api/v1/outcomes",
        data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == status
    assert field in response.json["errors"]


def test_json_nested_deeper_than_python_reads_is_a_400(client, session, create_user):
    token = accounts.create_token(session, create_user("admin@example.dk", "admin"))
    session.commit()
    response = client.post(
        "/api/v1/outcomes",
        data=b'{"codes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json == {"error": "JSON'en er indlejret for dybt."}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/outcomes/99999999999999999999", 404),
        ("/outcomes/2147483648", 404),
        ("/outcomes/²", 404),
        ("/outcomes/٣", 404),  # int("٣") is 3: it must not show outcome 3
        ("/outcomes/-1", 404),
        ("/api/v1/actors/٣", 404),
        ("/api/v1/harvests/²", 401),  # slugs are looked up only after the token
        ("/outcomes?page=²", 200),
        ("/outcomes?page=99999999999999999999&actor=٣&from=2025-13-45", 200),
        ("/aktoerer/?page=-1", 200),
        ("/outcomes?q=%00", 400),
        ("/outcomes?status=%ED%A0%80", 400),
        ("/outcomes?%FF=1", 400),
        ("/outcomes/%00", 400),
        ("/api/v1/actors?q=%00", 400),
        ("/no/such/page/%00", 400),
    ],
)
def test_bad_ids_are_404_bad_pages_are_page_1_and_unreadable_text_is_400(client, url, status):
    response = client.get(url)
    assert response.status_code == status


def test_a_path_that_is_not_utf8_is_a_400(client):
    # The test client replaces invalid UTF-8 in a URL; a WSGI server passes the bytes on.
    response = client.get("/", environ_overrides={"PATH_INFO": "/harvests/\xed\xa0\x80"})
    assert response.status_code == 400


def test_unreadable_requests_answer_400_on_every_route_with_a_translated_page(app, client):
    failed = {}
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<[^>]+>", "1", rule.rule)
        for method in _methods(rule):
            answers = [client.open(f"{url}?q=%00", method=method)]
            if method != "GET":
                answers.append(client.open(url, method=method, data={"title": "a\x00b"}))
                answers.append(
                    client.open(url, method=method, data=b"title=%ED%A0%80",
                                content_type="application/x-www-form-urlencoded")
                )  # fmt: skip
                answers.append(
                    client.open(url, method=method, data={"file": (io.BytesIO(b"x"), "a\x00.csv")})
                )
            for number, response in enumerate(answers):
                if url.startswith("/api/"):
                    right = response.is_json and "error" in response.json
                else:
                    right = "Forespørgslen kunne ikke forstås" in response.get_data(as_text=True)
                if response.status_code != 400 or not right:
                    failed[f"{method} {url} #{number}"] = response.status_code
    assert not failed, failed


def test_an_upload_whose_file_name_is_not_utf8_is_refused(client):
    body = (
        b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''%ED%A0%80.csv\r\n"
        b"Content-Type: text/csv\r\n\r\nx\r\n--b--\r\n"
    )
    response = client.post(
        "/harvests/h/import", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "args",
    [
        ["export", "harvest", "\x00", "--format", "json", "-o", "-"],
        ["export", "harvest", "\udced\udca0\udc80", "--format", "json", "-o", "-"],
        ["export", "harvest", "h", "--format", "json", "-o", "a\x00b"],
        ["import", "outcomes", "a\x00.csv", "--harvest", "h"],
        ["token", "create", "\x00@example.dk"],
        ["user", "create", "x\udcff@example.dk", "--role", "staff"],
    ],
)
def test_cli_refuses_unreadable_arguments_in_one_line(runner, args):
    result = runner.invoke(main, args, input="long enough password\n")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "NUL" in result.output


def test_cli_import_refuses_nul_bytes_in_a_spreadsheet_cell(
    runner, session, create_harvest, tmp_path
):
    create_harvest("h")
    session.commit()
    path = tmp_path / "outcomes.csv"
    path.write_bytes("title;change;status\nBiblioteket\x00;Låner ud;lead\n".encode())
    result = runner.invoke(main, ["import", "outcomes", str(path), "--harvest", "h"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
