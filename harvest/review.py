"""The Step 3 review with the change agent: comments on each part of an outcome, in threads.

Comments are seen by the outcome's group and by evaluators. Must not import `app` or Flask.
"""

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action
from harvest.errors import N_, NotFound, PrivacyViolation, ValidationFailed
from harvest.history import act_as
from harvest.models import CommentPart, Outcome, OutcomeComment, User
from harvest.outcomes import outcome_target
from harvest.privacy import CPR_MESSAGE, contains_cpr

MAX_COMMENT = 5_000


@dataclass
class Thread:
    """A comment and the answers to it, oldest first."""

    comment: OutcomeComment
    answers: list[OutcomeComment] = field(default_factory=list)


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
    return by_part
