"""Many people at once, against the real server (waitress, in-process, 127.0.0.1 only):
readers beside writers get no 5xx, simultaneous saves of one version give one winner and
conflicts for the rest, and simultaneous sign-ins to one account both succeed."""

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest

from harvest import accounts, coding
from tests.conftest import PASSWORD

# How long readers and writers run side by side (the issue asks for 30 s on SQLite).
SOAK_SECONDS = 30
READERS = 4
WRITERS = 4
SAME_VERSION_SAVES = 20
REQUEST_TIMEOUT = 300  # a safety net only: a loaded machine may answer slowly, never wrongly
LOGIN_ROUNDS = 3


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kw: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def call(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, dict[str, str]]:
    """Send one request; return its status, its JSON body (or None) and its headers."""
    data = None
    sent = dict(headers or {})
    if isinstance(body, dict) and sent.get("Content-Type") == "form":
        data = urllib.parse.urlencode(body).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=sent)  # noqa: S310
    try:
        with _OPENER.open(request, timeout=REQUEST_TIMEOUT) as response:
            status, raw, got = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        status, raw, got = error.code, error.read(), dict(error.headers)
        error.close()
    is_json = got.get("Content-Type", "").startswith("application/json")
    return status, json.loads(raw) if is_json and raw else None, got


@pytest.fixture
def world(session, create_user, create_municipality, create_actor, create_tie, create_outcome):
    """A municipality with actors and ties, an outcome, and an evaluator with a token."""
    create_municipality()
    coding.ensure_default_scheme(session)
    evaluator = create_user("evaluator@example.dk", "evaluator")
    actors = [create_actor(name=f"Forening {n}", municipality="helsingor") for n in range(8)]
    ties = [create_tie(actors[n], actors[n + 1]) for n in range(4)]
    outcome = create_outcome(actor=actors[0], contributor_ids=[actors[1].id])
    token = accounts.create_token(session, evaluator)
    session.commit()
    return SimpleNamespace(
        actors=[a.id for a in actors],
        ties=[t.id for t in ties],
        outcome=outcome.id,
        email=evaluator.email,
        headers={"Authorization": f"Bearer {token}"},
    )


def _at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(0..count-1)` in `count` threads that start together; return the results."""
    barrier = threading.Barrier(count, timeout=REQUEST_TIMEOUT)

    def start(n: int) -> Any:
        barrier.wait()
        return work(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(start, range(count), timeout=3 * REQUEST_TIMEOUT))


# --- readers beside writers -----------------------------------------------------------


def test_readers_beside_writers_get_no_server_errors(live_server, world):
    api = f"{live_server}/api/v1"
    deadline = time.monotonic() + SOAK_SECONDS
    lock = threading.Lock()
    seen: Counter[str] = Counter()

    def note(kind: str, status: int) -> None:
        with lock:
            seen[f"{kind} {status}"] += 1

    def read(n: int) -> None:
        paths = [
            "/actors?municipality=helsingor",
            f"/actors/{world.actors[n % 4]}",
            "/ties?municipality=helsingor",
            f"/ties/{world.ties[n % 4]}",
            "/outcomes",
        ]
        i = 0
        while time.monotonic() < deadline:
            status, _body, _h = call("GET", api + paths[i % len(paths)], headers=world.headers)
            note("read", status)
            i += 1

    def write(n: int) -> None:
        # Two writers share each record, so they conflict and must retry with the new version.
        resource, ident = (
            ("actors", world.actors[n // 2]) if n < 2 else ("ties", world.ties[n // 2])
        )
        url = f"{api}/{resource}/{ident}"
        status, record, _h = call("GET", url, headers=world.headers)
        note("read", status)
        i = 0
        while time.monotonic() < deadline and record is not None:
            i += 1
            change = (
                {"profile": f"Skrevet af {n} gang {i}"}
                if resource == "actors"
                else {
                    "strength": 1 + i % 3,
                    "note": f"Skrevet af {n} gang {i}",
                }
            )
            status, answer, _h = call(
                "PATCH", url, {**change, "version": record["version"]}, world.headers
            )
            note("write", status)
            if status == 200:
                record = answer
            elif status == 409:
                record = answer["current"]
            else:  # counted as a failure above; read the record again and carry on
                status, record, _h = call("GET", url, headers=world.headers)
                note("read", status)

    with ThreadPoolExecutor(max_workers=READERS + WRITERS) as pool:
        futures = [pool.submit(read, n) for n in range(READERS)]
        futures += [pool.submit(write, n) for n in range(WRITERS)]
        for future in futures:
            future.result(timeout=SOAK_SECONDS + 3 * REQUEST_TIMEOUT)
    counts = dict(sorted(seen.items()))
    errors = {k: v for k, v in counts.items() if int(k.split()[1]) >= 500}
    assert errors == {}, counts
    assert {int(k.split()[1]) for k in counts} <= {200, 409}, counts
    assert seen["read 200"] > 0 and seen["write 200"] > 0, counts


# --- one version saved twenty times at once --------------------------------------------


def _same_version_saves(url: str, headers: dict[str, str], change: Callable[[int], dict]) -> Any:
    status, record, _h = call("GET", url, headers=headers)
    assert status == 200
    version = record["version"]

    def save(n: int) -> tuple[int, Any]:
        status, answer, _h = call("PATCH", url, {**change(n), "version": version}, headers)
        return status, answer

    results = _at_once(SAME_VERSION_SAVES, save)
    statuses = Counter(status for status, _answer in results)
    assert statuses == {200: 1, 409: SAME_VERSION_SAVES - 1}, statuses
    (winner,) = [n for n, (status, _a) in enumerate(results) if status == 200]
    return winner, results


def test_saves_of_one_actor_version_at_once_give_one_winner(live_server, world):
    url = f"{live_server}/api/v1/actors/{world.actors[0]}"
    winner, results = _same_version_saves(
        url, world.headers, lambda n: {"profile": f"Version fra {n}"}
    )
    _s, stored, _h = call("GET", url, headers=world.headers)
    assert stored["profile"] == f"Version fra {winner}"
    assert {a["current"]["version"] for s, a in results if s == 409} <= {stored["version"]}


def test_saves_of_one_tie_version_at_once_give_one_winner(live_server, world):
    url = f"{live_server}/api/v1/ties/{world.ties[0]}"
    winner, _results = _same_version_saves(
        url, world.headers, lambda n: {"note": f"Note fra {n}", "strength": 1 + n % 3}
    )
    _s, stored, _h = call("GET", url, headers=world.headers)
    assert stored["note"] == f"Note fra {winner}"


def test_saves_of_one_outcomes_contributors_at_once_keep_exactly_the_winners(live_server, world):
    url = f"{live_server}/api/v1/outcomes/{world.outcome}"
    others = world.actors[1:]

    def contributors(n: int) -> list[int]:
        return sorted({others[n % len(others)], others[(n * 3 + 1) % len(others)]})

    winner, _results = _same_version_saves(
        url, world.headers, lambda n: {"contributor_ids": contributors(n)}
    )
    _s, stored, _h = call("GET", url, headers=world.headers)
    assert sorted(stored["contributor_ids"]) == contributors(winner)


# --- sign-ins -------------------------------------------------------------------------


def test_two_simultaneous_sign_ins_to_one_account_both_succeed(live_server, world):
    form = {"email": world.email, "password": PASSWORD}

    def sign_in(_n: int) -> tuple[int, str]:
        status, _body, headers = call(
            "POST", f"{live_server}/login", form, {"Content-Type": "form"}
        )
        return status, headers.get("Location", "")

    for _round in range(LOGIN_ROUNDS):
        results = _at_once(2, sign_in)
        assert [status for status, _where in results] == [302, 302], results
        assert all("/login" not in where for _status, where in results), results
