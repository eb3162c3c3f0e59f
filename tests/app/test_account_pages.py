"""Accounts on the web and the command line: invitations and resets by one-time link,
password change, roles, deactivation, and API tokens listed, expiring and revoked at once."""

import re
from datetime import timedelta

import pytest

from app.cli import main
from harvest import accounts
from harvest.models import utcnow
from tests.conftest import PASSWORD

NEW = "a-brand-new-passphrase"  # noqa: S105 - test accounts only


@pytest.fixture
def admin(session, create_user):
    user = create_user("admin@example.dk", "admin")
    session.commit()
    return user


def _sign_in(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def _api(client, token):
    return client.get("/api/v1/harvests", headers={"Authorization": f"Bearer {token}"})


def test_an_invited_user_sets_a_password_once_and_signs_in(app, client, admin):
    _sign_in(client, "admin@example.dk")
    page = client.post(
        "/admin/brugere/inviter", data={"email": "Ny@Example.dk", "role": "evaluator"}
    ).get_data(as_text=True)
    link = re.search(r'class="one-time-link">([^<]+)<', page).group(1)
    client.post("/logout")
    path = link.replace("http://localhost", "")
    assert "ny@example.dk" in client.get(path).get_data(as_text=True)
    short = client.post(path, data={"password": "kort", "confirm": "kort"})
    assert short.status_code == 422 and "mindst 12 tegn" in short.get_data(as_text=True)
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert client.get(path).status_code == 404  # used once
    assert _sign_in(client, "ny@example.dk", NEW).status_code == 302


def test_a_reset_link_expires(session, admin):
    token = accounts.issue_password_link(session, admin, accounts.RESET, by=None)
    later = utcnow() + timedelta(hours=accounts.LINK_HOURS, minutes=1)
    with pytest.raises(accounts.NotFound):
        accounts.use_password_link(session, token, {"password": NEW}, now=later)


def test_a_password_change_needs_the_current_one_and_the_same_new_twice(client, admin):
    _sign_in(client, "admin@example.dk")
    wrong = client.post(
        "/konto/adgangskode", data={"current": "nope", "password": NEW, "confirm": NEW}
    )
    assert wrong.status_code == 422 and "nuværende" in wrong.get_data(as_text=True)
    differ = client.post(
        "/konto/adgangskode", data={"current": PASSWORD, "password": NEW, "confirm": NEW + "x"}
    )
    assert differ.status_code == 422
    ok = client.post(
        "/konto/adgangskode", data={"current": PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert ok.status_code == 302
    assert "Log ud" in client.get("/konto/").get_data(as_text=True)  # this browser stays in


def test_an_admin_changes_a_role_and_deactivates_in_the_history(
    client, session, admin, create_user
):
    from harvest.groups import create_group
    from harvest.history import changes_of

    create_group(session, {"slug": "gruppe", "name": "Gruppe"}, by=None)
    staff = create_user("staff@example.dk", "staff")
    session.commit()
    _sign_in(client, "admin@example.dk")
    assert client.get(f"/admin/brugere/{staff.id}").status_code == 200
    response = client.post(
        f"/admin/brugere/{staff.id}/rolle",
        data={"role": "member", "groups": ["gruppe"], "version": str(staff.version)},
    )
    assert response.status_code == 302
    stale = client.post(
        f"/admin/brugere/{staff.id}/rolle",
        data={"role": "staff", "version": str(staff.version)},
    )
    assert stale.status_code == 409
    client.post(f"/admin/brugere/{staff.id}/aktiv", data={"active": "0"})
    session.expire_all()
    user = accounts.get_user(session, staff.id)
    assert user.role == "member" and not user.active
    assert accounts.group_slugs_of(session, user) == ["gruppe"]
    last = changes_of(session, "user_account", staff.id)[-1]
    assert last.after["active"] is False and last.after["groups"] == ["gruppe"]
    client.post("/logout")
    assert _sign_in(client, "staff@example.dk").status_code != 302


def test_a_revoked_token_is_refused_at_once_on_the_account_page(client, session, admin):
    token = accounts.create_token(session, admin)
    session.commit()
    assert _api(client, token).status_code == 200
    _sign_in(client, "admin@example.dk")
    page = client.get("/konto/").get_data(as_text=True)
    assert token[:12] in page
    [record] = accounts.list_tokens(session, admin)
    assert client.post(f"/konto/noegler/{record.id}/tilbagekald").status_code == 302
    assert _api(client, token).status_code == 401


def test_someone_elses_token_cannot_be_revoked_from_your_account(
    client, session, admin, create_user
):
    other = create_user("staff@example.dk", "staff")
    token = accounts.create_token(session, admin)
    session.commit()
    [record] = accounts.list_tokens(session, admin)
    _sign_in(client, "staff@example.dk")
    assert client.post(f"/konto/noegler/{record.id}/tilbagekald").status_code == 404
    assert accounts.user_for_token(session, token) is not None
    assert other.active


def test_an_expired_token_is_refused(client, session, admin):
    token = accounts.create_token(session, admin, days=1, now=utcnow() - timedelta(days=2))
    session.commit()
    assert _api(client, token).status_code == 401


@pytest.fixture
def brobyg(runner):
    def invoke(*args, input=None):
        return runner.invoke(main, list(args), input=input)

    return invoke


def test_tokens_on_the_command_line(brobyg, session, admin):
    created = brobyg("token", "create", "admin@example.dk", "--days", "30")
    assert created.exit_code == 0
    token = created.stdout.strip().splitlines()[0]
    listing = brobyg("token", "list", "admin@example.dk")
    assert token[:12] in listing.output and "aktiv" in listing.output
    assert brobyg("token", "revoke", token[:12]).exit_code == 0
    session.expire_all()
    assert accounts.user_for_token(session, token) is None
    assert "tilbagekaldt" in brobyg("token", "list").output
    missing = brobyg("token", "revoke", "brobyg_nope")
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    assert brobyg("token", "create", "admin@example.dk", "--days", "0").exit_code != 0


def test_users_on_the_command_line(brobyg, session, admin):
    invited = brobyg("user", "invite", "ny@example.dk", "--role", "staff")
    assert invited.exit_code == 0 and "/konto/adgangskode/" in invited.stdout
    token = invited.stdout.strip().rsplit("/", 1)[1]
    accounts.use_password_link(session, token, {"password": NEW})
    session.commit()
    assert accounts.authenticate(session, "ny@example.dk", NEW) is not None
    session.commit()  # the sign-in time is written: end the test's write transaction
    assert brobyg("user", "set-role", "ny@example.dk", "--role", "evaluator").exit_code == 0
    assert brobyg("user", "deactivate", "ny@example.dk").exit_code == 0
    session.expire_all()
    assert accounts.authenticate(session, "ny@example.dk", NEW) is None
    session.rollback()
    assert brobyg("user", "activate", "ny@example.dk").exit_code == 0
    reset = brobyg("user", "reset", "ny@example.dk")
    assert reset.exit_code == 0 and "/konto/adgangskode/" in reset.stdout
    member = brobyg("user", "set-role", "ny@example.dk", "--role", "member")
    assert member.exit_code == 1 and "gruppe" in member.output
    assert brobyg("user", "deactivate", "ingen@example.dk").exit_code == 1
