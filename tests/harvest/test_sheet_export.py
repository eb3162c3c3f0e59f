"""The outcome spreadsheet as exported: the reader's language, every coding dimension,
verdicts and chains, a workbook that is easy to work in, and a round trip that changes
nothing."""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from babel.support import Translations

from harvest import coding, harvests, outcomes, sheet_export, spreadsheet
from harvest.models import Substantiation
from harvest.report import COLUMNS
from harvest.sheet_columns import DANISH_HEADERS, READ_ONLY

TRANSLATIONS = Path(__file__).parents[2] / "app" / "translations"
LONG = "Biblioteket låner et lokale ud hver tirsdag til foreningens møder. " * 4


def danish(text: str) -> str:
    """Translate a msgid with the app's Danish catalogue, as the app layer does."""
    return Translations.load(str(TRANSLATIONS), ["da"]).gettext(text)


def _answer(session, target, role, **verdicts):
    session.add(
        Substantiation(
            outcome_id=target.id,
            name="Hemmelig Person",
            role=role,
            token_hash=f"h{target.id}{role}",
            expires_at=datetime.now(UTC) + timedelta(days=14),
            answered_at=datetime.now(UTC),
            status="answered",
            **{f"verdict_{part}": verdict for part, verdict in verdicts.items()},
        )
    )
    session.flush()


@pytest.fixture
def coded(session, create_harvest, create_actor, create_outcome):
    """A harvest of three outcomes: coded in every dimension, substantiated and chained."""
    harvest = create_harvest(questions=["Hvem gør noget nyt?", "Hvad virker?"])
    library = create_actor(name="Helsingør Bibliotek", kind="municipal_service", sector="municipal")
    club = create_actor(name="=Løbeklubben Øresund")
    scheme = coding.scheme_of(session, harvest)
    local = coding.add_dimension(
        session, scheme, {"key": "local_effect", "label": "Lokal effekt", "multiple": True}, by=None
    )
    for key, label in [("street", "Gaden"), ("town", "Byen")]:
        coding.add_code(session, local, {"key": key, "label": label}, by=None)
    first = create_outcome(
        harvest, actor=library, title="Biblioteket låner lokaler ud", significance=LONG
    )
    second = create_outcome(
        harvest,
        actor=club,
        title="=Klubben inviterer nye",
        when_start="2025-01-01",
        when_end="2025-02-01",
        status="lead",
    )
    third = create_outcome(harvest, actor=library, title="Udvalget beslutter", status="ready")
    coding.set_codes(
        session,
        first.id,
        scheme,
        {
            "type_of_change": ["relationship"],
            "intended": ["intended"],
            "positive": ["positive"],
            "social_capital_form": ["bridging"],
            "significance_rating": ["high"],
            "contribution_level": ["partial"],
            "recovery_domain": ["citizenship"],
            "local_effect": ["street", "town"],
        },
        by=None,
    )
    coding.set_codes(session, second.id, scheme, {"significance_rating": ["low"]}, by=None)
    outcomes.set_question(session, first, harvests.questions_of(session, harvest)[1].id)
    outcomes.link_outcomes(session, first, second, by=None)
    outcomes.link_outcomes(session, third, second, by=None)
    _answer(session, first, "Leder", outcome="fully_agree", significance="partially_agree")
    _answer(session, first, "Frivillig", outcome="fully_agree", contribution="disagree")
    _answer(session, first, "Nabo", outcome="partially_agree", significance="cannot_judge")
    return harvest, first, second, third


def _rows(table):
    return [dict(zip(table.keys, row, strict=True)) for row in table.rows]


def test_english_export_has_the_contract_then_every_dimension_then_read_only_facts(session, coded):
    harvest, first, second, third = coded
    table = sheet_export.export_table(session, harvest)
    assert table.header[: len(COLUMNS)] == list(COLUMNS)
    assert table.header[len(COLUMNS) :] == [
        "significance_rating",
        "contribution_level",
        "recovery_domain",
        "local_effect",
        "verdict_outcome",
        "verdict_significance",
        "verdict_contribution",
        "substantiations",
        "contributed_to",
        "contributed_from",
    ]
    assert set(table.header[-6:]) == READ_ONLY
    one, two, three = _rows(table)
    assert one["type_of_change"] == "Relationship or collaboration"
    assert (one["intended"], one["positive"]) == ("Intended", "Positive")
    assert one["significance_rating"] == "High" and one["recovery_domain"] == "Citizenship"
    assert one["local_effect"] == "Gaden;Byen"  # typed labels as typed
    assert one["harvest_question"] == "Hvad virker?"
    assert one["status"] == "Draft" and two["status"] == "Lead"
    assert one["verdict_outcome"] == "Fully agree: 2; Partially agree: 1"
    assert one["verdict_significance"] == "Partially agree: 1; Cannot judge: 1"
    assert one["verdict_contribution"] == "Disagree: 1"
    assert (one["substantiations"], two["substantiations"]) == (3, 0)
    assert one["contributed_to"] == str(second.id) and one["contributed_from"] == ""
    assert two["contributed_from"] == f"{first.id};{third.id}"
    assert two["when"] == "2025-01-01/2025-02-01"


def test_the_id_column_writes_the_outcome_ref_when_it_has_one(session, coded):
    harvest, first, second, _third = coded
    second.ref = "H-02"
    session.add(second)
    session.flush()
    one, two, _three = _rows(sheet_export.export_table(session, harvest))
    assert (one["id"], two["id"]) == (first.id, "H-02")
    assert one["contributed_to"] == "H-02"


def test_danish_export_has_danish_headers_and_labels(session, coded):
    harvest, *_ = coded
    table = sheet_export.export_table(session, harvest, language="da", translate=danish)
    assert table.header[:4] == ["id", "titel", "forandret aktør", "forandring"]
    assert table.header == [DANISH_HEADERS.get(key, key) for key in table.keys]
    assert "betydningsvurdering" in table.header and "bidrog til" in table.header
    one, two, _three = _rows(table)
    assert one["type_of_change"] == "Relation eller samarbejde"
    assert (one["intended"], one["positive"], one["significance_rating"]) == (
        "Tilsigtet",
        "Positiv",
        "Høj",
    )
    assert one["local_effect"] == "Gaden;Byen"
    assert one["status"] == "Kladde" and two["status"] == "Spor"
    assert one["verdict_outcome"] == "Helt enig: 2; Delvist enig: 1"
    assert table.choices["status"][0] == "Spor"
    assert "Praksis" in table.choices["type_of_change"]
    assert table.title == "forandringer"


def test_an_english_export_imports_back_unchanged(session, coded):
    harvest, *_ = coded
    for write in (sheet_export.write_csv, sheet_export.write_xlsx):
        content = write(sheet_export.export_table(session, harvest))
        plan = spreadsheet.plan_import(session, harvest, spreadsheet.read_table(content, "x"))
        assert plan.ok, plan.problems
        assert [r.action for r in plan.rows] == ["unchanged"] * 3


def test_a_danish_export_imports_back_unchanged(session, coded):
    harvest, *_ = coded
    table = sheet_export.export_table(session, harvest, language="da", translate=danish)
    for write in (sheet_export.write_csv, sheet_export.write_xlsx):
        sheet = spreadsheet.read_table(write(table), "x")
        plan = spreadsheet.plan_import(session, harvest, sheet, translations=[danish])
        assert plan.ok, plan.problems
        assert [r.action for r in plan.rows] == ["unchanged"] * 3


def _workbook(table):
    return openpyxl.load_workbook(io.BytesIO(sheet_export.write_xlsx(table)))


def _validations(sheet):
    """Return {column letter: formula} of the sheet's list validations."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list" and validation.allow_blank
        for cell_range in validation.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation.formula1
    return found


def _letter(table, key):
    return openpyxl.utils.get_column_letter(table.keys.index(key) + 1)


def test_the_workbook_has_a_frozen_header_a_filter_widths_and_wrapped_long_text(session, coded):
    harvest, *_ = coded
    table = sheet_export.export_table(session, harvest)
    sheet = _workbook(table).active
    last = openpyxl.utils.get_column_letter(len(table.keys))
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.auto_filter.ref == f"A1:{last}4"
    width = sheet.column_dimensions
    significance = _letter(table, "significance")
    assert width[significance].width == sheet_export.MAX_WIDTH
    assert sheet[f"{significance}2"].alignment.wrap_text
    assert sheet_export.MIN_WIDTH <= width[_letter(table, "id")].width < 12
    assert width[_letter(table, "title")].width == len("Biblioteket låner lokaler ud") + 2


def test_the_workbook_offers_dropdowns_for_single_choice_codes_and_the_status(session, coded):
    harvest, *_ = coded
    table = sheet_export.export_table(session, harvest, language="da", translate=danish)
    sheet = _workbook(table).active
    found = _validations(sheet)
    assert found[_letter(table, "status")] == (
        '"Spor,Kladde,Gennemgået,Klar,Substantieret,Endelig,Trukket tilbage"'
    )
    assert found[_letter(table, "significance_rating")] == '"Høj,Middel,Lav"'
    assert "Relation eller samarbejde" in found[_letter(table, "type_of_change")]
    assert _letter(table, "local_effect") not in found  # several codes: no dropdown
    assert _letter(table, "title") not in found
    (validation,) = [
        v
        for v in sheet.data_validations.dataValidation
        if str(v.sqref).startswith(_letter(table, "status"))
    ]
    status = _letter(table, "status")
    assert str(validation.sqref) == f"{status}2:{status}{3 + 1 + sheet_export.NEW_ROWS}"
    assert validation.error == danish(sheet_export.CHOICE_NOTE)


def test_a_list_with_commas_goes_to_a_hidden_sheet(session, coded):
    harvest, *_ = coded
    scheme = coding.scheme_of(session, harvest)
    dimension = coding.add_dimension(
        session, scheme, {"key": "reach", "label": "Rækkevidde"}, by=None
    )
    for key, label in [("near", "Nær, lokal"), ("far", "=Fjern")]:
        coding.add_code(session, dimension, {"key": key, "label": label}, by=None)
    table = sheet_export.export_table(session, harvest)
    book = _workbook(table)
    assert book.sheetnames == ["outcomes", "lists"]
    assert book["lists"].sheet_state == "hidden"
    assert [book["lists"]["A1"].value, book["lists"]["A2"].value] == ["Nær, lokal", "=Fjern"]
    assert book["lists"]["A2"].data_type == "s"
    assert _validations(book.active)[_letter(table, "reach")] == "'lists'!$A$1:$A$2"


def test_text_that_looks_like_a_formula_is_written_as_text(session, coded):
    harvest, *_ = coded
    table = sheet_export.export_table(session, harvest)
    sheet = _workbook(table).active
    title = sheet[f"{_letter(table, 'title')}3"]
    actor = sheet[f"{_letter(table, 'changed_actor')}3"]
    for cell in (title, actor):
        assert cell.data_type == "s" and cell.quotePrefix
    assert (title.value, actor.value) == ("=Klubben inviterer nye", "=Løbeklubben Øresund")
    text = sheet_export.write_csv(table).decode("utf-8-sig")
    assert "'=Klubben inviterer nye" in text and "'=Løbeklubben Øresund" in text


def test_dates_stay_text_in_the_when_form(session, coded):
    harvest, *_ = coded
    table = sheet_export.export_table(session, harvest)
    sheet = _workbook(table).active
    column = _letter(table, "when")
    assert sheet[f"{column}2"].value == "2025-03-01" and sheet[f"{column}2"].data_type == "s"
    assert sheet[f"{column}3"].value == "2025-01-01/2025-02-01"
