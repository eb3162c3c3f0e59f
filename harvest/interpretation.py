"""The evaluator's interpretation of a harvest: an answer (Markdown) to each useable question
with the outcomes that support it, and an overall interpretation.

One record (`Interpretation`) per harvest, versioned with its answers and their outcomes as
parts, so one save is one history entry and a stale save is refused with `StaleVersion`.
Texts are stored as Markdown; rendering is the caller's. Must not import `app` or Flask.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action, Target
from harvest.errors import N_, PrivacyViolation, StaleVersion, ValidationFailed
from harvest.harvests import questions_of
from harvest.models import (
    AnswerOutcome,
    Harvest,
    Interpretation,
    Outcome,
    OutcomeQuestion,
    OutcomeStatus,
    QuestionAnswer,
    User,
    utcnow,
)
from harvest.privacy import CPR_MESSAGE, contains_cpr
from harvest.records import creating, editing, parts_of

MAX_TEXT = 20_000


@dataclass(frozen=True)
class AnswerInput:
    """What an evaluator wrote for one question: the answer and the supporting outcomes."""

    text: str = ""
    outcome_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class InterpretationInput:
    """A whole interpretation as submitted: answers by question id."""

    overall: str = ""
    publish: bool = False
    answers: dict[int, AnswerInput] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """A stored answer to one question, with its supporting outcomes' ids in order."""

    question_id: int
    text: str
    outcome_ids: list[int]


def interpretation_of(session: Session, harvest: Harvest) -> Interpretation | None:
    """Return the harvest's interpretation, or None if nobody has written one yet."""
    query = select(Interpretation).where(col(Interpretation.harvest_id) == harvest.id)
    return session.scalars(query).first()


def answers_of(session: Session, interpretation: Interpretation | None) -> dict[int, Answer]:
    """Return the interpretation's answers by question id (empty without one)."""
    if interpretation is None or interpretation.id is None:
        return {}
    rows = list(
        session.scalars(
            select(QuestionAnswer)
            .where(col(QuestionAnswer.interpretation_id) == interpretation.id)
            .order_by(col(QuestionAnswer.question_id))
        )
    )
    supporting: dict[int, list[int]] = {}
    if rows:
        for answer_id, outcome_id in session.execute(
            select(AnswerOutcome.answer_id, AnswerOutcome.outcome_id)
            .where(col(AnswerOutcome.answer_id).in_([r.id for r in rows]))
            .order_by(col(AnswerOutcome.outcome_id))
        ):
            supporting.setdefault(answer_id, []).append(outcome_id)
    return {
        r.question_id: Answer(r.question_id, r.text, supporting.get(r.id or 0, [])) for r in rows
    }


@parts_of("interpretation")
def interpretation_parts(session: Session, interpretation: Interpretation) -> dict[str, Any]:
    """Return the parts versioned with an interpretation: each answer with its outcomes."""
    return {
        "answers": {
            str(qid): {"text": a.text, "outcomes": a.outcome_ids}
            for qid, a in answers_of(session, interpretation).items()
            if a.text or a.outcome_ids
        }
    }


def coded_outcomes(session: Session, harvest: Harvest) -> dict[int, list[int]]:
    """Return, by question id, the ids of the outcomes coded as answering it (not withdrawn)."""
    found: dict[int, list[int]] = {}
    query = (
        select(OutcomeQuestion.question_id, Outcome.id)
        .join(Outcome, col(Outcome.id) == OutcomeQuestion.outcome_id)
        .where(
            col(Outcome.harvest_id) == harvest.id,
            col(Outcome.status) != OutcomeStatus.WITHDRAWN.value,
        )
        .order_by(col(Outcome.id))
    )
    for question_id, outcome_id in session.execute(query):
        found.setdefault(question_id, []).append(outcome_id)
    return found


def _check(session: Session, harvest: Harvest, values: InterpretationInput) -> None:
    """Refuse texts too long or holding a CPR number, and outcomes or questions of elsewhere."""
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    privacy = False
    texts = {"overall": values.overall}
    texts.update({f"answer_{q}": a.text for q, a in values.answers.items()})
    for name, text in texts.items():
        if len(text) > MAX_TEXT:
            errors[name] = (N_("Use at most %(max_length)s characters."), {"max_length": MAX_TEXT})
        elif contains_cpr(text):
            errors[name] = (CPR_MESSAGE, {})
            privacy = True
    questions = {q.id for q in questions_of(session, harvest)}
    wanted = {i for a in values.answers.values() for i in a.outcome_ids}
    mine = set(
        session.scalars(
            select(Outcome.id).where(
                col(Outcome.harvest_id) == harvest.id, col(Outcome.id).in_(wanted)
            )
        )
    )
    for question_id, answer in values.answers.items():
        if question_id not in questions:
            errors["__all__"] = (N_("That question is not one of this harvest's."), {})
        elif answer.outcome_ids - mine:
            errors[f"outcomes_{question_id}"] = (
                N_("Choose outcomes of this harvest only."),
                {},
            )
    if errors:
        raise (PrivacyViolation if privacy else ValidationFailed)(errors)


def _set_answers(
    session: Session, interpretation: Interpretation, answers: dict[int, AnswerInput]
) -> None:
    """Make the stored answers exactly `answers` (an empty answer is removed)."""
    stored = {
        a.question_id: a
        for a in session.scalars(
            select(QuestionAnswer).where(col(QuestionAnswer.interpretation_id) == interpretation.id)
        )
    }
    for question_id, given in answers.items():
        text = given.text.strip()
        row = stored.pop(question_id, None)
        if not text and not given.outcome_ids:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = QuestionAnswer(
                interpretation_id=interpretation.id or 0, question_id=question_id, text=text
            )
            session.add(row)
            session.flush()
        elif row.text != text:
            row.text = text
        have = set(
            session.scalars(
                select(AnswerOutcome.outcome_id).where(col(AnswerOutcome.answer_id) == row.id)
            )
        )
        for outcome_id in given.outcome_ids - have:
            session.add(AnswerOutcome(answer_id=row.id or 0, outcome_id=outcome_id))
        for link in session.scalars(
            select(AnswerOutcome).where(
                col(AnswerOutcome.answer_id) == row.id,
                col(AnswerOutcome.outcome_id).not_in(given.outcome_ids),
            )
        ):
            session.delete(link)
    session.flush()  # answers to questions not in `answers` (retired since) stay as they are


def save_interpretation(
    session: Session,
    harvest: Harvest,
    values: InterpretationInput,
    version: int | None,
    *,
    by: User | None,
) -> Interpretation:
    """Write the harvest's interpretation as one edit read at `version` (None: not yet made).

    A first save creates the record; a save against an old version, or a first save when
    someone else has created it meanwhile, raises `StaleVersion` with the stored record."""
    access.require(session, by, Action.ANALYSE, Target(group_id=harvest.group_id))
    _check(session, harvest, values)
    current = interpretation_of(session, harvest)
    if current is None:
        record = Interpretation(
            harvest_id=harvest.id or 0, overall=values.overall.strip(), publish=values.publish
        )
        try:
            with session.begin_nested(), creating(session, record, by=by):
                _set_answers(session, record, values.answers)
        except IntegrityError:  # another first save won the race: theirs is the stored one
            raise StaleVersion(interpretation_of(session, harvest)) from None
        return record
    if version is None:
        raise StaleVersion(current)
    with editing(session, current, version, by=by):
        overall = values.overall.strip()
        if current.overall != overall:
            current.overall = overall
        if current.publish != values.publish:
            current.publish = values.publish
        if session.is_modified(current):
            current.updated_at = utcnow()
        session.flush()
        _set_answers(session, current, values.answers)
    return current
