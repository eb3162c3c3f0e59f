"""What Brobyg promises about the way it is reached: links built on BROBYG_BASE_URL and
never on the Host header, the proxy it trusts (BROBYG_PROXY_HOPS), secure cookies and HSTS
beyond this machine, no-store on private pages, and a new CSRF token at each sign-in."""

import re

import pytest

from app import create_app
from harvest import accounts
from tests.conftest import PASSWORD

PERSON = {"name": "Mette Test", "email": "mette@example.dk", "role": "Leder af SIND"}
BASE = "https://brobyg.helsingor.dk"


@pytest.fixture
def evaluator_token(session, create_user, create_harvest, create_outcome):
    outcome = create_outcome(harvest=create_harvest(slug="hel"))
    outcome.status = "ready"
    token = accounts.create_token(session, create_user())
    session.commit()
    return {"headers": {"Authorization": f"Bearer {token}"}, "outcome_id": outcome.id}


def _make_app(database_url, tmp_path, monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    return app


@pytest.fixture
def make_app(database_url, tmp_path, monkeypatch):
    made = []

    def make(**environment):
        made.append(_make_app(database_url, tmp_path, monkeypatch, **environment))
        return made[-1]

    yield make
    for app in made:
        app.extensions["brobyg.engine"].dispose()


def _ask(client, token, **headers):
    data = {"outcome_id": token["outcome_id"], **PERSON}
    return client.post(
        "/api/v1/substantiations", json=data, headers={**token["headers"], **headers}
    )


def test_a_forged_host_header_does_not_make_the_personal_link(client, evaluator_token):
    link = _ask(client, evaluator_token, Host="evil.example").json["link"]
    assert "evil.example" not in link
    assert link.startswith("http://127.0.0.1:5000/s/")


def test_personal_links_start_at_the_base_url(make_app, evaluator_token):
    client = make_app(BROBYG_BASE_URL=BASE + "/").test_client()
    answer = _ask(client, evaluator_token, Host="evil.example", **{"X-Forwarded-Proto": "http"})
    assert answer.json["link"].startswith(BASE + "/s/")


def test_the_substantiation_page_shows_the_link_on_the_base_url(make_app, evaluator_token):
    client = make_app(BROBYG_BASE_URL=BASE).test_client()
    secure = "https://evil.example"  # the cookie is Secure; every request names evil.example
    client.post(
        "/login", data={"email": "evaluator@example.dk", "password": PASSWORD}, base_url=secure
    )
    page = client.post(
        "/harvests/hel/substantiation",
        data={
            "rule": "",
            "outcome_ids": [str(evaluator_token["outcome_id"])],
            **PERSON,
            "expires_in_days": "30",
        },
        base_url=secure,
    )
    assert page.status_code == 201, page.get_data(as_text=True)[:3000]
    links = re.findall(r'value="([^"]*/s/[A-Za-z0-9_-]+)"', page.get_data(as_text=True))
    assert links and all(link.startswith(BASE + "/s/") for link in links)


def test_api_pages_continue_on_the_base_url(make_app, session, create_actor, evaluator_token):
    for _ in range(3):
        create_actor()
    session.commit()
    client = make_app(BROBYG_BASE_URL=BASE).test_client()
    first = client.get("/api/v1/actors?per_page=2", headers=evaluator_token["headers"]).json
    assert first["next"] == f"{BASE}/api/v1/actors?per_page=2&page=2"


def test_the_proxy_is_trusted_only_when_configured(make_app, create_user, session):
    create_user()
    session.commit()
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    plain = make_app().test_client()
    for _ in range(10):
        plain.post("/login", data={"email": "x@example.dk", "password": "wrong"}, headers=forwarded)
    # Without a trusted proxy the header is the caller's own claim: the real address counts.
    trusting = make_app(BROBYG_PROXY_HOPS="1").test_client()
    for n in range(30):
        trusting.post(
            "/login",
            data={"email": f"u{n}@example.dk", "password": "wrong"},
            headers=forwarded,
        )
    answer = trusting.post(
        "/login", data={"email": "evaluator@example.dk", "password": PASSWORD}, headers=forwarded
    )
    assert answer.status_code == 429  # 203.0.113.7 used up its wrong sign-ins
    other = {"X-Forwarded-For": "203.0.113.8", "X-Forwarded-Proto": "https"}
    answer = trusting.post(
        "/login", data={"email": "evaluator@example.dk", "password": PASSWORD}, headers=other
    )
    assert answer.status_code == 302


def test_cookies_are_secure_and_hsts_is_sent_beyond_this_machine(make_app, create_user, session):
    create_user()
    session.commit()
    client = make_app(BROBYG_BASE_URL=BASE).test_client()
    answer = client.post("/login", data={"email": "evaluator@example.dk", "password": PASSWORD})
    cookie = answer.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/healthz").headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize(
    "environment",
    [
        {},
        {"BROBYG_BASE_URL": "http://127.0.0.1:5000"},
        {"BROBYG_BASE_URL": BASE, "BROBYG_INSECURE_LOCAL_HTTP": "1"},
    ],
)
def test_local_http_has_plain_cookies_and_no_hsts(make_app, create_user, session, environment):
    create_user()
    session.commit()
    client = make_app(**environment).test_client()
    answer = client.post("/login", data={"email": "evaluator@example.dk", "password": PASSWORD})
    cookie = answer.headers["Set-Cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_signed_in_pages_are_never_stored(client, create_user, session):
    create_user()
    session.commit()
    assert client.get("/").headers.get("Cache-Control") != "no-store"
    client.post("/login", data={"email": "evaluator@example.dk", "password": PASSWORD})
    for path in ("/", "/outcomes", "/aktoerer/"):
        assert client.get(path).headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/brobyg.css")
    static.close()
    assert static.headers.get("Cache-Control") != "no-store"


def test_substantiation_pages_are_never_stored(client):
    assert client.get("/s/no-such-link").headers["Cache-Control"] == "no-store"


def test_api_answers_are_never_stored(client, evaluator_token):
    answer = client.get("/api/v1/actors", headers=evaluator_token["headers"])
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_csrf_token_is_new_after_sign_in(database_url, tmp_path, create_user, session):
    create_user()
    session.commit()
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    app.instance_path = str(tmp_path / "instance")
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
    assert token
    before = token.group(1)
    answer = client.post(
        "/login",
        data={"email": "evaluator@example.dk", "password": PASSWORD, "csrf_token": before},
    )
    assert answer.status_code == 302
    # A token an attacker planted or read before the sign-in is refused after it.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    fresh = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/logout").text)
    assert fresh
    assert client.post("/logout", data={"csrf_token": fresh.group(1)}).status_code == 302
    app.extensions["brobyg.engine"].dispose()


def test_a_body_over_the_limit_gets_the_translated_413_page(client):
    answer = client.post("/login", data={"email": "x" * (9 * 1024 * 1024), "password": "y"})
    assert answer.status_code == 413
    assert "8 MB" in answer.get_data(as_text=True)
