"""The initiative spreadsheet (XLSX or CSV, UTF-8): export and import, one row per initiative.

Columns `id, title, group, municipality, kind, purpose, start, end, done, status, needs,
actors` (Danish headers accepted too; export in the reader's language). `needs` holds
need ids, `actors` actor names, both separated by `;`. `id` is a Brobyg id or the sheet's
own reference (kept as the initiative's `ref`), so an import updates instead of
duplicating; exporting and importing again changes nothing. Evaluation rounds are kept on
the pages and in the API, not in the sheet. An import with any invalid row imports
nothing and names every problem with its row number. Must not import `app` or Flask.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from harvest import actor_names, actors, initiatives
from harvest.errors import N_, BrobygError, PermissionDenied, ValidationFailed
from harvest.initiatives import InitiativeFilters, InitiativeInput
from harvest.models import Initiative, User
from harvest.records import state_of
from harvest.schemas import validate
from harvest.search import MAX_PER_PAGE
from harvest.sheet_export import OutcomeTable, write_csv, write_xlsx
from harvest.spreadsheet import SpreadsheetError, read_table

SEPARATOR = ";"
COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("id", "id"),
    "title": ("title", "titel"),
    "group": ("group", "gruppe"),
    "municipality": ("municipality", "kommune"),
    "kind": ("kind", "slags"),
    "purpose": ("purpose", "formål"),
    "start": ("start", "start"),
    "end": ("end", "slut"),
    "done": ("done", "hvad blev gjort"),
    "status": ("status", "status"),
    "needs": ("needs", "behov"),
    "actors": ("actors", "aktører"),
}


def _key(header: str) -> str | None:
    folded = " ".join(header.strip().lower().replace("_", " ").split())
    for key, names in COLUMNS.items():
        if folded in {n.replace("_", " ") for n in names}:
            return key
    return None


# --- export ------------------------------------------------------------------------


def export_table(session: Session, user: User | None, language: str) -> OutcomeTable:
    """Return the initiatives `user` may see as a table in `language` (da or en)."""
    keys = list(COLUMNS)
    english = language.startswith("en")
    header = [COLUMNS[k][0 if english else 1] for k in keys]
    table = OutcomeTable(language=language, keys=keys, header=header, title="initiatives")
    page, total = 1, None
    while total is None or (page - 1) * MAX_PER_PAGE < total:
        found = initiatives.list_initiatives(
            session, InitiativeFilters(), user, page=page, per_page=MAX_PER_PAGE
        )
        total = found.total
        for line in found.items:
            table.rows.append(_row(session, line.initiative))
        page += 1
    table.rows.sort(key=lambda row: str(row[0]))
    return table


def _row(session: Session, initiative: Initiative) -> list[Any]:
    values = initiatives.input_of(session, state_of(session, initiative))
    names = actors.actor_names(session, set(values["actor_ids"]))
    cells = {
        **values,
        "id": initiative.ref or str(initiative.id),
        "municipality": values["municipality"] or "",
        "start": values["start"] or "",
        "end": values["end"] or "",
        "needs": SEPARATOR.join(str(i) for i in values["need_ids"]),
        "actors": SEPARATOR.join(names.get(i, str(i)) for i in values["actor_ids"]),
    }
    return [cells[k] for k in COLUMNS]


def export_sheet(session: Session, user: User | None, language: str, fmt: str) -> bytes:
    """Return the initiatives `user` may see as an XLSX workbook or CSV text."""
    table = export_table(session, user, language)
    return write_xlsx(table) if fmt == "xlsx" else write_csv(table)


# --- import -------------------------------------------------------------------------


@dataclass
class SheetImport:
    """What an import did, or would do: rows created, updated and unchanged, and problems
    (row number, column, message, params)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str, str, dict[str, Any]]] = field(default_factory=list)


class SheetRefused(BrobygError):
    """The sheet has problems: nothing was imported."""

    message = N_("The spreadsheet has problems; nothing was imported.")

    def __init__(self, report: SheetImport) -> None:
        self.report = report
        super().__init__()


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def _existing(session: Session, ident: str) -> Initiative | None:
    found = initiatives.initiative_by_ref(session, ident)
    if found is None and ident.isdigit() and len(ident) < 10:
        found = session.get(Initiative, int(ident))
    return found


def _row_input(
    session: Session, cells: dict[str, str], number: int, report: SheetImport
) -> tuple[Initiative | None, dict[str, Any]]:
    ident = cells.get("id", "")[:64]
    existing = _existing(session, ident) if ident else None
    actor_ids: list[int] = []
    for name in _split(cells.get("actors", "")):
        found = actor_names.match_actor(session, name)
        if found.actor is None:
            message, params = found.problem or (N_("No actor called '%(name)s'."), {"name": name})
            report.problems.append((number, "actors", message, params))
        else:
            actor_ids.append(found.actor.id or 0)
    need_ids: list[int] = []
    for part in _split(cells.get("needs", "")):
        if not part.isdigit() or len(part) > 9:
            report.problems.append((number, "needs", N_("Enter a whole number."), {}))
        else:
            need_ids.append(int(part))
    data: dict[str, Any] = {
        k: cells.get(k, "")
        for k in ("title", "group", "municipality", "kind", "purpose", "start", "end", "done")
    }
    data.update(
        status=cells.get("status") or "draft",
        need_ids=need_ids,
        actor_ids=actor_ids,
        ref=existing.ref if existing else (ident if ident and not ident.isdigit() else None),
    )
    return existing, data


def import_sheet(
    session: Session, content: bytes, filename: str, *, by: User | None, dry_run: bool = False
) -> SheetImport:
    """Import the initiatives of a sheet as one unit: every row valid, or nothing changes
    (`SheetRefused` lists the problems). `dry_run` checks and counts without writing."""
    rows = read_table(content, filename)
    report = SheetImport()
    header = [_key(h) for h in rows[0]] if rows else []
    if "title" not in header:
        raise SpreadsheetError(N_("The sheet has no '%(column)s' column."), column="title")
    planned: list[tuple[int, Initiative | None, dict[str, Any]]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {k: row[i].strip() for i, k in enumerate(header) if k and i < len(row)}
        existing, data = _row_input(session, cells, number, report)
        try:
            validate(InitiativeInput, data)
            planned.append((number, existing, data))
        except ValidationFailed as error:
            for column, (message, params) in error.errors.items():
                report.problems.append((number, column, message, params))
    if report.problems:
        raise SheetRefused(report)
    savepoint = session.begin_nested()  # every row or none; a dry run undoes its writes
    for number, existing, data in planned:
        try:
            _write(session, existing, data, report, by)
        except ValidationFailed as error:
            for column, (message, params) in error.errors.items():
                report.problems.append((number, column, message, params))
        except PermissionDenied as refused:
            report.problems.append((number, "group", refused.message, refused.params))
    if report.problems or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    if report.problems:
        raise SheetRefused(report)
    return report


def _write(
    session: Session,
    existing: Initiative | None,
    data: dict[str, Any],
    report: SheetImport,
    by: User | None,
) -> None:
    if existing is None:
        initiatives.record_initiative(session, data, by=by)
        report.created += 1
        return
    if initiatives.would_change(session, existing, validate(InitiativeInput, data)) is False:
        report.unchanged += 1
        return
    initiatives.update_initiative(session, existing, data, existing.version, by=by)
    report.updated += 1
