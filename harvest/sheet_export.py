"""Writing the outcome spreadsheet: one row per outcome, in the reader's language, as CSV
or as an XLSX workbook with a frozen header, a filter, column widths and dropdowns.

The columns are DESIGN.md's "Outcome spreadsheet" contract, then every other coding
dimension of the harvest's scheme, then read-only facts (verdicts per part, the number of
substantiations, chains); their headers come from `harvest.sheet_columns`. Code labels of
the default scheme are msgids put in the reader's language by the caller's `translate`;
labels people typed are written as typed. What an export writes, the import reads back
unchanged. Text that a spreadsheet would run as a formula is written as text.
Must not import `app` or Flask.
"""

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, col, or_, select

from harvest.analysis import VERDICT_LABELS
from harvest.coding import DEFAULT_DIMENSIONS, active_dimensions, is_retired, scheme_of
from harvest.errors import N_
from harvest.harvests import questions_of
from harvest.models import (
    Harvest,
    Outcome,
    OutcomeLink,
    Substantiation,
    SubstantiationStatus,
)
from harvest.report import CODE_COLUMNS, COLUMNS, STATUS_LABELS, ReportOutcome, Translate
from harvest.report import harvest_outcomes as gather_outcomes
from harvest.sheet_columns import header_for
from harvest.workbooks import is_formula_like, keep_as_text

SEPARATOR = ";"
PARTS = ("outcome", "significance", "contribution")
VERDICT_COLUMNS = tuple(f"verdict_{part}" for part in PARTS)
TRAILING_COLUMNS = (*VERDICT_COLUMNS, "substantiations", "contributed_to", "contributed_from")

SHEET_TITLE = N_("outcomes")
LISTS_TITLE = "lists"
CHOICE_TITLE = N_("Choose from the list")
CHOICE_NOTE = N_("This value is not in the list. Choose one of the list's values.")
MAX_WIDTH = 60
MIN_WIDTH = 8
NEW_ROWS = 1000  # rows below the outcomes that get the dropdowns too, for new outcomes
_INLINE_LIST_LIMIT = 255  # Excel's limit for a list written into the validation itself
_DEFAULT_LABELS = frozenset(
    label
    for _key, dimension_label, codes in DEFAULT_DIMENSIONS
    for label in (dimension_label, *(code_label for _code, code_label in codes))
)


def _same(text: str) -> str:
    return text


@dataclass
class OutcomeTable:
    """The outcome spreadsheet as cells: column keys, headers in a language, rows.

    `choices` holds, per column key, the labels a dropdown offers (single-choice codes and
    the status); `choice_title` and `choice_note` are the dropdown's message in the language."""

    language: str
    keys: list[str]
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)
    title: str = "outcomes"
    choice_title: str = ""
    choice_note: str = ""

    def cells(self) -> list[list[Any]]:
        """Return the header and the rows."""
        return [list(self.header), *self.rows]

    def column(self, key: str) -> list[Any]:
        """Return the cells of column `key` in every row (without the header)."""
        index = self.keys.index(key)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class _Facts:
    """What the report's gathering leaves out: refs, verdicts and chains per outcome id."""

    refs: dict[int, str]
    verdicts: dict[int, dict[str, Counter[str]]]
    answered: dict[int, int]
    leads_to: dict[int, list[int]]
    comes_from: dict[int, list[int]]


def _facts(session: Session, ids: list[int]) -> _Facts:
    facts = _Facts({}, {}, {}, {}, {})
    if not ids:
        return facts
    answers = session.scalars(
        select(Substantiation)
        .where(
            col(Substantiation.outcome_id).in_(ids),
            col(Substantiation.status) == SubstantiationStatus.ANSWERED.value,
            col(Substantiation.superseded_at).is_(None),
        )
        .order_by(col(Substantiation.id))
    )
    for answer in answers:
        facts.answered[answer.outcome_id] = facts.answered.get(answer.outcome_id, 0) + 1
        parts = facts.verdicts.setdefault(answer.outcome_id, {p: Counter() for p in PARTS})
        for part in PARTS:
            verdict = getattr(answer, f"verdict_{part}")
            if verdict:
                parts[part][verdict] += 1
    links = session.execute(
        select(OutcomeLink.source_id, OutcomeLink.target_id)
        .where(or_(col(OutcomeLink.source_id).in_(ids), col(OutcomeLink.target_id).in_(ids)))
        .order_by(col(OutcomeLink.source_id), col(OutcomeLink.target_id))
    )
    linked: set[int] = set(ids)
    for source, target in links:
        facts.leads_to.setdefault(source, []).append(target)
        facts.comes_from.setdefault(target, []).append(source)
        linked.update((source, target))
    refs = select(Outcome.id, Outcome.ref).where(
        col(Outcome.id).in_(linked), col(Outcome.ref).is_not(None)
    )
    facts.refs.update({outcome_id: ref for outcome_id, ref in session.execute(refs) if ref})
    return facts


def _verdict_summary(counts: Counter[str], translate: Translate) -> str:
    """Return e.g. "Fully agree: 2; Partially agree: 1", in the verdicts' order."""
    return f"{SEPARATOR} ".join(
        f"{translate(label)}: {counts[verdict]}"
        for verdict, label in VERDICT_LABELS.items()
        if counts[verdict]
    )


def export_table(
    session: Session, harvest: Harvest, *, language: str = "en", translate: Translate = _same
) -> OutcomeTable:
    """Return every outcome of `harvest` (every status) as the outcome spreadsheet.

    Headers are in `language` ("da" or "en"; English headers are the contract's keys);
    `translate` puts msgids (code labels of the default scheme, status labels, verdicts)
    in the same language."""

    def label(text: str) -> str:
        return translate(text) if text in _DEFAULT_LABELS else text

    dimensions = active_dimensions(session, scheme_of(session, harvest), with_retired_codes=True)
    extra = [d.key for d, _codes in dimensions if d.key not in CODE_COLUMNS]
    keys = [*COLUMNS, *extra, *TRAILING_COLUMNS]
    code_labels = {d.key: {c.key: label(c.label) for c in codes} for d, codes in dimensions}
    choices: dict[str, list[str]] = {
        d.key: [label(c.label) for c in codes if not is_retired(c)]
        for d, codes in dimensions
        if not d.multiple
    }
    choices = {key: values for key, values in choices.items() if values}
    choices["status"] = [translate(text) for text in STATUS_LABELS.values()]
    questions = [q.text for q in questions_of(session, harvest)]
    found = gather_outcomes(session, harvest)
    facts = _facts(session, [o.id for o in found])

    def ref(outcome_id: int) -> str | int:
        return facts.refs.get(outcome_id) or outcome_id

    def refs(outcome_ids: Iterable[int]) -> str:
        return SEPARATOR.join(str(ref(i)) for i in outcome_ids)

    def cells(outcome: ReportOutcome) -> list[Any]:
        def codes(key: str) -> str:
            known = code_labels.get(key, {})
            return SEPARATOR.join(known.get(code, code) for code in outcome.code(key))

        verdicts = facts.verdicts.get(outcome.id, {})
        question = outcome.question
        return [
            ref(outcome.id),
            outcome.title,
            outcome.changed_actor,
            outcome.change,
            outcome.when,
            outcome.where,
            outcome.significance,
            outcome.contribution,
            SEPARATOR.join(outcome.contributors),
            outcome.sources,
            *(codes(key) for key in CODE_COLUMNS),
            translate(STATUS_LABELS[outcome.status])
            if outcome.status in STATUS_LABELS
            else outcome.status,
            questions[question - 1] if question and question <= len(questions) else "",
            *(codes(key) for key in extra),
            *(_verdict_summary(verdicts.get(p, Counter()), translate) for p in PARTS),
            facts.answered.get(outcome.id, 0),
            refs(facts.leads_to.get(outcome.id, [])),
            refs(facts.comes_from.get(outcome.id, [])),
        ]

    return OutcomeTable(
        language=language,
        keys=keys,
        header=[header_for(key, language) for key in keys],
        rows=[cells(o) for o in found],
        choices=choices,
        title=translate(SHEET_TITLE)[:31] or "outcomes",
        choice_title=translate(CHOICE_TITLE),
        choice_note=translate(CHOICE_NOTE),
    )


def write_csv(table: OutcomeTable) -> bytes:
    """Return `table` as CSV the way Danish Excel reads it: UTF-8 with a BOM, semicolons.

    Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP).
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in table.cells():
        writer.writerow(["'" + v if is_formula_like(v) else v for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _inline_list(values: list[str]) -> str | None:
    """Return the values as a list written into a validation, or None if they cannot be."""
    if any("," in v or '"' in v for v in values):
        return None
    formula = '"' + ",".join(values) + '"'
    return formula if len(formula) <= _INLINE_LIST_LIMIT else None


def _add_dropdowns(workbook: Any, sheet: Worksheet, table: OutcomeTable) -> None:
    """Offer the labels of `table.choices` as a dropdown on every row of their columns.

    Rows added below the outcomes get them too. A list too long (or with commas) for the
    validation itself goes to a hidden sheet."""
    last_row = len(table.rows) + 1 + NEW_ROWS
    lists: Worksheet | None = None
    used = 0
    for key, values in table.choices.items():
        formula = _inline_list(values)
        if formula is None:
            if lists is None:
                lists = workbook.create_sheet(LISTS_TITLE)
                lists.sheet_state = "hidden"
            used += 1
            letter = get_column_letter(used)
            for row, value in enumerate(values, start=1):
                keep_as_text(lists.cell(row=row, column=used, value=value))
            formula = f"{quote_sheetname(LISTS_TITLE)}!${letter}$1:${letter}${len(values)}"
        column = get_column_letter(table.keys.index(key) + 1)
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=table.choice_title[:32],
            error=table.choice_note[:255],
        )
        validation.add(f"{column}2:{column}{last_row}")
        sheet.add_data_validation(validation)


def write_xlsx(table: OutcomeTable) -> bytes:
    """Return `table` as an XLSX workbook that is easy to work in and safe to open.

    A bold, frozen header with a filter over the table; columns as wide as their text up to
    a limit, longer text wrapped; dropdowns for single-choice codes and the status; text
    never runs as a formula; dates stay text in the spreadsheet's `when` form."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.title
    widths = [len(str(h)) for h in table.header]
    for row in table.cells():
        sheet.append([None if v == "" else v for v in row])
        for index, value in enumerate(row):
            longest = max((len(line) for line in str(value).splitlines()), default=0)
            widths[index] = max(widths[index], longest)
    wrapped = {index for index, width in enumerate(widths) if width > MAX_WIDTH}
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row_cells in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(row_cells):
            keep_as_text(cell)
            cell.alignment = wrap if index in wrapped or "\n" in str(cell.value or "") else top
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(table.header))
    sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    for index, width in enumerate(widths, start=1):
        # + 2 for the filter button in the header
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(MIN_WIDTH, width + 2), MAX_WIDTH
        )
    _add_dropdowns(workbook, sheet, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
