"""The Step 3 review with the change agent: comments on each part of an outcome, in threads.

Comments are seen by the outcome's group and by evaluators, who may also resolve a thread
(and reopen it); who did it and when is kept on the comment and in the history.
Must not import `app` or Flask.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action
from harvest.errors import N_, NotFound, PrivacyViolation, ValidationFailed
from harvest.history import act_as, changes_of
from harvest.models import CommentPart, Outcome, OutcomeComment, User, utcnow
from harvest.outcomes import outcome_target
from harvest.privacy import CPR_MESSAGE, contains_cpr

MAX_COMMENT = 5_000


@dataclass(frozen=True)
class Resolution:
    """A thread resolved (or reopened) by someone at a time."""

    resolved: bool
    user_id: int | None
    at: datetime


@dataclass
class Thread:
    """A comment and the answers to it, oldest first, with its resolutions, oldest first."""

    comment: OutcomeComment
    answers: list[OutcomeComment] = field(default_factory=list)
    resolutions: list[Resolution] = field(default_factory=list)


def add_comment(
    session: Session,
    outcome: Outcome,
    part: str,
    body: str,
    *,
    by: User,
    parent_id: int | None = None,
) -> OutcomeComment:
    """Add a comment on one part of `outcome`, or an answer to comment `parent_id`."""
    access.require(session, by, Action.COMMENT_OUTCOME, outcome_target(session, outcome))
    text = (body or "").strip()
    if not text:
        raise ValidationFailed({"body": (N_("This field is required."), {})})
    if len(text) > MAX_COMMENT:
        raise ValidationFailed(
            {"body": (N_("Use at most %(max_length)s characters."), {"max_length": MAX_COMMENT})}
        )
    if contains_cpr(text):
        raise PrivacyViolation({"body": (CPR_MESSAGE, {})})
    try:
        part = CommentPart(part).value
    except ValueError:
        raise ValidationFailed({"part": (N_("Unknown part."), {})}) from None
    if parent_id is not None:
        parent = session.get(OutcomeComment, parent_id)
        if parent is None or parent.outcome_id != outcome.id:
            raise NotFound(N_("The comment you answer no longer exists."))
        part = parent.part
        parent_id = parent.parent_id or parent.id
    act_as(session, by)
    comment = OutcomeComment(
        outcome_id=outcome.id or 0, parent_id=parent_id, part=part, author_id=by.id, body=text
    )
    session.add(comment)
    session.flush()
    return comment


def resolve_thread(
    session: Session, outcome: Outcome, comment_id: int, *, resolved: bool, by: User
) -> OutcomeComment:
    """Mark the thread that `comment_id` opens as resolved, or reopen it."""
    access.require(session, by, Action.COMMENT_OUTCOME, outcome_target(session, outcome))
    comment = session.get(OutcomeComment, comment_id)
    if comment is None or comment.outcome_id != outcome.id or comment.parent_id is not None:
        raise NotFound(N_("The comment no longer exists."))
    if comment.resolved != resolved:
        act_as(session, by)
        comment.resolved = resolved
        comment.resolved_by_id = by.id if resolved else None
        comment.resolved_at = utcnow() if resolved else None
        session.add(comment)
        session.flush()
    return comment


def threads_of(session: Session, outcome: Outcome) -> dict[str, list[Thread]]:
    """Return the outcome's comment threads by part."""
    comments = session.scalars(
        select(OutcomeComment)
        .where(col(OutcomeComment.outcome_id) == outcome.id)
        .order_by(col(OutcomeComment.id))
    ).all()
    threads: dict[int, Thread] = {}
    by_part: dict[str, list[Thread]] = {}
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.id or 0] = Thread(comment)
            by_part.setdefault(comment.part, []).append(threads[comment.id or 0])
        elif comment.parent_id in threads:
            threads[comment.parent_id].answers.append(comment)
    for thread in threads.values():
        thread.resolutions = resolutions_of(session, thread.comment)
    return by_part


def resolutions_of(session: Session, comment: OutcomeComment) -> list[Resolution]:
    """Return when the thread was resolved and reopened, and by whom, oldest first."""
    return [
        Resolution(bool(change.after["resolved"]), change.user_id, change.at)
        for change in changes_of(session, "outcomecomment", comment.id or 0)
        if change.before
        and change.after
        and change.before.get("resolved") != change.after.get("resolved")
    ]
