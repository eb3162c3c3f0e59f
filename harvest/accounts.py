"""User accounts, implementation groups and their members, and API tokens.

Passwords are stored as salted scrypt hashes; API tokens only as SHA-256 hashes,
shown once when created. Must not import `app` or Flask.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from harvest.errors import N_, NotFound, ValidationFailed
from harvest.history import act_as
from harvest.models import (
    ApiToken,
    GroupMembership,
    ImplementationGroup,
    Role,
    User,
    utcnow,
)
from harvest.schemas import GroupCreate, UserCreate, validate

TOKEN_PREFIX = "brobyg_"  # noqa: S105 - a public prefix, not a secret
# A real hash to compare against when the e-mail is unknown, so timing reveals nothing.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
# A token's last use is kept to this precision, so that nearly every request only reads.
TOKEN_USE_PRECISION = timedelta(minutes=15)

log = logging.getLogger(__name__)


def user_by_email(session: Session, email: str) -> User | None:
    """Return the user with `email` (case-insensitive), if any."""
    query = select(User).where(func.lower(User.email) == email.strip().lower())
    return session.scalars(query).first()


def get_user(session: Session, user_id: int) -> User | None:
    """Return the user with `user_id`, if any."""
    return session.get(User, user_id)


def create_user(session: Session, data: dict[str, Any], *, by: User | None) -> User:
    """Validate and add a user with a hashed password, and their group memberships."""
    values = validate(UserCreate, data)
    act_as(session, by)
    if user_by_email(session, values.email) is not None:
        raise ValidationFailed({"email": (N_("A user with this e-mail already exists."), {})})
    if values.role == Role.MEMBER and not values.groups:
        raise ValidationFailed({"groups": (N_("A member must belong to a group."), {})})
    groups = [group_by_slug(session, slug) for slug in values.groups]
    user = User(
        email=values.email,
        name=values.name,
        role=values.role.value,
        password_hash=generate_password_hash(values.password),
    )
    session.add(user)
    session.flush()
    for group in groups:
        session.add(GroupMembership(user_id=user.id or 0, group_id=group.id or 0))
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, else None."""
    user = user_by_email(session, email)
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    record_login(session, user)
    return user


def record_login(session: Session, user: User) -> None:
    """Keep the time of `user`'s sign-in; a failure is logged and never fails the sign-in.

    A plain UPDATE of the column, not an ORM change of the versioned row: it bumps no
    `version` (two simultaneous sign-ins cannot conflict) and writes no history."""
    table = User.__table__  # type: ignore[attr-defined]
    try:
        with session.begin_nested():
            session.execute(
                update(table).where(table.c.id == user.id).values(last_login_at=utcnow())
            )
    except SQLAlchemyError as error:
        log.warning("Could not keep the sign-in time of user %s: %s", user.id, error)


# --- groups -----------------------------------------------------------------


def group_by_slug(session: Session, slug: str) -> ImplementationGroup:
    """Return the implementation group with `slug` or raise `NotFound`."""
    group = session.scalars(
        select(ImplementationGroup).where(col(ImplementationGroup.slug) == slug)
    ).first()
    if group is None:
        raise NotFound(N_("No implementation group called '%(slug)s'."), slug=slug)
    return group


def list_groups(session: Session) -> list[ImplementationGroup]:
    """Return every implementation group, by name."""
    return list(
        session.scalars(select(ImplementationGroup).order_by(col(ImplementationGroup.name)))
    )


def group_ids_of(session: Session, user: User) -> set[int]:
    """Return the ids of the groups `user` is a member of."""
    query = select(GroupMembership.group_id).where(col(GroupMembership.user_id) == user.id)
    return set(session.scalars(query))


def add_member(session: Session, user: User, group: ImplementationGroup) -> None:
    """Make `user` a member of `group` (no-op if they already are)."""
    if session.get(GroupMembership, (user.id, group.id)) is None:
        session.add(GroupMembership(user_id=user.id or 0, group_id=group.id or 0))
        session.flush()


def validate_group(data: dict[str, Any]) -> GroupCreate:
    """Validate the fields of an implementation group."""
    return validate(GroupCreate, data)


# --- API tokens -------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User) -> str:
    """Create an API token for `user` and return it; only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id or 0, token_hash=_digest(token), prefix=token[:12]))
    session.flush()
    return token


@dataclass(frozen=True)
class TokenUse:
    """A valid token's user, and whether its last use is due to be kept."""

    user: User
    token_id: int
    due: bool


def use_token(session: Session, token: str, *, now: datetime | None = None) -> TokenUse | None:
    """Return the active user of a valid, unrevoked token, else None; only reads.

    `due` says the stored last use is older than `TOKEN_USE_PRECISION`: then keep it
    with `record_token_use`, in whatever transaction suits the caller."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = session.scalars(
        select(ApiToken).where(col(ApiToken.token_hash) == _digest(token))
    ).first()
    if record is None or record.revoked_at is not None:
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.active:
        return None
    last = record.last_used_at
    if last is not None and last.tzinfo is None:  # SQLite hands back naive UTC values
        last = last.replace(tzinfo=UTC)
    due = last is None or last < (now or utcnow()) - TOKEN_USE_PRECISION
    return TokenUse(user=user, token_id=record.id or 0, due=due)


def user_for_token(session: Session, token: str) -> User | None:
    """Return the active user a valid, unrevoked token belongs to, else None; only reads."""
    found = use_token(session, token)
    return found.user if found else None


def record_token_use(session: Session, token_id: int, *, now: datetime | None = None) -> bool:
    """Keep the last use of token `token_id` unless a newer one is already kept.

    A plain UPDATE (tokens have no version or history); return whether it changed a row."""
    now = now or utcnow()
    table = ApiToken.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(table)
        .where(table.c.id == token_id)
        .where(
            or_(
                table.c.last_used_at.is_(None),
                table.c.last_used_at < now - TOKEN_USE_PRECISION,
            )
        )
        .values(last_used_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def user_names(session: Session) -> dict[int, str]:
    """Return every user's display name by id (for showing who wrote what)."""
    return {u.id or 0: u.name or u.email for u in session.scalars(select(User))}
