"""The harvest report as data, JSON and Markdown: design first, outcomes grouped by question."""

import json

from harvest import coding, harvests, outcomes, report


def test_report_groups_outcomes_by_question_and_keeps_every_status(
    session, create_harvest, create_outcome
):
    harvest = create_harvest(questions=["Spørgsmål et", "Spørgsmål to"])
    first = create_outcome(harvest=harvest, title="Svar på to", status="draft")
    create_outcome(harvest=harvest, title="Uden spørgsmål", status="withdrawn")
    outcomes.set_question(session, first, harvests.questions_of(session, harvest)[1].id)
    coding.set_codes(
        session, first.id, coding.scheme_of(session, harvest), {"positive": ["negative"]}, by=None
    )
    built = report.build_report(session, harvest)
    assert [(s.number, [o.title for o in s.outcomes]) for s in built.sections] == [
        (1, []),
        (2, ["Svar på to"]),
        (None, ["Uden spørgsmål"]),
    ]
    assert built.status_counts() == {"draft": 1, "withdrawn": 1}
    body = json.loads(report.report_json(built))
    assert body["harvest"]["questions"] == ["Spørgsmål et", "Spørgsmål to"]
    assert body["outcomes"][0]["positive"] == "negative"
    assert body["outcomes"][0]["harvest_question"] == 2


def test_markdown_has_design_method_outcomes_and_a_place_for_substantiation(
    session, create_harvest, create_outcome
):
    harvest = create_harvest(users_and_uses="Styregruppen bruger høsten.")
    create_outcome(harvest=harvest, title="Biblioteket *åbner*", significance="# Vigtigt")
    text = report.report_markdown(report.build_report(session, harvest))
    assert text.startswith("# Testhøst")
    assert "Styregruppen bruger høsten." in text
    assert "Outcome Harvesting" in text and "Substantiation and analysis" in text
    assert r"Biblioteket \*åbner\*" in text
    assert "\\# Vigtigt" in text


def test_markdown_labels_are_translated_by_the_caller(session, create_harvest):
    harvest = create_harvest()
    text = report.report_markdown(
        report.build_report(session, harvest), translate=lambda s: "»" + s
    )
    assert "## »Method" in text
