"""The implementation group's initiatives (prøvehandlinger): try something small, evaluate
what worked and what did not, adjust, try again.

Owns recording and editing initiatives (version-checked, with their needs, actors and
evaluation rounds as parts), their kinds (an editable list), who may see them (the same
rules as outcomes: drafts for the group and evaluators), the page's view with the
outcomes they contributed to and the ties those evidence, `initiatives_by_kind` for the
method, and the demo initiatives in content/demo/initiatives.yaml.
Must not import `app` or Flask.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, field_validator, model_validator
from sqlalchemy import ColumnElement, and_, false, func, or_, true
from sqlmodel import Session, col, select

from harvest import access
from harvest.access import Action, Target
from harvest.errors import N_, NotFound, ValidationFailed
from harvest.listing import ListQuery
from harvest.models import (
    Actor,
    EvaluationRound,
    ImplementationGroup,
    InformationNeed,
    Initiative,
    InitiativeActor,
    InitiativeKind,
    InitiativeNeed,
    InitiativeStatus,
    Municipality,
    Outcome,
    OutcomeInitiative,
    Tie,
    TieEvidence,
    User,
    utcnow,
)
from harvest.records import creating, editing, parts_of
from harvest.schemas import Checked, problem, validate
from harvest.search import MAX_PER_PAGE, Page

INITIATIVES_FILE = "initiatives.yaml"
KEY_PATTERN = r"^[a-z][a-z0-9_]*$"


# --- input --------------------------------------------------------------------


class RoundInput(Checked):
    """One evaluation round: when, and what worked, what did not, what we adjust."""

    id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    held_on: date
    worked: str = Field(default="", max_length=10_000)
    did_not_work: str = Field(default="", max_length=10_000)
    adjust: str = Field(default="", max_length=10_000)

    @model_validator(mode="after")
    def _says_something(self) -> "RoundInput":
        if not (self.worked or self.did_not_work or self.adjust):
            raise problem(N_("Say what worked, what did not or what you adjust."))
        return self


class InitiativeInput(Checked):
    """An initiative as forms, the API, the spreadsheet and the demo give it."""

    ref: str | None = Field(default=None, max_length=64)
    title: str = Field(min_length=3, max_length=200)
    group: str = Field(min_length=1, max_length=64)
    municipality: str | None = Field(default=None, max_length=64)
    kind: str = Field(min_length=1, max_length=64)
    purpose: str = Field(default="", max_length=10_000)
    start: date | None = None
    end: date | None = None
    done: str = Field(default="", max_length=20_000)
    status: InitiativeStatus = InitiativeStatus.DRAFT
    need_ids: list[int] = Field(default_factory=list, max_length=200)
    actor_ids: list[int] = Field(default_factory=list, max_length=200)
    rounds: list[RoundInput] | None = Field(default=None, max_length=100)

    @field_validator("municipality", "start", "end", "ref", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="after")
    def _period(self) -> "InitiativeInput":
        if self.start and self.end and self.end < self.start:
            raise problem(N_("The end date comes before the start date."))
        return self


class KindInput(Checked):
    """A kind of initiative: its key and its Danish and English names."""

    key: str = Field(min_length=2, max_length=64, pattern=KEY_PATTERN)
    label_da: str = Field(min_length=2, max_length=120)
    label_en: str = Field(min_length=2, max_length=120)


# --- reading --------------------------------------------------------------------


def get_initiative(session: Session, initiative_id: int) -> Initiative:
    """Return the initiative with `initiative_id` or raise `NotFound`."""
    initiative = session.get(Initiative, initiative_id)
    if initiative is None:
        raise NotFound(N_("No initiative with id %(id)s."), id=initiative_id)
    return initiative


def initiative_by_ref(session: Session, ref: str) -> Initiative | None:
    """Return the initiative with the external reference `ref`, if any."""
    return session.scalars(select(Initiative).where(col(Initiative.ref) == ref)).first()


def initiative_target(initiative: Initiative, status: str | None = None) -> Target:
    """An initiative as the access policy sees it: its group and its status."""
    return Target(group_id=initiative.group_id, status=status or initiative.status)


def may_see(session: Session, user: User | None, initiative: Initiative) -> bool:
    """Tell whether `user` may see `initiative`."""
    return access.may(session, user, Action.READ_INITIATIVE, initiative_target(initiative))


def get_visible(session: Session, initiative_id: int, user: User | None) -> Initiative:
    """Return the initiative if `user` may see it; else raise `NotFound` (nothing leaks)."""
    initiative = get_initiative(session, initiative_id)
    if not may_see(session, user, initiative):
        raise NotFound(N_("No initiative with id %(id)s."), id=initiative_id)
    return initiative


def visible_condition(session: Session, user: User | None) -> ColumnElement[bool]:
    """Return the SQL condition for the initiatives `user` may see, from `harvest.access`."""
    who = access.viewer(session, user)
    conditions: list[ColumnElement[bool]] = []
    for rule in access.grants(who.role, Action.READ_INITIATIVE):
        condition: ColumnElement[bool] = true()
        if rule.statuses != access.ALL_STATUSES:
            condition = col(Initiative.status).in_(sorted(rule.statuses))
        if rule.scope == access.Scope.OWN_GROUP:
            in_group = col(Initiative.group_id).in_(sorted(who.groups))
            condition = and_(condition, in_group) if who.groups else false()
        elif rule.scope != access.Scope.ANY:
            condition = false()
        conditions.append(condition)
    return or_(*conditions) if conditions else false()


def rounds_of(session: Session, initiative_id: int | None) -> list[EvaluationRound]:
    """Return the evaluation rounds of an initiative, oldest first."""
    return list(
        session.scalars(
            select(EvaluationRound)
            .where(col(EvaluationRound.initiative_id) == initiative_id)
            .order_by(col(EvaluationRound.held_on), col(EvaluationRound.id))
        )
    )


def _ids(session: Session, column: Any, where: Any, equals: int | None) -> list[int]:
    return sorted(session.scalars(select(column).where(where == equals)))


@parts_of("initiative")
def initiative_parts(session: Session, initiative: Initiative) -> dict[str, Any]:
    """Return the parts of an initiative that are versioned with it."""
    iid = initiative.id
    return {
        "need_ids": _ids(
            session, col(InitiativeNeed.need_id), col(InitiativeNeed.initiative_id), iid
        ),
        "actor_ids": _ids(
            session, col(InitiativeActor.actor_id), col(InitiativeActor.initiative_id), iid
        ),
        "rounds": [round_data(r) for r in rounds_of(session, iid)],
    }


def round_data(found: EvaluationRound) -> dict[str, Any]:
    """Return an evaluation round as JSON-ready data."""
    return {
        "id": found.id,
        "held_on": found.held_on.isoformat(),
        "author_id": found.author_id,
        "worked": found.worked,
        "did_not_work": found.did_not_work,
        "adjust": found.adjust,
    }


# --- kinds --------------------------------------------------------------------------


def list_kinds(session: Session) -> list[InitiativeKind]:
    """Return the kinds of initiative in their order."""
    return list(
        session.scalars(
            select(InitiativeKind).order_by(col(InitiativeKind.position), col(InitiativeKind.id))
        )
    )


def kind_label(kind: InitiativeKind, language: str) -> str:
    """Return the name of `kind` in `language` (Danish unless English is asked for)."""
    return kind.label_en if language.startswith("en") else kind.label_da


def kind_by_key(session: Session, key: str) -> InitiativeKind | None:
    """Return the kind called `key`, if any."""
    return session.scalars(select(InitiativeKind).where(col(InitiativeKind.key) == key)).first()


def save_kind(session: Session, data: dict[str, Any], *, by: User | None) -> InitiativeKind:
    """Add a kind of initiative, or rename the one with the same key."""
    access.require(session, by, Action.ANALYSE)
    values = validate(KindInput, data)
    kind = kind_by_key(session, values.key)
    if kind is None:
        last = session.scalar(select(func.max(col(InitiativeKind.position)))) or 0
        kind = InitiativeKind(key=values.key, label_da="", label_en="", position=last + 1)
    kind.label_da, kind.label_en = values.label_da, values.label_en
    session.add(kind)
    session.flush()
    return kind


# --- writing --------------------------------------------------------------------


def _fields(session: Session, values: InitiativeInput) -> dict[str, Any]:
    """Resolve the slugs and keys to ids; every unknown one is named."""
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    group = session.scalars(
        select(ImplementationGroup).where(col(ImplementationGroup.slug) == values.group)
    ).first()
    if group is None:
        errors["group"] = (N_("No implementation group called '%(slug)s'."), {"slug": values.group})
    municipality_id = group.municipality_id if group else None
    if values.municipality:
        municipality_id = session.scalars(
            select(col(Municipality.id)).where(col(Municipality.slug) == values.municipality)
        ).first()
        if municipality_id is None:
            errors["municipality"] = (
                N_("No municipality called '%(slug)s'."),
                {"slug": values.municipality},
            )
    kind = kind_by_key(session, values.kind)
    if kind is None:
        errors["kind"] = (N_("No kind of initiative called '%(key)s'."), {"key": values.kind})
    for name, model, ids in (
        ("need_ids", InformationNeed, values.need_ids),
        ("actor_ids", Actor, values.actor_ids),
    ):
        wanted = set(ids)
        found = set(session.scalars(select(model.id).where(col(model.id).in_(wanted))))
        if wanted - found:
            missing = ", ".join(map(str, sorted(wanted - found)))
            message = N_("No information need with id %(id)s.")
            if model is Actor:
                message = N_("No actor with id %(id)s.")
            errors[name] = (message, {"id": missing})
    if errors:
        raise ValidationFailed(errors)
    assert group is not None and kind is not None
    return {
        "ref": values.ref,
        "title": values.title,
        "group_id": group.id,
        "municipality_id": municipality_id,
        "kind_id": kind.id,
        "purpose": values.purpose,
        "start": values.start,
        "end": values.end,
        "done": values.done,
        "status": values.status.value,
    }


def _set_links(session: Session, model: Any, column: str, iid: int, ids: Iterable[int]) -> None:
    """Make the rows of `model` for initiative `iid` exactly those with `column` in `ids`."""
    wanted = set(ids)
    current = {
        getattr(row, column): row
        for row in session.scalars(select(model).where(col(model.initiative_id) == iid))
    }
    for key in current.keys() - wanted:
        session.delete(current[key])
    for key in wanted - current.keys():
        session.add(model(initiative_id=iid, **{column: key}))
    session.flush()


def _set_rounds(
    session: Session, initiative: Initiative, rounds: list[RoundInput], by: User | None
) -> None:
    """Update the rounds named by id and add the others; rounds not listed stay."""
    kept = {r.id: r for r in rounds_of(session, initiative.id)}
    for given in rounds:
        if given.id is not None:
            found = kept.get(given.id)
            if found is None:
                raise ValidationFailed(
                    {"rounds": (N_("No evaluation round with id %(id)s."), {"id": given.id})}
                )
            for name in ("held_on", "worked", "did_not_work", "adjust"):
                if getattr(found, name) != getattr(given, name):
                    setattr(found, name, getattr(given, name))
        else:
            session.add(
                EvaluationRound(
                    initiative_id=initiative.id or 0,
                    author_id=by.id if by else None,
                    **given.model_dump(include={"held_on", "worked", "did_not_work", "adjust"}),
                )
            )
    session.flush()


def _set_parts(
    session: Session, initiative: Initiative, values: InitiativeInput, by: User | None
) -> None:
    iid = initiative.id or 0
    _set_links(session, InitiativeNeed, "need_id", iid, values.need_ids)
    _set_links(session, InitiativeActor, "actor_id", iid, values.actor_ids)
    if values.rounds:
        _set_rounds(session, initiative, values.rounds, by)


def _refs_free(session: Session, ref: str | None, own_id: int | None) -> None:
    if ref is None:
        return
    other = initiative_by_ref(session, ref)
    if other is not None and other.id != own_id:
        raise ValidationFailed({"ref": (N_("Another initiative has that reference."), {})})


def record_initiative(
    session: Session, data: dict[str, Any] | InitiativeInput, *, by: User | None
) -> Initiative:
    """Validate and add an initiative with its needs, actors and evaluation rounds."""
    values = data if isinstance(data, InitiativeInput) else validate(InitiativeInput, data)
    fields = _fields(session, values)
    target = Target(group_id=fields["group_id"], status=fields["status"])
    access.require(session, by, Action.WRITE_INITIATIVE, target)
    _refs_free(session, values.ref, None)
    initiative = Initiative(
        **fields, created_by_id=by.id if by else None, updated_by_id=by.id if by else None
    )
    with creating(session, initiative, by=by):
        _set_parts(session, initiative, values, by)
    return initiative


def update_initiative(
    session: Session,
    initiative: Initiative,
    data: dict[str, Any] | InitiativeInput,
    version: Any,
    *,
    by: User | None,
) -> Initiative:
    """Apply an edit of the initiative and its parts made against `version`, as one unit.

    `rounds` left out (None) keeps the evaluation rounds as they are."""
    access.require(session, by, Action.WRITE_INITIATIVE, initiative_target(initiative))
    values = data if isinstance(data, InitiativeInput) else validate(InitiativeInput, data)
    if version is None:
        raise ValidationFailed({"version": (N_("This field is required."), {})})
    if isinstance(version, float) and version.is_integer():  # JSON's 3.0 is the integer 3
        version = int(version)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationFailed({"version": (N_("Enter a whole number."), {})})
    submitted = values.model_dump(mode="json")
    with editing(session, initiative, version, by=by, submitted=submitted):
        access.require(session, by, Action.WRITE_INITIATIVE, initiative_target(initiative))
        fields = _fields(session, values)
        moved = Target(group_id=fields["group_id"], status=fields["status"])
        access.require(session, by, Action.WRITE_INITIATIVE, moved)
        _refs_free(session, values.ref, initiative.id)
        changed = False
        for key, value in fields.items():
            if getattr(initiative, key) != value:
                setattr(initiative, key, value)
                changed = True
        _set_parts(session, initiative, values, by)
        if changed:
            initiative.updated_by_id = by.id if by else None
            initiative.updated_at = utcnow()
    return initiative


def would_change(session: Session, initiative: Initiative, values: InitiativeInput) -> bool:
    """Tell whether saving `values` would change the initiative (its rounds aside)."""
    fields = _fields(session, values)
    parts = initiative_parts(session, initiative)
    return (
        any(getattr(initiative, k) != v for k, v in fields.items())
        or sorted(set(values.need_ids)) != parts["need_ids"]
        or sorted(set(values.actor_ids)) != parts["actor_ids"]
        or bool(values.rounds)
    )


def add_round(
    session: Session,
    initiative: Initiative,
    data: dict[str, Any],
    version: int,
    *,
    by: User | None,
) -> EvaluationRound:
    """Add an evaluation round to the initiative (a change of it, made against `version`)."""
    access.require(session, by, Action.WRITE_INITIATIVE, initiative_target(initiative))
    values = validate(RoundInput, {**data, "id": None})
    with editing(session, initiative, version, by=by, submitted=values.model_dump(mode="json")):
        found = EvaluationRound(
            initiative_id=initiative.id or 0,
            author_id=by.id if by else None,
            **values.model_dump(include={"held_on", "worked", "did_not_work", "adjust"}),
        )
        session.add(found)
        session.flush()
    return found


def input_of(session: Session, state: dict[str, Any]) -> dict[str, Any]:
    """Return an initiative's state (`records.state_of`) as input: slugs, key and ids."""
    group = session.get(ImplementationGroup, state.get("group_id") or 0)
    municipality = session.get(Municipality, state.get("municipality_id") or 0)
    kind = session.get(InitiativeKind, state.get("kind_id") or 0)
    return {
        "ref": state.get("ref"),
        "title": state.get("title") or "",
        "group": group.slug if group else "",
        "municipality": municipality.slug if municipality else None,
        "kind": kind.key if kind else "",
        "purpose": state.get("purpose") or "",
        "start": state.get("start"),
        "end": state.get("end"),
        "done": state.get("done") or "",
        "status": state.get("status") or InitiativeStatus.DRAFT.value,
        "need_ids": list(state.get("need_ids") or []),
        "actor_ids": list(state.get("actor_ids") or []),
    }


def writable_groups(session: Session, user: User | None) -> list[ImplementationGroup]:
    """Return the groups `user` may record initiatives for, by name."""
    who = access.viewer(session, user)
    return [
        g
        for g in session.scalars(
            select(ImplementationGroup).order_by(col(ImplementationGroup.name))
        )
        if user is None or access.allowed(who, Action.WRITE_INITIATIVE, Target(group_id=g.id))
    ]


def need_choices(
    session: Session, user: User | None, chosen: Iterable[int] = ()
) -> list[InformationNeed]:
    """Return the needs an initiative of `user` may answer: those of their groups and their
    groups' municipalities (all for evaluators), with those already chosen."""
    who = access.viewer(session, user)
    query = select(InformationNeed)
    if not any(
        r.scope == access.Scope.ANY for r in access.grants(who.role, Action.WRITE_INITIATIVE)
    ):
        query = query.where(
            or_(
                col(InformationNeed.group_id).in_(sorted(who.groups)),
                col(InformationNeed.municipality_id).in_(sorted(who.municipalities)),
                col(InformationNeed.id).in_(list(chosen)),
            )
        )
    return list(session.scalars(query.order_by(col(InformationNeed.id))))


# --- outcomes naming initiatives ----------------------------------------------------


def outcome_ids_of(session: Session, initiative: Initiative) -> list[int]:
    """Return the ids of the outcomes whose contribution names `initiative`."""
    query = select(OutcomeInitiative.outcome_id).where(
        col(OutcomeInitiative.initiative_id) == initiative.id
    )
    return sorted(session.scalars(query))


def titles(session: Session) -> dict[int, str]:
    """Return the title of every initiative by id (for the history of outcomes)."""
    query = select(col(Initiative.id), col(Initiative.title))
    return {iid: title for iid, title in session.execute(query)}


def choices_for_outcome(
    session: Session,
    group_id: int | None,
    municipality_id: int | None,
    user: User | None,
    chosen: Iterable[int] = (),
) -> list[Initiative]:
    """Return the initiatives an outcome of `group_id` (or `municipality_id`) may name, as
    `user` sees them, with those already chosen."""
    query = select(Initiative).where(visible_condition(session, user))
    if group_id is not None:
        query = query.where(col(Initiative.group_id) == group_id)
    elif municipality_id is not None:
        query = query.where(col(Initiative.municipality_id) == municipality_id)
    found = {i.id: i for i in session.scalars(query)}
    for iid in chosen:
        if iid not in found and (extra := session.get(Initiative, iid)) is not None:
            found[iid] = extra
    return sorted(found.values(), key=lambda i: (i.title.lower(), i.id or 0))


# --- lists and pages -------------------------------------------------------------------


class InitiativeQuery(ListQuery):
    """What the API's list of initiatives takes."""

    municipality: str | None = Field(default=None, max_length=64)
    kind: str | None = Field(default=None, max_length=64)
    status: InitiativeStatus | None = None


@dataclass
class InitiativeFilters:
    """What the list of initiatives is narrowed to."""

    municipality: str | None = None
    kind: str | None = None
    status: str | None = None
    q: str = ""


@dataclass(frozen=True)
class InitiativeLine:
    """An initiative with the names a list shows."""

    initiative: Initiative
    kind: InitiativeKind
    group: ImplementationGroup
    municipality: Municipality | None
    rounds: int


def list_initiatives(
    session: Session,
    filters: InitiativeFilters,
    user: User | None,
    *,
    page: int = 1,
    per_page: int = 25,
) -> Page[InitiativeLine]:
    """Return one page of the initiatives `user` may see, newest start first."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    query = select(Initiative).where(visible_condition(session, user))
    if filters.municipality:
        query = query.where(
            col(Initiative.municipality_id).in_(
                select(col(Municipality.id)).where(col(Municipality.slug) == filters.municipality)
            )
        )
    if filters.kind:
        query = query.where(
            col(Initiative.kind_id).in_(
                select(col(InitiativeKind.id)).where(col(InitiativeKind.key) == filters.kind)
            )
        )
    if filters.status:
        query = query.where(col(Initiative.status) == filters.status)
    for word in filters.q.lower().split()[:8]:
        query = query.where(
            or_(
                func.lower(col(Initiative.title)).contains(word, autoescape=True),
                func.lower(col(Initiative.purpose)).contains(word, autoescape=True),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    found = session.scalars(
        query.order_by(col(Initiative.start).desc(), col(Initiative.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page([_line(session, i) for i in found], total, page, per_page)


def _line(session: Session, initiative: Initiative) -> InitiativeLine:
    rounds = session.scalar(
        select(func.count()).where(col(EvaluationRound.initiative_id) == initiative.id)
    )
    return InitiativeLine(
        initiative,
        session.get_one(InitiativeKind, initiative.kind_id),
        session.get_one(ImplementationGroup, initiative.group_id),
        session.get(Municipality, initiative.municipality_id)
        if initiative.municipality_id
        else None,
        rounds or 0,
    )


@dataclass(frozen=True)
class EvidencedTie:
    """A tie an outcome evidences, with its ends and its social-capital form."""

    tie: Tie
    source: Actor
    target: Actor


@dataclass(frozen=True)
class InitiativeView:
    """An initiative with what its page shows around it."""

    line: InitiativeLine
    needs: list[InformationNeed]
    actors: list[Actor]
    rounds: list[EvaluationRound]
    outcomes: list[Outcome]
    ties: list[EvidencedTie] = field(default_factory=list)

    @property
    def initiative(self) -> Initiative:
        return self.line.initiative


def initiative_view(session: Session, initiative: Initiative, user: User | None) -> InitiativeView:
    """Gather an initiative's page: needs, actors, rounds, the outcomes it contributed to that
    `user` may see, and the ties those outcomes evidence."""
    from harvest import outcomes as outcome_service  # late: outcomes name initiatives

    needs = list(
        session.scalars(
            select(InformationNeed)
            .join(InitiativeNeed, col(InitiativeNeed.need_id) == InformationNeed.id)
            .where(col(InitiativeNeed.initiative_id) == initiative.id)
            .order_by(col(InformationNeed.id))
        )
    )
    actors = list(
        session.scalars(
            select(Actor)
            .join(InitiativeActor, col(InitiativeActor.actor_id) == Actor.id)
            .where(col(InitiativeActor.initiative_id) == initiative.id)
            .order_by(col(Actor.name))
        )
    )
    outcomes = [
        o
        for o in session.scalars(
            select(Outcome)
            .join(OutcomeInitiative, col(OutcomeInitiative.outcome_id) == Outcome.id)
            .where(col(OutcomeInitiative.initiative_id) == initiative.id)
            .order_by(col(Outcome.id))
        )
        if access.may(
            session, user, Action.READ_OUTCOME, outcome_service.outcome_target(session, o)
        )
    ]
    ties: dict[int, EvidencedTie] = {}
    if outcomes:
        for tie in session.scalars(
            select(Tie)
            .join(TieEvidence, col(TieEvidence.tie_id) == Tie.id)
            .where(col(TieEvidence.outcome_id).in_([o.id for o in outcomes]))
            .order_by(col(Tie.id))
        ):
            ties[tie.id or 0] = EvidencedTie(
                tie, session.get_one(Actor, tie.source_id), session.get_one(Actor, tie.target_id)
            )
    return InitiativeView(
        _line(session, initiative),
        needs,
        actors,
        rounds_of(session, initiative.id),
        outcomes,
        list(ties.values()),
    )


@dataclass(frozen=True)
class KindGroup:
    """The initiatives of one kind, each with its page's view (for the method)."""

    kind: InitiativeKind
    initiatives: list[InitiativeView]


def initiatives_by_kind(
    session: Session, municipality_id: int | None, user: User | None
) -> list[KindGroup]:
    """Return, per kind in order, the initiatives `user` may see (in one municipality, or all),
    with their outcomes, evidenced ties and evaluation rounds; kinds with none are left out."""
    query = select(Initiative).where(visible_condition(session, user))
    if municipality_id is not None:
        query = query.where(col(Initiative.municipality_id) == municipality_id)
    by_kind: dict[int, list[InitiativeView]] = {}
    for initiative in session.scalars(query.order_by(col(Initiative.start), col(Initiative.id))):
        by_kind.setdefault(initiative.kind_id, []).append(
            initiative_view(session, initiative, user)
        )
    return [KindGroup(k, by_kind[k.id or 0]) for k in list_kinds(session) if k.id in by_kind]


# --- demo data ------------------------------------------------------------------------


def load_demo_initiatives(session: Session, root: Path) -> int:
    """Load content/demo/initiatives.yaml (idempotent: matched by `ref`); return how many were
    added. Needs are named by their question, actors by slug, outcomes by title."""
    path = root / INITIATIVES_FILE
    if not path.is_file():
        return 0
    added = 0
    for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        data = dict(row)
        if initiative_by_ref(session, str(data["ref"])) is not None:
            continue
        questions = data.pop("needs", []) or []
        data["need_ids"] = [
            n
            for q in questions
            if (
                n := session.scalars(
                    select(col(InformationNeed.id)).where(col(InformationNeed.question) == q)
                ).first()
            )
        ]
        slugs = data.pop("actors", []) or []
        data["actor_ids"] = list(
            session.scalars(select(col(Actor.id)).where(col(Actor.slug).in_(slugs)))
        )
        titles = data.pop("outcomes", []) or []
        initiative = record_initiative(session, data, by=None)
        for title in titles:
            outcome = session.scalars(select(Outcome).where(col(Outcome.title) == title)).first()
            if outcome is not None:
                name_in_outcome(session, outcome, initiative)
        added += 1
    return added


def name_in_outcome(session: Session, outcome: Outcome, initiative: Initiative) -> None:
    """Name `initiative` in the contribution of `outcome` (an edit of the outcome, by the
    system)."""
    from harvest import outcomes as outcome_service  # late: outcomes name initiatives

    current = outcome_service.initiative_ids(session, outcome)
    with editing(session, outcome, None, by=None):
        outcome_service.set_initiatives(session, outcome, [*current, initiative.id or 0])
