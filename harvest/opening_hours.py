"""When an actor is open: opening hours as rows of weekday, from and to.

An actor's hours are a list of rows `{"day": "wednesday", "opens": "19:00", "closes":
"21:00"}` on the actor record (so edits, history and conflicts cover them). Which of
"on weekdays", "in the evening" and "at weekends" an actor offers is computed from
those rows by the rules in `WHEN_RULES`, never from words in its texts. Must not
import `app` or Flask.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from harvest.errors import N_


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


class OpenWhen(StrEnum):
    """When a citizen wants to go."""

    WEEKDAYS = "weekdays"
    EVENINGS = "evenings"
    WEEKENDS = "weekends"


WEEKDAYS = tuple(Weekday)
WORKDAYS = WEEKDAYS[:5]
WEEKEND = WEEKDAYS[5:]
EVENING = "17:00"
"""The evening starts here: open after it is "in the evening", opening before it is daytime."""


@dataclass(frozen=True)
class WhenRule:
    """A row of hours counts for a `when` if it is on one of `days` and, where given,
    opens before `opens_before` or closes after `closes_after` (times as HH:MM)."""

    days: tuple[Weekday, ...]
    opens_before: str | None = None
    closes_after: str | None = None

    def holds(self, row: dict[str, str]) -> bool:
        """Tell whether one row of hours counts for this rule."""
        return (
            row["day"] in self.days
            and (self.opens_before is None or row["opens"] < self.opens_before)
            and (self.closes_after is None or row["closes"] > self.closes_after)
        )


WHEN_RULES = {
    # Weekdays means during the working day: an evening-only choir is no weekday offer.
    OpenWhen.WEEKDAYS: WhenRule(WORKDAYS, opens_before=EVENING),
    OpenWhen.EVENINGS: WhenRule(WEEKDAYS, closes_after=EVENING),
    OpenWhen.WEEKENDS: WhenRule(WEEKEND),
}

_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?$")
_RANGE = re.compile(r"\d\s*[-\u2010-\u2015\u2212]\s*\d")
MAX_ROWS = 21


class HoursProblem(ValueError):
    """A row of opening hours that cannot be read: a translatable message and its values."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def parse_time(text: str, row: int) -> str:
    """Return `text` ("19", "19.30", "9:05") as HH:MM, or raise `HoursProblem`."""
    text = text.strip()
    if _RANGE.search(text):
        raise HoursProblem(
            N_(
                "Row %(row)s: '%(value)s' looks like a span of time. Write the start in "
                "'From' and the end in 'To', e.g. 19:00 and 21:00."
            ),
            row=row,
            value=text,
        )
    found = _TIME.match(text)
    if found is None or int(found["hour"]) > 24 or int(found["minute"] or 0) > 59:
        raise HoursProblem(
            N_("Row %(row)s: '%(value)s' is not a time of day. Write it as HH:MM, e.g. 19:00."),
            row=row,
            value=text,
        )
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if hour == 24 and minute:
        raise HoursProblem(
            N_("Row %(row)s: '%(value)s' is not a time of day. Write it as HH:MM, e.g. 19:00."),
            row=row,
            value=text,
        )
    return f"{hour:02d}:{minute:02d}"


def parse_rows(rows: list[Any]) -> list[dict[str, str]]:
    """Return the rows that are filled in, checked and in order of day and time.

    Each row is a mapping with `day`, `opens` and `closes`; a row left wholly blank is
    dropped. Raise `HoursProblem` on the first row that cannot be read."""
    parsed: list[dict[str, str]] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise HoursProblem(
                N_("Row %(row)s: give a day, a from time and a to time."), row=number
            )
        day, opens, closes = (str(row.get(key) or "").strip() for key in ("day", "opens", "closes"))
        if not (day or opens or closes):
            continue
        if day not in Weekday.__members__.values():
            raise HoursProblem(N_("Row %(row)s: choose a day of the week."), row=number)
        start, end = (parse_time(t, number) if t else "" for t in (opens, closes))
        if not (start and end):
            raise HoursProblem(N_("Row %(row)s: give both a from and a to time."), row=number)
        if end <= start:
            raise HoursProblem(
                N_(
                    "Row %(row)s: the closing time %(closes)s is not after "
                    "the opening time %(opens)s."
                ),
                row=number,
                opens=start,
                closes=end,
            )
        parsed.append({"day": day, "opens": start, "closes": end})
    if len(parsed) > MAX_ROWS:
        raise HoursProblem(N_("Give at most %(max)s rows of opening hours."), max=MAX_ROWS)
    return sorted(parsed, key=lambda r: (WEEKDAYS.index(Weekday(r["day"])), r["opens"]))


def open_when(rows: list[dict[str, str]]) -> list[OpenWhen]:
    """Return when an actor with these hours is open, by `WHEN_RULES`."""
    return [when for when, rule in WHEN_RULES.items() if any(rule.holds(r) for r in rows)]
