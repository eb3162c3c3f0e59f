"""Sessions that end: a copied cookie stops working after logout, a password change,
deactivation, "sign out everywhere", an idle spell and the longest lifetime."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from harvest import accounts
from harvest.models import User, utcnow
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase"  # noqa: S105 - test accounts only


class Clock:
    """A clock the test moves by hand, handed to the app as its `CLOCK`."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app):
    clock = Clock()
    app.config["CLOCK"] = clock
    return clock


@pytest.fixture
def evaluator(session, create_user):
    user = create_user()
    session.commit()
    return user


def _sign_in(client, email="evaluator@example.dk", password=PASSWORD):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def _copy(app, client):
    """Return a second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    return "Log ud" in client.get("/").get_data(as_text=True)


def _fresh(session, user):
    session.expire_all()
    return session.get(User, user.id)


def test_a_cookie_saved_before_logout_is_refused_after(app, client, clock, evaluator):
    _sign_in(client)
    thief = _copy(app, client)
    assert _signed_in(thief)
    assert client.post("/logout").status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(thief)
    assert thief.get("/behov/").status_code == 302  # sent to sign in


def test_logout_ends_the_other_browsers_too_and_a_new_sign_in_works(app, client, clock, evaluator):
    _sign_in(client)
    other = app.test_client()
    _sign_in(other)
    client.post("/logout")
    assert not _signed_in(other)
    _sign_in(other)
    assert _signed_in(other)


def test_a_password_change_ends_every_earlier_session(app, client, clock, session, evaluator):
    _sign_in(client)
    thief = _copy(app, client)
    user = accounts.get_user(session, evaluator.id)
    accounts.change_password(
        session, user, PASSWORD, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, by=user
    )
    session.commit()
    assert not _signed_in(client)
    assert not _signed_in(thief)
    client.post("/login", data={"email": "evaluator@example.dk", "password": PASSWORD})
    assert not _signed_in(client)
    _sign_in(client, password=NEW_PASSWORD)
    assert _signed_in(client)


def test_deactivation_ends_every_session_and_sign_in(app, client, clock, session, evaluator):
    _sign_in(client)
    thief = _copy(app, client)
    user = accounts.get_user(session, evaluator.id)
    accounts.set_active(session, user, False, user.version, by=None)
    session.commit()
    assert not _signed_in(thief)
    assert (
        client.post(
            "/login", data={"email": "evaluator@example.dk", "password": PASSWORD}
        ).status_code
        == 422
    )
    user = _fresh(session, evaluator)
    accounts.set_active(session, user, True, user.version, by=None)
    session.commit()
    assert not _signed_in(thief)  # re-activating does not bring old cookies back
    _sign_in(client)
    assert _signed_in(client)


def test_sign_out_everywhere_ends_every_session(app, client, clock, session, evaluator):
    _sign_in(client)
    thief = _copy(app, client)
    accounts.end_sessions(session, accounts.get_user(session, evaluator.id))
    session.commit()
    assert not _signed_in(client)
    assert not _signed_in(thief)


def test_an_idle_session_ends_after_the_idle_timeout(app, client, clock, evaluator):
    assert app.config["SESSION_IDLE_TIMEOUT"] == timedelta(hours=8)
    _sign_in(client)
    thief = _copy(app, client)
    clock.advance(hours=7, minutes=59)
    assert _signed_in(client)
    clock.advance(hours=8, minutes=1)
    assert not _signed_in(thief)  # the copy was last used when signing in


def test_use_keeps_a_session_alive_until_its_lifetime_ends(app, client, clock, evaluator):
    _sign_in(client)
    for _ in range(5):  # used every two hours: never idle
        clock.advance(hours=2)
        assert _signed_in(client)
    clock.advance(hours=1, minutes=59)
    assert _signed_in(client)  # 11 h 59 min after signing in
    clock.advance(minutes=2)
    assert not _signed_in(client)  # past the longest lifetime (12 h)
    _sign_in(client)
    assert _signed_in(client)


def test_the_timeouts_are_settings(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("BROBYG_SESSION_IDLE_HOURS", "1")
    monkeypatch.setenv("BROBYG_SESSION_MAX_HOURS", "48")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    assert app.config["SESSION_IDLE_TIMEOUT"] == timedelta(hours=1)
    assert app.config["SESSION_MAX_AGE"] == timedelta(hours=48)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=48)
    app.extensions["brobyg.engine"].dispose()


def test_a_cookie_of_the_old_kind_is_refused(app, clock, evaluator):
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    forged = serializer.dumps({"_user_id": str(evaluator.id), "_fresh": True})
    client = app.test_client()
    client.set_cookie("session", forged)
    assert not _signed_in(client)


def test_signing_out_everywhere_raises_no_version_and_writes_no_history(session, evaluator, engine):
    user = accounts.get_user(session, evaluator.id)
    version = user.version
    first = accounts.end_sessions(session, user)
    second = accounts.end_sessions(session, user)
    session.commit()
    assert second == first + 1
    user = _fresh(session, evaluator)
    assert user.version == version and user.session_epoch == second
    from harvest.history import changes_of

    assert all(
        "session_epoch" not in (c.after or {}) for c in changes_of(session, "user_account", user.id)
    )


def test_a_sign_out_counts_from_the_stored_epoch_not_the_one_read(engine, session, evaluator):
    from harvest.db import open_session

    with open_session(engine) as one:
        accounts.end_sessions(one, accounts.get_user(one, evaluator.id))
        one.commit()
    with open_session(engine) as two:
        stale = accounts.get_user(two, evaluator.id)
        two.commit()  # SQLite cannot turn a reader into a writer after another wrote
        with open_session(engine) as three:
            accounts.end_sessions(three, accounts.get_user(three, evaluator.id))
            three.commit()
        accounts.end_sessions(two, stale)  # read before the other's bump: still counts
        two.commit()
    epoch = session.scalars(select(User.session_epoch).where(User.id == evaluator.id)).one()
    assert epoch == 3
