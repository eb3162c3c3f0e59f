"""Public models: records as the API shows them, and the bodies of its answers.

The `XPublic` family sits next to the input schemas in `harvest.schemas`; the API's JSON
and its OpenAPI document are both produced from it. `present(session, records)` turns
records of one kind into public models, loading their related records (slugs, questions,
contributors, codes) with one query per relation, never one per record.
Must not import `app` or Flask.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlmodel import Session, col, select

from harvest import coding, needs
from harvest import initiatives as initiative_service
from harvest import substantiation as substantiations
from harvest.listing import MAX_ID
from harvest.models import (
    Actor,
    ActorKind,
    FirstVisitFact,
    Harvest,
    HarvestQuestion,
    HarvestStep,
    ImplementationGroup,
    InformationNeed,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    Municipality,
    NeedAsker,
    NeedFrequency,
    Outcome,
    OutcomeContributor,
    OutcomeInitiative,
    OutcomeQuestion,
    OutcomeStatus,
    Sector,
    Substantiation,
    Tie,
    TieForm,
    TieKind,
    Verdict,
)
from harvest.schemas import (
    SLUG_PATTERN,
    ActorCreate,
    GroupCreate,
    HarvestCreate,
    MunicipalityCreate,
    OutcomeCreate,
    TieCreate,
)
from harvest.substantiation import SubstantiationRequest

Slug = Annotated[str | None, Field(description="slug of the related record, or null")]
Moment = Annotated[str | None, Field(json_schema_extra={"format": "date-time"})]


class Public(BaseModel):
    """Base of every public model: what the API answers, never what it reads."""

    model_config = ConfigDict(extra="forbid")

    id: int
    version: int


class MunicipalityPublic(Public):
    slug: str
    name: str
    region: str


class GroupPublic(Public):
    slug: str
    name: str
    municipality: Slug
    actor: Slug
    description: str


class HarvestPublic(Public):
    slug: str
    title: str
    group: Slug
    municipality: Slug
    period_start: date | None
    period_end: date | None
    users_and_uses: str
    step: HarvestStep
    questions: list[str]


class ActorPublic(Public):
    slug: str
    name: str
    kind: ActorKind
    sector: Sector
    tier: int = Field(ge=1, le=3)
    municipality: Slug
    tags: list[str]
    target_groups: list[str]
    accessibility: list[str]
    address: str
    website: str
    email: str
    phone: str
    profile: str
    opening_hours: list[dict[str, str]]
    contact_person: str
    first_visit: str
    first_visit_facts: list[FirstVisitFact]
    cost: str
    free_of_charge: bool
    last_checked: date | None


class TiePublic(Public):
    source_id: int
    target_id: int
    kind: TieKind
    form: TieForm
    derived_form: TieForm
    form_override: TieForm | None
    override_reason: str
    start: date | None
    end: date | None
    strength: int = Field(ge=1, le=3)
    note: str


class NeedPublic(Public):
    """An information need: who asks, about whom or what, and what answers it."""

    question: str
    asker: NeedAsker
    about_actor_id: int | None
    about_kind: ActorKind | None
    about_sector: Sector | None
    about: str
    municipality: Slug
    group: Slug
    frequency: NeedFrequency
    answer_actor_id: int | None
    answer_page: str
    answer_note: str
    note_answers: bool
    answered: bool


class OutcomePublic(Public):
    harvest: str
    title: str
    changed_actor_id: int | None
    change: str
    when: date | None
    when_end: date | None
    where: str
    significance: str
    contribution: str
    contributor_ids: list[int]
    initiative_ids: list[int] = Field(description="the initiatives the contribution names")
    sources: str
    evidence: str
    status: OutcomeStatus
    codes: dict[str, list[str]] = Field(
        description="dimension key (type_of_change, intended, positive, "
        "social_capital_form, ...) to code keys"
    )
    harvest_question: str | None


class RoundPublic(BaseModel):
    """One evaluation round of an initiative."""

    model_config = ConfigDict(extra="forbid")

    id: int
    held_on: date
    author_id: int | None
    worked: str
    did_not_work: str
    adjust: str


class InitiativePublic(Public):
    ref: str | None
    title: str
    group: str
    municipality: Slug
    kind: str = Field(description="key of the kind of initiative")
    purpose: str
    start: date | None
    end: date | None
    done: str = Field(description="what was done, Markdown")
    status: InitiativeStatus
    need_ids: list[int]
    actor_ids: list[int]
    rounds: list[RoundPublic]
    outcome_ids: list[int] = Field(description="outcomes whose contribution names it (read only)")


class SubstantiationPublic(Public):
    outcome_id: int
    name: str = Field(description="shown to evaluators only")
    email: str
    role: str = Field(description="what reports show instead of the name")
    status: substantiations.LinkState
    expires_at: Moment
    answered_at: Moment
    verdict_outcome: Verdict | None
    verdict_significance: Verdict | None
    verdict_contribution: Verdict | None
    comment_outcome: str
    comment_significance: str
    comment_contribution: str
    consent_named: bool
    language: str = Field(default="da", description="of the e-mails sent to the person: da or en")


class SubstantiationWithLink(SubstantiationPublic):
    link: str = Field(
        json_schema_extra={"format": "uri"},
        description="the personal link, answered once on creation or reissue",
    )
    mail: str = Field(
        default="off",
        description="whether the link went by e-mail: sent, failed (copy the link and send "
        "it yourself) or off (no e-mail address, or BROBYG_SMTP_URL is not set)",
    )


class Page(BaseModel):
    """A page of a list: its items, how many in all, and the address of the next page."""

    items: list[Any]
    total: int = Field(ge=0, description="how many in all, or at least (see total_is_lower_bound)")
    next: str | None = Field(json_schema_extra={"format": "uri"})
    total_is_lower_bound: bool = Field(
        default=False,
        description="true when more than `total` match: counting stops at 1,000 "
        "(or the end of the page asked for); full-text searches then rank the newest matches",
    )


class ErrorBody(BaseModel):
    """A refusal with one message."""

    error: str


class FieldErrors(BaseModel):
    """Invalid input: one message per field."""

    errors: dict[str, str]


class StaleBody(BaseModel):
    """A stale version: the message and the record as it is stored now (null if deleted)."""

    error: str
    current: dict[str, Any] | None


# --- presenting records ---------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _slugs(session: Session, model: Any, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    query = select(model.id, model.slug).where(col(model.id).in_(wanted))
    return {row[0]: row[1] for row in session.execute(query)}


def _municipalities(session: Session, records: Sequence[Municipality]) -> list[Public]:
    return [
        MunicipalityPublic(
            id=r.id or 0, version=r.version, slug=r.slug, name=r.name, region=r.region
        )
        for r in records
    ]


def _groups(session: Session, records: Sequence[ImplementationGroup]) -> list[Public]:
    places = _slugs(session, Municipality, [r.municipality_id for r in records])
    actors = _slugs(session, Actor, [r.actor_id for r in records])
    return [
        GroupPublic(
            id=r.id or 0,
            version=r.version,
            slug=r.slug,
            name=r.name,
            municipality=places.get(r.municipality_id or 0),
            actor=actors.get(r.actor_id or 0),
            description=r.description,
        )
        for r in records
    ]


def _needs(session: Session, records: Sequence[InformationNeed]) -> list[Public]:
    places = _slugs(session, Municipality, [r.municipality_id for r in records])
    groups = _slugs(session, ImplementationGroup, [r.group_id for r in records])
    return [
        NeedPublic(
            id=r.id or 0,
            version=r.version,
            question=r.question,
            asker=NeedAsker(r.asker),
            about_actor_id=r.about_actor_id,
            about_kind=ActorKind(r.about_kind) if r.about_kind else None,
            about_sector=Sector(r.about_sector) if r.about_sector else None,
            about=r.about,
            municipality=places.get(r.municipality_id or 0),
            group=groups.get(r.group_id or 0),
            frequency=NeedFrequency(r.frequency),
            answer_actor_id=r.answer_actor_id,
            answer_page=r.answer_page,
            answer_note=r.answer_note,
            note_answers=r.note_answers,
            answered=needs.is_answered(r),
        )
        for r in records
    ]


def _harvests(session: Session, records: Sequence[Harvest]) -> list[Public]:
    groups = _slugs(session, ImplementationGroup, [r.group_id for r in records])
    places = _slugs(session, Municipality, [r.municipality_id for r in records])
    questions: dict[int, list[str]] = {}
    ids = [r.id for r in records]
    if ids:
        query = (
            select(HarvestQuestion.harvest_id, HarvestQuestion.text)
            .where(col(HarvestQuestion.harvest_id).in_(ids))
            .where(col(HarvestQuestion.retired).is_(False))  # the API lists those in use
            .order_by(col(HarvestQuestion.position))
        )
        for harvest_id, text in session.execute(query):
            questions.setdefault(harvest_id, []).append(text)
    return [
        HarvestPublic(
            id=r.id or 0,
            version=r.version,
            slug=r.slug,
            title=r.title,
            group=groups.get(r.group_id or 0),
            municipality=places.get(r.municipality_id or 0),
            period_start=r.period_start,
            period_end=r.period_end,
            users_and_uses=r.users_and_uses,
            step=HarvestStep(r.step),
            questions=questions.get(r.id or 0, []),
        )
        for r in records
    ]


def _actors(session: Session, records: Sequence[Actor]) -> list[Public]:
    places = _slugs(session, Municipality, [r.municipality_id for r in records])
    return [
        ActorPublic(
            id=r.id or 0,
            version=r.version,
            slug=r.slug,
            name=r.name,
            kind=ActorKind(r.kind),
            sector=Sector(r.sector),
            tier=r.tier,
            municipality=places.get(r.municipality_id or 0),
            tags=list(r.tags),
            target_groups=list(r.target_groups),
            accessibility=list(r.accessibility),
            address=r.address,
            website=r.website,
            email=r.email,
            phone=r.phone,
            profile=r.profile,
            opening_hours=r.opening_hours,
            contact_person=r.contact_person,
            first_visit=r.first_visit,
            first_visit_facts=[FirstVisitFact(f) for f in r.first_visit_facts],
            cost=r.cost,
            free_of_charge=r.free_of_charge,
            last_checked=r.last_checked,
        )
        for r in records
    ]


def _ties(session: Session, records: Sequence[Tie]) -> list[Public]:
    return [
        TiePublic(
            id=r.id or 0,
            version=r.version,
            source_id=r.source_id,
            target_id=r.target_id,
            kind=TieKind(r.kind),
            form=TieForm(r.form),
            derived_form=TieForm(r.derived_form),
            form_override=TieForm(r.form_override) if r.form_override else None,
            override_reason=r.override_reason,
            start=r.start,
            end=r.end,
            strength=r.strength,
            note=r.note,
        )
        for r in records
    ]


def _outcomes(session: Session, records: Sequence[Outcome]) -> list[Public]:
    ids = [r.id or 0 for r in records]
    if not ids:
        return []
    harvests = _slugs(session, Harvest, [r.harvest_id for r in records])
    contributors: dict[int, list[int]] = {}
    named: dict[int, list[int]] = {}
    for outcome_id, initiative_id in session.execute(
        select(OutcomeInitiative.outcome_id, OutcomeInitiative.initiative_id)
        .where(col(OutcomeInitiative.outcome_id).in_(ids))
        .order_by(col(OutcomeInitiative.initiative_id))
    ):
        named.setdefault(outcome_id, []).append(initiative_id)
    query = (
        select(OutcomeContributor.outcome_id, OutcomeContributor.actor_id)
        .where(col(OutcomeContributor.outcome_id).in_(ids))
        .order_by(col(OutcomeContributor.actor_id))
    )
    for outcome_id, actor_id in session.execute(query):
        contributors.setdefault(outcome_id, []).append(actor_id)
    questions: dict[int, str] = {}
    asked = (
        select(OutcomeQuestion.outcome_id, HarvestQuestion.text)
        .join(HarvestQuestion, col(HarvestQuestion.id) == OutcomeQuestion.question_id)
        .where(col(OutcomeQuestion.outcome_id).in_(ids))
    )
    for outcome_id, text in session.execute(asked):
        questions.setdefault(outcome_id, text)
    codes = coding.codes_in_their_schemes(session, ids)
    return [
        OutcomePublic(
            id=r.id or 0,
            version=r.version,
            harvest=harvests.get(r.harvest_id, ""),
            title=r.title,
            changed_actor_id=r.changed_actor_id,
            change=r.change,
            when=r.when_start,
            when_end=r.when_end,
            where=r.where,
            significance=r.significance,
            contribution=r.contribution,
            contributor_ids=contributors.get(r.id or 0, []),
            initiative_ids=named.get(r.id or 0, []),
            sources=r.sources,
            evidence=r.evidence,
            status=OutcomeStatus(r.status),
            codes=codes.get(r.id or 0, {}),
            harvest_question=questions.get(r.id or 0),
        )
        for r in records
    ]


def _initiatives(session: Session, records: Sequence[Initiative]) -> list[Public]:
    groups = _slugs(session, ImplementationGroup, [r.group_id for r in records])
    places = _slugs(session, Municipality, [r.municipality_id for r in records])
    kinds = {k.id: k.key for k in session.scalars(select(InitiativeKind))}
    shown: list[Public] = []
    for r in records:
        parts = initiative_service.initiative_parts(session, r)
        shown.append(
            InitiativePublic(
                id=r.id or 0,
                version=r.version,
                ref=r.ref,
                title=r.title,
                group=groups.get(r.group_id, ""),
                municipality=places.get(r.municipality_id or 0),
                kind=kinds.get(r.kind_id, ""),
                purpose=r.purpose,
                start=r.start,
                end=r.end,
                done=r.done,
                status=InitiativeStatus(r.status),
                need_ids=parts["need_ids"],
                actor_ids=parts["actor_ids"],
                rounds=[RoundPublic(**d) for d in parts["rounds"]],
                outcome_ids=initiative_service.outcome_ids_of(session, r),
            )
        )
    return shown


def _verdict(value: str | None) -> Verdict | None:
    return Verdict(value) if value else None


def _substantiations(session: Session, records: Sequence[Substantiation]) -> list[Public]:
    return [
        SubstantiationPublic(
            id=r.id or 0,
            version=r.version,
            outcome_id=r.outcome_id,
            name=r.name,
            email=r.email,
            role=r.role,
            status=substantiations.state_of(r),
            expires_at=_iso(r.expires_at),
            answered_at=_iso(r.answered_at),
            verdict_outcome=_verdict(r.verdict_outcome),
            verdict_significance=_verdict(r.verdict_significance),
            verdict_contribution=_verdict(r.verdict_contribution),
            comment_outcome=r.comment_outcome,
            comment_significance=r.comment_significance,
            comment_contribution=r.comment_contribution,
            consent_named=r.consent_named,
        )
        for r in records
    ]


PRESENTERS: dict[type, Callable[[Session, Any], list[Public]]] = {
    Municipality: _municipalities,
    ImplementationGroup: _groups,
    Harvest: _harvests,
    Actor: _actors,
    Tie: _ties,
    Outcome: _outcomes,
    Initiative: _initiatives,
    Substantiation: _substantiations,
    InformationNeed: _needs,
}
"""Each record type the API shows, with the function that presents a batch of them."""

PUBLIC_MODELS: dict[type, type[Public]] = {
    Municipality: MunicipalityPublic,
    ImplementationGroup: GroupPublic,
    Harvest: HarvestPublic,
    Actor: ActorPublic,
    Tie: TiePublic,
    Outcome: OutcomePublic,
    Initiative: InitiativePublic,
    Substantiation: SubstantiationPublic,
}


def present(session: Session, records: Sequence[Any]) -> list[Public]:
    """Return records of one type as public models, related records loaded per batch."""
    if not records:
        return []
    return PRESENTERS[type(records[0])](session, records)


def shown(session: Session, record: Any) -> dict[str, Any]:
    """Return one record as the API's JSON object."""
    return present(session, [record])[0].model_dump(mode="json")


# --- what the API reads ---------------------------------------------------------------


def _fields(model: type[BaseModel], keep: Sequence[str] | None = None) -> dict[str, Any]:
    return {
        name: (info.annotation, info)
        for name, info in model.model_fields.items()
        if keep is None or name in keep
    }


def _only_version_required(schema: dict[str, Any]) -> None:
    """Make a patch's fields optional: only `version` is required, nothing has a default."""
    schema["required"] = ["version"]
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


def _body(name: str, fields: dict[str, Any], doc: str, *, patch: bool = False) -> type[BaseModel]:
    """Build a request body: unknown fields refused; a patch requires only `version`."""
    if patch:
        version = Field(ge=0, le=MAX_ID, description="the version you read")
        fields = {**fields, "version": (int, version)}
    config = ConfigDict(extra="forbid", json_schema_extra=_only_version_required if patch else None)
    model: type[BaseModel] = create_model(name, __config__=config, __doc__=doc, **fields)
    return model


_CONFIRM = (
    bool,
    Field(default=False, description="store text with e-mail addresses or phone numbers anyway"),
)
_OUTCOME_PARTS: dict[str, Any] = {
    "when": (date | None, Field(default=None, description="when the change happened (start)")),
    "codes": (
        dict[str, list[str]],
        Field(
            default_factory=dict,
            description="dimension key to code keys; evaluators and administrators may set it",
        ),
    ),
    "harvest_question": (
        str | None,
        Field(default=None, max_length=2000, description="the useable question it answers"),
    ),
    "confirm_warnings": _CONFIRM,
}
_OUTCOME = {
    **{k: v for k, v in _fields(OutcomeCreate).items() if k not in ("ref", "when_start")},
    **_OUTCOME_PARTS,
}
_ACTOR = _fields(ActorCreate)
_TIE_EDITABLE = ("kind", "start", "end", "strength", "form_override", "override_reason", "note")
_SUBSTANTIATION_PATCH: dict[str, Any] = {
    **_fields(SubstantiationRequest, ("name", "email", "role")),
    "status": (
        substantiations.LinkState | None,
        Field(default=None, description="'revoked' withdraws the link; other states are read"),
    ),
    "reissue": (bool, Field(default=False, description="make a new personal link")),
}

BODIES: dict[tuple[str, str], type[BaseModel]] = {
    ("municipalities", "create"): _body(
        "MunicipalityCreate", _fields(MunicipalityCreate), "A new municipality."
    ),
    ("municipalities", "update"): _body(
        "MunicipalityUpdate",
        _fields(MunicipalityCreate, ("name", "region")),
        "An edit of a municipality (its slug stays).",
        patch=True,
    ),
    ("groups", "create"): _body("GroupCreate", _fields(GroupCreate), "A new implementation group."),
    ("groups", "update"): _body(
        "GroupUpdate",
        {k: v for k, v in _fields(GroupCreate).items() if k != "slug"},
        "An edit of an implementation group (its slug stays).",
        patch=True,
    ),
    ("harvests", "create"): _body("HarvestCreate", _fields(HarvestCreate), "A new harvest."),
    ("harvests", "update"): _body(
        "HarvestUpdate",
        {k: v for k, v in _fields(HarvestCreate).items() if k != "slug"},
        "An edit of a harvest and its questions (its slug stays).",
        patch=True,
    ),
    ("actors", "create"): _body("ActorCreate", _ACTOR, "A new actor."),
    ("actors", "update"): _body(
        "ActorUpdate",
        {k: v for k, v in _ACTOR.items() if k != "slug"},
        "An edit of an actor (its slug stays).",
        patch=True,
    ),
    ("ties", "create"): _body("TieCreate", _fields(TieCreate), "A new tie between two actors."),
    ("ties", "update"): _body(
        "TieUpdate",
        _fields(TieCreate, _TIE_EDITABLE),
        "An edit of a tie (its ends stay).",
        patch=True,
    ),
    ("outcomes", "create"): _body(
        "OutcomeCreate",
        {
            "harvest": (str, Field(min_length=1, max_length=80, pattern=SLUG_PATTERN)),
            **_OUTCOME,
        },
        "A new outcome in the harvest named by its slug.",
    ),
    ("outcomes", "update"): _body(
        "OutcomeUpdate",
        _OUTCOME,
        "An edit of an outcome and its parts; a new `status` moves it through the workflow.",
        patch=True,
    ),
    ("needs", "create"): _body(
        "NeedCreate",
        _fields(needs.NeedCreate),
        "A new information need; who asks is citizens unless `asker` says otherwise.",
    ),
    ("needs", "update"): _body(
        "NeedUpdate",
        _fields(needs.NeedCreate),
        "An edit of an information need: who asks, about what, and what answers it.",
        patch=True,
    ),
    ("initiatives", "create"): _body(
        "InitiativeCreate",
        _fields(initiative_service.InitiativeInput),
        "A new initiative of the implementation group named by its slug.",
    ),
    ("initiatives", "update"): _body(
        "InitiativeUpdate",
        _fields(initiative_service.InitiativeInput),
        "An edit of an initiative; rounds with an `id` are edited, rounds without are added.",
        patch=True,
    ),
    ("substantiations", "create"): _body(
        "SubstantiationCreate",
        {
            "outcome_id": (int, Field(ge=1, le=MAX_ID)),
            **_fields(SubstantiationRequest),
        },
        "Ask one person to substantiate an outcome.",
    ),
    ("substantiations", "update"): _body(
        "SubstantiationUpdate",
        _SUBSTANTIATION_PATCH,
        "Change who is asked, withdraw the link or reissue it.",
        patch=True,
    ),
}
"""The request body of each resource's create and update, as the OpenAPI document shows it."""


def body_fields(resource: str, operation: str) -> frozenset[str]:
    """Return the fields a create or update of `resource` may send."""
    model = BODIES[(resource, operation)]
    return frozenset(info.alias or name for name, info in model.model_fields.items())
