"""Designing a harvest: questions keep their identity when moved, reworded or retired."""

import pytest
from sqlmodel import select

from harvest import harvests, outcomes, progress
from harvest.errors import StaleVersion, ValidationFailed
from harvest.harvests import QuestionMove
from harvest.models import ChangeRecord, HarvestStep

QUESTIONS = ["Hvem gør noget nyt?", "Hvad virker i brobygningen?", "Hvad mangler vi?"]


@pytest.fixture
def harvest(create_harvest):
    return create_harvest(questions=QUESTIONS)


def _texts(session, harvest, retired=False):
    return [q.text for q in harvests.questions_of(session, harvest, retired=retired)]


def _answered(session, outcome):
    return outcomes.outcome_view(session, outcome).question_id


def test_moving_a_question_keeps_the_outcomes_that_answer_it(session, harvest, create_outcome):
    first, second, _third = harvests.questions_of(session, harvest)
    outcome = create_outcome(harvest=harvest)
    outcomes.set_question(session, outcome, second.id)
    harvests.change_question(
        session, harvest, second.id, harvest.version, by=None, move=QuestionMove.UP
    )
    assert _texts(session, harvest) == [QUESTIONS[1], QUESTIONS[0], QUESTIONS[2]]
    assert _answered(session, outcome) == second.id
    assert second.position == 1 and first.position == 2


def test_reordering_through_the_api_list_keeps_identity(session, harvest, create_outcome):
    _first, second, third = harvests.questions_of(session, harvest)
    outcome = create_outcome(harvest=harvest)
    outcomes.set_question(session, outcome, third.id)
    data = {"title": harvest.title, "questions": [QUESTIONS[2], QUESTIONS[0]]}
    harvests.update_harvest(session, harvest, data, harvest.version, by=None)
    assert _texts(session, harvest) == [QUESTIONS[2], QUESTIONS[0]]
    assert _texts(session, harvest, retired=True)[-1] == QUESTIONS[1]  # left out: retired
    assert _answered(session, outcome) == third.id
    assert harvests.questions_of(session, harvest)[0].id == third.id
    assert second.retired


def test_a_retired_question_stays_on_its_outcomes_but_is_offered_no_more(
    session, harvest, create_outcome
):
    question = harvests.questions_of(session, harvest)[0]
    answering = create_outcome(harvest=harvest)
    outcomes.set_question(session, answering, question.id)
    harvests.change_question(
        session, harvest, question.id, harvest.version, by=None, move=QuestionMove.RETIRE
    )
    assert question.text not in _texts(session, harvest)
    assert _texts(session, harvest, retired=True)[-1] == question.text
    assert _answered(session, answering) == question.id
    new = create_outcome(harvest=harvest, title="Koret synger på plejehjemmet")
    with pytest.raises(ValidationFailed) as refused:
        outcomes.set_question(session, new, question.id)
    assert "question_id" in refused.value.errors
    harvests.change_question(
        session, harvest, question.id, harvest.version, by=None, move=QuestionMove.RESTORE
    )
    assert _texts(session, harvest)[-1] == question.text


def test_a_stale_question_edit_is_refused_and_changes_nothing(session, harvest):
    question = harvests.questions_of(session, harvest)[1]
    read = harvest.version
    harvests.change_question(session, harvest, question.id, read, by=None, text="Ny ordlyd?")
    session.commit()
    with pytest.raises(StaleVersion):
        harvests.change_question(session, harvest, question.id, read, by=None, move=QuestionMove.UP)
    assert _texts(session, harvest) == [QUESTIONS[0], "Ny ordlyd?", QUESTIONS[2]]


def test_every_question_edit_is_one_versioned_history_entry(session, harvest):
    before = harvest.version
    added = harvests.add_question(session, harvest, "Hvem bruger høsten?", before, by=None)
    session.commit()  # each edit is its own request
    harvests.change_question(
        session, harvest, added.id, harvest.version, by=None, move=QuestionMove.UP
    )
    assert harvest.version == before + 2
    entries = session.scalars(
        select(ChangeRecord).where(
            ChangeRecord.entity == "harvest", ChangeRecord.entity_id == str(harvest.id)
        )
    ).all()
    last = entries[-1]
    assert last.before["questions"][-1] == "Hvem bruger høsten?"
    assert last.after["questions"][-2] == "Hvem bruger høsten?"


def test_an_empty_question_text_is_refused(session, harvest):
    with pytest.raises(ValidationFailed):
        harvests.add_question(session, harvest, "   ", harvest.version, by=None)
    question = harvests.questions_of(session, harvest)[0]
    with pytest.raises(ValidationFailed):
        harvests.change_question(session, harvest, question.id, harvest.version, by=None, text="")
    assert _texts(session, harvest) == QUESTIONS


def test_progress_counts_statuses_and_open_questions(session, harvest, create_outcome):
    first = harvests.questions_of(session, harvest)[0]
    outcome = create_outcome(harvest=harvest)
    create_outcome(harvest=harvest, title="Klubben åbner for nye", status="lead")
    outcomes.set_question(session, outcome, first.id)
    found = progress.harvest_progress(session, harvest)
    assert found.step == HarvestStep.DESIGN
    assert found.by_status["draft"] == 1 and found.by_status["lead"] == 1
    assert found.by_status["final"] == 0 and found.outcomes == 2
    assert [q.text for q in found.unanswered_questions] == QUESTIONS[1:]
    assert (found.answered, found.pending) == (0, 0)


def test_the_short_name_new_is_refused_because_it_names_the_page_that_makes_one(session):
    data = {"slug": "new", "title": "Ny", "period_start": "2026-01-01", "period_end": "2026-12-31"}
    with pytest.raises(ValidationFailed) as refused:
        harvests.create_harvest(session, data, by=None)
    assert "slug" in refused.value.errors
