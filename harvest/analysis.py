"""The counting behind a harvest's analysis page and report: codes, actors, places,
months, substantiation results, outcome chains and the outcomes per useable question.

Analysis is an evaluator's tool: it counts EVERY outcome of the harvest that is not
withdrawn (also leads and drafts), so only evaluators and admins may see it
(`harvest.access.Action.ANALYSE`). Substantiators appear by role only, never by name.
Every function returns plain dataclasses; labels are msgids (or text a person typed)
that the caller translates. Must not import `app` or Flask.

Shares are whole percentages of the counted outcomes, rounded half up
(`percent`); in a dimension that allows several codes they may add up to more
than 100, and "not coded" rows make up the rest.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from harvest.coding import active_dimensions, codes_by_outcome, scheme_of
from harvest.errors import N_
from harvest.harvests import questions_of
from harvest.models import (
    Actor,
    Harvest,
    Municipality,
    Outcome,
    OutcomeLink,
    OutcomeQuestion,
    OutcomeStatus,
    Verdict,
)
from harvest.substantiation import RoleCount, Summary, summary_for_outcomes

NOT_CODED = N_("Not coded")
NO_ACTOR = N_("No changed actor")
NO_MUNICIPALITY = N_("No municipality")
MAX_CHAINS = 200

ACTOR_KIND_LABELS = {
    "municipal_service": N_("Municipal service"),
    "municipal_management": N_("Municipal management"),
    "council": N_("Council or committee"),
    "association": N_("Association"),
    "volunteer_group": N_("Volunteer or peer group"),
    "citizen_group": N_("Anonymous citizen group"),
    "region_health": N_("Region or health service"),
    "education_job": N_("Education or job service"),
    "business": N_("Business"),
    "implementation_group": N_("Implementation group"),
    "funder": N_("Funder"),
}
SECTOR_LABELS = {
    "municipal": N_("Municipal"),
    "civil_society": N_("Civil society"),
    "region": N_("Region"),
    "private": N_("Private"),
    "citizens": N_("Citizens"),
}
VERDICT_LABELS = {
    Verdict.FULLY_AGREE.value: N_("Fully agree"),
    Verdict.PARTIALLY_AGREE.value: N_("Partially agree"),
    Verdict.DISAGREE.value: N_("Disagree"),
    Verdict.CANNOT_JUDGE.value: N_("Cannot judge"),
}
PART_LABELS = {
    "outcome": N_("Outcome"),
    "significance": N_("Significance"),
    "contribution": N_("Contribution"),
}


def percent(count: int, total: int) -> int:
    """Return `count` as a whole percentage of `total`, rounded half up (0 when total is 0)."""
    if total <= 0:
        return 0
    return (200 * count + total) // (2 * total)


@dataclass(frozen=True)
class Count:
    """One bar: a key, its label (msgid or typed text), how many, and the share of the total."""

    key: str
    label: str
    count: int
    share: int


@dataclass(frozen=True)
class Breakdown:
    """The counted outcomes split by one property; `total` is the denominator of the shares."""

    key: str
    label: str
    total: int
    rows: list[Count]
    multiple: bool = False

    @property
    def largest(self) -> int:
        """Return the largest count (0 if none), the full length of a chart's bars."""
        return max((row.count for row in self.rows), default=0)


@dataclass(frozen=True)
class Month:
    """The outcomes whose change began in one month (`key` is YYYY-MM)."""

    key: str
    year: int
    month: int
    count: int


@dataclass(frozen=True)
class Timeline:
    """Outcomes by the month their change began, every month from first to last; `undated`
    counts outcomes without a date."""

    months: list[Month]
    undated: int

    @property
    def largest(self) -> int:
        """Return the largest monthly count (0 if none)."""
        return max((m.count for m in self.months), default=0)


@dataclass(frozen=True)
class VerdictCounts:
    """How the answered substantiations judged one part of the outcomes."""

    part: str
    label: str
    counts: list[Count]


@dataclass(frozen=True)
class OutcomeRef:
    """An outcome as a list shows it."""

    id: int
    title: str
    status: str


@dataclass(frozen=True)
class SubstantiationResults:
    """The harvest's substantiation summary (`harvest.substantiation.summarize`) as the
    analysis page and the report show it: verdict shares, substantiators by role only."""

    requested: int
    answered: int
    pending: int
    expired: int
    revoked: int
    outcomes_substantiated: int
    parts: list[VerdictCounts]
    roles: list[RoleCount]
    disagreements: list[OutcomeRef]


@dataclass(frozen=True)
class QuestionAnswers:
    """The outcomes that answer one useable question (`number` None: linked to none)."""

    number: int | None
    text: str
    outcomes: list[OutcomeRef]


@dataclass(frozen=True)
class HarvestAnalysis:
    """Everything the analysis page, the charts and the report count for a harvest."""

    total: int
    withdrawn: int
    codes: list[Breakdown]
    actor_kinds: Breakdown
    sectors: Breakdown
    municipalities: Breakdown
    timeline: Timeline
    substantiation: SubstantiationResults
    chains: list[list[OutcomeRef]]
    questions: list[QuestionAnswers]
    statuses: dict[str, int] = field(default_factory=dict)


def counted_outcomes(session: Session, harvest: Harvest) -> list[Outcome]:
    """Return the outcomes the analysis counts: every one of `harvest` not withdrawn, by id."""
    query = (
        select(Outcome)
        .where(
            col(Outcome.harvest_id) == harvest.id,
            col(Outcome.status) != OutcomeStatus.WITHDRAWN.value,
        )
        .order_by(col(Outcome.id))
    )
    return list(session.scalars(query))


def _breakdown(
    key: str, label: str, total: int, counts: dict[str, int], labels: dict[str, str]
) -> Breakdown:
    """Return counts in the order of `labels`, then any other key, biggest first."""
    ordered = [k for k in labels if counts.get(k)]
    ordered += sorted(
        (k for k in counts if k not in labels and counts[k]), key=lambda k: -counts[k]
    )
    rows = [Count(k, labels.get(k, k), counts[k], percent(counts[k], total)) for k in ordered]
    return Breakdown(key, label, total, rows)


def code_breakdowns(session: Session, harvest: Harvest, outcomes: list[Outcome]) -> list[Breakdown]:
    """Count the outcomes per code in each dimension of the harvest's scheme, with "not coded".

    The codes are those `coding.codes_by_outcome` reads, as the coding table and the
    report show them."""
    scheme = scheme_of(session, harvest)
    total = len(outcomes)
    given = codes_by_outcome(session, harvest, [o.id or 0 for o in outcomes])
    result = []
    for dimension, codes in active_dimensions(session, scheme, with_retired_codes=True):
        by_code: dict[str, int] = defaultdict(int)
        with_code = 0
        for outcome_codes in given.values():
            keys = outcome_codes.get(dimension.key, [])
            with_code += bool(keys)
            for key in keys:
                by_code[key] += 1
        rows = []
        for code in codes:
            n = by_code.get(code.key, 0)
            if n or code.position >= 0:
                rows.append(Count(code.key, code.label, n, percent(n, total)))
        uncoded = total - with_code
        if uncoded:
            rows.append(Count("", NOT_CODED, uncoded, percent(uncoded, total)))
        result.append(Breakdown(dimension.key, dimension.label, total, rows, dimension.multiple))
    return result


def _actors(session: Session, outcomes: list[Outcome]) -> dict[int, Actor]:
    ids = {o.changed_actor_id for o in outcomes if o.changed_actor_id}
    if not ids:
        return {}
    return {a.id or 0: a for a in session.scalars(select(Actor).where(col(Actor.id).in_(ids)))}


def actor_breakdowns(
    session: Session, outcomes: list[Outcome]
) -> tuple[Breakdown, Breakdown, Breakdown]:
    """Count the outcomes by the changed actor's kind, sector and municipality."""
    actors = _actors(session, outcomes)
    names = {m.id or 0: m.name for m in session.scalars(select(Municipality))}
    kinds: dict[str, int] = defaultdict(int)
    sectors: dict[str, int] = defaultdict(int)
    places: dict[str, int] = defaultdict(int)
    for outcome in outcomes:
        actor = actors.get(outcome.changed_actor_id or 0)
        if actor is None:
            kinds["none"] += 1
            sectors["none"] += 1
            places["none"] += 1
            continue
        kinds[actor.kind] += 1
        sectors[actor.sector] += 1
        places[names.get(actor.municipality_id or 0, "none")] += 1
    total = len(outcomes)
    kind_labels = {**ACTOR_KIND_LABELS, "none": NO_ACTOR}
    sector_labels = {**SECTOR_LABELS, "none": NO_ACTOR}
    place_labels = {name: name for name in sorted(k for k in places if k != "none")}
    place_labels["none"] = NO_MUNICIPALITY
    return (
        _breakdown("actor_kind", N_("Kind of changed actor"), total, kinds, kind_labels),
        _breakdown("sector", N_("Sector of changed actor"), total, sectors, sector_labels),
        _breakdown(
            "municipality", N_("Municipality of changed actor"), total, places, place_labels
        ),
    )


def timeline(outcomes: list[Outcome]) -> Timeline:
    """Count the outcomes by the month their change began, filling empty months with 0."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    undated = 0
    for outcome in outcomes:
        if outcome.when_start is None:
            undated += 1
        else:
            counts[(outcome.when_start.year, outcome.when_start.month)] += 1
    if not counts:
        return Timeline([], undated)
    (year, month), last = min(counts), max(counts)
    months = []
    while (year, month) <= last:
        months.append(Month(f"{year:04d}-{month:02d}", year, month, counts.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return Timeline(months, undated)


def _substantiation(summary: Summary, outcomes: list[Outcome]) -> SubstantiationResults:
    """Return the harvest's substantiation summary with shares, labels and outcome titles."""
    parts = []
    for part, label in PART_LABELS.items():
        tally = summary.counts[part]
        given = sum(tally.values())
        counts = [
            Count(v, vlabel, tally[v], percent(tally[v], given))
            for v, vlabel in VERDICT_LABELS.items()
        ]
        parts.append(VerdictCounts(part, label, counts))
    by_id = {o.id or 0: o for o in outcomes}
    return SubstantiationResults(
        requested=summary.asked,
        answered=summary.answered,
        pending=summary.pending,
        expired=summary.expired,
        revoked=summary.revoked,
        outcomes_substantiated=summary.outcomes_substantiated,
        parts=parts,
        roles=summary.roles,
        disagreements=[_ref(by_id[i]) for i in summary.disagreed_outcomes],
    )


def _ref(outcome: Outcome) -> OutcomeRef:
    return OutcomeRef(outcome.id or 0, outcome.title, outcome.status)


def outcome_chains(session: Session, outcomes: list[Outcome]) -> list[list[OutcomeRef]]:
    """Return each longest path of "led to" links among the outcomes, from a start to an end.

    A start is an outcome that led to another and that none led to; a loop with no
    start begins at its lowest id. At most `MAX_CHAINS` paths.
    """
    by_id = {o.id or 0: o for o in outcomes}
    if not by_id:
        return []
    ids = list(by_id)
    query = (
        select(OutcomeLink.source_id, OutcomeLink.target_id)
        .where(col(OutcomeLink.source_id).in_(ids), col(OutcomeLink.target_id).in_(ids))
        .order_by(col(OutcomeLink.source_id), col(OutcomeLink.target_id))
    )
    following: dict[int, list[int]] = defaultdict(list)
    led_to: set[int] = set()
    for source, target in session.execute(query):
        following[source].append(target)
        led_to.add(target)
    chains: list[list[int]] = []
    seen: set[int] = set()

    def walk(path: list[int]) -> None:
        if len(chains) >= MAX_CHAINS:
            return
        seen.add(path[-1])
        nexts = [t for t in following.get(path[-1], []) if t not in path]
        if not nexts:
            chains.append(path)
        for target in nexts:
            walk([*path, target])

    for start in sorted(s for s in following if s not in led_to):
        walk([start])
    for start in sorted(following):
        if start not in seen:
            walk([start])
    return [[_ref(by_id[i]) for i in chain] for chain in chains]


def answers_by_question(
    session: Session, harvest: Harvest, outcomes: list[Outcome]
) -> list[QuestionAnswers]:
    """Return, for each useable question, the outcomes that answer it; then those with none."""
    by_id = {o.id or 0: o for o in outcomes}
    answered: dict[int, list[int]] = defaultdict(list)
    if by_id:
        query = select(OutcomeQuestion.question_id, OutcomeQuestion.outcome_id).where(
            col(OutcomeQuestion.outcome_id).in_(list(by_id))
        )
        for question_id, outcome_id in session.execute(query):
            answered[question_id].append(outcome_id)
    result = []
    linked: set[int] = set()
    for question in questions_of(session, harvest):
        found = sorted(answered.get(question.id or 0, []))
        linked.update(found)
        result.append(
            QuestionAnswers(question.position, question.text, [_ref(by_id[i]) for i in found])
        )
    rest = [_ref(o) for i, o in by_id.items() if i not in linked]
    if rest:
        result.append(QuestionAnswers(None, "", rest))
    return result


def analyse_harvest(session: Session, harvest: Harvest) -> HarvestAnalysis:
    """Count everything the analysis page shows for `harvest` (every outcome not withdrawn)."""
    outcomes = counted_outcomes(session, harvest)
    withdrawn = session.scalars(
        select(Outcome.id).where(
            col(Outcome.harvest_id) == harvest.id,
            col(Outcome.status) == OutcomeStatus.WITHDRAWN.value,
        )
    ).all()
    kinds, sectors, places = actor_breakdowns(session, outcomes)
    statuses: dict[str, int] = {s.value: 0 for s in OutcomeStatus if s != OutcomeStatus.WITHDRAWN}
    for outcome in outcomes:
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return HarvestAnalysis(
        total=len(outcomes),
        withdrawn=len(withdrawn),
        codes=code_breakdowns(session, harvest, outcomes),
        actor_kinds=kinds,
        sectors=sectors,
        municipalities=places,
        timeline=timeline(outcomes),
        substantiation=_substantiation(summary_for_outcomes(session, outcomes), outcomes),
        chains=outcome_chains(session, outcomes),
        questions=answers_by_question(session, harvest, outcomes),
        statuses={s: n for s, n in statuses.items() if n},
    )


def month_of(day: date) -> str:
    """Return the YYYY-MM key of the month `day` falls in."""
    return f"{day.year:04d}-{day.month:02d}"
