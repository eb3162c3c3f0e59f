"""Throttling: wrong sign-ins per account and per address (also across two app processes
sharing Redis), the substantiation link page per address, and the API per token."""

import logging

import pytest
import redis

from app import create_app
from harvest import accounts
from tests.conftest import PASSWORD

EMAIL = "evaluator@example.dk"
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def evaluator(session, create_user):
    user = create_user(EMAIL)
    session.commit()
    return user


def _login(client, password, email=EMAIL, address="10.0.0.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_wrong_sign_ins_are_throttled_per_account_even_for_the_right_password(client, evaluator):
    answers = [_login(client, f"wrong-{n}", address=f"10.0.0.{n}").status_code for n in range(25)]
    assert answers[:10] == [422] * 10
    assert set(answers[10:]) == {429}
    refused = _login(client, PASSWORD, address="10.9.9.9")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    page = refused.get_data(as_text=True)
    assert "For mange forsøg" in page
    assert client.get("/", headers={"Accept-Language": "en"}).status_code == 200


def test_the_limit_page_speaks_english_on_request(client, evaluator):
    for n in range(10):
        _login(client, f"wrong-{n}")
    refused = client.post("/login?lang=en", data={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_wrong_sign_ins_are_throttled_per_address(client, evaluator):
    answers = [_login(client, "wrong", email=f"user{n}@example.dk").status_code for n in range(31)]
    assert answers[:30] == [422] * 30
    assert answers[30] == 429
    assert _login(client, PASSWORD).status_code == 429  # same address
    assert _login(client, PASSWORD, address="10.0.0.2").status_code == 302  # another one


def test_right_sign_ins_do_not_count(client, evaluator):
    for _ in range(15):
        assert _login(client, PASSWORD).status_code == 302
        client.post("/logout")


def test_failed_sign_ins_are_logged_without_the_password(client, evaluator, caplog):
    with caplog.at_level(logging.WARNING, logger="brobyg.auth"):
        _login(client, "secret-guess-123", address="10.1.2.3")
    text = caplog.text
    assert EMAIL in text and "10.1.2.3" in text
    assert "secret-guess-123" not in text


@pytest.fixture
def shared_redis():
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    yield REDIS_URL
    store.flushdb()


def _app(database_url, tmp_path, redis_url, name):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "REDIS_URL": redis_url,
        }
    )
    app.instance_path = str(tmp_path / name)
    return app


def test_the_sign_in_limit_holds_across_two_server_processes(
    database_url, tmp_path, evaluator, shared_redis
):
    first = _app(database_url, tmp_path, shared_redis, "one")
    second = _app(database_url, tmp_path, shared_redis, "two")
    try:
        clients = [first.test_client(), second.test_client()]
        answers = [_login(clients[n % 2], f"wrong-{n}").status_code for n in range(25)]
        assert answers[:10] == [422] * 10
        assert set(answers[10:]) == {429}
        assert _login(clients[0], PASSWORD).status_code == 429
        assert _login(clients[1], PASSWORD).status_code == 429
    finally:
        for app in (first, second):
            app.extensions["brobyg.engine"].dispose()


def test_without_redis_each_app_counts_alone(database_url, tmp_path, evaluator):
    first = _app(database_url, tmp_path, "", "one")
    second = _app(database_url, tmp_path, "", "two")
    try:
        for n in range(10):
            _login(first.test_client(), f"wrong-{n}")
        assert _login(first.test_client(), PASSWORD).status_code == 429
        assert _login(second.test_client(), PASSWORD).status_code == 302
    finally:
        for app in (first, second):
            app.extensions["brobyg.engine"].dispose()


def test_substantiation_links_are_throttled_per_address(client):
    answers = [
        client.get(f"/s/guess{n}", environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code
        for n in range(61)
    ]
    assert 429 not in answers[:60]
    assert answers[60] == 429
    assert client.get("/s/guess", environ_base={"REMOTE_ADDR": "10.0.0.6"}).status_code != 429


def test_the_api_is_throttled_per_token(app, session, evaluator):
    app.config["LIMIT_API_TOKEN"] = "5 per minute"
    token = accounts.create_token(session, evaluator)
    session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    answers = [client.get("/api/v1/actors", headers=headers).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    over = client.get("/api/v1/actors", headers=headers)
    assert over.status_code == 429
    assert over.is_json and "error" in over.get_json()
    assert int(over.headers["Retry-After"]) > 0
    assert over.headers["Cache-Control"] == "no-store"


def test_bad_api_tokens_are_throttled_per_address(client):
    headers = {"Authorization": "Bearer not-a-token"}
    answers = [client.get("/api/v1/actors", headers=headers).status_code for _ in range(31)]
    assert answers[:30] == [401] * 30
    assert answers[30] == 429
