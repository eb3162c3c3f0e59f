"""The `when` cell of the outcome spreadsheet: a day, a month, a year, or a period of them.

`2021` is 1 January to 31 December 2021, `2021-03` is 1 to 31 March, `2021-03-04` is that
day (a start date only); `START/END` joins two of them, also with an en dash or a hyphen
between spaces as Word writes it (`2021-03 – 2021-05`). Danish day-first dates
(`4.3.2021`, `04-03-2021`) are read too. Must not import `app` or Flask.
"""

import calendar
import re
import unicodedata
from datetime import date

from harvest.errors import N_

WHEN_MESSAGE = N_(
    "Write the date as YYYY, YYYY-MM or YYYY-MM-DD, or a period START/END of those "
    "(for example 2021-03/2021-05)."
)
_PERIOD = re.compile(r"\s*(?:/|\u2013|\u2014|\u2012|\u2212|\s-\s|\.\.)\s*")
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})")


class WhenUnreadable(ValueError):
    """The cell is not a date or period the spreadsheet accepts."""


def _bounds(text: str) -> tuple[date, date, bool]:
    """Return the first and last day `text` names, and whether it names a single day."""
    try:
        if found := _ISO.fullmatch(text):
            year, month, day = (int(g) if g else None for g in found.groups())
            assert year is not None
            if day is not None and month is not None:
                return date(year, month, day), date(year, month, day), True
            if month is not None:
                last = calendar.monthrange(year, month)[1]
                return date(year, month, 1), date(year, month, last), False
            return date(year, 1, 1), date(year, 12, 31), False
        if found := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(g) for g in found.groups())
            return date(year, month, day), date(year, month, day), True
    except ValueError:
        pass
    raise WhenUnreadable(text)


def parse_when(text: str) -> tuple[date | None, date | None]:
    """Return the start and end of a `when` cell (None where it gives none)."""
    flat = unicodedata.normalize("NFKC", text or "").replace("\u00a0", " ").strip()
    if not flat:
        return None, None
    parts = _PERIOD.split(flat, maxsplit=1)
    if len(parts) == 2:
        start_text, end_text = parts[0].strip(), parts[1].strip()
        start = _bounds(start_text)[0] if start_text else None
        end = _bounds(end_text)[1] if end_text else None
        return start, end
    start, end, single_day = _bounds(flat)
    return start, None if single_day else end


def when_text(start: date | None, end: date | None) -> str:
    """Return a start and end as the spreadsheet writes them (`START/END`, or `START`)."""
    first = start.isoformat() if start else ""
    return f"{first}/{end.isoformat()}" if end else first
