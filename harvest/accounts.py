"""User accounts, implementation groups and their members, API tokens and password links.

Passwords are stored as salted scrypt hashes; API tokens and one-time password links
(invitations, resets) only as SHA-256 hashes, shown once when created. Each user has a
session epoch: raising it ends every session signed in before (logout, password change,
deactivation, "sign out everywhere"). Must not import `app` or Flask.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from harvest import access
from harvest.access import Action
from harvest.errors import N_, NotFound, PermissionDenied, ValidationFailed
from harvest.history import act_as
from harvest.models import (
    ApiToken,
    GroupMembership,
    ImplementationGroup,
    PasswordLink,
    Role,
    User,
    utcnow,
)
from harvest.records import creating, editing, parts_of
from harvest.schemas import GroupCreate, PasswordSet, UserCreate, UserInvite, UserRole, validate

TOKEN_PREFIX = "brobyg_"  # noqa: S105 - a public prefix, not a secret
# A real hash to compare against when the e-mail is unknown, so timing reveals nothing.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
# A token's last use is kept to this precision, so that nearly every request only reads.
TOKEN_USE_PRECISION = timedelta(minutes=15)
TOKEN_DAYS = 365  # a new API token's lifetime unless told otherwise
MAX_TOKEN_DAYS = 3650
LINK_HOURS = 72  # how long an invitation or reset link works
INVITE = "invite"
RESET = "reset"

log = logging.getLogger(__name__)


def user_by_email(session: Session, email: str) -> User | None:
    """Return the user with `email` (case-insensitive), if any."""
    query = select(User).where(func.lower(User.email) == email.strip().lower())
    return session.scalars(query).first()


def get_user(session: Session, user_id: int) -> User | None:
    """Return the user with `user_id`, if any."""
    return session.get(User, user_id)


def _add_user(session: Session, values: UserInvite, password_hash: str, *, by: User | None) -> User:
    access.require(session, by, Action.ADMINISTER)
    act_as(session, by)
    if user_by_email(session, values.email) is not None:
        raise ValidationFailed({"email": (N_("A user with this e-mail already exists."), {})})
    groups = _groups_for(session, values.role, values.groups)
    user = User(
        email=values.email, name=values.name, role=values.role.value, password_hash=password_hash
    )
    with creating(session, user, by=by):
        for group in groups:
            session.add(GroupMembership(user_id=user.id or 0, group_id=group.id or 0))
    return user


def _groups_for(session: Session, role: Role, slugs: list[str]) -> list[ImplementationGroup]:
    if role == Role.MEMBER and not slugs:
        raise ValidationFailed({"groups": (N_("A member must belong to a group."), {})})
    return [group_by_slug(session, slug) for slug in dict.fromkeys(slugs)]


def create_user(session: Session, data: dict[str, Any], *, by: User | None) -> User:
    """Validate and add a user with a hashed password, and their group memberships."""
    values = validate(UserCreate, data)
    return _add_user(session, values, generate_password_hash(values.password), by=by)


def invite_user(
    session: Session, data: dict[str, Any], *, by: User | None, now: datetime | None = None
) -> tuple[User, str]:
    """Add a user with no password and return them with a one-time link token to set one."""
    values = validate(UserInvite, data)
    user = _add_user(session, values, "", by=by)
    return user, issue_password_link(session, user, INVITE, by=by, now=now)


@parts_of("user_account")
def _user_parts(session: Session, user: User) -> dict[str, Any]:
    query = (
        select(ImplementationGroup.slug)
        .join(GroupMembership, col(GroupMembership.group_id) == ImplementationGroup.id)
        .where(col(GroupMembership.user_id) == user.id)
        .order_by(col(ImplementationGroup.slug))
    )
    return {"groups": list(session.scalars(query))}


def list_users(session: Session) -> list[User]:
    """Return every user, by e-mail."""
    return list(session.scalars(select(User).order_by(col(User.email))))


def group_slugs_of(session: Session, user: User) -> list[str]:
    """Return the slugs of the groups `user` is a member of."""
    return list(_user_parts(session, user)["groups"])


def set_role(
    session: Session, user: User, data: dict[str, Any], version: int | None, *, by: User | None
) -> None:
    """Give `user` a role and implementation groups (an administrator's edit, versioned)."""
    access.require(session, by, Action.ADMINISTER)
    values = validate(UserRole, data)
    groups = _groups_for(session, values.role, values.groups)
    with editing(session, user, version, by=by, submitted=data):
        user.role = values.role.value
        wanted = {group.id for group in groups}
        for membership in session.scalars(
            select(GroupMembership).where(col(GroupMembership.user_id) == user.id)
        ):
            if membership.group_id not in wanted:
                session.delete(membership)
        have = group_ids_of(session, user)
        for group in groups:
            if group.id not in have:
                session.add(GroupMembership(user_id=user.id or 0, group_id=group.id or 0))
        session.flush()
    access.forget_viewers(session)


def set_active(
    session: Session, user: User, active: bool, version: int | None, *, by: User | None
) -> None:
    """Deactivate (ending every session) or re-activate `user`; versioned."""
    access.require(session, by, Action.ADMINISTER)
    if not active and by is not None and by.id == user.id:
        raise PermissionDenied(N_("You cannot deactivate your own account."))
    with editing(session, user, version, by=by):
        user.active = active
    if not active:
        end_sessions(session, user)
    access.forget_viewers(session)


def change_password(
    session: Session, user: User, current: str, data: dict[str, Any], *, by: User | None
) -> None:
    """Change `user`'s password after checking the current one; ends their other sessions."""
    if by is not None and by.id != user.id:
        raise PermissionDenied(N_("You do not have permission to do that."))
    if not check_password_hash(user.password_hash, current):
        raise ValidationFailed({"current": (N_("The current password is wrong."), {})})
    _set_password(session, user, data, by=by)


def _set_password(session: Session, user: User, data: dict[str, Any], *, by: User | None) -> None:
    values = validate(PasswordSet, data)
    if data.get("confirm") is not None and data.get("confirm") != data.get("password"):
        raise ValidationFailed({"confirm": (N_("The two passwords differ."), {})})
    with editing(session, user, None, by=by):
        user.password_hash = generate_password_hash(values.password)
        user.updated_at = utcnow()  # the hash is kept out of the history; the change is not
    end_sessions(session, user)


def end_sessions(session: Session, user: User) -> int:
    """End every session `user` signed in before now; return their new session epoch.

    A plain UPDATE that raises the counter in the database (so two at once both count),
    not an ORM change: it bumps no `version` and writes no history."""
    table = User.__table__  # type: ignore[attr-defined]
    session.execute(
        update(table).where(table.c.id == user.id).values(session_epoch=table.c.session_epoch + 1)
    )
    epoch = int(session.scalars(select(User.session_epoch).where(col(User.id) == user.id)).one())
    set_committed_value(user, "session_epoch", epoch)
    return epoch


def current_epoch(session: Session, user_id: int) -> int | None:
    """Return the session epoch of user `user_id` as stored now, or None if there is none."""
    query = select(User.session_epoch).where(col(User.id) == user_id)
    found = session.scalars(query).first()
    return None if found is None else int(found)


# --- one-time password links ------------------------------------------------


def issue_password_link(
    session: Session,
    user: User,
    purpose: str,
    *,
    by: User | None,
    now: datetime | None = None,
    hours: int = LINK_HOURS,
) -> str:
    """Make a one-time link token for `user` to set a password and return it (shown once).

    Earlier unused links of the user stop working."""
    access.require(session, by, Action.ADMINISTER)
    now = now or utcnow()
    for old in session.scalars(
        select(PasswordLink).where(
            col(PasswordLink.user_id) == user.id, col(PasswordLink.used_at).is_(None)
        )
    ):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordLink(
            user_id=user.id or 0,
            token_hash=_digest(token),
            purpose=purpose,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    session.flush()
    return token


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite hands back naive UTC values
        return moment.replace(tzinfo=UTC)
    return moment


def password_link(
    session: Session, token: str, *, now: datetime | None = None
) -> tuple[PasswordLink, User]:
    """Return the live link of `token` and its user, or raise `NotFound`."""
    digest = _digest(token or "")
    link = session.scalars(
        select(PasswordLink).where(col(PasswordLink.token_hash) == digest)
    ).first()
    expires = _aware(link.expires_at) if link is not None else None
    if (
        link is None
        or not hmac.compare_digest(link.token_hash, digest)
        or link.used_at is not None
        or expires is None
        or expires <= (now or utcnow())
    ):
        raise NotFound(N_("This link does not work: it was used, has expired or never existed."))
    user = session.get(User, link.user_id)
    if user is None or not user.active:
        raise NotFound(N_("This link does not work: it was used, has expired or never existed."))
    return link, user


def use_password_link(
    session: Session, token: str, data: dict[str, Any], *, now: datetime | None = None
) -> User:
    """Set the password of the link's user, once; ends their sessions."""
    link, user = password_link(session, token, now=now)
    _set_password(session, user, data, by=user)
    link.used_at = now or utcnow()
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


def create_token(
    session: Session, user: User, *, days: int = TOKEN_DAYS, now: datetime | None = None
) -> str:
    """Create an API token for `user`, valid for `days`, and return it; only its hash is kept."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationFailed(
            {"days": (N_("Must be at most %(le)s."), {"le": MAX_TOKEN_DAYS})}
            if days > MAX_TOKEN_DAYS
            else {"days": (N_("Must be at least %(ge)s."), {"ge": 1})}
        )
    now = now or utcnow()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id or 0,
            token_hash=_digest(token),
            prefix=token[:12],
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.flush()
    return token


def list_tokens(session: Session, user: User | None = None) -> list[ApiToken]:
    """Return the API tokens of `user` (None: everyone's), newest first."""
    query = select(ApiToken).order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
    if user is not None:
        query = query.where(col(ApiToken.user_id) == user.id)
    return list(session.scalars(query))


def token_state(token: ApiToken, *, now: datetime | None = None) -> str:
    """Say whether `token` is "active", "revoked" or "expired"."""
    if token.revoked_at is not None:
        return "revoked"
    expires = _aware(token.expires_at)
    if expires is not None and expires <= (now or utcnow()):
        return "expired"
    return "active"


def token_by_prefix(session: Session, prefix: str) -> ApiToken:
    """Return the one token whose shown prefix is `prefix`, or raise `NotFound`."""
    found = list(session.scalars(select(ApiToken).where(col(ApiToken.prefix) == prefix.strip())))
    if len(found) != 1:
        raise NotFound(N_("No single API token starts with '%(prefix)s'."), prefix=prefix)
    return found[0]


def get_token(session: Session, token_id: int) -> ApiToken:
    """Return API token `token_id` or raise `NotFound`."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(N_("Not found."))
    return token


def revoke_token(
    session: Session, token: ApiToken, *, by: User | None, now: datetime | None = None
) -> None:
    """Revoke `token` at once (its owner or an administrator); revoking twice is harmless."""
    if by is not None and by.id != token.user_id:
        access.require(session, by, Action.ADMINISTER)
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        session.flush()


@dataclass(frozen=True)
class TokenUse:
    """A valid token's user, and whether its last use is due to be kept."""

    user: User
    token_id: int
    due: bool


def use_token(session: Session, token: str, *, now: datetime | None = None) -> TokenUse | None:
    """Return the active user of a valid, unexpired, unrevoked token, else None; only reads.

    `due` says the stored last use is older than `TOKEN_USE_PRECISION`: then keep it
    with `record_token_use`, in whatever transaction suits the caller."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = session.scalars(
        select(ApiToken).where(col(ApiToken.token_hash) == _digest(token))
    ).first()
    now = now or utcnow()
    if record is None or token_state(record, now=now) != "active":
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.active:
        return None
    last = _aware(record.last_used_at)
    due = last is None or last < now - TOKEN_USE_PRECISION
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
