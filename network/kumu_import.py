"""Import actors and ties from Kumu's spreadsheet layout: every row, or nothing.

`Elements` rows (`Label`, `Type` = actor kind, `Sector`, `Tier`, `Municipality`,
`Tags` joined by `|`) add actors; a label that names an existing actor is used as
it is. `Connections` rows (`From`, `To`, `Type` = tie kind, `Start`, `End`,
`Strength`) add ties between actors named by label; an existing tie is kept. A row
that names an existing actor or tie counts as unchanged when its columns say what
Brobyg holds, else each differing column is reported (Brobyg keeps its own value), so
re-importing Brobyg's own export reports every row unchanged. The `Form` and
`Direction` columns are ignored: forms are derived by `harvest.ties.derive_tie_form`,
directions follow from the tie's kind.
Rows go through `harvest.actors.create_actor` and `harvest.ties.create_tie`; any
problem rolls the whole import back and lists every problem with its sheet and row.
Must not import `app` or Flask.
"""

import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from sqlmodel import Session

from harvest.actors import actor_by_name, create_actor
from harvest.errors import N_, BrobygError, ValidationFailed
from harvest.models import Actor, Municipality, Tie, User
from harvest.ties import create_tie, find_tie
from harvest.workbooks import WorkbookRefused, check_workbook

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200


@dataclass(frozen=True)
class Difference:
    """A column of a row naming an existing actor or tie that says otherwise than Brobyg."""

    sheet: str
    row: int
    column: str
    kept: str  # what Brobyg holds, and keeps
    given: str  # what the file says


@dataclass
class KumuImport:
    """What an import did, or would have done, and every problem found."""

    actors_created: int = 0
    actors_unchanged: int = 0
    actors_differing: int = 0
    ties_created: int = 0
    ties_unchanged: int = 0
    ties_differing: int = 0
    differences: list[Difference] = field(default_factory=list)
    problems: list[tuple[str, int, str, str, dict[str, Any]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether the import had no problem (and was written)."""
        return not self.problems


def _rows(book: Any, sheet: str) -> list[tuple[int, dict[str, Any]]]:
    if sheet not in book.sheetnames:
        return []
    worksheet = book[sheet]
    worksheet.reset_dimensions()  # rows as wide as their cells, not as the sheet claims
    rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    found = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            break
        record = {h: v for h, v in zip(header, values, strict=False) if h}
        if any(v not in (None, "") for v in record.values()):
            found.append((number, record))
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()
    return str(value).strip()


def _split(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).split("|") if part.strip()]


def _compare(
    result: KumuImport, sheet: str, row: int, record: dict[str, Any], held: dict[str, str]
) -> bool:
    """Note each column of `record` that differs from what Brobyg `held`; tell if none did."""
    same = True
    for column, kept in held.items():
        if column not in record:  # a sheet without the column says nothing about it
            continue
        given = "|".join(_split(record[column])) if column == "Tags" else _text(record[column])
        if given != kept:
            result.differences.append(Difference(sheet, row, column, kept, given))
            same = False
    return same


def _actor_columns(session: Session, actor: Actor) -> dict[str, str]:
    municipality = (
        session.get(Municipality, actor.municipality_id) if actor.municipality_id else None
    )
    return {
        "Type": actor.kind,
        "Sector": actor.sector,
        "Tier": str(actor.tier),
        "Municipality": municipality.slug if municipality else "",
        "Tags": "|".join(actor.tags or []),
    }


def _tie_columns(tie: Tie) -> dict[str, str]:
    return {
        "Start": tie.start.isoformat() if tie.start else "",
        "End": tie.end.isoformat() if tie.end else "",
        "Strength": str(tie.strength),
    }


def _problem(result: KumuImport, sheet: str, row: int, error: BrobygError) -> None:
    if isinstance(error, ValidationFailed):
        for fieldname, (message, params) in error.errors.items():
            result.problems.append((sheet, row, fieldname, message, params))
    else:
        result.problems.append((sheet, row, "", error.message, error.params))


def import_kumu(session: Session, content: bytes, *, by: User | None) -> KumuImport:
    """Import a Kumu workbook; with any problem nothing is written and all are listed."""
    result = KumuImport()
    try:
        check_workbook(
            content, max_unpacked=MAX_UNPACKED, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS
        )
    except WorkbookRefused as error:
        result.problems.append(("", 0, "file", error.message, error.params))
        return result
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's problem
        result.problems.append(
            (
                "",
                0,
                "file",
                N_("This is not a readable XLSX file: %(problem)s"),
                {"problem": str(exc)},
            )
        )
        return result
    savepoint = session.begin_nested()
    for row, record in _rows(book, "Elements"):
        label = _text(record.get("Label"))
        existing = actor_by_name(session, label) if label else None
        if existing is not None:
            if _compare(result, "Elements", row, record, _actor_columns(session, existing)):
                result.actors_unchanged += 1
            else:
                result.actors_differing += 1
            continue
        data = {
            "name": label,
            "kind": _text(record.get("Type")),
            "sector": _text(record.get("Sector")),
            "tier": _text(record.get("Tier")) or "2",
            "municipality": _text(record.get("Municipality")) or None,
            "tags": _split(record.get("Tags")),
        }
        try:
            with session.begin_nested():
                create_actor(session, data, by=by)
            result.actors_created += 1
        except BrobygError as error:
            _problem(result, "Elements", row, error)
    for row, record in _rows(book, "Connections"):
        ends = {}
        for column in ("From", "To"):
            name = _text(record.get(column))
            actor = actor_by_name(session, name) if name else None
            if actor is None:
                result.problems.append(
                    ("Connections", row, column, N_("No actor called '%(name)s'."), {"name": name})
                )
            ends[column] = actor
        if ends["From"] is None or ends["To"] is None:
            continue
        kind = _text(record.get("Type"))
        tie = find_tie(session, ends["From"].id or 0, ends["To"].id or 0, kind)
        if tie is not None:
            if _compare(result, "Connections", row, record, _tie_columns(tie)):
                result.ties_unchanged += 1
            else:
                result.ties_differing += 1
            continue
        tie_data: dict[str, Any] = {
            "source_id": ends["From"].id,
            "target_id": ends["To"].id,
            "kind": kind,
            "start": _text(record.get("Start")) or None,
            "end": _text(record.get("End")) or None,
            "strength": _text(record.get("Strength")) or "2",
        }
        try:
            with session.begin_nested():
                create_tie(session, tie_data, by=by)
            result.ties_created += 1
        except BrobygError as error:
            _problem(result, "Connections", row, error)
    if result.problems:
        savepoint.rollback()
    else:
        savepoint.commit()
    return result
