# ruff: noqa: E501 - the XML parts of a workbook, as Excel writes them
"""A small XLSX that declares a huge sheet, or unpacks to too much, is refused before
openpyxl reads it: in under a second and well under 100 MB."""

import io
import time
import tracemalloc
import zipfile

import pytest

from harvest import spreadsheet
from harvest.workbooks import WorkbookRefused, check_workbook
from network import kumu_import

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Elements" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _sheet(dimension: str, rows: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension}<sheetData>{rows}</sheetData></worksheet>"
    )


def _xlsx(sheet: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row>'
BOMB = _xlsx(
    _sheet(
        '<dimension ref="A1:XFD1048576"/>',
        HEADER + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    )
)


def _cost(read) -> tuple[float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read()
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, peak


def test_the_dimension_bomb_is_small():
    assert len(BOMB) < 2000


def test_a_declared_huge_sheet_is_refused_quickly_and_cheaply():
    def read():
        with pytest.raises(spreadsheet.SpreadsheetError) as refused:
            spreadsheet.read_table(BOMB, "bomb.xlsx")
        assert "5000" in str(refused.value) or "5.000" in str(refused.value)

    elapsed, peak = _cost(read)
    assert elapsed < 1.0
    assert peak < 100 * 1024 * 1024


def test_a_huge_sheet_that_does_not_declare_itself_is_still_bounded():
    rows = "".join(
        f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
        for n in range(2, 400)
    )
    content = _xlsx(_sheet("", HEADER + rows))

    def read():
        with pytest.raises(spreadsheet.SpreadsheetError):
            spreadsheet.read_table(content, "wide.xlsx")

    elapsed, peak = _cost(read)
    assert elapsed < 1.0 and peak < 100 * 1024 * 1024


def test_a_workbook_that_unpacks_to_too_much_is_refused():
    padding = {"xl/media/padding.bin": b"\0" * (spreadsheet.MAX_UNPACKED_BYTES + 1)}
    content = _xlsx(_sheet('<dimension ref="A1"/>', HEADER), padding)
    assert len(content) < spreadsheet.MAX_BYTES
    with pytest.raises(spreadsheet.SpreadsheetError, match="unpacks to too much"):
        spreadsheet.read_table(content, "big.xlsx")


def test_an_ordinary_sheet_still_reads():
    content = _xlsx(
        _sheet(
            '<dimension ref="A1:A2"/>',
            HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>Et udfald</t></is></c></row>',
        )
    )
    assert spreadsheet.read_table(content, "ok.xlsx") == [["title"], ["Et udfald"]]


def test_the_kumu_import_refuses_the_bomb_too(session):
    elapsed, peak = _cost(lambda: kumu_import.import_kumu(session, BOMB, by=None))
    result = kumu_import.import_kumu(session, BOMB, by=None)
    assert result.problems and result.problems[0][2] == "file"
    assert elapsed < 1.0 and peak < 100 * 1024 * 1024


def test_broken_archives_are_refused_as_not_workbooks():
    with pytest.raises(WorkbookRefused):
        check_workbook(b"PK\x03\x04 not a zip", max_unpacked=10, max_rows=10, max_columns=10)
