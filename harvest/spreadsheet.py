"""The outcome spreadsheet: reading and writing XLSX and CSV, checking every row,
and importing all rows or none through the outcome and coding services.

Columns and rules are DESIGN.md's "Outcome spreadsheet". Reading is guarded: size
and row limits, XML parsed by defusedxml (openpyxl uses it when installed), a
check of the unpacked size of a workbook, UTF-8 only. Writing guards against
formula injection. Must not import `app` or Flask.
"""

import csv
import difflib
import io
import secrets
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl
from sqlmodel import Session, col, select

from harvest import access, coding, duplicates, outcomes
from harvest import actor_reconciliation as reconciliation
from harvest.access import Action, Target
from harvest.actor_names import match_actor, name_key
from harvest.actor_reconciliation import NameChoice, UnmatchedName, loose_key
from harvest.errors import N_, BrobygError, NotFound, ValidationFailed
from harvest.harvests import questions_of
from harvest.models import (
    Actor,
    Code,
    CodeDimension,
    Harvest,
    Outcome,
    OutcomeQuestion,
    PendingUpload,
    User,
)
from harvest.privacy import CPR_FILENAME_MESSAGE, CPR_MESSAGE, contains_cpr
from harvest.report import COLUMNS, STATUS_LABELS
from harvest.schemas import OutcomeCreate, validate
from harvest.sheet_columns import READ_ONLY, column_key, known_column
from harvest.sheet_dates import WHEN_MESSAGE, WhenUnreadable, parse_when, when_text
from harvest.workbooks import WorkbookRefused, check_workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 200
_TOO_WIDE = N_("A sheet has more than %(limit)s columns: it cannot be imported.")
MAX_CELL = 20_000
SEPARATOR = ";"
XLSX_MAGIC = b"PK\x03\x04"

_FIELD_COLUMNS = {
    "changed_actor_id": "changed_actor",
    "contributor_ids": "contributors",
    "when_start": "when",
    "when_end": "when",
    "__all__": "",
}
_YES = {"yes", "y", "true", "ja", "j", "1", "x"}
_NO = {"no", "n", "false", "nej", "0"}
_SYNONYMS = {
    "intended": {"tilsigtet": "intended", "utilsigtet": "unintended"},
    "positive": {"positiv": "positive", "negativ": "negative"},
}
_DEFAULT_DIMENSIONS = frozenset(key for key, _label, _codes in coding.DEFAULT_DIMENSIONS)
_YES_NO = {"intended": ("intended", "unintended"), "positive": ("positive", "negative")}


class SpreadsheetError(BrobygError):
    """The file as a whole cannot be imported (too large, unreadable, wrong columns)."""

    message = N_("The file could not be read.")


# --- what an import finds -----------------------------------------------------


@dataclass(frozen=True)
class RowNote:
    """A problem or warning about one row (as numbered in the sheet) and column."""

    row: int
    column: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlannedRow:
    """What importing one row will do: create, update or leave an outcome unchanged."""

    row: int
    action: str
    values: OutcomeCreate
    outcome_id: int | None
    codes: dict[str, list[str]]
    question_id: int | None
    sets_question: bool


@dataclass
class ImportPlan:
    """Every row's planned effect, and every problem and warning, in sheet order."""

    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[RowNote] = field(default_factory=list)
    warnings: list[RowNote] = field(default_factory=list)
    written: bool = False
    municipality_id: int | None = None  # the harvest's, for new actors and warnings
    names: dict[int, UnmatchedName] = field(default_factory=dict)  # by placeholder id
    chosen: dict[str, int] = field(default_factory=dict)  # name key: actor or placeholder id
    new_kinds: dict[str, str | None] = field(default_factory=dict)  # name key: kind

    @property
    def checked(self) -> bool:
        """Tell whether every row is valid (names may still want an actor chosen)."""
        return not self.problems

    @property
    def unmatched(self) -> list[UnmatchedName]:
        """Return the names that match no actor and have no choice yet, in sheet order."""
        return [n for n in self.names.values() if n.key not in self.chosen]

    @property
    def ok(self) -> bool:
        """Tell whether the file can be imported as it is (no problems, no open names)."""
        return not self.problems and not self.unmatched

    def count(self, action: str) -> int:
        """Return how many rows will `action` ("create", "update", "unchanged")."""
        return sum(1 for r in self.rows if r.action == action)


# --- reading ------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def check_filename(filename: str) -> None:
    """Refuse a file whose name holds a CPR number: the name would be shown and kept."""
    if contains_cpr(filename):
        raise SpreadsheetError(CPR_FILENAME_MESSAGE)


def read_table(content: bytes, filename: str = "") -> list[list[str]]:
    """Return the sheet's rows as text cells (the header first); refuse unsafe files."""
    check_filename(filename)
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(
            N_("The file is %(size)s MB; files up to %(limit)s MB can be imported."),
            size=_mb(len(content)),
            limit=_mb(MAX_BYTES),
        )
    if not content.strip():
        raise SpreadsheetError(N_("The file is empty."))
    if content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise SpreadsheetError(N_("The file is not an XLSX workbook. Save it as .xlsx or CSV."))
    return _read_csv(content)


def _too_many_rows() -> SpreadsheetError:
    return SpreadsheetError(
        N_("The file has more than %(limit)s rows. Split it into smaller files."),
        limit=MAX_ROWS,
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(content: bytes) -> list[list[str]]:
    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise SpreadsheetError(N_("XLSX files cannot be read safely on this server."))
    try:
        check_workbook(
            content,
            max_unpacked=MAX_UNPACKED_BYTES,
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
        )
    except WorkbookRefused as error:
        raise SpreadsheetError(error.message, **error.params) from None
    rows: list[list[str]] = []
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # rows as wide as their cells, not as the sheet claims
            for values in sheet.iter_rows(values_only=True):
                if len(rows) > MAX_ROWS:
                    raise _too_many_rows()
                if len(values) > MAX_COLUMNS:
                    raise SpreadsheetError(_TOO_WIDE, limit=MAX_COLUMNS)
                rows.append([_cell_text(v) for v in values])
        finally:
            workbook.close()
    except SpreadsheetError:
        raise
    except Exception:  # noqa: BLE001 - any parse failure (also defusedxml's refusals) is the file's
        raise SpreadsheetError(N_("The file is not a valid XLSX workbook.")) from None
    return rows


def _read_csv(content: bytes) -> list[list[str]]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetError(
            N_("The file is UTF-16 text. Save it as CSV UTF-8 (in Excel: 'CSV UTF-8').")
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            N_("The file is not UTF-8 text. Save it as CSV UTF-8 (in Excel: 'CSV UTF-8').")
        ) from None
    first = text.splitlines()[0] if text else ""
    delimiter = max((";", ",", "\t"), key=lambda d: _known_columns(first, d))
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
            rows.append(row)
    except csv.Error:
        raise SpreadsheetError(N_("The CSV file could not be read: check its quotes.")) from None
    return rows


def _known_columns(line: str, delimiter: str) -> int:
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return sum(1 for c in cells if known_column(c)) * 10 + len(cells)


def _unguard(value: str) -> str:
    """Undo the apostrophe an export puts before text that would read as a formula; make
    the no-break spaces Word pastes plain spaces."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value.replace("\u00a0", " ").strip()


# --- checking rows ------------------------------------------------------------

Translate = Callable[[str], str]


@dataclass
class _Context:
    session: Session
    harvest: Harvest
    plan: ImportPlan
    by: User | None
    existing: dict[int, Outcome]
    by_ref: dict[str, Outcome]
    dimensions: dict[str, tuple[bool, dict[str, str]]]
    questions: list[tuple[int, str]]
    statuses: dict[str, str]
    choices: Mapping[str, NameChoice]
    actors: dict[str, int | None] = field(default_factory=dict)
    towns: dict[int, int | None] = field(default_factory=dict)

    def actor_id(self, name: str) -> int | None:
        """Return the actor `name` stands for: exact, chosen, remembered, else a placeholder."""
        key = name_key(name)
        if key not in self.actors:
            self.actors[key] = self._resolve(name, key)
        return self.actors[key]

    def _resolve(self, name: str, key: str) -> int | None:
        match = match_actor(self.session, name)
        if match.actor is not None:
            return match.actor.id
        place = self.plan.municipality_id
        choice = self.choices.get(key)
        if choice is not None and choice.actor_id is not None:
            if self.session.get(Actor, choice.actor_id) is not None:
                self.plan.chosen[key] = choice.actor_id
                return choice.actor_id
        elif choice is None and (alias := reconciliation.remembered(self.session, key, place)):
            return alias
        placeholder = -(len(self.plan.names) + 1)
        self.plan.names[placeholder] = UnmatchedName(
            typed=" ".join(name.split()),
            key=key,
            candidates=reconciliation.rank_candidates(self.session, name, municipality_id=place),
        )
        if choice is not None and choice.new:
            self.plan.chosen[key] = placeholder
            self.plan.new_kinds[key] = choice.kind
        return placeholder

    def municipality_of(self, actor_id: int) -> int | None:
        if actor_id not in self.towns:
            actor = self.session.get(Actor, actor_id)
            self.towns[actor_id] = actor.municipality_id if actor else None
        return self.towns[actor_id]


def _dimensions(
    session: Session, harvest: Harvest, translations: Sequence[Translate]
) -> tuple[dict[str, tuple[bool, dict[str, str]]], dict[str, str]]:
    """Return {dimension key: (multiple, {accepted folded word: code key})} and the
    dimensions' headers {folded header: dimension key} (key or label, in any language)."""
    scheme = coding.scheme_of(session, harvest)
    result: dict[str, tuple[bool, dict[str, str]]] = {}
    headers: dict[str, str] = {}
    for dimension in session.scalars(
        select(CodeDimension).where(col(CodeDimension.scheme_id) == scheme.id)
    ):
        for header in _spellings(dimension.label, translations) | {dimension.key}:
            headers.setdefault(column_key(header), dimension.key)
        accepted: dict[str, str] = {}
        for code in session.scalars(select(Code).where(col(Code.dimension_id) == dimension.id)):
            for word in _spellings(code.label, translations):
                accepted.setdefault(_word(word), code.key)
            accepted[_word(code.key)] = code.key
        accepted.update(_SYNONYMS.get(dimension.key, {}))
        result[dimension.key] = (dimension.multiple, accepted)
    return result, headers


def _spellings(label: str, translations: Sequence[Translate]) -> set[str]:
    return {label, *(translate(label) for translate in translations)} - {""}


def _word(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _statuses(translations: Sequence[Translate]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, label in STATUS_LABELS.items():
        for word in _spellings(label, translations):
            found.setdefault(_word(word), key)
        found[key] = key
    return found


def _split(value: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in value.split(SEPARATOR):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def _outcome_data(outcome: Outcome | None, contributors: list[int]) -> dict[str, Any]:
    if outcome is None:
        return {"status": "draft", "contributor_ids": []}
    data: dict[str, Any] = {name: getattr(outcome, name) for name in outcomes._FIELDS}
    data["contributor_ids"] = contributors
    return data


class _Row:
    """Checks of one row, collecting its problems and warnings."""

    def __init__(self, number: int, plan: ImportPlan) -> None:
        self.number = number
        self.plan = plan
        self.failed = False
        self.columns: set[str] = set()

    def problem(self, column: str, message: str, **params: Any) -> None:
        self.failed = True
        self.columns.add(column)
        self.plan.problems.append(RowNote(self.number, column, message, params))

    def warning(self, column: str, message: str, **params: Any) -> None:
        self.plan.warnings.append(RowNote(self.number, column, message, params))


def _check_row(ctx: _Context, row: _Row, cells: dict[str, str], seen: set[str]) -> None:
    for column, value in list(cells.items()):
        if contains_cpr(value):
            row.problem(column, CPR_MESSAGE)
            cells[column] = ""
        elif len(value) > MAX_CELL:
            row.problem(column, N_("Use at most %(max_length)s characters."), max_length=MAX_CELL)
            cells[column] = ""
    outcome, ref = _existing(ctx, row, cells.get("id", ""), seen)
    current_contributors = (
        outcomes.contributor_ids(ctx.session, outcome) if outcome is not None else []
    )
    data = _outcome_data(outcome, current_contributors)
    if outcome is None and ref:
        data["ref"] = ref
    for name in ("title", "change", "where", "significance", "contribution", "sources"):
        if name in cells:
            data[name] = cells[name]
    if cells.get("status"):
        data["status"] = ctx.statuses.get(_word(cells["status"]), cells["status"].lower())
    if "when" in cells:
        try:
            data["when_start"], data["when_end"] = parse_when(cells["when"])
        except WhenUnreadable:
            row.problem("when", WHEN_MESSAGE)
    if "changed_actor" in cells:
        data["changed_actor_id"] = _actor(ctx, row, "changed_actor", cells["changed_actor"])
    if "contributors" in cells:
        ids = [_actor(ctx, row, "contributors", n) for n in _split(cells["contributors"])]
        data["contributor_ids"] = list(dict.fromkeys(i for i in ids if i is not None))
    codes = {c: _codes(ctx, row, c, cells[c]) for c in cells if c in _code_columns(ctx, cells)}
    question_id = _question(ctx, row, cells.get("harvest_question", ""))
    try:
        values = validate(OutcomeCreate, data)
    except ValidationFailed as error:
        for name, (message, params) in error.errors.items():
            column = _FIELD_COLUMNS.get(name, name)
            if column == "" and "changed_actor" in row.columns:
                continue  # the unknown actor is already reported
            row.problem(column, message, **params)
        return
    for name, (message, params) in outcomes.contact_warnings(values).items():
        row.warning(name, message, **params)
    _check_status(ctx, row, outcome, values)
    _check_period(ctx, row, values)
    _check_places(ctx, row, values)
    if row.failed:
        return
    chosen: dict[str, list[str]] = {k: v for k, v in codes.items() if v is not None}
    sets_question = "harvest_question" in cells
    action = "create"
    if outcome is not None:
        changed = _changed(ctx, outcome, values, current_contributors, chosen)
        if sets_question and _question_of(ctx, outcome) != question_id:
            changed = True
        action = "update" if changed else "unchanged"
    row.plan.rows.append(
        PlannedRow(
            row=row.number,
            action=action,
            values=values,
            outcome_id=outcome.id if outcome else None,
            codes=chosen,
            question_id=question_id,
            sets_question=sets_question,
        )
    )


def _code_columns(ctx: _Context, cells: dict[str, str]) -> set[str]:
    """Return the coding columns of the row: every dimension of the scheme, and any other
    code column (of the default scheme) that has a value."""
    return {c for c in cells if c in ctx.dimensions or (c in _DEFAULT_DIMENSIONS and cells[c])}


def _existing(
    ctx: _Context, row: _Row, value: str, seen: set[str]
) -> tuple[Outcome | None, str | None]:
    """Return the outcome a row's id names (a Brobyg id or the sheet's own reference)."""
    if not value:
        return None, None
    if value.isascii() and value.isdigit() and (int(value) in ctx.existing):
        if f"#{int(value)}" in seen:
            row.problem("id", N_("Outcome %(id)s appears more than once in the file."), id=value)
            return None, None
        seen.add(f"#{int(value)}")
        return ctx.existing[int(value)], None
    if value in seen:
        row.problem("id", N_("Outcome %(id)s appears more than once in the file."), id=value)
        return None, None
    seen.add(value)
    if value in ctx.by_ref:
        return ctx.by_ref[value], None
    if value.isascii() and value.isdigit():
        row.problem(
            "id",
            N_(
                "This harvest has no outcome with id %(id)s. Leave the id empty to add it as "
                "new, or keep your own numbering with a letter in it (for example H-%(id)s)."
            ),
            id=value,
        )
        return None, None
    if len(value) > 64:
        row.problem("id", N_("Use at most %(max_length)s characters."), max_length=64)
        return None, None
    if outcomes.outcome_by_ref(ctx.session, value) is not None:
        row.problem(
            "id",
            N_("The id '%(ref)s' is already the reference of an outcome in another harvest."),
            ref=value,
        )
        return None, None
    return None, value


def _actor(ctx: _Context, row: _Row, column: str, name: str) -> int | None:
    if not name_key(name):
        return None
    found = ctx.actor_id(name)
    if found is not None and found < 0:
        ctx.plan.names[found].places.append((row.number, column))
    return found


def _codes(ctx: _Context, row: _Row, column: str, value: str) -> list[str] | None:
    if column not in ctx.dimensions:
        row.problem(column, N_("The coding scheme has no '%(key)s'."), key=column)
        return None
    multiple, accepted = ctx.dimensions[column]
    keys: list[str] = []
    unknown: list[str] = []
    for word in _split(value):
        lowered = _word(word)
        if column in _YES_NO and lowered in _YES | _NO:
            yes, no = _YES_NO[column]
            keys.append(yes if lowered in _YES else no)
        elif lowered in accepted:
            keys.append(accepted[lowered])
        else:
            unknown.append(word)
    if unknown:
        allowed = ", ".join(sorted(set(accepted.values())))
        row.problem(
            column,
            N_("Unknown code: %(codes)s. Use one of: %(allowed)s."),
            codes=", ".join(unknown),
            allowed=allowed,
        )
        return None
    keys = list(dict.fromkeys(keys))
    if len(keys) > 1 and not multiple:
        row.problem(column, N_("Choose only one code here."))
        return None
    return keys


def _question(ctx: _Context, row: _Row, value: str) -> int | None:
    if not value:
        return None
    number = value.strip().rstrip(".)")
    if number.isascii() and number.isdigit():
        if 1 <= int(number) <= len(ctx.questions):
            return ctx.questions[int(number) - 1][0]
        row.problem(
            "harvest_question",
            N_("The harvest has no question %(n)s; it has %(count)s."),
            n=int(number),
            count=len(ctx.questions),
        )
        return None
    texts = {
        loose_key(text): (position, qid, text)
        for position, (qid, text) in enumerate(ctx.questions, 1)
    }
    key = loose_key(value)
    if key in texts:
        return texts[key][1]
    near = difflib.get_close_matches(key, list(texts), n=1, cutoff=0.75)
    if near:
        position, _qid, text = texts[near[0]]
        row.problem(
            "harvest_question",
            N_(
                "No question of the harvest reads '%(typed)s'. "
                "Did you mean question %(n)s: '%(question)s'?"
            ),
            typed=value.strip(),
            n=position,
            question=text,
        )
        return None
    row.problem(
        "harvest_question",
        N_("Give the number of one of the harvest's questions, or its exact text."),
    )
    return None


def _check_status(ctx: _Context, row: _Row, outcome: Outcome | None, values: OutcomeCreate) -> None:
    """Refuse a row that concludes an outcome (substantiated, final) unless the policy lets
    the importer conclude: a member's import never makes an outcome public."""
    status = values.status.value
    if status not in access.LOCKED or (outcome is not None and outcome.status == status):
        return
    target = Target(group_id=ctx.harvest.group_id, status=status)
    if ctx.by is not None and not access.may(ctx.session, ctx.by, Action.CONCLUDE_OUTCOME, target):
        row.problem(
            "status",
            N_(
                "Only an evaluator may import an outcome as substantiated or final. Import it "
                "as ready, and it is substantiated in Brobyg."
            ),
        )


def _check_period(ctx: _Context, row: _Row, values: OutcomeCreate) -> None:
    start, end = values.when_start, values.when_end or values.when_start
    first, last = ctx.harvest.period_start, ctx.harvest.period_end
    if start is None or end is None:
        return
    if (first and start < first) or (last and end > last):
        row.warning(
            "when",
            N_("The date %(when)s is outside the harvest's period %(period)s."),
            when=when_text(values.when_start, values.when_end),
            period=when_text(first, last) if first else f"/{last}",
        )


def _check_places(ctx: _Context, row: _Row, values: OutcomeCreate) -> None:
    """Warn about actors of another municipality than the harvest's."""
    place = ctx.plan.municipality_id
    if place is None:
        return
    named = [("changed_actor", values.changed_actor_id)]
    named += [("contributors", i) for i in values.contributor_ids]
    for column, actor_id in named:
        if actor_id is None or actor_id < 0:
            continue
        elsewhere = ctx.municipality_of(actor_id)
        if elsewhere is not None and elsewhere != place:
            actor = ctx.session.get_one(Actor, actor_id)
            row.warning(
                column,
                N_("The actor '%(name)s' belongs to another municipality than the harvest."),
                name=actor.name,
            )


def _question_of(ctx: _Context, outcome: Outcome) -> int | None:
    query = select(OutcomeQuestion.question_id).where(col(OutcomeQuestion.outcome_id) == outcome.id)
    return ctx.session.scalars(query).first()


def _changed(
    ctx: _Context,
    outcome: Outcome,
    values: OutcomeCreate,
    current_contributors: list[int],
    codes: dict[str, list[str]],
) -> bool:
    fields = values.model_dump(include=set(outcomes._FIELDS))
    fields["status"] = values.status.value
    if any(getattr(outcome, k) != v for k, v in fields.items()):
        return True
    if sorted(set(values.contributor_ids)) != sorted(current_contributors):
        return True
    current = coding.codes_for_outcome(ctx.session, outcome.id or 0)
    return any(sorted(current.get(k, [])) != sorted(v) for k, v in codes.items())


def _columns(
    plan: ImportPlan, header: list[str], dimension_headers: dict[str, str]
) -> dict[str, int]:
    """Return {column key: position} of the header; ignore read-only columns, warn of others."""
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        if not text.strip():
            continue
        name = known_column(text) or dimension_headers.get(column_key(text))
        if name in READ_ONLY:
            continue
        if name is None:
            plan.warnings.append(
                RowNote(
                    1,
                    text.strip(),
                    N_("Unknown column '%(name)s' is ignored."),
                    {"name": text.strip()},
                )
            )
        elif name in positions:
            plan.problems.append(
                RowNote(
                    1,
                    text.strip(),
                    N_("The column '%(name)s' appears twice."),
                    {"name": text.strip()},
                )
            )
        else:
            positions[name] = index
    return positions


def plan_import(
    session: Session,
    harvest: Harvest,
    table: list[list[str]],
    *,
    by: User | None = None,
    choices: Mapping[str, NameChoice] | None = None,
    translations: Sequence[Translate] = (),
) -> ImportPlan:
    """Check every row of `table` (header first) and return what importing it would do.

    `choices` answers names that match no actor exactly ({`name_key`: choice});
    `translations` turn the English labels of codes and statuses into the other
    languages a sheet may use (the caller loads the catalogues)."""
    plan = ImportPlan(municipality_id=reconciliation.harvest_municipality_id(session, harvest))
    if not table or not any(c.strip() for c in table[0]):
        raise SpreadsheetError(N_("The first row must name the columns."))
    dimensions, dimension_headers = _dimensions(session, harvest, translations)
    positions = _columns(plan, table[0], dimension_headers)
    if "title" not in positions:
        raise SpreadsheetError(
            N_("The file has no 'title' column. The columns are: %(columns)s."),
            columns=", ".join(COLUMNS),
        )
    existing = {
        o.id or 0: o
        for o in session.scalars(select(Outcome).where(col(Outcome.harvest_id) == harvest.id))
    }
    ctx = _Context(
        session=session,
        harvest=harvest,
        plan=plan,
        by=by,
        existing=existing,
        by_ref={o.ref: o for o in existing.values() if o.ref},
        dimensions=dimensions,
        questions=[(q.id or 0, q.text) for q in questions_of(session, harvest)],
        statuses=_statuses(translations),
        choices={name_key(k): v for k, v in (choices or {}).items()},
    )
    seen: set[str] = set()
    for number, raw in enumerate(table[1:], start=2):
        cells = {
            name: _unguard(raw[index]) if index < len(raw) else ""
            for name, index in positions.items()
        }
        if not any(cells.values()) and not any(str(c).strip() for c in raw):
            continue
        _check_row(ctx, _Row(number, plan), cells, seen)
    _flag_duplicates(ctx)
    if not plan.rows and not plan.problems:
        raise SpreadsheetError(N_("The file has no outcome rows below its header."))
    return plan


def _flag_duplicates(ctx: _Context) -> None:
    """Warn of new rows that look like an outcome already in the harvest."""
    rows = [r for r in ctx.plan.rows if r.action == "create"]
    found = duplicates.possible_duplicates_of_rows(
        ctx.session,
        ctx.harvest,
        [
            {
                "changed_actor_id": r.values.changed_actor_id
                if (r.values.changed_actor_id or 0) > 0
                else None,
                "title": r.values.title,
                "change": r.values.change,
            }
            for r in rows
        ],
        viewer=ctx.by,
        system=ctx.by is None,
    )
    for index, candidates in sorted(found.items()):
        for candidate in candidates[:3]:
            ctx.plan.warnings.append(
                RowNote(
                    rows[index].row,
                    "title",
                    N_(
                        "This row looks like outcome %(id)s, '%(title)s': check that it is "
                        "not the same outcome before you import."
                    ),
                    {"id": candidate.id, "title": candidate.title},
                )
            )


# --- writing the import -------------------------------------------------------


def _with_actors(values: OutcomeCreate, ids: dict[int, int]) -> OutcomeCreate:
    """Return `values` with the placeholders of new actors replaced by their ids."""
    changed = values.changed_actor_id
    return values.model_copy(
        update={
            "changed_actor_id": ids.get(changed, changed) if changed is not None else None,
            "contributor_ids": [ids.get(i, i) for i in values.contributor_ids],
        }
    )


def run_import(session: Session, harvest: Harvest, plan: ImportPlan, *, by: User | None) -> None:
    """Create and update the outcomes `plan` holds; refuse if it has any problem or a name
    without a chosen actor. New actors are created and every choice is remembered."""
    if not plan.checked:
        raise SpreadsheetError(N_("The file has problems; nothing was imported."))
    if plan.unmatched:
        raise SpreadsheetError(
            N_("Choose an actor for every name that matches none; nothing was imported.")
        )
    access.require(session, by, Action.IMPORT_OUTCOMES, Target(group_id=harvest.group_id))
    ids: dict[int, int] = {}
    for placeholder, name in plan.names.items():
        actor = reconciliation.create_named_actor(
            session, name.typed, plan.new_kinds.get(name.key), plan.municipality_id, by=by
        )
        ids[placeholder] = actor.id or 0
    for key, actor_id in plan.chosen.items():
        reconciliation.remember(
            session, key, ids.get(actor_id, actor_id), plan.municipality_id, by=by
        )
    for planned in plan.rows:
        if planned.action == "unchanged":
            continue
        values = _with_actors(planned.values, ids)
        question = planned.question_id if planned.sets_question else outcomes.UNSET
        if planned.outcome_id is None:
            outcomes.record_outcome(
                session,
                harvest,
                values,
                by=by,
                confirm_warnings=True,
                codes=planned.codes or None,
                question_id=None if question is outcomes.UNSET else question,
            )
        else:
            outcome = outcomes.get_outcome(session, planned.outcome_id)
            outcomes.update_outcome(
                session,
                outcome,
                values,
                outcome.version,
                by=by,
                confirm_warnings=True,
                codes=planned.codes or None,
                question_id=question,
            )
    plan.written = True


def import_outcomes(
    session: Session,
    harvest: Harvest,
    content: bytes,
    filename: str = "",
    *,
    by: User | None,
    dry_run: bool = False,
    choices: Mapping[str, NameChoice] | None = None,
    translations: Sequence[Translate] = (),
) -> ImportPlan:
    """Check a spreadsheet and, when every row is valid, every name has an actor and not
    `dry_run`, import it all."""
    plan = plan_import(
        session,
        harvest,
        read_table(content, filename),
        by=by,
        choices=choices,
        translations=translations,
    )
    if plan.ok and not dry_run:
        run_import(session, harvest, plan, by=by)
    return plan


# --- uploads waiting for confirmation (the web flow) ---------------------------


def store_upload(
    session: Session, harvest: Harvest, user: User, filename: str, content: bytes
) -> PendingUpload:
    """Keep an uploaded file until `user` confirms its import; replaces their older one."""
    check_filename(filename)
    for old in session.scalars(
        select(PendingUpload).where(
            col(PendingUpload.harvest_id) == harvest.id, col(PendingUpload.user_id) == user.id
        )
    ):
        session.delete(old)
    upload = PendingUpload(
        token=secrets.token_urlsafe(32),
        harvest_id=harvest.id or 0,
        user_id=user.id or 0,
        filename=filename[:255],
        content=content,
    )
    session.add(upload)
    session.flush()
    return upload


def pending_upload(session: Session, token: str, harvest: Harvest, user: User) -> PendingUpload:
    """Return the upload with `token` that `user` made for `harvest`, or raise `NotFound`."""
    upload = session.scalars(select(PendingUpload).where(col(PendingUpload.token) == token)).first()
    if upload is None or upload.harvest_id != harvest.id or upload.user_id != user.id:
        raise NotFound(N_("The upload was not found. Please upload the file again."))
    return upload


def discard_upload(session: Session, upload: PendingUpload) -> None:
    """Forget an upload once it is imported."""
    session.delete(upload)
    session.flush()
