"""Erasure of personal data: a substantiator's name and contacts, a user account.

A placeholder: it anonymises the main tables only. The full version (the `cpr` branch)
also redacts the history and the search index and compacts the database file.
Must not import `app` or Flask.
"""

from sqlalchemy import delete
from sqlmodel import Session, col

from harvest.models import ApiToken, Substantiation, User
from harvest.records import editing


def erase_substantiator(session: Session, record: Substantiation, *, by: User | None) -> None:
    """Blank the substantiator's name, e-mail and comments; keep their role and verdicts."""
    with editing(session, record, None, by=by):
        record.name = ""
        record.email = ""
        record.comment_outcome = ""
        record.comment_significance = ""
        record.comment_contribution = ""
        record.consent_named = False


def erase_user(session: Session, user: User, *, by: User | None) -> None:
    """Anonymise a user account: no name, no e-mail, no password, no tokens; signed out for good."""
    with editing(session, user, None, by=by):
        user.name = ""
        user.email = f"erased-{user.id}@invalid"
        user.password_hash = ""
        user.active = False
    session.execute(delete(ApiToken).where(col(ApiToken.user_id) == user.id))
