"""Erasure that really erases: a substantiator, a user account, or one text of a record,
removed from the row and from every history entry of that row (GDPR art. 17).

Each function is allowed to admins only (`Action.ADMINISTER`; by=None is the system,
the CLI operator). Rows are changed by Core UPDATEs, so no new history entry repeats
the erased text; versioned rows still get a higher version, so that a form opened
before the erasure is refused as stale. After the commit, call
`harvest.scrub.compact(engine)` so that SQLite overwrites the freed pages.
Must not import `app` or Flask.
"""

from typing import Any

from sqlalchemy import Table, delete, update
from sqlmodel import Session, SQLModel, col, select

from harvest import access, fulltext, scrub
from harvest.access import Action
from harvest.errors import N_, ValidationFailed
from harvest.history import PART_OF
from harvest.models import ApiToken, GroupMembership, Substantiation, User

ERASED = "[slettet]"
UNUSABLE_PASSWORD = "!erased"  # noqa: S105 - not a hash: no password ever matches it
SUBSTANTIATOR_FIELDS = (
    "name",
    "email",
    "comment_outcome",
    "comment_significance",
    "comment_contribution",
)


def _table(record: SQLModel) -> Table:
    table = record.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def _overwrite(session: Session, record: SQLModel, values: dict[str, Any]) -> None:
    """Write `values` into the record's row with a Core UPDATE, raising its version."""
    table = _table(record)
    changes: dict[str, Any] = dict(values)
    if "version" in table.c:
        changes["version"] = table.c.version + 1
    session.execute(update(table).where(table.c.id == record.id).values(**changes))  # type: ignore[attr-defined]
    session.flush()
    session.expire(record)


def _erase_from_history(
    session: Session, record: SQLModel, values: dict[str, Any], old: dict[str, Any]
) -> None:
    """Remove every former value of the erased fields from the record's history (and from
    the history of the record it is part of)."""
    table = _table(record)
    entity, entity_id = table.name, record.id  # type: ignore[attr-defined]
    for field, new in values.items():
        former = scrub.history_values(session, entity, entity_id, field)
        former.update(scrub._strings(old.get(field)))
        marker = new if isinstance(new, str) and new else ERASED
        replace = scrub.replacing(former - {""}, marker)
        scrub.redact_history(session, replace, entity=entity, entity_id=entity_id)
        for root, column in PART_OF.get(entity, ()):
            scrub.redact_history(session, replace, entity=root, entity_id=old.get(column))


def erase_substantiator(session: Session, record: Substantiation, *, by: User | None) -> None:
    """Erase a substantiator's name, e-mail and comments; the verdicts and role stay."""
    access.require(session, by, Action.ADMINISTER)
    old = {f: getattr(record, f) for f in SUBSTANTIATOR_FIELDS}
    values = {f: "" for f in SUBSTANTIATOR_FIELDS} | {"name": ERASED}
    _overwrite(session, record, values)
    _erase_from_history(session, record, values, old)


def erase_user(session: Session, user: User, *, by: User | None) -> None:
    """Anonymise an account: no name, an invalid e-mail, no password, tokens and
    memberships gone; the records they wrote keep their ids but not the name."""
    access.require(session, by, Action.ADMINISTER)
    if by is not None and by.id == user.id:
        raise ValidationFailed({"email": (N_("You cannot erase your own account."), {})})
    old = {"name": user.name, "email": user.email}
    values = {
        "name": "",
        "email": f"erased-{user.id}@invalid",
        "password_hash": UNUSABLE_PASSWORD,
        "active": False,
    }
    for membership in session.scalars(
        select(GroupMembership).where(col(GroupMembership.user_id) == user.id)
    ):
        session.delete(membership)
    session.execute(delete(ApiToken).where(col(ApiToken.user_id) == user.id))
    session.flush()
    _overwrite(session, user, values)
    _erase_from_history(session, user, {"name": ERASED, "email": values["email"]}, old)


def erase_text(session: Session, record: SQLModel, field: str, *, by: User | None) -> None:
    """Blank one text field of `record` and remove its old text from the record's history."""
    access.require(session, by, Action.ADMINISTER)
    table = _table(record)
    if field not in table.c or field in ("id", "version"):
        raise ValidationFailed({field: (N_("This value is not valid."), {})})
    old = {c.name: getattr(record, c.name) for c in table.columns}
    blank: Any = [] if isinstance(old[field], list) else ""
    _overwrite(session, record, {field: blank})
    _erase_from_history(session, record, {field: ERASED}, old)
    if table.name in {index.table for index in fulltext.INDEXES}:
        scrub.rebuild_search(session)
