"""Accounts: hashed passwords, group membership, API tokens shown once and stored hashed."""

import pytest
from sqlmodel import select

from harvest import accounts
from harvest.errors import ValidationFailed
from harvest.models import ApiToken, ImplementationGroup
from tests.conftest import PASSWORD


def test_password_is_stored_hashed_and_checked(session, create_user):
    user = create_user()
    assert PASSWORD not in user.password_hash
    assert accounts.authenticate(session, "EVALUATOR@example.dk", PASSWORD) == user
    assert accounts.authenticate(session, user.email, "wrong-password") is None
    assert accounts.authenticate(session, "nobody@example.dk", PASSWORD) is None


def test_inactive_user_cannot_sign_in(session, create_user):
    user = create_user()
    user.active = False
    session.flush()
    assert accounts.authenticate(session, user.email, PASSWORD) is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"role": "superuser"}, "role"),
        ({"role": "member"}, "groups"),
    ],
)
def test_invalid_users_are_refused(create_user, data, field):
    with pytest.raises(ValidationFailed) as raised:
        create_user(**data)
    assert field in raised.value.errors


def test_duplicate_email_is_refused(create_user):
    create_user()
    with pytest.raises(ValidationFailed) as raised:
        create_user(email="Evaluator@Example.dk")
    assert "email" in raised.value.errors


def test_member_belongs_to_their_groups(session, create_user):
    group = ImplementationGroup(slug="helsingor", name="Implementeringsgruppen i Helsingør")
    session.add(group)
    session.flush()
    member = create_user(email="m@example.dk", role="member", groups=["helsingor"])
    assert accounts.group_ids_of(session, member) == {group.id}


def test_api_token_is_shown_once_and_stored_hashed(session, create_user):
    user = create_user()
    token = accounts.create_token(session, user)
    stored = session.exec(select(ApiToken)).one()
    assert token not in stored.token_hash
    assert accounts.user_for_token(session, token) == user
    assert accounts.user_for_token(session, token + "x") is None
    stored.revoked_at = stored.created_at
    assert accounts.user_for_token(session, token) is None
