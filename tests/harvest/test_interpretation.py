"""The evaluator's interpretation: answers with their supporting outcomes, one versioned
record in the history, stale saves refused, and the report organised by its answers."""

import pytest
from sqlmodel import col, select

from harvest import harvests, interpretation, outcomes, report
from harvest.errors import PermissionDenied, PrivacyViolation, StaleVersion, ValidationFailed
from harvest.interpretation import AnswerInput, InterpretationInput
from harvest.models import ChangeRecord


@pytest.fixture
def harvest(create_harvest):
    return create_harvest(questions=["Hvem henviser nu?", "Hvad har foreningerne ændret?"])


def _questions(session, harvest):
    return [q.id for q in harvests.questions_of(session, harvest)]


def test_an_answer_keeps_its_supporting_outcomes_and_the_report_shows_them_first(
    session, harvest, create_outcome
):
    first, second = _questions(session, harvest)
    cited = create_outcome(harvest=harvest, title="Jobcentret henviser til koret")
    coded = create_outcome(harvest=harvest, title="Koret tager imod nye")
    outcomes.set_question(session, coded, first)
    outcomes.set_question(session, cited, second)
    values = InterpretationInput(
        overall="Samlet set **bygger** gruppen bro.",
        answers={first: AnswerInput("Jobcentret *henviser* nu.", frozenset({cited.id or 0}))},
    )
    saved = interpretation.save_interpretation(session, harvest, values, None, by=None)
    answers = interpretation.answers_of(session, saved)
    assert answers[first].outcome_ids == [cited.id] and second not in answers

    built = report.build_report(session, harvest)
    section = built.sections[0]
    assert section.answer == "Jobcentret *henviser* nu."
    assert [o.title for o in section.supporting] == ["Jobcentret henviser til koret"]
    assert [o.title for o in section.others] == ["Koret tager imod nye"]
    assert built.interpretation == "Samlet set **bygger** gruppen bro."
    text = report.report_markdown(built)
    assert text.index("#### Answer") < text.index("Jobcentret *henviser* nu.")
    assert text.index("Jobcentret *henviser* nu.") < text.index("Outcomes that support the answer")
    assert text.index("Outcomes that support the answer") < text.index("Koret tager imod nye")
    assert text.index("## Overall interpretation") < text.index("Samlet set **bygger**")
    assert text.index("Samlet set **bygger**") < text.index("## Substantiation and analysis")


def test_a_question_not_answered_suggests_the_outcomes_coded_to_it(
    session, harvest, create_outcome
):
    first, _second = _questions(session, harvest)
    coded = create_outcome(harvest=harvest)
    withdrawn = create_outcome(harvest=harvest, status="withdrawn")
    outcomes.set_question(session, coded, first)
    outcomes.set_question(session, withdrawn, first)
    assert interpretation.coded_outcomes(session, harvest) == {first: [coded.id]}


def test_one_save_is_one_history_entry_with_its_answers_and_a_stale_save_is_refused(
    session, harvest, create_outcome, create_user
):
    first, _second = _questions(session, harvest)
    outcome = create_outcome(harvest=harvest)
    eva = create_user("eva@example.dk", "evaluator")
    saved = interpretation.save_interpretation(
        session, harvest, InterpretationInput(overall="Første udkast"), None, by=eva
    )
    read = saved.version
    values = InterpretationInput(
        overall="Første udkast",
        answers={first: AnswerInput("Svaret", frozenset({outcome.id or 0}))},
    )
    interpretation.save_interpretation(session, harvest, values, read, by=eva)
    assert saved.version == read + 1
    entries = list(
        session.scalars(
            select(ChangeRecord)
            .where(col(ChangeRecord.entity) == "interpretation")
            .order_by(col(ChangeRecord.id))
        )
    )
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].after["answers"] == {}
    assert entries[1].after["answers"] == {str(first): {"text": "Svaret", "outcomes": [outcome.id]}}
    assert entries[1].user_id == eva.id
    parts = select(ChangeRecord).where(
        col(ChangeRecord.entity).in_(["questionanswer", "answeroutcome"])
    )
    assert list(session.scalars(parts)) == []  # the answers are in the record's one entry

    with pytest.raises(StaleVersion) as stale:
        interpretation.save_interpretation(
            session, harvest, InterpretationInput(overall="Mit eget"), read, by=eva
        )
    assert stale.value.current.overall == "Første udkast"
    with pytest.raises(StaleVersion):  # a first save when someone has created it meanwhile
        interpretation.save_interpretation(session, harvest, InterpretationInput(), None, by=eva)


def test_members_may_not_write_the_interpretation_of_their_own_groups_harvest(
    session, create_municipality, create_harvest, create_user
):
    from harvest import groups

    create_municipality()
    groups.create_group(
        session, {"slug": "gruppe", "name": "Gruppe", "municipality": "helsingor"}, by=None
    )
    own = create_harvest(slug="egen-hoest", group="gruppe")
    member = create_user("m@example.dk", "member", groups=["gruppe"])
    with pytest.raises(PermissionDenied):
        interpretation.save_interpretation(
            session, own, InterpretationInput(overall="Nej"), None, by=member
        )


def test_outcomes_of_another_harvest_and_cpr_numbers_are_refused(
    session, harvest, create_harvest, create_outcome
):
    first, _second = _questions(session, harvest)
    elsewhere = create_outcome(harvest=create_harvest(slug="anden-hoest"))
    with pytest.raises(ValidationFailed) as wrong:
        interpretation.save_interpretation(
            session,
            harvest,
            InterpretationInput(answers={first: AnswerInput("", frozenset({elsewhere.id or 0}))}),
            None,
            by=None,
        )
    assert f"outcomes_{first}" in wrong.value.errors
    with pytest.raises(PrivacyViolation):
        interpretation.save_interpretation(
            session, harvest, InterpretationInput(overall="Borger 010190-1234"), None, by=None
        )


def test_the_public_report_shows_answers_only_when_published_and_only_final_outcomes(
    session, harvest, create_outcome
):
    first, _second = _questions(session, harvest)
    final = create_outcome(harvest=harvest, title="Endelig forandring", status="final")
    draft = create_outcome(harvest=harvest, title="Hemmeligt udkast")
    cited = frozenset({final.id or 0, draft.id or 0})
    values = InterpretationInput(overall="Tolkningen", answers={first: AnswerInput("Svar", cited)})
    saved = interpretation.save_interpretation(session, harvest, values, None, by=None)

    hidden = report.build_report(session, harvest, final_only=True)
    assert hidden.interpretation == "" and hidden.sections[0].answer == ""
    assert "Tolkningen" not in report.report_markdown(hidden)

    published = InterpretationInput(
        overall="Tolkningen", publish=True, answers={first: AnswerInput("Svar", cited)}
    )
    interpretation.save_interpretation(session, harvest, published, saved.version, by=None)
    public = report.build_report(session, harvest, final_only=True)
    assert public.interpretation == "Tolkningen" and public.sections[0].answer == "Svar"
    assert [o.title for o in public.sections[0].supporting] == ["Endelig forandring"]
    text = report.report_markdown(public)
    assert "Tolkningen" in text and "Hemmeligt udkast" not in text


def test_json_and_xlsx_carry_the_answers(session, harvest, create_outcome):
    import io
    import json

    import openpyxl

    from harvest import sheet_export

    first, _second = _questions(session, harvest)
    outcome = create_outcome(harvest=harvest, title="Koret åbner")
    values = InterpretationInput(
        overall="Samlet", answers={first: AnswerInput("Svar", frozenset({outcome.id or 0}))}
    )
    interpretation.save_interpretation(session, harvest, values, None, by=None)
    built = report.build_report(session, harvest)
    body = json.loads(report.report_json(built))
    assert body["interpretation"] == {
        "overall": "Samlet",
        "answers": [{"question": 1, "answer": "Svar", "supporting_outcomes": [outcome.id]}],
    }
    content = report.add_summary_sheets(
        sheet_export.write_xlsx(sheet_export.export_table(session, harvest)), built
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content))["interpretation"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1] == [1, "Hvem henviser nu?", "Svar", f"{outcome.id}. Koret åbner"]
    assert rows[-1] == ["Overall interpretation", "Samlet", None, None]


def test_two_first_saves_at_once_give_the_later_one_the_stored_record(
    session, harvest, monkeypatch
):
    interpretation.save_interpretation(
        session, harvest, InterpretationInput(overall="Den første"), None, by=None
    )
    looked_up = interpretation.interpretation_of
    reads = iter([None])  # the second saver read "none yet" just before the first row arrived
    monkeypatch.setattr(interpretation, "interpretation_of", lambda *a: next(reads, looked_up(*a)))
    with pytest.raises(StaleVersion) as stale:
        interpretation.save_interpretation(
            session, harvest, InterpretationInput(overall="Den anden"), None, by=None
        )
    assert stale.value.current.overall == "Den første"
    assert looked_up(session, harvest).overall == "Den første"
