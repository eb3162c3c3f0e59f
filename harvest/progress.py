"""Where a harvest stands: its step among Wilson-Grau's six and what is left to do.

Counts only (one GROUP BY each), so the harvest page stays cheap at any size.
Must not import `app` or Flask.
"""

from dataclasses import dataclass

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from harvest.models import (
    Harvest,
    HarvestQuestion,
    HarvestStep,
    Outcome,
    OutcomeQuestion,
    OutcomeStatus,
    Substantiation,
    SubstantiationStatus,
    utcnow,
)

STEPS = tuple(HarvestStep)


@dataclass(frozen=True)
class Progress:
    """What is done and what is left in one harvest."""

    step: HarvestStep
    by_status: dict[str, int]  # every status, zero included, in workflow order
    answered: int  # substantiation requests answered
    pending: int  # requests whose link still works, not answered yet
    expired: int  # requests whose link ran out unanswered
    unanswered_questions: list[HarvestQuestion]  # questions in use that no outcome answers

    @property
    def outcomes(self) -> int:
        return sum(self.by_status.values())


def harvest_progress(session: Session, harvest: Harvest) -> Progress:
    """Count a harvest's outcomes per status, its substantiation and its open questions."""
    counted = dict(
        session.execute(
            select(Outcome.status, func.count())
            .where(col(Outcome.harvest_id) == harvest.id)
            .group_by(col(Outcome.status))
        ).all()
    )
    pending = col(Substantiation.status) == SubstantiationStatus.PENDING.value
    state = case(
        (col(Substantiation.status) == SubstantiationStatus.ANSWERED.value, "answered"),
        (and_(pending, col(Substantiation.expires_at) > utcnow()), "pending"),
        (pending, "expired"),
        else_="other",
    )
    requests = dict(
        session.execute(
            select(state, func.count())
            .join(Outcome, col(Outcome.id) == Substantiation.outcome_id)
            .where(col(Outcome.harvest_id) == harvest.id)
            .group_by(state)
        ).all()
    )
    answered_any = select(OutcomeQuestion.question_id).where(
        col(OutcomeQuestion.question_id) == HarvestQuestion.id
    )
    open_questions = session.scalars(
        select(HarvestQuestion)
        .where(
            col(HarvestQuestion.harvest_id) == harvest.id,
            col(HarvestQuestion.retired).is_(False),
            ~answered_any.exists(),
        )
        .order_by(col(HarvestQuestion.position))
    )
    return Progress(
        step=HarvestStep(harvest.step),
        by_status={s.value: int(counted.get(s.value, 0)) for s in OutcomeStatus},
        answered=int(requests.get("answered", 0)),
        pending=int(requests.get("pending", 0)),
        expired=int(requests.get("expired", 0)),
        unanswered_questions=list(open_questions),
    )
