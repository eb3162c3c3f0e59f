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


def _substantiate(session, target, role, **verdicts):
    from datetime import UTC, datetime, timedelta

    from harvest.models import Substantiation

    session.add(
        Substantiation(
            outcome_id=target.id,
            name="Hanne Hemmelig",
            email="hanne@example.dk",
            role=role,
            token_hash=f"t{target.id}{role}",
            expires_at=datetime.now(UTC) + timedelta(days=7),
            status="answered",
            **{f"verdict_{part}": v for part, v in verdicts.items()},
        )
    )
    session.flush()


def test_outcomes_are_grouped_by_question_then_by_type_of_change(
    session, create_harvest, create_outcome
):
    harvest = create_harvest()
    scheme = coding.scheme_of(session, harvest)
    policy = create_outcome(harvest=harvest, title="Politik")
    practice = create_outcome(harvest=harvest, title="Praksis")
    create_outcome(harvest=harvest, title="Ukodet")
    coding.set_codes(session, policy.id, scheme, {"type_of_change": ["policy"]}, by=None)
    coding.set_codes(session, practice.id, scheme, {"type_of_change": ["practice"]}, by=None)
    built = report.build_report(session, harvest)
    groups = built.grouped(built.sections[-1])
    assert [(key, [o.title for o in found]) for key, _label, found in groups] == [
        ("practice", ["Praksis"]),
        ("policy", ["Politik"]),
        ("", ["Ukodet"]),
    ]
    text = report.report_markdown(built)
    assert text.index("#### Type of change: Practice") < text.index("##### 2. Praksis")
    assert text.index("##### 2. Praksis") < text.index("#### Type of change: Policy or procedure")


def test_markdown_has_substantiation_by_role_and_counts_but_no_names(
    session, create_harvest, create_outcome
):
    harvest = create_harvest()
    first = create_outcome(harvest=harvest, title="Biblioteket åbner")
    second = create_outcome(harvest=harvest, title="Klubben inviterer")
    outcomes.link_outcomes(session, first, second, by=None)
    coding.set_codes(
        session, first.id, coding.scheme_of(session, harvest), {"positive": ["positive"]}, by=None
    )
    _substantiate(
        session,
        first,
        "Bibliotekar",
        outcome="fully_agree",
        significance="partially_agree",
        contribution="disagree",
    )
    text = report.report_markdown(report.build_report(session, harvest))
    assert "| Bibliotekar | 1 | 1 |" in text
    assert "| Fully agree | 1 (100 %) | 0 (0 %) | 0 (0 %) |" in text
    assert "| Positive | 1 | 50 % |" in text and "| Not coded | 1 | 50 % |" in text
    assert "1. 1. Biblioteket åbner → 2. Klubben inviterer" in text
    assert "Hemmelig" not in text and "hanne@example.dk" not in text


def test_the_summary_sheet_follows_the_outcome_sheet(session, create_harvest, create_outcome):
    import io

    import openpyxl

    from harvest import spreadsheet

    harvest = create_harvest()
    create_outcome(harvest=harvest, title="=1+1 er ikke en formel")
    built = report.build_report(session, harvest)
    content = report.add_summary_sheets(
        spreadsheet.write_xlsx(spreadsheet.export_table(session, harvest)), built
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["outcomes", "summary"]
    rows = spreadsheet.read_table(content, "x.xlsx")
    assert rows[0][:2] == ["id", "title"] and rows[1][1] == "=1+1 er ikke en formel"
