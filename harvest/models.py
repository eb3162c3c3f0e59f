"""Every table of Brobyg and the enumerations its columns take.

Owns the schema only. Validation lives in `harvest.schemas`, behaviour in the
service modules. Must not import `app`, `network` or Flask.
"""

from datetime import UTC, date, datetime
from enum import IntEnum, StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Return the current time, aware, in UTC (SQLModel stores it as UTC on both databases)."""
    return datetime.now(UTC)


# --- enumerations -----------------------------------------------------------


class Role(StrEnum):
    ADMIN = "admin"
    EVALUATOR = "evaluator"
    MEMBER = "member"
    STAFF = "staff"


class Sector(StrEnum):
    MUNICIPAL = "municipal"
    CIVIL_SOCIETY = "civil_society"
    REGION = "region"
    PRIVATE = "private"
    CITIZENS = "citizens"


class ActorKind(StrEnum):
    MUNICIPAL_SERVICE = "municipal_service"
    MUNICIPAL_MANAGEMENT = "municipal_management"
    COUNCIL = "council"
    ASSOCIATION = "association"
    VOLUNTEER_GROUP = "volunteer_group"
    CITIZEN_GROUP = "citizen_group"
    REGION_HEALTH = "region_health"
    EDUCATION_JOB = "education_job"
    BUSINESS = "business"
    IMPLEMENTATION_GROUP = "implementation_group"
    FUNDER = "funder"


class FirstVisitFact(StrEnum):
    """What a citizen can count on the first time they come (filterable)."""

    COMPANION_WELCOME = "companion_welcome"
    NO_SIGN_UP = "no_sign_up"
    MET_ON_ARRIVAL = "met_on_arrival"
    COME_ALONE = "come_alone"


class Tier(IntEnum):
    """An actor's authority over resources and decisions."""

    CITIZENS = 1
    ORGANISATIONS = 2
    AUTHORITIES = 3


class TieKind(StrEnum):
    REFERRAL = "referral"
    COLLABORATION = "collaboration"
    SHARED_ACTIVITY = "shared_activity"
    MEMBERSHIP = "membership"
    FUNDING = "funding"
    INFORMATION_EXCHANGE = "information_exchange"
    VOLUNTEER_FLOW = "volunteer_flow"
    HOSTING = "hosting"


class TieForm(StrEnum):
    """The form of social capital a tie carries."""

    BONDING = "bonding"
    BRIDGING = "bridging"
    LINKING = "linking"


class OutcomeStatus(StrEnum):
    LEAD = "lead"
    DRAFT = "draft"
    REVIEWED = "reviewed"
    READY = "ready"
    SUBSTANTIATED = "substantiated"
    FINAL = "final"
    WITHDRAWN = "withdrawn"


class HarvestStep(StrEnum):
    DESIGN = "design"
    GATHER = "gather"
    ENGAGE = "engage"
    SUBSTANTIATE = "substantiate"
    ANALYSE = "analyse"
    SUPPORT_USE = "support_use"


class Verdict(StrEnum):
    FULLY_AGREE = "fully_agree"
    PARTIALLY_AGREE = "partially_agree"
    DISAGREE = "disagree"
    CANNOT_JUDGE = "cannot_judge"


class SubstantiationStatus(StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"
    REVOKED = "revoked"


class ChangeAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


# --- shared column families ------------------------------------------------


class Versioned(SQLModel):
    """A record edited by people: its version is checked on every update and raised once per
    transaction that changes it (`harvest.records` raises it)."""

    version: int = Field(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy passes the class
        return {
            "version_id_col": cls.__table__.c.version,  # type: ignore[attr-defined]
            "version_id_generator": False,
        }


class Stamped(SQLModel):
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False, index=True)


def _text(**kw: Any) -> Any:
    return Field(default="", sa_column=Column(Text, nullable=False, default="", **kw))


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))


# --- places, people and accounts -------------------------------------------


class Municipality(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(max_length=120, index=True)
    region: str = Field(default="", max_length=120)


class User(Versioned, Stamped, table=True):
    __tablename__: ClassVar[str] = "user_account"  # type: ignore[misc]

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    name: str = Field(default="", max_length=120)
    role: str = Field(sa_type=String(16), index=True)
    password_hash: str = Field(default="", max_length=255)
    active: bool = Field(default=True)
    last_login_at: datetime | None = None
    # Raised to end every session signed in before; changed by a plain UPDATE, unversioned.
    session_epoch: int = Field(default=0, nullable=False)


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    prefix: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    expires_at: datetime | None = None


class PasswordLink(SQLModel, table=True):
    """A one-time link to set a password (an invitation or a reset); only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    purpose: str = Field(sa_type=String(16))
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


# --- actors and ties --------------------------------------------------------


class Actor(Versioned, Stamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    name: str = Field(max_length=200, index=True)
    kind: str = Field(sa_type=String(32), index=True)
    sector: str = Field(sa_type=String(32), index=True)
    tier: int = Field(default=int(Tier.ORGANISATIONS))
    municipality_id: int | None = Field(
        default=None, foreign_key="municipality.id", index=True, ondelete="RESTRICT"
    )
    tags: list[str] = _json_list()
    target_groups: list[str] = _json_list()
    accessibility: list[str] = _json_list()
    address: str = Field(default="", max_length=200)
    website: str = Field(default="", max_length=300)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    profile: str = _text()
    # Rows of {"day", "opens", "closes"}: see harvest.opening_hours.
    opening_hours: list[dict[str, str]] = _json_list()
    # What a social worker needs to send a citizen there (public facts, never citizen data).
    contact_person: str = Field(default="", max_length=200)
    first_visit: str = _text()
    first_visit_facts: list[str] = _json_list()
    cost: str = Field(default="", max_length=300)
    free_of_charge: bool = Field(default=False, index=True)
    last_checked: date | None = Field(default=None, index=True)

    __table_args__ = (CheckConstraint("tier BETWEEN 1 AND 3", name="ck_actor_tier"),)


class ActorAlias(SQLModel, table=True):
    """A name an imported spreadsheet used for an actor, remembered for the next import.

    `name_key` is the name folded by `harvest.actor_names.name_key`; the alias holds in
    one municipality (that of the harvest it was chosen for), or everywhere when None."""

    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=200, index=True)
    municipality_id: int | None = Field(
        default=None, foreign_key="municipality.id", index=True, ondelete="CASCADE"
    )
    actor_id: int = Field(foreign_key="actor.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        UniqueConstraint("name_key", "municipality_id", name="uq_actor_alias_name_place"),
    )


class Tie(Versioned, Stamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="actor.id", index=True, ondelete="RESTRICT")
    target_id: int = Field(foreign_key="actor.id", index=True, ondelete="RESTRICT")
    kind: str = Field(sa_type=String(32), index=True)
    start: date | None = Field(default=None, index=True)
    end: date | None = Field(default=None, index=True)
    strength: int = Field(default=2)
    form: str = Field(sa_type=String(16), index=True)
    derived_form: str = Field(sa_type=String(16))
    form_override: str | None = Field(default=None, sa_type=String(16))
    override_reason: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=500)

    __table_args__ = (
        UniqueConstraint("source_id", "target_id", "kind", name="uq_tie_ends_kind"),
        CheckConstraint("source_id <> target_id", name="ck_tie_not_self"),
        CheckConstraint("strength BETWEEN 1 AND 3", name="ck_tie_strength"),
    )


# --- implementation groups --------------------------------------------------


class ImplementationGroup(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(max_length=200)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="actor.id", index=True)
    description: str = _text()


class MemberRole(StrEnum):
    """The part an actor plays in an implementation group."""

    MUNICIPAL = "municipal"
    ASSOCIATION = "association"
    CITIZEN_REPRESENTATIVE = "citizen_representative"
    OTHER = "other"


class GroupActor(Versioned, Stamped, table=True):
    """An actor's place in an implementation group over time: invited, joined, left.

    Citizens take part only as anonymous citizen groups or actors, never as named persons."""

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="implementationgroup.id", index=True, ondelete="CASCADE")
    actor_id: int = Field(foreign_key="actor.id", index=True, ondelete="RESTRICT")
    role: str = Field(default=MemberRole.ASSOCIATION.value, sa_type=String(32))
    invited: date | None = None
    joined: date | None = None
    left: date | None = None
    note: str = Field(default="", max_length=500)

    __table_args__ = (UniqueConstraint("group_id", "actor_id", name="uq_group_actor"),)


class GroupMembership(SQLModel, table=True):
    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    group_id: int = Field(
        foreign_key="implementationgroup.id", primary_key=True, index=True, ondelete="CASCADE"
    )


# --- coding -----------------------------------------------------------------


class CodingScheme(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(max_length=200)
    description: str = _text()


class CodeDimension(SQLModel, table=True):
    """One question of a coding scheme, e.g. "type of change"."""

    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="codingscheme.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    label: str = Field(max_length=200)
    multiple: bool = Field(default=False)
    position: int = Field(default=0)

    __table_args__ = (UniqueConstraint("scheme_id", "key", name="uq_dimension_key"),)


class Code(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dimension_id: int = Field(foreign_key="codedimension.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    label: str = Field(max_length=200)
    position: int = Field(default=0)

    __table_args__ = (UniqueConstraint("dimension_id", "key", name="uq_code_key"),)


# --- harvests and outcomes --------------------------------------------------


class Harvest(Versioned, Stamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    title: str = Field(max_length=200)
    group_id: int | None = Field(default=None, foreign_key="implementationgroup.id", index=True)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    period_start: date | None = None
    period_end: date | None = None
    users_and_uses: str = _text()
    step: str = Field(default=HarvestStep.DESIGN.value, sa_type=String(16))
    coding_scheme_id: int | None = Field(default=None, foreign_key="codingscheme.id")


class HarvestQuestion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    harvest_id: int = Field(foreign_key="harvest.id", index=True, ondelete="CASCADE")
    position: int  # the questions in use first, then the retired ones
    text: str = _text()
    # A retired question stays on the outcomes that answer it but is offered for no new one.
    retired: bool = Field(default=False)

    __table_args__ = (UniqueConstraint("harvest_id", "position", name="uq_question_position"),)


class Outcome(Versioned, Stamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ref: str | None = Field(default=None, sa_column=Column(String(64), unique=True))
    harvest_id: int = Field(foreign_key="harvest.id", ondelete="RESTRICT")
    title: str = Field(max_length=200)
    changed_actor_id: int | None = Field(
        default=None, foreign_key="actor.id", index=True, ondelete="RESTRICT"
    )
    change: str = _text()
    when_start: date | None = Field(default=None, index=True)
    when_end: date | None = None
    where: str = Field(default="", max_length=200)
    significance: str = _text()
    contribution: str = _text()
    sources: str = _text()
    evidence: str = _text()
    status: str = Field(default=OutcomeStatus.DRAFT.value, sa_type=String(16), index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")

    __table_args__ = (
        Index("ix_outcome_harvest_status", "harvest_id", "status"),
        Index("ix_outcome_harvest_actor", "harvest_id", "changed_actor_id"),
    )


class OutcomeContributor(SQLModel, table=True):
    outcome_id: int = Field(foreign_key="outcome.id", primary_key=True, ondelete="CASCADE")
    actor_id: int = Field(foreign_key="actor.id", primary_key=True, index=True)


class OutcomeLink(SQLModel, table=True):
    """Outcome `source_id` contributed to outcome `target_id`."""

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="outcome.id", index=True, ondelete="CASCADE")
    target_id: int = Field(foreign_key="outcome.id", index=True, ondelete="CASCADE")
    note: str = Field(default="", max_length=500)

    __table_args__ = (
        UniqueConstraint("source_id", "target_id", name="uq_outcome_link"),
        CheckConstraint("source_id <> target_id", name="ck_outcome_link_not_self"),
    )


class TieEvidence(SQLModel, table=True):
    """Outcome `outcome_id` evidences (created or strengthened) tie `tie_id`."""

    tie_id: int = Field(foreign_key="tie.id", primary_key=True, ondelete="CASCADE")
    outcome_id: int = Field(
        foreign_key="outcome.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class OutcomeCode(SQLModel, table=True):
    outcome_id: int = Field(foreign_key="outcome.id", primary_key=True, ondelete="CASCADE")
    code_id: int = Field(foreign_key="code.id", primary_key=True, index=True)
    coded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    coded_at: datetime = Field(default_factory=utcnow)


class OutcomeQuestion(SQLModel, table=True):
    """The harvest question an outcome helps answer."""

    outcome_id: int = Field(foreign_key="outcome.id", primary_key=True, ondelete="CASCADE")
    question_id: int = Field(
        foreign_key="harvestquestion.id", primary_key=True, index=True, ondelete="CASCADE"
    )


# --- interpretation ------------------------------------------------------------


class Interpretation(Versioned, Stamped, table=True):
    """An evaluator's interpretation of a harvest: the overall text and, as its parts, the
    answers to the useable questions (`QuestionAnswer`). `publish`: shown in the public report."""

    id: int | None = Field(default=None, primary_key=True)
    harvest_id: int = Field(
        sa_column=Column(ForeignKey("harvest.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    overall: str = _text()
    publish: bool = Field(default=False)


class QuestionAnswer(SQLModel, table=True):
    """The evaluator's answer (Markdown) to one useable question, part of an `Interpretation`."""

    id: int | None = Field(default=None, primary_key=True)
    interpretation_id: int = Field(foreign_key="interpretation.id", index=True, ondelete="CASCADE")
    question_id: int = Field(foreign_key="harvestquestion.id", index=True, ondelete="CASCADE")
    text: str = _text()

    __table_args__ = (
        UniqueConstraint("interpretation_id", "question_id", name="uq_answer_question"),
    )


class AnswerOutcome(SQLModel, table=True):
    """An outcome that supports an answer."""

    answer_id: int = Field(foreign_key="questionanswer.id", primary_key=True, ondelete="CASCADE")
    outcome_id: int = Field(
        foreign_key="outcome.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class DuplicateDismissal(SQLModel, table=True):
    """Two outcomes someone judged not to be duplicates (`outcome_id` the lower id)."""

    id: int | None = Field(default=None, primary_key=True)
    outcome_id: int = Field(foreign_key="outcome.id", ondelete="CASCADE")
    other_id: int = Field(foreign_key="outcome.id", index=True, ondelete="CASCADE")
    by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, nullable=False)

    __table_args__ = (
        UniqueConstraint("outcome_id", "other_id", name="uq_duplicate_dismissal"),
        CheckConstraint("outcome_id < other_id", name="ck_duplicate_dismissal_order"),
    )


# --- substantiation ---------------------------------------------------------


class Substantiation(Versioned, Stamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    outcome_id: int = Field(foreign_key="outcome.id", index=True, ondelete="RESTRICT")
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=254)
    role: str = Field(default="", max_length=200)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    expires_at: datetime
    answered_at: datetime | None = None
    revoked_at: datetime | None = None
    status: str = Field(default=SubstantiationStatus.PENDING.value, sa_type=String(16), index=True)
    verdict_outcome: str | None = Field(default=None, sa_type=String(16))
    verdict_significance: str | None = Field(default=None, sa_type=String(16))
    verdict_contribution: str | None = Field(default=None, sa_type=String(16))
    comment_outcome: str = _text()
    comment_significance: str = _text()
    comment_contribution: str = _text()
    consent_named: bool = Field(default=False)
    language: str = Field(default="da", sa_type=String(8))  # of the messages sent to them
    reminded_at: datetime | None = None  # the one reminder, once sent
    requested_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    # The outcome's version the answer was given on; set when the outcome was restated since.
    outcome_version: int | None = None
    superseded_at: datetime | None = None


# --- history ----------------------------------------------------------------


class ChangeRecord(SQLModel, table=True):
    """One append-only entry of the change history: who changed what, when, before and after."""

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(sa_type=String(40))
    entity_id: str = Field(sa_type=String(80))
    action: str = Field(sa_type=String(8))
    user_id: int | None = Field(default=None, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))

    __table_args__ = (Index("ix_change_entity", "entity", "entity_id"),)


# --- the change agent's review, uploads --------------------------------------


class CommentPart(StrEnum):
    """Which part of an outcome a comment is about."""

    OUTCOME = "outcome"
    SIGNIFICANCE = "significance"
    CONTRIBUTION = "contribution"
    GENERAL = "general"


class OutcomeComment(SQLModel, table=True):
    """A comment in the Step 3 review of an outcome; `parent_id` makes it an answer."""

    id: int | None = Field(default=None, primary_key=True)
    outcome_id: int = Field(foreign_key="outcome.id", index=True, ondelete="CASCADE")
    parent_id: int | None = Field(default=None, foreign_key="outcomecomment.id")
    part: str = Field(default=CommentPart.GENERAL.value, sa_type=String(16))
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    body: str = _text()
    resolved: bool = Field(default=False)
    resolved_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    resolved_at: datetime | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)


class PendingUpload(SQLModel, table=True):
    """An uploaded spreadsheet waiting for the evaluator to confirm its import."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    harvest_id: int = Field(foreign_key="harvest.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    filename: str = Field(max_length=255)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


# --- what citizens ask for, computed graph results ------------------------------


class NeedFrequency(StrEnum):
    """How often an implementation group hears an information need."""

    ONCE = "once"
    SOMETIMES = "sometimes"
    OFTEN = "often"
    VERY_OFTEN = "very_often"


class NeedAsker(StrEnum):
    """Who has an information need: citizens, the municipality or civil society."""

    CITIZENS = "citizens"
    MUNICIPALITY = "municipality"
    CIVIL_SOCIETY = "civil_society"


class InformationNeed(Versioned, Stamped, table=True):
    """A question someone has (citizens, the municipality, civil society), about an actor, a
    kind of actor, a sector or a free-text subject; answered by an actor, a page or a note."""

    id: int | None = Field(default=None, primary_key=True)
    question: str = _text()
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="implementationgroup.id", index=True)
    frequency: str = Field(default=NeedFrequency.SOMETIMES.value, sa_type=String(16))
    answer_actor_id: int | None = Field(default=None, foreign_key="actor.id", index=True)
    answer_page: str = Field(default="", max_length=80)
    answer_note: str = _text()
    note_answers: bool = Field(default=False)  # the note itself is the answer
    asker: str = Field(default=NeedAsker.CITIZENS.value, sa_type=String(16), index=True)
    about_actor_id: int | None = Field(default=None, foreign_key="actor.id", index=True)
    about_kind: str = Field(default="", max_length=32)
    about_sector: str = Field(default="", max_length=32)
    about: str = Field(default="", max_length=300)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")


# --- the implementation group's initiatives (prøvehandlinger) -------------------


class InitiativeStatus(StrEnum):
    """An initiative is a draft of its group until published."""

    DRAFT = "draft"
    PUBLISHED = "published"


class InitiativeKind(SQLModel, table=True):
    """A kind of initiative (information material, introduction visit...): an editable list."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    label_da: str = Field(max_length=120)
    label_en: str = Field(max_length=120)
    position: int = Field(default=0)


class Initiative(Versioned, Stamped, table=True):
    """Something an implementation group tries, with its needs, actors and evaluation rounds
    as its parts (`harvest.initiatives`)."""

    id: int | None = Field(default=None, primary_key=True)
    ref: str | None = Field(default=None, sa_column=Column(String(64), unique=True))
    group_id: int = Field(foreign_key="implementationgroup.id", index=True, ondelete="RESTRICT")
    municipality_id: int | None = Field(
        default=None, foreign_key="municipality.id", index=True, ondelete="RESTRICT"
    )
    kind_id: int = Field(foreign_key="initiativekind.id", index=True, ondelete="RESTRICT")
    title: str = Field(max_length=200)
    purpose: str = _text()
    start: date | None = Field(default=None, index=True)
    end: date | None = None
    done: str = _text()
    status: str = Field(default=InitiativeStatus.DRAFT.value, sa_type=String(16), index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class InitiativeNeed(SQLModel, table=True):
    """Initiative `initiative_id` answers information need `need_id`."""

    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True, ondelete="CASCADE")
    need_id: int = Field(
        foreign_key="informationneed.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class InitiativeActor(SQLModel, table=True):
    """Actor `actor_id` takes part in initiative `initiative_id`."""

    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True, ondelete="CASCADE")
    actor_id: int = Field(foreign_key="actor.id", primary_key=True, index=True)


class EvaluationRound(SQLModel, table=True):
    """One round of evaluating an initiative: what worked, what did not, what we adjust."""

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True, ondelete="CASCADE")
    held_on: date
    author_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    worked: str = _text()
    did_not_work: str = _text()
    adjust: str = _text()
    created_at: datetime = Field(default_factory=utcnow)


class OutcomeInitiative(SQLModel, table=True):
    """Initiative `initiative_id` contributed to outcome `outcome_id` (a part of the outcome)."""

    outcome_id: int = Field(foreign_key="outcome.id", primary_key=True, ondelete="CASCADE")
    initiative_id: int = Field(
        foreign_key="initiative.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class ComputedResult(SQLModel, table=True):
    """A result too dear to compute per request (a map layout, graph metrics), kept until
    the data it was computed from changes: `source_version` names that state."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    source_version: str = Field(sa_type=String(100))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    computed_at: datetime = Field(default_factory=utcnow)


# --- the audit log of access --------------------------------------------------


class AccessRecord(SQLModel, table=True):
    """One entry of the audit log: who viewed or took out what, when, and how.

    `user_id` None is someone not signed in (or the CLI operator: `channel` "cli");
    `detail` holds what was asked (a search's text, an export's format) and may hold
    personal data, so entries fall under their own retention (`harvest.retention`)."""

    __tablename__: ClassVar[str] = "accessrecord"  # type: ignore[misc]

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, nullable=False, index=True)
    user_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    channel: str = Field(default="web", sa_type=String(8))
    action: str = Field(sa_type=String(32), index=True)
    entity: str = Field(default="", sa_type=String(40))
    entity_id: str = Field(default="", sa_type=String(80))
    detail: str = _text()

    __table_args__ = (Index("ix_accessrecord_entity", "entity", "entity_id"),)
