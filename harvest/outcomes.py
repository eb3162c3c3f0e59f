"""Outcomes: recording and editing them, their contributors, chains and the ties they evidence.

Must not import `app` or Flask.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from harvest import access, checks, privacy, ties
from harvest.access import Action, Target
from harvest.errors import N_, NotFound, ValidationFailed, WarningsNotConfirmed
from harvest.models import (
    Actor,
    Code,
    CodeDimension,
    Harvest,
    HarvestQuestion,
    ImplementationGroup,
    Initiative,
    Outcome,
    OutcomeCode,
    OutcomeContributor,
    OutcomeInitiative,
    OutcomeLink,
    OutcomeQuestion,
    OutcomeStatus,
    Tie,
    TieEvidence,
    User,
    utcnow,
)
from harvest.records import creating, differs, editing, parts_of, state_of
from harvest.schemas import OutcomeCreate, TieCreate, validate

PUBLIC_STATUSES = (OutcomeStatus.FINAL.value,)


def get_outcome(session: Session, outcome_id: int) -> Outcome:
    """Return the outcome with `outcome_id` or raise `NotFound`."""
    outcome = session.get(Outcome, outcome_id)
    if outcome is None:
        raise NotFound(N_("No outcome with id %(id)s."), id=outcome_id)
    return outcome


def outcome_by_ref(session: Session, ref: str) -> Outcome | None:
    """Return the outcome with the external reference `ref`, if any."""
    return session.scalars(select(Outcome).where(col(Outcome.ref) == ref)).first()


def _check_actors(
    session: Session, values: OutcomeCreate, by: User | None, named: Iterable[int] = ()
) -> None:
    wanted = {values.changed_actor_id, *values.contributor_ids} - {None}
    found = set(session.scalars(select(Actor.id).where(col(Actor.id).in_(wanted))))
    if values.changed_actor_id and values.changed_actor_id not in found:
        raise ValidationFailed({"changed_actor_id": (N_("Choose an existing actor."), {})})
    _check_initiatives(session, values, by, set(named))
    missing = sorted(set(values.contributor_ids) - found)
    if missing:
        raise ValidationFailed(
            {
                "contributor_ids": (
                    N_("No actor with id %(id)s."),
                    {"id": ", ".join(map(str, missing))},
                )
            }
        )


def _check_initiatives(
    session: Session, values: OutcomeCreate, by: User | None, named: set[int]
) -> None:
    """Refuse initiatives that do not exist or that `by` may not see (unless already named)."""
    wanted = set(values.initiative_ids or [])
    rows = session.scalars(select(Initiative).where(col(Initiative.id).in_(wanted - named)))
    found = named | {
        i.id or 0
        for i in rows
        if by is None
        or access.may(
            session, by, Action.READ_INITIATIVE, Target(group_id=i.group_id, status=i.status)
        )
    }
    if wanted - found:
        missing = ", ".join(map(str, sorted(wanted - found)))
        raise ValidationFailed(
            {"initiative_ids": (N_("No initiative with id %(id)s."), {"id": missing})}
        )


TEXT_FIELDS = ("title", "change", "where", "significance", "contribution", "sources", "evidence")


def contact_warnings(values: OutcomeCreate) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return, per text field, a warning about e-mail addresses or phone numbers in it."""
    warnings: dict[str, tuple[str, dict[str, Any]]] = {}
    for name in TEXT_FIELDS:
        found = privacy.contact_warnings(getattr(values, name))
        if found:
            warnings[name] = (found[0].message, {})
    return warnings


def _check_warnings(values: OutcomeCreate, confirmed: bool) -> None:
    if not confirmed:
        warnings = contact_warnings(values)
        if warnings:
            raise WarningsNotConfirmed(warnings)


_FIELDS = (
    "ref",
    "title",
    "changed_actor_id",
    "change",
    "when_start",
    "when_end",
    "where",
    "significance",
    "contribution",
    "sources",
    "evidence",
    "status",
)


UNSET: Any = object()


def outcome_target(session: Session, outcome: Outcome, harvest: Harvest | None = None) -> Target:
    """Return the outcome as the access policy sees it: its harvest's group and its status."""
    harvest = harvest or session.get_one(Harvest, outcome.harvest_id)
    return Target(group_id=harvest.group_id, status=outcome.status)


def harvest_municipality_id(session: Session, harvest: Harvest) -> int | None:
    """Return the municipality of `harvest`, else its group's (where new actors belong)."""
    if harvest.municipality_id is not None:
        return harvest.municipality_id
    group = session.get(ImplementationGroup, harvest.group_id) if harvest.group_id else None
    return group.municipality_id if group else None


def _require(session: Session, by: User | None, action: Action, target: Target) -> None:
    access.require(session, by, action, target)


@parts_of("outcome")
def outcome_parts(session: Session, outcome: Outcome) -> dict[str, Any]:
    """Return the parts of an outcome that are versioned with it."""
    oid = outcome.id
    codes: dict[str, list[str]] = {}
    for dimension, code in session.execute(
        select(CodeDimension.key, Code.key)
        .join(Code, col(Code.dimension_id) == CodeDimension.id)
        .join(OutcomeCode, col(OutcomeCode.code_id) == Code.id)
        .where(col(OutcomeCode.outcome_id) == oid)
    ):
        codes.setdefault(dimension, []).append(code)
    return {
        "contributor_ids": contributor_ids(session, outcome),
        "initiative_ids": initiative_ids(session, outcome),
        "codes": {k: sorted(v) for k, v in sorted(codes.items())},
        "question_id": session.scalars(
            select(OutcomeQuestion.question_id).where(col(OutcomeQuestion.outcome_id) == oid)
        ).first(),
        "leads_to": sorted(
            session.scalars(select(OutcomeLink.target_id).where(col(OutcomeLink.source_id) == oid))
        ),
        "comes_from": sorted(
            session.scalars(select(OutcomeLink.source_id).where(col(OutcomeLink.target_id) == oid))
        ),
        "tie_ids": sorted(
            session.scalars(select(TieEvidence.tie_id).where(col(TieEvidence.outcome_id) == oid))
        ),
    }


def _set_parts(
    session: Session,
    outcome: Outcome,
    harvest: Harvest,
    values: OutcomeCreate,
    codes: dict[str, list[str]] | None,
    question_id: Any,
    by: User | None,
) -> None:
    set_contributors(session, outcome, values.contributor_ids)
    if values.initiative_ids is not None:
        set_initiatives(session, outcome, values.initiative_ids)
    if codes:
        from harvest import coding  # late: coding builds on outcomes

        _require(session, by, Action.CODE_OUTCOME, outcome_target(session, outcome, harvest))
        coding.set_codes(session, outcome.id or 0, coding.scheme_of(session, harvest), codes, by=by)
    if question_id is not UNSET:
        set_question(session, outcome, question_id)


def record_outcome(
    session: Session,
    harvest: Harvest,
    data: dict[str, Any] | OutcomeCreate,
    *,
    by: User | None,
    confirm_warnings: bool = False,
    codes: dict[str, list[str]] | None = None,
    question_id: int | None = None,
) -> Outcome:
    """Validate and add an outcome to `harvest` with its contributors, codes and question.

    Contact details in the text raise `WarningsNotConfirmed` unless `confirm_warnings`.
    """
    values = data if isinstance(data, OutcomeCreate) else validate(OutcomeCreate, data)
    target = Target(group_id=harvest.group_id, status=values.status.value)
    _require(session, by, Action.WRITE_OUTCOME, target)
    if values.status.value in access.LOCKED:
        _require(session, by, Action.CONCLUDE_OUTCOME, target)
    _check_warnings(values, confirm_warnings)
    _check_actors(session, values, by)
    fields = values.model_dump(include=set(_FIELDS))
    fields["status"] = values.status.value
    outcome = Outcome(
        harvest_id=harvest.id or 0,
        created_by_id=by.id if by else None,
        updated_by_id=by.id if by else None,
        **fields,
    )
    with creating(session, outcome, by=by):
        _set_parts(session, outcome, harvest, values, codes, question_id, by)
    return outcome


STATEMENT = frozenset(
    {*TEXT_FIELDS, "changed_actor_id", "when_start", "when_end", "contributor_ids"}
)


def update_outcome(
    session: Session,
    outcome: Outcome,
    data: dict[str, Any] | OutcomeCreate,
    version: Any,
    *,
    by: User | None,
    confirm_warnings: bool = False,
    codes: dict[str, list[str]] | None = None,
    question_id: Any = UNSET,
    move_to: str | None = None,
) -> Outcome:
    """Apply an edit of the outcome and its parts made against `version`, as one unit.

    `move_to` also moves it one step in the workflow, in the same edit.

    A stale `version` raises `StaleVersion`. Members cannot edit substantiated or final
    outcomes; when an evaluator changes the statement of one, it goes back to `ready`
    and the verdicts already given are marked as given on an earlier version."""
    harvest = session.get_one(Harvest, outcome.harvest_id)
    _require(session, by, Action.WRITE_OUTCOME, outcome_target(session, outcome, harvest))
    values = data if isinstance(data, OutcomeCreate) else validate(OutcomeCreate, data)
    if version is None:
        raise ValidationFailed({"version": (N_("This field is required."), {})})
    if isinstance(version, float) and version.is_integer():  # JSON's 3.0 is the integer 3
        version = int(version)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationFailed({"version": (N_("Enter a whole number."), {})})
    submitted = values.model_dump(mode="json")
    with editing(session, outcome, version, by=by, submitted=submitted) as before:
        _require(session, by, Action.WRITE_OUTCOME, outcome_target(session, outcome, harvest))
        _check_warnings(values, confirm_warnings)
        _check_actors(session, values, by, initiative_ids(session, outcome))
        fields = values.model_dump(include=set(_FIELDS))
        fields["status"] = values.status.value
        if fields["status"] != outcome.status:
            moved = outcome_target(session, outcome, harvest)
            _require(session, by, Action.WRITE_OUTCOME, replace(moved, status=fields["status"]))
            if access.LOCKED & {outcome.status, fields["status"]}:
                _require(session, by, Action.CONCLUDE_OUTCOME, moved)
        for key, value in fields.items():
            if getattr(outcome, key) != value:
                setattr(outcome, key, value)
        _set_parts(session, outcome, harvest, values, codes, question_id, by)
        session.flush()
        after = state_of(session, outcome)
        restated = any(before.get(k) != after.get(k) for k in STATEMENT)
        if restated and outcome.status in access.LOCKED:
            _reopen(session, outcome)
        if move_to is not None and move_to != outcome.status:
            from harvest import workflow  # late: the workflow builds on outcomes

            workflow.move_outcome(session, outcome, harvest, move_to, outcome.version, by=by)
        if differs(before, state_of(session, outcome)):
            outcome.updated_by_id = by.id if by else None
            outcome.updated_at = utcnow()
    return outcome


def _reopen(session: Session, outcome: Outcome) -> None:
    """Send a restated outcome back to `ready`; earlier verdicts stay, marked as earlier."""
    from harvest import substantiation  # late: substantiation builds on outcomes

    outcome.status = OutcomeStatus.READY.value
    substantiation.mark_earlier(session, outcome)


def contributor_ids(session: Session, outcome: Outcome) -> list[int]:
    """Return the ids of the actors that contributed to `outcome`."""
    query = select(OutcomeContributor.actor_id).where(
        col(OutcomeContributor.outcome_id) == outcome.id
    )
    return sorted(session.scalars(query))


def set_contributors(session: Session, outcome: Outcome, actor_ids: list[int]) -> None:
    """Make the outcome's contributors exactly `actor_ids` (a part: call inside an edit)."""
    current = set(contributor_ids(session, outcome))
    for actor_id in current - set(actor_ids):
        session.delete(session.get_one(OutcomeContributor, (outcome.id, actor_id)))
    for actor_id in set(actor_ids) - current:
        session.add(OutcomeContributor(outcome_id=outcome.id or 0, actor_id=actor_id))
    session.flush()


def initiative_ids(session: Session, outcome: Outcome) -> list[int]:
    """Return the ids of the initiatives the outcome's contribution names."""
    query = select(OutcomeInitiative.initiative_id).where(
        col(OutcomeInitiative.outcome_id) == outcome.id
    )
    return sorted(session.scalars(query))


def set_initiatives(session: Session, outcome: Outcome, ids: list[int]) -> None:
    """Make the initiatives the contribution names exactly `ids` (a part: call inside an edit)."""
    current = set(initiative_ids(session, outcome))
    for initiative_id in current - set(ids):
        session.delete(session.get_one(OutcomeInitiative, (outcome.id, initiative_id)))
    for initiative_id in set(ids) - current:
        session.add(OutcomeInitiative(outcome_id=outcome.id or 0, initiative_id=initiative_id))
    session.flush()


def link_outcomes(
    session: Session,
    source: Outcome,
    target: Outcome,
    *,
    by: User | None,
    version: int | None = None,
    checked: Outcome | None = None,
) -> None:
    """Record that `source` contributed to `target`, a change of both outcomes.

    `version` is the version of `checked` (one of the two) the editor read."""
    if source.id == target.id:
        raise ValidationFailed({"target_id": (N_("An outcome cannot lead to itself."), {})})
    for outcome in (source, target):
        _require(session, by, Action.WRITE_OUTCOME, outcome_target(session, outcome))
    first, second = sorted((source, target), key=lambda o: o.id or 0)
    with (
        editing(session, first, version if checked is first else None, by=by),
        editing(session, second, version if checked is second else None, by=by),
    ):
        exists = select(OutcomeLink.id).where(
            col(OutcomeLink.source_id) == source.id, col(OutcomeLink.target_id) == target.id
        )
        if session.scalars(exists).first() is None:
            session.add(OutcomeLink(source_id=source.id or 0, target_id=target.id or 0))


def add_tie_evidence(
    session: Session, outcome: Outcome, tie: Tie, *, by: User | None, version: int | None = None
) -> None:
    """Record that `outcome` evidences `tie` (no-op if already recorded)."""
    with editing(session, outcome, version, by=by):
        _require(session, by, Action.WRITE_OUTCOME, outcome_target(session, outcome))
        if session.get(TieEvidence, (tie.id, outcome.id)) is None:
            session.add(TieEvidence(tie_id=tie.id or 0, outcome_id=outcome.id or 0))


def set_question(session: Session, outcome: Outcome, question_id: int | None) -> None:
    """Make `question_id` the one harvest question the outcome answers (a part: call inside
    an edit)."""
    current = list(
        session.scalars(
            select(OutcomeQuestion).where(col(OutcomeQuestion.outcome_id) == outcome.id)
        )
    )
    for row in current:
        if row.question_id != question_id:
            session.delete(row)
    if question_id is not None and all(row.question_id != question_id for row in current):
        question = session.get(HarvestQuestion, question_id)
        if question is not None and question.retired:  # kept where answered, offered no more
            raise ValidationFailed(
                {"question_id": (N_("That question is retired: choose one still in use."), {})}
            )
        session.add(OutcomeQuestion(outcome_id=outcome.id or 0, question_id=question_id))
    session.flush()


def count_by_status(session: Session) -> dict[str, int]:
    """Return the number of outcomes in each status."""
    query = select(Outcome.status, func.count()).group_by(col(Outcome.status))
    return {status: n for status, n in session.execute(query)}


@dataclass(frozen=True)
class OutcomeView:
    """An outcome with what its page shows around it."""

    outcome: Outcome
    harvest: Harvest
    changed_actor: Actor | None
    contributors: list[Actor]
    initiatives: list[Initiative]
    led_from: list[Outcome]
    led_to: list[Outcome]
    ties: list[tuple[Tie, Actor, Actor]]
    question_id: int | None


def outcome_view(session: Session, outcome: Outcome) -> OutcomeView:
    """Gather what an outcome's page shows: actors, chains, ties, question."""
    harvest = session.get_one(Harvest, outcome.harvest_id)
    contributors = list(
        session.scalars(
            select(Actor)
            .join(OutcomeContributor, col(OutcomeContributor.actor_id) == Actor.id)
            .where(col(OutcomeContributor.outcome_id) == outcome.id)
            .order_by(col(Actor.name))
        )
    )
    led_from = list(
        session.scalars(
            select(Outcome)
            .join(OutcomeLink, col(OutcomeLink.source_id) == Outcome.id)
            .where(col(OutcomeLink.target_id) == outcome.id)
        )
    )
    led_to = list(
        session.scalars(
            select(Outcome)
            .join(OutcomeLink, col(OutcomeLink.target_id) == Outcome.id)
            .where(col(OutcomeLink.source_id) == outcome.id)
        )
    )
    ties = []
    for tie in session.scalars(
        select(Tie)
        .join(TieEvidence, col(TieEvidence.tie_id) == Tie.id)
        .where(col(TieEvidence.outcome_id) == outcome.id)
    ):
        ties.append(
            (tie, session.get_one(Actor, tie.source_id), session.get_one(Actor, tie.target_id))
        )
    question = session.scalars(
        select(OutcomeQuestion.question_id).where(col(OutcomeQuestion.outcome_id) == outcome.id)
    ).first()
    return OutcomeView(
        outcome=outcome,
        harvest=harvest,
        changed_actor=session.get(Actor, outcome.changed_actor_id)
        if outcome.changed_actor_id
        else None,
        contributors=contributors,
        initiatives=list(
            session.scalars(
                select(Initiative)
                .join(OutcomeInitiative, col(OutcomeInitiative.initiative_id) == Initiative.id)
                .where(col(OutcomeInitiative.outcome_id) == outcome.id)
                .order_by(col(Initiative.title))
            )
        ),
        led_from=led_from,
        led_to=led_to,
        ties=ties,
        question_id=question,
    )


def evidence_tie(
    session: Session,
    outcome: Outcome,
    data: dict[str, Any],
    *,
    by: User | None,
    version: int | None = None,
) -> Tie:
    """Record that `outcome` created or strengthened the tie `data` describes (made if missing)."""
    values = validate(TieCreate, data)
    with editing(session, outcome, version, by=by):
        tie = ties.find_tie(session, values.source_id, values.target_id, values.kind.value)
        if tie is None:
            tie = ties.create_tie(session, values, by=by)
        add_tie_evidence(session, outcome, tie, by=by)
    return tie


def advice(session: Session, outcome: Outcome) -> tuple[list[checks.Flag], dict[str, bool]]:
    """Return the gentle checks' advice on a stored outcome and its SMART summary."""
    harvest = session.get_one(Harvest, outcome.harvest_id)
    group = session.get(ImplementationGroup, harvest.group_id) if harvest.group_id else None
    values = OutcomeCreate.model_construct(
        **{name: getattr(outcome, name) for name in _FIELDS if name != "status"},
        status=OutcomeStatus(outcome.status),
        contributor_ids=contributor_ids(session, outcome),
    )
    flags = checks.review_statement(
        values, harvest, group_actor_id=group.actor_id if group else None
    )
    # The headline and the change can earn the same advice: it is one line to the reader.
    shown: dict[tuple[str, str], checks.Flag] = {}
    for flag in flags:
        shown.setdefault((flag.message, repr(sorted(flag.params.items()))), flag)
    return list(shown.values()), checks.smart_summary(flags)


def outcomes_version(session: Session) -> str:
    """Return a text that changes whenever an outcome is added, edited, moved on or erased."""
    count, latest = session.execute(select(func.count(), func.max(Outcome.updated_at))).one()
    return f"{count}:{latest}"
