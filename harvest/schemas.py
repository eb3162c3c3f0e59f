"""Input schemas: the one place where the rules for data entering Brobyg are written.

Forms, the API, the CLI, spreadsheet import and the demo loader all validate through
`validate(Schema, data)`, which turns pydantic's errors into `ValidationFailed` with
translatable messages per field. Must not import `app` or Flask.
"""

import re
from datetime import date
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from harvest.errors import N_, PrivacyViolation, ValidationFailed
from harvest.models import (
    ActorKind,
    FirstVisitFact,
    HarvestStep,
    OutcomeStatus,
    Role,
    Sector,
    TieForm,
    TieKind,
    Tier,
)
from harvest.opening_hours import HoursProblem, parse_rows
from harvest.privacy import CPR_MESSAGE, contains_cpr

S = TypeVar("S", bound=BaseModel)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
URL_PATTERN = r"^https?://[^\s]+$"
MIN_PASSWORD = 12
SURROGATE = re.compile("[\ud800-\udfff]")
_DASHES = re.compile("[\u2010-\u2015\u2212]")  # hyphens, en and em dashes, minus
UNREADABLE_MESSAGE = N_("The text contains a NUL byte or a broken character; remove it.")

_MESSAGES: dict[str, str] = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("Use at most %(max_length)s characters."),
    "enum": N_("Choose one of: %(expected)s."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "greater_than_equal": N_("Must be at least %(ge)s."),
    "less_than_equal": N_("Must be at most %(le)s."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_type": N_("Enter a date as YYYY-MM-DD."),
    "bool_parsing": N_("Answer yes or no."),
    "list_type": N_("Enter a list of values."),
    "string_type": N_("Enter text."),
}
_PATTERN_MESSAGES: dict[str, str] = {
    SLUG_PATTERN: N_("Use lowercase letters, digits and hyphens only."),
    EMAIL_PATTERN: N_("Enter a valid e-mail address."),
    URL_PATTERN: N_("Enter a web address starting with http:// or https://."),
}


def readable(text: str) -> bool:
    """Tell whether `text` can be stored: no NUL byte (PostgreSQL refuses it) and no lone
    surrogate (it cannot be encoded as UTF-8)."""
    return "\x00" not in text and SURROGATE.search(text) is None


def problem(message: str, **params: Any) -> PydanticCustomError:
    """Build a validation error that carries a translatable message."""
    return PydanticCustomError("brobyg", "{message}", {"message": message, "params": params})


def _message_of(error: Any) -> tuple[str, dict[str, Any]]:
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "brobyg":
        return ctx["message"], dict(ctx.get("params") or {})
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        return _PATTERN_MESSAGES.get(pattern, N_("This value has the wrong form.")), {}
    if kind in _MESSAGES:
        return _MESSAGES[kind], {k: v for k, v in ctx.items() if isinstance(v, str | int)}
    return N_("This value is not valid."), {}


def validate(schema: type[S], data: Any) -> S:
    """Validate `data` against `schema`, raising `ValidationFailed` with one message per field."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, tuple[str, dict[str, Any]]] = {}
        privacy = False
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"] if not isinstance(p, int)) or "__all__"
            message, params = _message_of(error)
            privacy = privacy or message == CPR_MESSAGE
            errors.setdefault(field, (message, params))
        raise (PrivacyViolation if privacy else ValidationFailed)(errors) from None


class Checked(BaseModel):
    """Base of every input schema: strips text and refuses CPR numbers, NUL bytes and lone
    surrogates in any text field."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    @field_validator("*", mode="before")
    @classmethod
    def _none_is_empty_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if value is None and field is not None and field.annotation is str and field.default == "":
            return ""
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _no_cpr(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and not readable(t) for t in texts):
            raise problem(UNREADABLE_MESSAGE)
        if any(isinstance(t, str) and contains_cpr(t) for t in texts):
            raise problem(CPR_MESSAGE)
        return value


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


# --- municipalities ---------------------------------------------------------


class MunicipalityCreate(Checked):
    slug: str = Field(max_length=64, pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=120)
    region: str = Field(default="", max_length=120)


# --- actors -----------------------------------------------------------------


class ActorBase(Checked):
    name: str = Field(min_length=1, max_length=200)
    kind: ActorKind
    sector: Sector
    tier: Tier
    municipality: str | None = Field(default=None, max_length=64)
    tags: list[str] = Field(default_factory=list)
    target_groups: list[str] = Field(default_factory=list)
    accessibility: list[str] = Field(default_factory=list)
    address: str = Field(default="", max_length=200)
    website: str = Field(default="", max_length=300, pattern=r"^$|" + URL_PATTERN[1:])
    email: str = Field(default="", max_length=254, pattern=r"^$|" + EMAIL_PATTERN[1:])
    phone: str = Field(default="", max_length=40)
    profile: str = Field(default="", max_length=20_000)
    opening_hours: list[dict[str, str]] = Field(default_factory=list)
    contact_person: str = Field(default="", max_length=200)
    first_visit: str = Field(default="", max_length=5_000)
    first_visit_facts: list[FirstVisitFact] = Field(default_factory=list)
    cost: str = Field(default="", max_length=300)
    free_of_charge: bool = False
    last_checked: date | None = None

    @field_validator("opening_hours", mode="before")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        if value is None or value == "":
            return []
        if not isinstance(value, list):
            raise problem(N_("Give the opening hours as rows of day, from and to."))
        try:
            return parse_rows(value)
        except HoursProblem as bad:
            raise problem(bad.message, **bad.params) from None

    @field_validator("last_checked", mode="before")
    @classmethod
    def _checked_date(cls, value: Any) -> Any:
        if isinstance(value, str):  # a date pasted from Word: no-break spaces, en dashes
            value = _DASHES.sub("-", value.replace("\u00a0", " ").strip())
        return _blank_to_none(value)

    @field_validator("first_visit_facts", mode="before")
    @classmethod
    def _facts(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(";")
        if isinstance(value, list):
            return list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
        return value

    @field_validator("tags", "target_groups", "accessibility", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(";")
        if isinstance(value, list):
            seen: dict[str, None] = {}
            for item in value:
                text = str(item).strip()
                if text:
                    seen.setdefault(text, None)
            return list(seen)
        return value

    @field_validator("municipality", mode="before")
    @classmethod
    def _municipality(cls, value: Any) -> Any:
        return _blank_to_none(value)


class ActorCreate(ActorBase):
    slug: str | None = Field(default=None, max_length=80, pattern=SLUG_PATTERN)


class ActorUpdate(ActorBase):
    version: int


# --- ties -------------------------------------------------------------------


class TieBase(Checked):
    kind: TieKind
    start: date | None = None
    end: date | None = None
    strength: int = Field(default=2, ge=1, le=3)
    form_override: TieForm | None = None
    override_reason: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=500)

    @field_validator("start", "end", "form_override", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return _blank_to_none(value)

    @model_validator(mode="after")
    def _coherent(self) -> "TieBase":
        if self.start and self.end and self.end < self.start:
            raise problem(N_("The end date comes before the start date."))
        if self.form_override and not self.override_reason:
            raise problem(N_("Say why the derived form is overridden."))
        return self


class TieCreate(TieBase):
    source_id: int
    target_id: int

    @model_validator(mode="after")
    def _two_ends(self) -> "TieCreate":
        if self.source_id == self.target_id:
            raise problem(N_("A tie needs two different actors."))
        return self


class TieUpdate(TieBase):
    version: int


# --- groups, harvests, outcomes --------------------------------------------


class GroupCreate(Checked):
    slug: str = Field(max_length=64, pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    municipality: str | None = None
    actor: str | None = None
    description: str = Field(default="", max_length=20_000)


class HarvestCreate(Checked):
    slug: str = Field(max_length=80, pattern=SLUG_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    group: str | None = None
    municipality: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    users_and_uses: str = Field(default="", max_length=20_000)
    step: HarvestStep = HarvestStep.DESIGN
    questions: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _period(self) -> "HarvestCreate":
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise problem(N_("The period ends before it starts."))
        return self


class QuestionText(Checked):
    """The text of one useable question, as the design page adds or rewords it."""

    text: str = Field(min_length=1, max_length=2_000)


class OutcomeCreate(Checked):
    ref: str | None = Field(default=None, max_length=64)
    title: str = Field(min_length=1, max_length=200)
    changed_actor_id: int | None = None
    change: str = Field(default="", max_length=20_000)
    when_start: date | None = None
    when_end: date | None = None
    where: str = Field(default="", max_length=200)
    significance: str = Field(default="", max_length=20_000)
    contribution: str = Field(default="", max_length=20_000)
    sources: str = Field(default="", max_length=20_000)
    evidence: str = Field(default="", max_length=20_000)
    status: OutcomeStatus = OutcomeStatus.DRAFT
    contributor_ids: list[int] = Field(default_factory=list)
    # The initiatives the contribution names; None leaves them as they are (a sheet import).
    initiative_ids: list[int] | None = Field(default=None, max_length=200)

    @field_validator("when_start", "when_end", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return _blank_to_none(value)

    @model_validator(mode="after")
    def _statement(self) -> "OutcomeCreate":
        if self.when_start and self.when_end and self.when_end < self.when_start:
            raise problem(N_("The end date comes before the start date."))
        if self.status != OutcomeStatus.LEAD and not (self.changed_actor_id and self.change):
            raise problem(N_("Name the actor that changed and what changed, or keep it as a lead."))
        return self


# --- accounts ---------------------------------------------------------------


class PasswordSet(Checked):
    """A new password: the one rule for sign-up, invitation, change and reset."""

    password: str = Field(min_length=MIN_PASSWORD, max_length=200)

    @field_validator("password", mode="before")
    @classmethod
    def _password_length(cls, value: Any) -> Any:
        if isinstance(value, str) and len(value.strip()) < MIN_PASSWORD:
            raise problem(N_("Use a password of at least %(n)s characters."), n=MIN_PASSWORD)
        return value


class UserInvite(Checked):
    """A user added without a password: they set one through a one-time link."""

    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    name: str = Field(default="", max_length=120)
    role: Role
    groups: list[str] = Field(default_factory=list)

    @field_validator("email", mode="after")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class UserCreate(UserInvite, PasswordSet):
    """A user added with a password (the CLI's `brobyg user create`)."""


class UserRole(Checked):
    """A user's role and implementation groups, as an administrator sets them."""

    role: Role
    groups: list[str] = Field(default_factory=list)
