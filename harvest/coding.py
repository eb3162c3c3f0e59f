"""Coding schemes, their dimensions and codes, and the codes given to outcomes.

The default scheme follows DESIGN.md. Labels of the default scheme are English
msgids that the web layer translates. Must not import `app` or Flask.
"""

from sqlalchemy import select
from sqlmodel import Session, col

from harvest.errors import N_, ValidationFailed
from harvest.history import act_as
from harvest.models import Code, CodeDimension, CodingScheme, Harvest, OutcomeCode, User

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
        select(CodingScheme).where(CodingScheme.slug == DEFAULT_SCHEME)
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
        CodeDimension.scheme_id == scheme.id, CodeDimension.key == key
    )
    return session.scalars(query).first()


def codes_of(session: Session, dimension: CodeDimension) -> list[Code]:
    """Return the codes of a dimension in their order."""
    query = select(Code).where(Code.dimension_id == dimension.id).order_by(col(Code.position))
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
                    OutcomeCode.outcome_id == outcome_id,
                    col(OutcomeCode.code_id).in_([c.id for c in by_key.values()]),
                )
            )
        )
        for code_id in current - wanted:
            session.delete(session.get_one(OutcomeCode, (outcome_id, code_id)))
        for code_id in wanted - current:
            session.add(
                OutcomeCode(
                    outcome_id=outcome_id, code_id=code_id or 0, coded_by_id=by.id if by else None
                )
            )
    session.flush()


def codes_for_outcome(session: Session, outcome_id: int) -> dict[str, list[str]]:
    """Return an outcome's codes as {dimension key: [code keys]}."""
    query = (
        select(CodeDimension.key, Code.key)
        .join(Code, col(Code.dimension_id) == CodeDimension.id)
        .join(OutcomeCode, col(OutcomeCode.code_id) == Code.id)
        .where(OutcomeCode.outcome_id == outcome_id)
        .order_by(col(CodeDimension.position), col(Code.position))
    )
    result: dict[str, list[str]] = {}
    for dimension_key, code_key in session.execute(query):
        result.setdefault(dimension_key, []).append(code_key)
    return result


def scheme_of(session: Session, harvest: Harvest) -> CodingScheme:
    """Return the coding scheme a harvest uses (the default one if it names none)."""
    if harvest.coding_scheme_id:
        scheme = session.get(CodingScheme, harvest.coding_scheme_id)
        if scheme is not None:
            return scheme
    return ensure_default_scheme(session)


def all_code_labels() -> list[tuple[str, str]]:
    """Return (code key, label msgid) of every code in the default scheme."""
    return [(key, label) for _, _, codes in DEFAULT_DIMENSIONS for key, label in codes]
