"""The bridge-building method drawn from the harvest: the initiatives grouped by kind, with
the outcomes they contributed to (by status and substantiation), the social-capital forms
of the ties those outcomes evidence, and the evaluation notes.

`method_report` gathers the whole report in a handful of queries (in one municipality or
across all), seeing only the initiatives and outcomes the reader may see (`harvest.access`);
`method_markdown` writes it as Markdown with every value escaped. Labels are msgids the
caller translates (`translate`, `form_labels`). Must not import `app` or Flask, and renders
no HTML.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from harvest import access, initiatives
from harvest.errors import N_
from harvest.models import (
    EvaluationRound,
    Initiative,
    InitiativeKind,
    Municipality,
    Outcome,
    OutcomeInitiative,
    OutcomeStatus,
    Substantiation,
    SubstantiationStatus,
    Tie,
    TieEvidence,
    User,
)
from harvest.report import STATUS_LABELS, md_escape
from harvest.search import visible_to

Translate = Callable[[str], str]
CONCLUDED = frozenset({OutcomeStatus.SUBSTANTIATED.value, OutcomeStatus.FINAL.value})
FORM_ORDER = ("bonding", "bridging", "linking")


@dataclass(frozen=True)
class MethodOutcome:
    """An outcome an initiative contributed to, how sure we are of it and its ties' forms."""

    outcome: Outcome
    substantiated: bool  # a substantiator answered, or the evaluator concluded it
    forms: tuple[str, ...]  # the social-capital forms of the ties it evidences, in order


@dataclass(frozen=True)
class MethodInitiative:
    """An initiative with its place, the outcomes it led to and its evaluation rounds."""

    initiative: Initiative
    municipality: Municipality | None
    outcomes: list[MethodOutcome]
    rounds: list[EvaluationRound]


def _in_order(forms: set[str]) -> tuple[str, ...]:
    """Return `forms` bonding, bridging, linking first, then any other by name."""
    return tuple(f for f in FORM_ORDER if f in forms) + tuple(sorted(forms - set(FORM_ORDER)))


def _unique(items: Iterable[MethodInitiative]) -> list[MethodOutcome]:
    seen: dict[int, MethodOutcome] = {}
    for line in items:
        for found in line.outcomes:
            seen.setdefault(found.outcome.id or 0, found)
    return sorted(seen.values(), key=lambda m: m.outcome.id or 0)


@dataclass(frozen=True)
class MethodKind:
    """One way of building bridges: its initiatives and what they add up to."""

    kind: InitiativeKind
    initiatives: list[MethodInitiative]

    @property
    def outcomes(self) -> list[MethodOutcome]:
        """Return the outcomes of this kind's initiatives, each once, by id."""
        return _unique(self.initiatives)

    @property
    def substantiated(self) -> int:
        return sum(m.substantiated for m in self.outcomes)

    @property
    def status_counts(self) -> dict[str, int]:
        """Return how many of the outcomes are in each status, in the statuses' order."""
        counts = Counter(m.outcome.status for m in self.outcomes)
        return {s: counts[s] for s in STATUS_LABELS if counts[s]}

    @property
    def form_counts(self) -> dict[str, int]:
        """Return how many of the outcomes evidence a tie of each form."""
        counts = Counter(f for m in self.outcomes for f in m.forms)
        return {f: counts[f] for f in _in_order(set(counts))}


@dataclass(frozen=True)
class MethodReport:
    """The method in one municipality (or across all when `municipality` is None)."""

    municipality: Municipality | None
    kinds: list[MethodKind] = field(default_factory=list)

    @property
    def initiative_count(self) -> int:
        return sum(len(k.initiatives) for k in self.kinds)

    @property
    def outcomes(self) -> list[MethodOutcome]:
        return _unique(i for k in self.kinds for i in k.initiatives)

    @property
    def substantiated(self) -> int:
        return sum(m.substantiated for m in self.outcomes)


def method_report(
    session: Session, municipality: Municipality | None, user: User | None
) -> MethodReport:
    """Gather the method: per kind in the list's order, the initiatives `user` may see (in
    `municipality`, or all), the outcomes they contributed to that `user` may see, those
    outcomes' substantiation and tie forms, and the evaluation rounds; kinds without an
    initiative are left out."""
    query = select(Initiative).where(initiatives.visible_condition(session, user))
    if municipality is not None:
        query = query.where(col(Initiative.municipality_id) == municipality.id)
    found = list(session.scalars(query.order_by(col(Initiative.start), col(Initiative.id))))
    ids = [i.id for i in found]
    places = {
        m.id: m
        for m in session.scalars(
            select(Municipality).where(col(Municipality.id).in_({i.municipality_id for i in found}))
        )
    }
    rounds: dict[int, list[EvaluationRound]] = {}
    for r in session.scalars(
        select(EvaluationRound)
        .where(col(EvaluationRound.initiative_id).in_(ids))
        .order_by(col(EvaluationRound.held_on), col(EvaluationRound.id))
    ):
        rounds.setdefault(r.initiative_id, []).append(r)
    member_of = set(access.viewer(session, user).groups)
    links = session.execute(
        select(OutcomeInitiative.initiative_id, Outcome)
        .join(Outcome, col(Outcome.id) == OutcomeInitiative.outcome_id)
        .where(col(OutcomeInitiative.initiative_id).in_(ids), visible_to(user, member_of))
        .order_by(col(Outcome.id))
    ).all()
    outcome_ids = {o.id for _i, o in links}
    answered = set(
        session.scalars(
            select(col(Substantiation.outcome_id)).where(
                col(Substantiation.outcome_id).in_(outcome_ids),
                col(Substantiation.status) == SubstantiationStatus.ANSWERED.value,
            )
        )
    )
    forms: dict[int, set[str]] = {}
    for outcome_id, form in session.execute(
        select(TieEvidence.outcome_id, Tie.form)
        .join(Tie, col(Tie.id) == TieEvidence.tie_id)
        .where(col(TieEvidence.outcome_id).in_(outcome_ids))
    ):
        forms.setdefault(outcome_id, set()).add(form)
    led_to: dict[int, list[MethodOutcome]] = {}
    for initiative_id, outcome in links:
        kept = forms.get(outcome.id or 0, set())
        led_to.setdefault(initiative_id, []).append(
            MethodOutcome(
                outcome,
                outcome.id in answered or outcome.status in CONCLUDED,
                _in_order(kept),
            )
        )
    by_kind: dict[int, list[MethodInitiative]] = {}
    for i in found:
        by_kind.setdefault(i.kind_id, []).append(
            MethodInitiative(
                i,
                places.get(i.municipality_id),
                led_to.get(i.id or 0, []),
                rounds.get(i.id or 0, []),
            )
        )
    kinds = [
        MethodKind(k, by_kind[k.id or 0])
        for k in initiatives.list_kinds(session)
        if k.id in by_kind
    ]
    return MethodReport(municipality, kinds)


# --- Markdown -----------------------------------------------------------------


TITLE = N_("The bridge-building method")
INTRO = N_(
    "Which ways of building bridges led to which changes, and how sure we are. The "
    "initiatives (trial actions) are grouped by kind; under each are the outcomes they "
    "contributed to, the forms of social capital of the ties those outcomes evidence, and "
    "what the group learnt in its evaluation rounds."
)
SURE = N_("%(substantiated)s of %(total)s outcomes substantiated.")


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Links:
    """Where the Markdown links an initiative and an outcome to."""

    initiative: Callable[[Initiative], str]
    outcome: Callable[[Outcome], str]


def _linked(title: str, url: str | None) -> str:
    """Return `title` escaped, as a link to `url` when there is one."""
    text = md_escape(title)
    return f"[{text}](<{url}>)" if url else text


def method_markdown(
    report: MethodReport,
    *,
    language: str = "da",
    translate: Translate = _same,
    form_labels: Mapping[str, str] | None = None,
    links: Links | None = None,
) -> str:
    """Return the method as Markdown, labels through `translate`, kinds in `language`;
    `links` gives the addresses of initiatives and outcomes (none: titles without links)."""
    t = translate
    labels = form_labels or {}
    where = report.municipality.name if report.municipality else t(N_("All municipalities"))
    out = [f"# {md_escape(t(TITLE))}: {md_escape(where)}", ""]
    out += [t(INTRO), ""]
    total = len(report.outcomes)
    out += [t(SURE) % {"substantiated": report.substantiated, "total": total}, ""]
    if not report.kinds:
        out += [t(N_("No initiative has been recorded here yet.")), ""]
    for group in report.kinds:
        out += [f"## {md_escape(initiatives.kind_label(group.kind, language))}", ""]
        found = len(group.outcomes)
        out.append(t(SURE) % {"substantiated": group.substantiated, "total": found})
        if group.status_counts:
            listed = ", ".join(f"{t(STATUS_LABELS[s])} {n}" for s, n in group.status_counts.items())
            out.append(f"- **{t(N_('Status'))}:** {listed}")
        if group.form_counts:
            listed = ", ".join(
                f"{md_escape(labels.get(f, f))} {n}" for f, n in group.form_counts.items()
            )
            out.append(f"- **{t(N_('Forms of social capital'))}:** {listed}")
        out.append("")
        for line in group.initiatives:
            out += _md_initiative(line, t, labels, links)
    return "\n".join(out).rstrip() + "\n"


def _md_initiative(
    line: MethodInitiative, t: Translate, labels: Mapping[str, str], links: Links | None
) -> list[str]:
    i = line.initiative
    out = [f"### {_linked(i.title, links.initiative(i) if links else None)}", ""]
    if line.municipality is not None:
        out += [f"*{md_escape(line.municipality.name)}*", ""]
    out += [f"#### {t(N_('Outcomes it contributed to'))}", ""]
    for m in line.outcomes:
        o = m.outcome
        sure = t(N_("substantiated")) if m.substantiated else t(N_("not substantiated yet"))
        forms = ", ".join(md_escape(labels.get(f, f)) for f in m.forms)
        text = f"- {_linked(o.title, links.outcome(o) if links else None)}: "
        text += f"{t(STATUS_LABELS.get(o.status, o.status))}, {sure}"
        out.append(text + (f"; {forms}" if forms else ""))
    if not line.outcomes:
        out.append(t(N_("No outcome names this initiative yet.")))
    out.append("")
    out += [f"#### {t(N_('Evaluation rounds'))}", ""]
    for r in line.rounds:
        out += [f"**{r.held_on.isoformat()}**", ""]
        for label, text in (
            (N_("What worked"), r.worked),
            (N_("What did not work"), r.did_not_work),
            (N_("What we adjust"), r.adjust),
        ):
            if text:
                out.append(f"- *{t(label)}:* {md_escape(text)}")
        out.append("")
    if not line.rounds:
        out += [t(N_("No evaluation round yet.")), ""]
    return out
