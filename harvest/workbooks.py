"""Guarding XLSX workbooks: before openpyxl opens one, the unpacked size of the archive
and each sheet's declared dimension are checked first, cheaply, so that a small file
cannot make the server fill gigabytes of empty cells; and, in every workbook or CSV file
Brobyg writes, text a spreadsheet would run as a formula is kept as text (one guard for
all of them). Must not import `app` or Flask.
"""

import io
import re
import zipfile
from typing import IO, Any

from defusedxml.ElementTree import iterparse
from openpyxl.utils.cell import column_index_from_string

from harvest.errors import N_, BrobygError

SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV/formula injection


class WorkbookRefused(BrobygError):
    """The workbook is refused before it is read: too large once unpacked, or declared so."""

    message = N_("The file is not a valid XLSX workbook.")


def _corner(ref: str) -> tuple[int, int] | None:
    """Return (rows, columns) of a dimension such as `A1:P200`, or None if unreadable."""
    last = CELL.fullmatch(ref.split(":")[-1].strip())
    if last is None:
        return None
    return int(last.group(2)), column_index_from_string(last.group(1).upper())


def _declared(stream: IO[bytes]) -> tuple[int, int] | None:
    """Read a sheet's `<dimension ref>` as a stream, stopping at the first cell data."""
    for _event, element in iterparse(stream, events=("start",)):
        if element.tag == f"{MAIN}dimension":
            return _corner(element.get("ref", ""))
        if element.tag == f"{MAIN}sheetData":
            return None
    return None


def check_workbook(content: bytes, *, max_unpacked: int, max_rows: int, max_columns: int) -> None:
    """Refuse `content` unless it unpacks to at most `max_unpacked` bytes and every sheet
    declares at most `max_rows` rows below its header and `max_columns` columns."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if sum(info.file_size for info in members) > max_unpacked:
                raise WorkbookRefused(N_("The workbook unpacks to too much data to be imported."))
            for info in members:
                if not SHEET.fullmatch(info.filename):
                    continue
                with archive.open(info) as stream:
                    size = _declared(stream)
                if size is None:
                    continue
                rows, columns = size
                if rows > max_rows + 1:  # the header row besides
                    raise WorkbookRefused(
                        N_("The file has more than %(limit)s rows. Split it into smaller files."),
                        limit=max_rows,
                    )
                if columns > max_columns:
                    raise WorkbookRefused(
                        N_("A sheet has more than %(limit)s columns: it cannot be imported."),
                        limit=max_columns,
                    )
    except WorkbookRefused:
        raise
    except Exception:  # noqa: BLE001 - a broken archive or XML (or defusedxml's refusal) is the file's
        raise WorkbookRefused() from None


def is_formula_like(value: Any) -> bool:
    """Tell whether a spreadsheet would run `value` as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def keep_as_text(cell: Any) -> None:
    """Make an openpyxl cell that holds formula-like text a plain text cell (quote prefix)."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def keep_sheet_as_text(sheet: Any) -> None:
    """Keep every formula-like text in an openpyxl worksheet as text."""
    for row in sheet.iter_rows():
        for cell in row:
            keep_as_text(cell)
