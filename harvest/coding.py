"""Coding schemes, their dimensions and codes, and the codes given to outcomes.

The default scheme follows DESIGN.md. Labels of the default scheme are English
msgids that the web layer translates; labels people type are shown as typed.
Schemes are edited here (create, rename, add, rename, move and retire dimensions
and codes, assign to harvests) and many outcomes are coded at once
(`code_outcomes`). A retired dimension or code is never deleted: it keeps its
row with a position below zero, so earlier coding stays readable, and it is no
longer offered for new coding. Every change is kept by the change history.
Must not import `app` or Flask.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action, Target
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.history import act_as
from harvest.models import (
    Code,
    CodeDimension,
    CodingScheme,
    Harvest,
    HarvestQuestion,
    Outcome,
    OutcomeCode,
    OutcomeQuestion,
    User,
    utcnow,
)
from harvest.outcomes import set_question
from harvest.records import editing, lock, parts_of
from harvest.schemas import SLUG_PATTERN, Checked, validate

DEFAULT_SCHEME = "standard"

DEFAULT_DIMENSIONS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "type_of_change",
        N_("Type of change"),
        [
            ("practice", N_("Practice")),
            ("relationship", N_("Relationship or collaboration")),
            ("policy", N_("Policy or procedure")),
            ("discourse", N_("Discourse or understanding")),
            ("resources", N_("Resources")),
            ("participation", N_("Participation: from receiver to participant")),
        ],
    ),
    ("intended", N_("Intended"), [("intended", N_("Intended")), ("unintended", N_("Unintended"))]),
    ("positive", N_("Positive"), [("positive", N_("Positive")), ("negative", N_("Negative"))]),
    (
        "significance_rating",
        N_("Significance"),
        [("high", N_("High")), ("medium", N_("Medium")), ("low", N_("Low"))],
    ),
    (
        "contribution_level",
        N_("Contribution"),
        [("direct", N_("Direct")), ("partial", N_("Partial")), ("indirect", N_("Indirect"))],
    ),
    (
        "social_capital_form",
        N_("Form of social capital"),
        [("bonding", N_("Bonding")), ("bridging", N_("Bridging")), ("linking", N_("Linking"))],
    ),
    (
        "recovery_domain",
        N_("Recovery-oriented practice domain"),
        [
            ("citizenship", N_("Citizenship")),
            ("organisational_commitment", N_("Organisational commitment")),
            ("personally_defined_recovery", N_("Personally defined recovery")),
            ("working_relationships", N_("Working relationships")),
        ],
    ),
]


def ensure_default_scheme(session: Session) -> CodingScheme:
    """Return the default coding scheme, creating any of its missing parts."""
    scheme = session.scalars(
        select(CodingScheme).where(col(CodingScheme.slug) == DEFAULT_SCHEME)
    ).first()
    if scheme is None:
        scheme = CodingScheme(
            slug=DEFAULT_SCHEME,
            name=N_("Standard coding scheme"),
            description=N_("The coding scheme Brobyg starts with, after DESIGN.md."),
        )
        session.add(scheme)
        session.flush()
    for position, (key, label, codes) in enumerate(DEFAULT_DIMENSIONS):
        dimension = _dimension(session, scheme, key)
        if dimension is None:
            dimension = CodeDimension(
                scheme_id=scheme.id or 0, key=key, label=label, position=position
            )
            session.add(dimension)
            session.flush()
        existing = {c.key for c in codes_of(session, dimension)}
        for code_position, (code_key, code_label) in enumerate(codes):
            if code_key not in existing:
                session.add(
                    Code(
                        dimension_id=dimension.id or 0,
                        key=code_key,
                        label=code_label,
                        position=code_position,
                    )
                )
    session.flush()
    return scheme


def _dimension(session: Session, scheme: CodingScheme, key: str) -> CodeDimension | None:
    query = select(CodeDimension).where(
        col(CodeDimension.scheme_id) == scheme.id, col(CodeDimension.key) == key
    )
    return session.scalars(query).first()


def codes_of(session: Session, dimension: CodeDimension) -> list[Code]:
    """Return the codes of a dimension in their order."""
    query = select(Code).where(col(Code.dimension_id) == dimension.id).order_by(col(Code.position))
    return list(session.scalars(query))


def set_codes(
    session: Session,
    outcome_id: int,
    scheme: CodingScheme,
    choices: dict[str, list[str]],
    *,
    by: User | None,
) -> None:
    """Give an outcome exactly the codes `choices` names, per dimension key; others stay."""
    act_as(session, by)
    for key, code_keys in choices.items():
        dimension = _dimension(session, scheme, key)
        if dimension is None:
            raise ValidationFailed({key: (N_("The coding scheme has no '%(key)s'."), {"key": key})})
        by_key = {c.key: c for c in codes_of(session, dimension)}
        unknown = [k for k in code_keys if k not in by_key]
        if unknown:
            raise ValidationFailed(
                {key: (N_("Unknown code: %(codes)s."), {"codes": ", ".join(unknown)})}
            )
        if len(code_keys) > 1 and not dimension.multiple:
            raise ValidationFailed({key: (N_("Choose only one code here."), {})})
        wanted = {by_key[k].id for k in code_keys}
        current = set(
            session.scalars(
                select(OutcomeCode.code_id).where(
                    col(OutcomeCode.outcome_id) == outcome_id,
                    col(OutcomeCode.code_id).in_([c.id for c in by_key.values()]),
                )
            )
        )
        for code_id in current - wanted:
            session.delete(session.get_one(OutcomeCode, (outcome_id, code_id)))
        for new_id in wanted - current:
            session.add(
                OutcomeCode(
                    outcome_id=outcome_id, code_id=new_id or 0, coded_by_id=by.id if by else None
                )
            )
    session.flush()


def codes_for_outcome(session: Session, outcome_id: int) -> dict[str, list[str]]:
    """Return an outcome's codes in its harvest's scheme as {dimension key: [code keys]}."""
    outcome = session.get(Outcome, outcome_id)
    if outcome is None:
        return {}
    harvest = session.get_one(Harvest, outcome.harvest_id)
    return codes_by_outcome(session, harvest, [outcome_id]).get(outcome_id, {})


def _read_codes(
    session: Session, outcome_ids: list[int], scheme: Any, *, through_harvest: bool
) -> dict[int, dict[str, list[str]]]:
    """Read the codes of `outcome_ids` within `scheme` (an id, or a column per outcome)."""
    query = (
        select(OutcomeCode.outcome_id, CodeDimension.key, Code.key)
        .join(Code, col(Code.id) == OutcomeCode.code_id)
        .join(CodeDimension, col(CodeDimension.id) == Code.dimension_id)
    )
    if through_harvest:
        query = query.join(Outcome, col(Outcome.id) == OutcomeCode.outcome_id).join(
            Harvest, col(Harvest.id) == Outcome.harvest_id
        )
    query = query.where(
        col(CodeDimension.scheme_id) == scheme,
        col(CodeDimension.position) >= 0,
        col(OutcomeCode.outcome_id).in_(outcome_ids),
    ).order_by(
        col(CodeDimension.position),
        col(CodeDimension.id),
        col(Code.position) < 0,
        col(Code.position),
        col(Code.id),
    )
    result: dict[int, dict[str, list[str]]] = {}
    for outcome_id, dimension_key, code_key in session.execute(query):
        result.setdefault(outcome_id, {}).setdefault(dimension_key, []).append(code_key)
    return result


def codes_by_outcome(
    session: Session, harvest: Harvest, outcome_ids: list[int]
) -> dict[int, dict[str, list[str]]]:
    """Return the codes of many outcomes as {outcome id: {dimension key: [code keys]}}.

    The one read of coding that the coding table, the analysis, the report and the
    exports share: only codes in the dimensions in use of the harvest's scheme count
    (retired codes too, so earlier coding stays visible), in the scheme's order.
    Outcomes without codes are left out."""
    scheme = scheme_of(session, harvest)
    if not outcome_ids or scheme.id is None:
        return {}
    return _read_codes(session, outcome_ids, scheme.id, through_harvest=False)


def codes_in_their_schemes(
    session: Session, outcome_ids: list[int]
) -> dict[int, dict[str, list[str]]]:
    """Return the codes of outcomes of any harvests, each read in its own harvest's scheme
    by the same rule as `codes_by_outcome`, in one query."""
    if not outcome_ids:
        return {}
    default = default_scheme(session)
    scheme = func.coalesce(col(Harvest.coding_scheme_id), default.id if default else None)
    return _read_codes(session, outcome_ids, scheme, through_harvest=True)


def default_scheme(session: Session) -> CodingScheme | None:
    """Return the default coding scheme if it exists; never creates it."""
    query = select(CodingScheme).where(col(CodingScheme.slug) == DEFAULT_SCHEME)
    return session.scalars(query).first()


def scheme_of(session: Session, harvest: Harvest) -> CodingScheme:
    """Return the coding scheme a harvest uses (the default one if it names none).

    Only reads: if even the default scheme is missing (a database not migrated to
    0004), an unsaved empty scheme stands in, so pages show no dimensions rather than
    a GET writing one."""
    if harvest.coding_scheme_id:
        scheme = session.get(CodingScheme, harvest.coding_scheme_id)
        if scheme is not None:
            return scheme
    return default_scheme(session) or CodingScheme(
        slug=DEFAULT_SCHEME, name=N_("Standard coding scheme"), description=""
    )


def all_code_labels() -> list[tuple[str, str]]:
    """Return (code key, label msgid) of every code in the default scheme."""
    return [(key, label) for _, _, codes in DEFAULT_DIMENSIONS for key, label in codes]


# --- editing schemes ------------------------------------------------------------

KEY_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
RETIRED = -1


class SchemeCreate(Checked):
    slug: str = Field(min_length=1, max_length=64, pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5_000)


class SchemeUpdate(Checked):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5_000)


class LabelInput(Checked):
    label: str = Field(min_length=1, max_length=200)


class PartCreate(LabelInput):
    key: str = Field(min_length=1, max_length=64, pattern=KEY_PATTERN)
    multiple: bool = False


def is_retired(part: CodeDimension | Code) -> bool:
    """Tell whether a dimension or code is retired (kept for history, not offered)."""
    return part.position < 0


def list_schemes(session: Session) -> list[CodingScheme]:
    """Return every coding scheme by name (only reads: the migration made the default one)."""
    return list(session.scalars(select(CodingScheme).order_by(col(CodingScheme.name))))


def scheme_by_slug(session: Session, slug: str) -> CodingScheme:
    """Return the scheme called `slug` or raise `NotFound`."""
    scheme = session.scalars(select(CodingScheme).where(col(CodingScheme.slug) == slug)).first()
    if scheme is None:
        raise NotFound(N_("There is no coding scheme '%(slug)s'."), slug=slug)
    return scheme


def dimensions_of(session: Session, scheme: CodingScheme) -> list[CodeDimension]:
    """Return all dimensions of a scheme, in use first by position, then retired ones."""
    query = select(CodeDimension).where(col(CodeDimension.scheme_id) == scheme.id)
    found = list(session.scalars(query))
    return sorted(found, key=lambda d: (is_retired(d), d.position, d.id or 0))


def active_dimensions(
    session: Session, scheme: CodingScheme, *, with_retired_codes: bool = False
) -> list[tuple[CodeDimension, list[Code]]]:
    """Return the scheme's dimensions in use, each with its codes in use (and retired ones)."""
    result = []
    for dimension in dimensions_of(session, scheme):
        if is_retired(dimension):
            continue
        codes = [c for c in codes_of(session, dimension) if with_retired_codes or not is_retired(c)]
        codes.sort(key=lambda c: (is_retired(c), c.position))
        result.append((dimension, codes))
    return result


def create_scheme(
    session: Session,
    data: dict[str, object],
    *,
    copy_from: CodingScheme | None = None,
    by: User | None,
) -> CodingScheme:
    """Add a scheme; with `copy_from`, start it with that scheme's dimensions and codes in use."""
    access.require(session, by, Action.ANALYSE)
    values = validate(SchemeCreate, data)
    if session.scalars(select(CodingScheme).where(col(CodingScheme.slug) == values.slug)).first():
        raise ValidationFailed({"slug": (N_("A coding scheme with this short name exists."), {})})
    act_as(session, by)
    scheme = CodingScheme(slug=values.slug, name=values.name, description=values.description)
    session.add(scheme)
    session.flush()
    if copy_from is not None:
        for dimension, codes in active_dimensions(session, copy_from):
            copy = CodeDimension(
                scheme_id=scheme.id or 0,
                key=dimension.key,
                label=dimension.label,
                multiple=dimension.multiple,
                position=dimension.position,
            )
            session.add(copy)
            session.flush()
            for code in codes:
                session.add(
                    Code(
                        dimension_id=copy.id or 0,
                        key=code.key,
                        label=code.label,
                        position=code.position,
                    )
                )
        session.flush()
    return scheme


def update_scheme(
    session: Session,
    scheme: CodingScheme,
    data: dict[str, object],
    version: int,
    *,
    by: User | None,
) -> CodingScheme:
    """Rename a scheme or change its description, if nobody changed it since `version`."""
    access.require(session, by, Action.ANALYSE)
    values = validate(SchemeUpdate, data)
    with editing(session, scheme, version, by=by, submitted=dict(data)):
        if scheme.name != values.name:
            scheme.name = values.name
        if scheme.description != values.description:
            scheme.description = values.description
    return scheme


@parts_of("codingscheme")
def scheme_parts(session: Session, scheme: CodingScheme) -> dict[str, Any]:
    """Return the parts of a coding scheme versioned with it: dimensions with their codes."""
    return {
        "dimensions": [
            {
                "key": d.key,
                "label": d.label,
                "multiple": d.multiple,
                "position": d.position,
                "codes": [
                    {"key": c.key, "label": c.label, "position": c.position}
                    for c in codes_of(session, d)
                ],
            }
            for d in dimensions_of(session, scheme)
        ]
    }


def _scheme_of_part(session: Session, part: CodeDimension | Code) -> CodingScheme:
    dimension = (
        part
        if isinstance(part, CodeDimension)
        else session.get_one(CodeDimension, part.dimension_id)
    )
    return session.get_one(CodingScheme, dimension.scheme_id)


@contextmanager
def _changing(
    session: Session, scheme: CodingScheme, by: User | None, version: int | None = None
) -> Iterator[None]:
    """Change a scheme's dimensions or codes as one edit of the scheme."""
    access.require(session, by, Action.ANALYSE)
    with editing(session, scheme, version, by=by):
        dimensions_of(session, scheme)  # loaded, so their codes count as the scheme's parts
        yield


def get_dimension(session: Session, scheme: CodingScheme, dimension_id: int) -> CodeDimension:
    """Return a dimension of `scheme` by id or raise `NotFound`."""
    dimension = session.get(CodeDimension, dimension_id)
    if dimension is None or dimension.scheme_id != scheme.id:
        raise NotFound(N_("The coding scheme has no such dimension."))
    return dimension


def get_code(session: Session, scheme: CodingScheme, code_id: int) -> Code:
    """Return a code of `scheme` by id or raise `NotFound`."""
    code = session.get(Code, code_id)
    if code is None:
        raise NotFound(N_("The coding scheme has no such code."))
    get_dimension(session, scheme, code.dimension_id)
    return code


def _next_position(positions: list[int]) -> int:
    return max([p for p in positions if p >= 0], default=-1) + 1


def add_dimension(
    session: Session, scheme: CodingScheme, data: dict[str, object], *, by: User | None
) -> CodeDimension:
    """Add a dimension (key, label, multiple) at the end of the scheme."""
    values = validate(PartCreate, data)
    if _dimension(session, scheme, values.key) is not None:
        raise ValidationFailed({"key": (N_("This scheme already has that key."), {})})
    with _changing(session, scheme, by):
        dimension = CodeDimension(
            scheme_id=scheme.id or 0,
            key=values.key,
            label=values.label,
            multiple=values.multiple,
            position=_next_position([d.position for d in dimensions_of(session, scheme)]),
        )
        session.add(dimension)
        session.flush()
    return dimension


def add_code(
    session: Session, dimension: CodeDimension, data: dict[str, object], *, by: User | None
) -> Code:
    """Add a code at the end of a dimension."""
    values = validate(PartCreate, data)
    existing = codes_of(session, dimension)
    if any(c.key == values.key for c in existing):
        raise ValidationFailed({"key": (N_("This dimension already has that key."), {})})
    with _changing(session, _scheme_of_part(session, dimension), by):
        code = Code(
            dimension_id=dimension.id or 0,
            key=values.key,
            label=values.label,
            position=_next_position([c.position for c in existing]),
        )
        session.add(code)
        session.flush()
    return code


def rename(
    session: Session, part: CodeDimension | Code, data: dict[str, object], *, by: User | None
) -> None:
    """Give a dimension or code a new label; its key and the coding made with it stay."""
    values = validate(LabelInput, data)
    with _changing(session, _scheme_of_part(session, part), by):
        if part.label != values.label:
            part.label = values.label
        session.flush()


def _siblings(session: Session, part: CodeDimension | Code) -> list[CodeDimension] | list[Code]:
    if isinstance(part, Code):
        return codes_of(session, session.get_one(CodeDimension, part.dimension_id))
    return dimensions_of(session, session.get_one(CodingScheme, part.scheme_id))


def move(session: Session, part: CodeDimension | Code, step: int, *, by: User | None) -> None:
    """Move a dimension or code in use `step` places (-1 up, +1 down) among those in use."""
    if is_retired(part):
        return
    order = sorted(
        (p for p in _siblings(session, part) if not is_retired(p)), key=lambda p: p.position
    )
    index = next(i for i, p in enumerate(order) if p.id == part.id)
    target = max(0, min(len(order) - 1, index + step))
    if target == index:
        return
    with _changing(session, _scheme_of_part(session, part), by):
        order.insert(target, order.pop(index))
        for position, sibling in enumerate(order):
            if sibling.position != position:
                sibling.position = position
        session.flush()


def retire(session: Session, part: CodeDimension | Code, *, by: User | None) -> None:
    """Stop offering a dimension or code; it and the coding made with it are kept."""
    if is_retired(part):
        return
    with _changing(session, _scheme_of_part(session, part), by):
        part.position = RETIRED
        session.flush()


def restore(session: Session, part: CodeDimension | Code, *, by: User | None) -> None:
    """Offer a retired dimension or code again, at the end."""
    if not is_retired(part):
        return
    with _changing(session, _scheme_of_part(session, part), by):
        part.position = _next_position([p.position for p in _siblings(session, part)])
        session.flush()


def code_use_counts(session: Session, scheme: CodingScheme) -> dict[int, int]:
    """Return how many outcomes carry each code of the scheme, by code id."""
    query = (
        select(OutcomeCode.code_id, func.count())
        .join(Code, col(Code.id) == OutcomeCode.code_id)
        .join(CodeDimension, col(CodeDimension.id) == Code.dimension_id)
        .where(col(CodeDimension.scheme_id) == scheme.id)
        .group_by(col(OutcomeCode.code_id))
    )
    return {code_id: n for code_id, n in session.execute(query)}


class LossReason(StrEnum):
    """Why a code could not be carried over to another scheme."""

    NO_DIMENSION = "no_dimension"
    DIMENSION_RETIRED = "dimension_retired"
    NO_CODE = "no_code"
    ONE_CODE_ONLY = "one_code_only"


LOSS_REASON_LABELS = {
    LossReason.NO_DIMENSION: N_("The new scheme has no such dimension."),
    LossReason.DIMENSION_RETIRED: N_("The dimension is retired in the new scheme."),
    LossReason.NO_CODE: N_("The new scheme has no such code in this dimension."),
    LossReason.ONE_CODE_ONLY: N_("The dimension allows one code only in the new scheme."),
}


@dataclass(frozen=True)
class LostCode:
    """A code an outcome loses when its harvest switches scheme; labels as in the old scheme."""

    outcome_id: int
    outcome_title: str
    dimension: str
    dimension_label: str
    code: str
    code_label: str
    reason: LossReason

    @property
    def reason_label(self) -> str:
        """Return the msgid that says why the code could not be carried over."""
        return LOSS_REASON_LABELS[self.reason]


@dataclass(frozen=True)
class SchemeSwitch:
    """What switching a harvest to another scheme does to its coding.

    `carried` counts the codes that move to the code with the same dimension key and
    code key in the new scheme; `lost` lists those that cannot and are removed (the
    change history keeps them)."""

    harvest_slug: str
    old_scheme: str
    new_scheme: str
    carried: int = 0
    lost: list[LostCode] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """Return a short digest of what would be lost, to notice a change before confirming."""
        canonical = json.dumps(
            [[x.outcome_id, x.dimension, x.code, x.reason.value] for x in self.lost]
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class _Move:
    outcome_id: int
    old_code_id: int
    new_code_id: int | None


def _switch(
    session: Session, harvest: Harvest, target: CodingScheme
) -> tuple[SchemeSwitch, list[_Move], list[tuple[int, int]]]:
    """Plan a switch: the report, each old code's move, and target codes to drop."""
    old = scheme_of(session, harvest)
    report = SchemeSwitch(harvest.slug, old.slug, target.slug)
    if old.id == target.id or old.id is None:
        return report, [], []
    dimensions = {d.key: d for d in dimensions_of(session, target)}
    codes: dict[int, dict[str, Code]] = {
        d.id or 0: {c.key: c for c in codes_of(session, d)} for d in dimensions.values()
    }

    def held(scheme: CodingScheme) -> list[tuple[Outcome, CodeDimension, Code]]:
        query = (
            select(Outcome, CodeDimension, Code)
            .join(OutcomeCode, col(OutcomeCode.outcome_id) == Outcome.id)
            .join(Code, col(Code.id) == OutcomeCode.code_id)
            .join(CodeDimension, col(CodeDimension.id) == Code.dimension_id)
            .where(col(Outcome.harvest_id) == harvest.id, col(CodeDimension.scheme_id) == scheme.id)
            .order_by(
                col(Outcome.id),
                col(CodeDimension.position) < 0,
                col(CodeDimension.position),
                col(Code.position) < 0,
                col(Code.position),
                col(Code.id),
            )
        )
        return [(o, d, c) for o, d, c in session.execute(query)]

    moves: list[_Move] = []
    lost: list[LostCode] = []
    kept: dict[tuple[int, int], list[int]] = {}  # (outcome, target dimension) -> target codes
    for outcome, dimension, code in held(old):
        target_dimension = dimensions.get(dimension.key)
        reason: LossReason | None = None
        new_code: Code | None = None
        if target_dimension is None:
            reason = LossReason.NO_DIMENSION
        elif is_retired(target_dimension):
            reason = LossReason.DIMENSION_RETIRED
        else:
            new_code = codes[target_dimension.id or 0].get(code.key)
            if new_code is None:
                reason = LossReason.NO_CODE
            else:
                given = kept.setdefault((outcome.id or 0, target_dimension.id or 0), [])
                if given and not target_dimension.multiple:
                    reason = LossReason.ONE_CODE_ONLY
                else:
                    given.append(new_code.id or 0)
        if reason is not None:
            new_code = None
            lost.append(
                LostCode(
                    outcome.id or 0,
                    outcome.title,
                    dimension.key,
                    dimension.label,
                    code.key,
                    code.label,
                    reason,
                )
            )
        moves.append(_Move(outcome.id or 0, code.id or 0, new_code.id if new_code else None))
    # Codes the outcomes still hold in the target scheme from an earlier use of it: the
    # carried ones come first; one too many in a one-code dimension is dropped and listed.
    dropped: list[tuple[int, int]] = []
    for outcome, dimension, code in held(target):
        if is_retired(dimension):
            continue
        given = kept.setdefault((outcome.id or 0, dimension.id or 0), [])
        if code.id in given:
            continue
        if given and not dimension.multiple:
            dropped.append((outcome.id or 0, code.id or 0))
            lost.append(
                LostCode(
                    outcome.id or 0,
                    outcome.title,
                    dimension.key,
                    dimension.label,
                    code.key,
                    code.label,
                    LossReason.ONE_CODE_ONLY,
                )
            )
        else:
            given.append(code.id or 0)
    carried = sum(1 for m in moves if m.new_code_id is not None)
    return (
        SchemeSwitch(harvest.slug, old.slug, target.slug, carried, lost),
        moves,
        dropped,
    )


def plan_scheme_switch(session: Session, harvest: Harvest, scheme: CodingScheme) -> SchemeSwitch:
    """Return what `assign_scheme` would carry over and lose, without writing anything."""
    return _switch(session, harvest, scheme)[0]


def assign_scheme(
    session: Session, harvest: Harvest, scheme: CodingScheme, version: int, *, by: User | None
) -> SchemeSwitch:
    """Make `harvest` code with `scheme`, as read at `version`, carrying its codes over.

    Each code moves to the code with the same dimension key and code key in `scheme`
    (a retired code there counts; a retired dimension does not). The codes that cannot
    move are removed from their outcomes and listed in the returned report; the change
    history keeps them, with who coded them and when."""
    access.require(session, by, Action.ANALYSE)
    submitted = {"coding_scheme": scheme.slug}
    with editing(session, harvest, version, by=by, submitted=submitted), ExitStack() as stack:
        report, moves, dropped = _switch(session, harvest, scheme)
        if harvest.coding_scheme_id == scheme.id:
            return report
        outcome_ids = sorted({m.outcome_id for m in moves} | {o for o, _c in dropped})
        for outcome_id in outcome_ids:  # each outcome whose codes change is edited as a unit
            stack.enter_context(editing(session, session.get_one(Outcome, outcome_id), None, by=by))
        held = {
            (row.outcome_id, row.code_id): row
            for row in session.scalars(
                select(OutcomeCode).where(col(OutcomeCode.outcome_id).in_(outcome_ids))
            )
        }
        added: list[OutcomeCode] = []
        for move in moves:
            old = held[(move.outcome_id, move.old_code_id)]
            session.delete(old)
            if move.new_code_id is not None and (move.outcome_id, move.new_code_id) not in held:
                added.append(
                    OutcomeCode(
                        outcome_id=move.outcome_id,
                        code_id=move.new_code_id,
                        coded_by_id=old.coded_by_id,
                        coded_at=old.coded_at,
                    )
                )
        for outcome_id, code_id in dropped:
            session.delete(session.get_one(OutcomeCode, (outcome_id, code_id)))
        session.flush()
        session.add_all(added)
        harvest.coding_scheme_id = scheme.id
        harvest.updated_at = utcnow()
    return report


def harvests_using(session: Session, scheme: CodingScheme) -> list[Harvest]:
    """Return the harvests that code with `scheme`, by title."""
    query = (
        select(Harvest)
        .where(col(Harvest.coding_scheme_id) == scheme.id)
        .order_by(col(Harvest.title))
    )
    return list(session.scalars(query))


# --- coding many outcomes at once -------------------------------------------------


@dataclass(frozen=True)
class CodingRow:
    """One outcome's row of the coding table as submitted.

    `version` and `seen` are the outcome's version and coding (`coding_fingerprint`)
    when the coder loaded the page; `choices` maps dimension keys to code keys."""

    outcome_id: int
    version: int
    seen: str
    choices: dict[str, list[str]]
    question_id: int | None = None


@dataclass
class CodingResult:
    """Which rows were saved, which were unchanged and which were stale (someone else was first)."""

    saved: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)


def current_question(session: Session, outcome_id: int) -> int | None:
    """Return the id of the harvest question an outcome answers, if any."""
    query = select(OutcomeQuestion.question_id).where(col(OutcomeQuestion.outcome_id) == outcome_id)
    return session.scalars(query).first()


def coding_fingerprint(codes: dict[str, list[str]], question_id: int | None) -> str:
    """Return a short digest of an outcome's coding, to notice a change made meanwhile."""
    canonical = json.dumps(
        {"codes": {k: sorted(v) for k, v in sorted(codes.items()) if v}, "q": question_id},
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def harvest_coding(
    session: Session, harvest: Harvest, outcomes: list[Outcome]
) -> dict[int, tuple[dict[str, list[str]], int | None]]:
    """Return each outcome's codes and question id, for the coding table."""
    ids = [o.id or 0 for o in outcomes]
    codes = codes_by_outcome(session, harvest, ids)
    questions: dict[int, int] = {}
    if ids:
        query = select(OutcomeQuestion.outcome_id, OutcomeQuestion.question_id).where(
            col(OutcomeQuestion.outcome_id).in_(ids)
        )
        for outcome_id, question_id in session.execute(query):
            questions.setdefault(outcome_id, question_id)
    return {i: (codes.get(i, {}), questions.get(i)) for i in ids}


def code_outcomes(
    session: Session, harvest: Harvest, rows: list[CodingRow], *, by: User | None
) -> CodingResult:
    """Save the coding of many outcomes of `harvest`; a row changed meanwhile is left as stale.

    Only the dimensions in `choices` are touched; the question is set when the
    harvest has it. Invalid codes raise `ValidationFailed` keyed by outcome id.
    """
    scheme = scheme_of(session, harvest)
    questions = {
        q.id
        for q in session.scalars(
            select(HarvestQuestion).where(col(HarvestQuestion.harvest_id) == harvest.id)
        )
    }
    result = CodingResult()
    for row in rows:
        outcome = session.get(Outcome, row.outcome_id)
        if outcome is None or outcome.harvest_id != harvest.id:
            raise NotFound(N_("Outcome %(id)s is not part of this harvest."), id=row.outcome_id)
        lock(session, outcome)
        codes = codes_for_outcome(session, row.outcome_id)
        question = current_question(session, row.outcome_id)
        if outcome.version != row.version or coding_fingerprint(codes, question) != row.seen:
            result.stale.append(row.outcome_id)
            continue
        wanted_question = row.question_id if row.question_id in questions else None
        changed = {k: v for k, v in row.choices.items() if sorted(codes.get(k, [])) != sorted(v)}
        if not changed and wanted_question == question:
            result.unchanged.append(row.outcome_id)
            continue
        target = Target(group_id=harvest.group_id, status=outcome.status)
        access.require(session, by, Action.CODE_OUTCOME, target)
        with editing(session, outcome, row.version, by=by):
            try:
                if changed:
                    set_codes(session, row.outcome_id, scheme, changed, by=by)
            except ValidationFailed as error:
                raise ValidationFailed(
                    {f"{row.outcome_id}.{k}": v for k, v in error.errors.items()}
                ) from None
            if wanted_question != question:
                set_question(session, outcome, wanted_question)
        result.saved.append(row.outcome_id)
    return result
