"""The outcome spreadsheet: safe reading, every row checked, all-or-nothing import, round trip."""

import io
import zipfile

import openpyxl
import pytest
from sqlmodel import select

from harvest import coding, outcomes, sheet_export, spreadsheet
from harvest.models import Outcome
from harvest.privacy import CPR_MESSAGE
from harvest.report import COLUMNS, harvest_outcomes
from harvest.spreadsheet import SpreadsheetError

HEADER = ",".join(COLUMNS)


@pytest.fixture
def setup(session, create_harvest, create_actor):
    harvest = create_harvest(questions=["Hvem gør noget nyt?", "Hvad virker?"])
    library = create_actor(name="Helsingør Bibliotek", kind="municipal_service", sector="municipal")
    club = create_actor(name="Løbeklubben Øresund")
    peers = create_actor(name="Peer-gruppen", kind="citizen_group", sector="citizens", tier=1)
    return harvest, library, club, peers


def _csv(*rows: str, header: str = HEADER, bom: bool = False, sep: str = ",") -> bytes:
    text = "\r\n".join([header.replace(",", sep), *rows]) + "\r\n"
    return text.encode("utf-8-sig" if bom else "utf-8")


ROW = (
    ",Biblioteket låner lokaler ud,Helsingør Bibliotek,Låner et lokale ud hver tirsdag,"
    "2025-03-01,Helsingør,Nye mødesteder,Gruppen spurgte,Løbeklubben Øresund;Peer-gruppen,"
    "Referat,practice;relationship,ja,positive,bridging,draft,1"
)


def _import(session, harvest, content, **kw):
    return spreadsheet.import_outcomes(session, harvest, content, "f.csv", by=None, **kw)


def test_a_valid_row_creates_an_outcome_with_actors_codes_and_question(session, setup):
    harvest, library, club, peers = setup
    coding_scheme = coding.scheme_of(session, harvest)
    coding_scheme_dims = {d for d, *_ in coding.DEFAULT_DIMENSIONS}
    assert "type_of_change" in coding_scheme_dims
    plan = _import(session, harvest, _csv(ROW.replace("practice;relationship", "practice")))
    assert plan.ok, plan.problems
    assert plan.written and plan.count("create") == 1
    (found,) = harvest_outcomes(session, harvest)
    assert found.changed_actor == "Helsingør Bibliotek"
    assert found.contributors == ["Løbeklubben Øresund", "Peer-gruppen"]
    assert found.codes == {
        "type_of_change": ["practice"],
        "intended": ["intended"],
        "positive": ["positive"],
        "social_capital_form": ["bridging"],
    }
    assert found.question == 1
    assert coding_scheme.id


@pytest.mark.parametrize("sep, bom", [(";", True), (";", False), (",", True)])
def test_csv_as_danish_excel_writes_it_is_read(session, setup, sep, bom):
    harvest, *_ = setup
    row = ROW.replace("practice;relationship", "practice")
    if sep == ";":
        row = '"' + '";"'.join(row.split(",")) + '"'
    plan = _import(session, harvest, _csv(row, sep=sep, bom=bom), dry_run=True)
    assert plan.ok, plan.problems
    assert plan.count("create") == 1


def test_every_problem_is_listed_by_row_and_nothing_is_imported(session, setup):
    harvest, *_ = setup
    good = ROW.replace("practice;relationship", "practice")
    bad_actor = good.replace("Helsingør Bibliotek", "Ukendt Forening")
    bad_code = good.replace("bridging", "sideways")
    bad_date = good.replace("2025-03-01", "marts")
    cpr = good.replace("Referat", "CPR 070761-4285")
    plan = _import(session, harvest, _csv(good, bad_actor, bad_code, bad_date, cpr))
    assert not plan.ok and not plan.written
    found = {(p.row, p.column) for p in plan.problems}
    assert found == {
        (4, "social_capital_form"),
        (5, "when"),
        (6, "sources"),
    }
    assert any(p.message == CPR_MESSAGE for p in plan.problems)
    assert [(n.typed, n.places) for n in plan.unmatched] == [
        ("Ukendt Forening", [(3, "changed_actor")])
    ]
    assert not any("070761" in str(p.params) for p in plan.problems)
    assert len(session.exec(select(Outcome)).all()) == 0


def test_unknown_contributors_and_too_many_codes_are_problems(session, setup):
    harvest, *_ = setup
    row = ROW.replace("Peer-gruppen", "Nogen Andre")
    plan = _import(session, harvest, _csv(row))
    columns = {p.column: p for p in plan.problems}
    assert [(n.typed, n.places) for n in plan.unmatched] == [("Nogen Andre", [(2, "contributors")])]
    assert "type_of_change" in columns  # one code only in this dimension


def test_dry_run_writes_nothing(session, setup):
    harvest, *_ = setup
    plan = _import(
        session, harvest, _csv(ROW.replace("practice;relationship", "practice")), dry_run=True
    )
    assert plan.ok and not plan.written
    assert len(session.exec(select(Outcome)).all()) == 0


def test_contact_details_are_warnings_not_problems(session, setup):
    harvest, *_ = setup
    row = ROW.replace("practice;relationship", "practice").replace("Referat", "kontakt@forening.dk")
    plan = _import(session, harvest, _csv(row))
    assert plan.ok and plan.written
    assert [(w.row, w.column) for w in plan.warnings] == [(2, "sources")]


def test_id_updates_only_when_changed_and_refuses_foreign_ids(session, setup, create_outcome):
    harvest, library, *_ = setup
    outcome = create_outcome(harvest=harvest, actor=library)
    version = outcome.version
    table = sheet_export.export_table(session, harvest)
    plan = _import(session, harvest, sheet_export.write_csv(table))
    assert plan.count("unchanged") == 1 and outcome.version == version
    table.rows[0][1] = "Ny titel"
    plan = _import(session, harvest, sheet_export.write_csv(table))
    assert plan.count("update") == 1
    assert session.get(Outcome, outcome.id).title == "Ny titel"
    table.rows[0][0] = 9999
    plan = _import(session, harvest, sheet_export.write_csv(table))
    assert [(p.row, p.column) for p in plan.problems] == [(2, "id")]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_outcomes(session, setup, create_harvest, fmt):
    harvest, *_ = setup
    rows = [
        ROW.replace("practice;relationship", "practice"),
        ',=1+1 er ikke en formel,Løbeklubben Øresund,"-  linje 1\nlinje 2",2025-01-01/2025-02-01,,'
        "@ betydning,+bidrag,,,policy,nej,negative,,lead,2",
        ",En ledetråd,,,,,,,,,,,,,lead,",
    ]
    assert _import(session, harvest, _csv(*rows)).written
    before = harvest_outcomes(session, harvest)
    table = sheet_export.export_table(session, harvest)
    content = (sheet_export.write_xlsx if fmt == "xlsx" else sheet_export.write_csv)(table)
    # the same harvest: nothing changes
    plan = spreadsheet.import_outcomes(session, harvest, content, f"x.{fmt}", by=None)
    assert plan.ok, plan.problems
    assert plan.count("unchanged") == 3
    # a fresh harvest: the same outcomes, once the ids are left out
    fresh = create_harvest(slug="fresh", questions=["Hvem gør noget nyt?", "Hvad virker?"])
    for row in table.rows:
        row[0] = ""
    content = (sheet_export.write_xlsx if fmt == "xlsx" else sheet_export.write_csv)(table)
    plan = spreadsheet.import_outcomes(session, fresh, content, f"x.{fmt}", by=None)
    assert plan.ok, plan.problems
    after = harvest_outcomes(session, fresh)

    def strip(o):
        return {k: v for k, v in vars(o).items() if k != "id"}

    assert [strip(o) for o in after] == [strip(o) for o in before]


def test_exports_guard_against_formula_injection(session, setup):
    harvest, *_ = setup
    row = [1, '=HYPERLINK("http://x")', "", "+1", "", "", "-2", "@SUM(A1)"]
    row += [""] * (len(COLUMNS) - len(row))
    table = sheet_export.OutcomeTable("en", list(COLUMNS), list(COLUMNS), [row])
    text = sheet_export.write_csv(table).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";'+1;" in text and "'@SUM" in text
    sheet = openpyxl.load_workbook(io.BytesIO(sheet_export.write_xlsx(table))).active
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("=")
    assert sheet["B2"].quotePrefix
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"


def test_oversized_and_non_utf8_files_are_refused_with_a_message():
    with pytest.raises(SpreadsheetError) as big:
        spreadsheet.read_table(b"x" * (spreadsheet.MAX_BYTES + 1), "big.csv")
    assert big.value.params["limit"] == "5"
    with pytest.raises(SpreadsheetError) as latin:
        spreadsheet.read_table(HEADER.encode() + "\nø".encode("latin-1"), "l.csv")
    assert "UTF-8" in latin.value.message


def test_too_many_rows_are_refused():
    rows = "\n".join(["x"] * (spreadsheet.MAX_ROWS + 2))
    with pytest.raises(SpreadsheetError, match="5000"):
        spreadsheet.read_table(("title\n" + rows).encode(), "many.csv")


def test_a_file_without_a_title_column_is_refused(session, setup):
    harvest, *_ = setup
    with pytest.raises(SpreadsheetError) as error:
        _import(session, harvest, b"navn,andet\nx,y\n")
    assert "title" in error.value.params["columns"]


def _xlsx_with_sheet_xml(sheet_xml: bytes) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["title"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
        b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["entity-bomb", "external-entity"],
)
def test_xlsx_with_xml_entities_is_refused(doctype):
    sheet = (
        b'<?xml version="1.0"?>' + doctype + b'<worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;'
        b"</t></is></c></row></sheetData></worksheet>"
    )
    assert openpyxl.DEFUSEDXML
    with pytest.raises(SpreadsheetError) as error:
        spreadsheet.read_table(_xlsx_with_sheet_xml(sheet), "bomb.xlsx")
    assert "XLSX" in error.value.message


def test_a_question_can_be_named_by_its_text(session, setup):
    harvest, *_ = setup
    row = ROW.replace("practice;relationship", "practice")[: -len(",1")] + ",Hvad virker?"
    assert _import(session, harvest, _csv(row)).written
    (found,) = harvest_outcomes(session, harvest)
    assert found.question == 2
    assert outcomes.count_by_status(session) == {"draft": 1}
