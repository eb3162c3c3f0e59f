"""The sign-in limit holds across two real `brobyg serve` processes that share Redis."""

import http.cookiejar
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
import redis
from sqlmodel import Session

from harvest import accounts
from tests.conftest import ON_SQLITE
from tests.processes import SAFETY_NET, serve, stop

REDIS_URL = "redis://127.0.0.1:6379/14"
EMAIL = "evaluator@example.dk"


@pytest.fixture
def two_servers(database_url: str, session: Session) -> Iterator[list[str]]:
    """Start two `brobyg serve` processes on one SQLite database and one Redis."""
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    accounts.create_user(
        session, {"email": EMAIL, "role": "evaluator", "password": "rigtig-adgangskode-1"}, by=None
    )
    session.commit()
    env = {
        **os.environ,
        "BROBYG_DATABASE_URL": database_url,
        "BROBYG_SECRET_KEY": "two-processes",
        "BROBYG_REDIS_URL": REDIS_URL,
    }
    started = [serve(env) for _ in range(2)]
    try:
        yield [url for _server, url in started]
    finally:
        for server, _url in started:
            stop(server)
        store.flushdb()


def _sign_in(url: str, password: str) -> int:
    """Sign in through the real form (with its CSRF token); return the answer's status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(url + "/login", timeout=SAFETY_NET).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert token, "the sign-in form has a CSRF token"
    data = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": EMAIL, "password": password}
    ).encode()
    try:
        with opener.open(url + "/login", data=data, timeout=SAFETY_NET) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return refused.code


@ON_SQLITE
def test_twenty_five_wrong_sign_ins_spread_over_two_processes_are_throttled(two_servers):
    answers = [_sign_in(two_servers[n % 2], "forkert-adgangskode") for n in range(25)]
    assert answers[:10] == [422] * 10, answers
    assert set(answers[10:]) == {429}, answers
    # The limit is shared: the right password is refused on the other process too.
    assert _sign_in(two_servers[1], "rigtig-adgangskode-1") == 429
