"""The harvest report as data, and its JSON and Markdown renderings.

One gathering (`build_report`) feeds every export: the spreadsheet rows, JSON,
Markdown, XLSX with summary sheets, and the printable HTML the app layer renders
from the same data. The counts and charts come from `harvest.analysis` (every
outcome not withdrawn). A substantiator who consented to be named appears with name and
role, any other by role only. The public report (`final_only`) holds final outcomes only
and none of the counts, which include drafts.
The report is organised by useable question: the evaluator's answer (`harvest.interpretation`),
the outcomes that support it, the other outcomes coded to the question; then the overall
interpretation. The public report shows answers and interpretation only if the evaluator
marked them for publication, and of their supporting outcomes only the final ones.
Answers and interpretation are Markdown: `report_markdown` writes them as Markdown and
the app renders them to sanitised HTML.
Labels are msgids; the caller passes `translate` to put them in the reader's
language. Must not import `app` or Flask, and renders no HTML.
"""

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import openpyxl
from openpyxl.styles import Font
from sqlmodel import Session, col, select

from harvest.analysis import HarvestAnalysis, analyse_harvest
from harvest.coding import DEFAULT_DIMENSIONS, active_dimensions, codes_by_outcome, scheme_of
from harvest.errors import N_
from harvest.harvests import questions_of
from harvest.interpretation import answers_of, interpretation_of
from harvest.models import (
    Actor,
    Harvest,
    ImplementationGroup,
    Municipality,
    Outcome,
    OutcomeContributor,
    OutcomeQuestion,
    OutcomeStatus,
    Substantiation,
    SubstantiationStatus,
)
from harvest.workbooks import keep_sheet_as_text

Translate = Callable[[str], str]

# The outcome spreadsheet's columns (DESIGN.md), in their order.
COLUMNS = (
    "id",
    "title",
    "changed_actor",
    "change",
    "when",
    "where",
    "significance",
    "contribution",
    "contributors",
    "sources",
    "type_of_change",
    "intended",
    "positive",
    "social_capital_form",
    "status",
    "harvest_question",
)
CODE_COLUMNS = ("type_of_change", "intended", "positive", "social_capital_form")

STATUS_LABELS = {
    "lead": N_("Lead"),
    "draft": N_("Draft"),
    "reviewed": N_("Reviewed"),
    "ready": N_("Ready"),
    "substantiated": N_("Substantiated"),
    "final": N_("Final"),
    "withdrawn": N_("Withdrawn"),
}
DIMENSION_LABELS = {key: label for key, label, _codes in DEFAULT_DIMENSIONS}
CODE_LABELS = {key: label for _k, _l, codes in DEFAULT_DIMENSIONS for key, label in codes}

METHOD_NOTE = N_(
    "This report was made with Outcome Harvesting (Wilson-Grau). The evaluator and the "
    "implementation group gathered changes in the behaviour, relationships, activities, "
    "actions, policies or practices of social actors, described each as an outcome (who "
    "changed what, when and where), its significance and the group's plausible contribution, "
    "engaged the change agents to review them, and asked independent, knowledgeable people "
    "to substantiate a selection. The outcomes answer the harvest's useable questions; "
    "contribution is plausible influence, not proof of cause."
)
ALL_STATUSES_NOTE = N_(
    "The report includes outcomes in every status, also leads, drafts and withdrawn ones; "
    "check the status before quoting an outcome."
)
COUNTS_NOTE = N_(
    "The counts and charts include every outcome that is not withdrawn. Shares are whole "
    "percentages of those outcomes, rounded half up. A substantiator is named only if they "
    "agreed to be named; otherwise the report shows their role."
)
PUBLIC_NOTE = N_(
    "This public report holds the final outcomes only. A substantiator is named only if they "
    "agreed to be named; otherwise the report shows their role."
)


@dataclass(frozen=True)
class ReportSubstantiator:
    """Who substantiated an outcome as a report shows them: `name` only with their consent."""

    role: str
    name: str | None = None


@dataclass(frozen=True)
class ReportOutcome:
    """One outcome with everything an export shows of it."""

    id: int
    title: str
    changed_actor: str
    change: str
    when_start: date | None
    when_end: date | None
    where: str
    significance: str
    contribution: str
    contributors: list[str]
    sources: str
    status: str
    codes: dict[str, list[str]]
    question: int | None
    substantiators: list[ReportSubstantiator] = field(default_factory=list)

    @property
    def when(self) -> str:
        """Return the date, or the period as START/END (ISO 8601)."""
        start = self.when_start.isoformat() if self.when_start else ""
        if self.when_end:
            return f"{start}/{self.when_end.isoformat()}"
        return start

    def code(self, dimension: str) -> list[str]:
        """Return the code keys given in `dimension`."""
        return self.codes.get(dimension, [])


@dataclass(frozen=True)
class ReportSection:
    """One harvest question (`number` None: outcomes with no question yet): the outcomes
    coded to it, the evaluator's answer (Markdown) and the outcomes that support it."""

    number: int | None
    question: str
    outcomes: list[ReportOutcome]
    answer: str = ""
    supporting: list[ReportOutcome] = field(default_factory=list)

    @property
    def others(self) -> list[ReportOutcome]:
        """Return the outcomes coded to the question that the answer does not cite."""
        cited = {o.id for o in self.supporting}
        return [o for o in self.outcomes if o.id not in cited]


@dataclass(frozen=True)
class HarvestReport:
    """A harvest's design and its outcomes, grouped by the question they answer."""

    slug: str
    title: str
    group: str
    group_slug: str | None
    municipality: str
    municipality_slug: str | None
    period_start: date | None
    period_end: date | None
    users_and_uses: str
    step: str
    questions: list[str]
    outcomes: list[ReportOutcome]
    sections: list[ReportSection] = field(default_factory=list)
    analysis: HarvestAnalysis | None = None
    dimensions: list[tuple[str, str]] = field(default_factory=list)
    code_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    public: bool = False
    interpretation: str = ""
    interpretation_published: bool = False

    @property
    def shows_interpretation(self) -> bool:
        """Tell whether answers and interpretation belong in this report: always in the
        evaluator's, in the public one only if the evaluator published them."""
        return self.interpretation_published or not self.public

    @property
    def has_answers(self) -> bool:
        """Tell whether the report holds any answer or interpretation to show."""
        return bool(self.interpretation) or any(s.answer or s.supporting for s in self.sections)

    @property
    def group_by(self) -> tuple[str, str] | None:
        """Return (key, label) of the dimension outcomes are grouped by within a question."""
        return self.dimensions[0] if self.dimensions else None

    def code_label(self, dimension: str, code: str) -> str:
        """Return a code's label (msgid or typed text) in the harvest's scheme."""
        return self.code_labels.get(dimension, {}).get(code) or CODE_LABELS.get(code, code)

    def grouped(self, section: ReportSection) -> list[tuple[str, str, list[ReportOutcome]]]:
        """Return a section's other outcomes (not cited by its answer) by their code in
        `group_by`: (key, label, outcomes).

        An outcome with several codes there is listed under each; uncoded ones come last."""
        others = section.others
        if self.group_by is None:
            return [("", "", others)] if others else []
        key = self.group_by[0]
        groups: list[tuple[str, str, list[ReportOutcome]]] = []
        for code, label in self.code_labels.get(key, {}).items():
            found = [o for o in others if code in o.code(key)]
            if found:
                groups.append((code, label, found))
        rest = [o for o in others if not o.code(key)]
        if rest:
            groups.append(("", N_("Not coded"), rest))
        return groups

    def status_counts(self) -> dict[str, int]:
        """Return the number of outcomes in each status, in workflow order."""
        counts = {status: 0 for status in STATUS_LABELS}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return {status: n for status, n in counts.items() if n}


def harvest_outcomes(session: Session, harvest: Harvest) -> list[ReportOutcome]:
    """Return every outcome of `harvest` (all statuses), by id, with actors, codes, question.

    The codes are those `coding.codes_by_outcome` reads, as the coding table and the
    analysis count them."""
    rows = list(
        session.scalars(
            select(Outcome).where(col(Outcome.harvest_id) == harvest.id).order_by(col(Outcome.id))
        )
    )
    ids = [o.id for o in rows]
    names: dict[int, str] = {}
    contributors: dict[int, list[str]] = {}
    codes: dict[int, dict[str, list[str]]] = {}
    questions: dict[int, int] = {}
    if ids:
        actor_ids = {o.changed_actor_id for o in rows if o.changed_actor_id}
        query = select(Actor.id, Actor.name).where(col(Actor.id).in_(actor_ids))
        names = {actor_id: name for actor_id, name in session.execute(query)}
        for outcome_id, name in session.execute(
            select(OutcomeContributor.outcome_id, Actor.name)
            .join(Actor, col(Actor.id) == OutcomeContributor.actor_id)
            .where(col(OutcomeContributor.outcome_id).in_(ids))
            .order_by(col(Actor.name))
        ):
            contributors.setdefault(outcome_id, []).append(name)
        codes = codes_by_outcome(session, harvest, [o.id or 0 for o in rows])
        position = {q.id: q.position for q in questions_of(session, harvest)}
        for outcome_id, question_id in session.execute(
            select(OutcomeQuestion.outcome_id, OutcomeQuestion.question_id).where(
                col(OutcomeQuestion.outcome_id).in_(ids)
            )
        ):
            if question_id in position:
                questions[outcome_id] = position[question_id]
    substantiators = _substantiators(session, [o.id or 0 for o in rows])
    return [
        ReportOutcome(
            id=o.id or 0,
            title=o.title,
            changed_actor=names.get(o.changed_actor_id or 0, ""),
            change=o.change,
            when_start=o.when_start,
            when_end=o.when_end,
            where=o.where,
            significance=o.significance,
            contribution=o.contribution,
            contributors=contributors.get(o.id or 0, []),
            sources=o.sources,
            status=o.status,
            codes=codes.get(o.id or 0, {}),
            question=questions.get(o.id or 0),
            substantiators=substantiators.get(o.id or 0, []),
        )
        for o in rows
    ]


def _substantiators(session: Session, ids: list[int]) -> dict[int, list[ReportSubstantiator]]:
    """Return the current answers' substantiators by outcome: named only with their consent."""
    found: dict[int, list[ReportSubstantiator]] = {}
    if not ids:
        return found
    answers = session.scalars(
        select(Substantiation)
        .where(
            col(Substantiation.outcome_id).in_(ids),
            col(Substantiation.status) == SubstantiationStatus.ANSWERED.value,
            col(Substantiation.superseded_at).is_(None),
        )
        .order_by(col(Substantiation.answered_at), col(Substantiation.id))
    )
    for answer in answers:
        name = answer.name.strip() if answer.consent_named and answer.name.strip() else None
        found.setdefault(answer.outcome_id, []).append(
            ReportSubstantiator(role=answer.role.strip(), name=name)
        )
    return found


def substantiator_label(person: ReportSubstantiator, translate: Translate) -> str:
    """Return "Name (role)", the role alone, or the name alone, as a report shows them."""
    role = person.role or translate(N_("substantiator"))
    return f"{person.name} ({role})" if person.name else role


def build_report(session: Session, harvest: Harvest, *, final_only: bool = False) -> HarvestReport:
    """Gather a harvest's design and outcomes, grouped by the question each answers.

    With `final_only` (the public report) only final outcomes, and no analysis: its counts
    include drafts."""
    group = session.get(ImplementationGroup, harvest.group_id) if harvest.group_id else None
    municipality = (
        session.get(Municipality, harvest.municipality_id) if harvest.municipality_id else None
    )
    asked = questions_of(session, harvest)
    questions = [q.text for q in asked]
    found = harvest_outcomes(session, harvest)
    if final_only:
        found = [o for o in found if o.status == OutcomeStatus.FINAL.value]
    by_id = {o.id: o for o in found}
    interpretation = interpretation_of(session, harvest)
    shown = interpretation is not None and (interpretation.publish or not final_only)
    answers = answers_of(session, interpretation) if shown else {}
    scheme_parts = active_dimensions(session, scheme_of(session, harvest), with_retired_codes=True)
    dimensions = [(d.key, d.label) for d, _codes in scheme_parts]
    code_labels = {d.key: {c.key: c.label for c in codes} for d, codes in scheme_parts}
    sections = []
    for n, question in enumerate(asked, start=1):
        answer = answers.get(question.id or 0)
        cited = answer.outcome_ids if answer else []
        sections.append(
            ReportSection(
                n,
                question.text,
                [o for o in found if o.question == n],
                answer=answer.text if answer else "",
                supporting=[by_id[i] for i in cited if i in by_id],
            )
        )
    unanswered = [o for o in found if o.question is None]
    if unanswered:
        sections.append(ReportSection(None, "", unanswered))
    return HarvestReport(
        slug=harvest.slug,
        title=harvest.title,
        group=group.name if group else "",
        group_slug=group.slug if group else None,
        municipality=municipality.name if municipality else "",
        municipality_slug=municipality.slug if municipality else None,
        period_start=harvest.period_start,
        period_end=harvest.period_end,
        users_and_uses=harvest.users_and_uses,
        step=harvest.step,
        questions=questions,
        outcomes=found,
        sections=sections,
        analysis=None if final_only else analyse_harvest(session, harvest),
        dimensions=dimensions,
        code_labels=code_labels,
        public=final_only,
        interpretation=interpretation.overall if interpretation and shown else "",
        interpretation_published=bool(interpretation and interpretation.publish),
    )


# --- JSON -------------------------------------------------------------------


def _single(values: list[str]) -> str | None:
    return values[0] if values else None


def outcome_record(outcome: ReportOutcome) -> dict[str, Any]:
    """Return an outcome with the spreadsheet's field names as JSON-ready data."""
    return {
        "id": outcome.id,
        "title": outcome.title,
        "changed_actor": outcome.changed_actor or None,
        "change": outcome.change,
        "when": outcome.when or None,
        "where": outcome.where,
        "significance": outcome.significance,
        "contribution": outcome.contribution,
        "contributors": outcome.contributors,
        "sources": outcome.sources,
        "type_of_change": outcome.code("type_of_change"),
        "intended": _single(outcome.code("intended")),
        "positive": _single(outcome.code("positive")),
        "social_capital_form": outcome.code("social_capital_form"),
        "status": outcome.status,
        "harvest_question": outcome.question,
    }


def report_json(report: HarvestReport) -> str:
    """Return the harvest as JSON: {"harvest": design, "outcomes": [...]}."""
    design = {
        "slug": report.slug,
        "title": report.title,
        "group": report.group_slug,
        "municipality": report.municipality_slug,
        "period_start": report.period_start.isoformat() if report.period_start else None,
        "period_end": report.period_end.isoformat() if report.period_end else None,
        "users_and_uses": report.users_and_uses,
        "step": report.step,
        "questions": report.questions,
    }
    answers = [
        {
            "question": s.number,
            "answer": s.answer,
            "supporting_outcomes": [o.id for o in s.supporting],
        }
        for s in report.sections
        if s.number is not None and (s.answer or s.supporting)
    ]
    body = {
        "harvest": design,
        "interpretation": {"overall": report.interpretation, "answers": answers},
        "outcomes": [outcome_record(o) for o in report.outcomes],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


# --- Markdown -----------------------------------------------------------------


def _same(text: str) -> str:
    return text


def md_escape(text: str) -> str:
    """Escape a one-line value so Markdown shows it as written."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in " ".join(text.split()))


def md_block(text: str) -> str:
    """Return free text as Markdown paragraphs, with HTML and headings neutralised."""
    lines = []
    for line in (text or "").strip().splitlines():
        line = line.replace("<", "&lt;").replace(">", "&gt;")
        lines.append("\\" + line if line.lstrip().startswith(("#", "=", "---")) else line)
    return "\n".join(lines)


def period_text(start: date | None, end: date | None) -> str:
    """Return a period as 'START – END' (either may be missing)."""
    if not start and not end:
        return ""
    return f"{start.isoformat() if start else '…'} – {end.isoformat() if end else '…'}"


def report_markdown(report: HarvestReport, translate: Translate = _same) -> str:
    """Return the harvest report as Markdown, its labels put through `translate`."""
    t = translate
    out: list[str] = [f"# {md_escape(report.title)}", ""]
    design = [
        (N_("Implementation group"), report.group),
        (N_("Municipality"), report.municipality),
        (N_("Period"), period_text(report.period_start, report.period_end)),
        (N_("Number of outcomes"), str(len(report.outcomes))),
    ]
    out += [f"- **{t(label)}:** {md_escape(value)}" for label, value in design if value]
    counts = report.status_counts()
    if counts:
        listed = ", ".join(f"{t(STATUS_LABELS.get(s, s))} {n}" for s, n in counts.items())
        out.append(f"- **{t(N_('Status'))}:** {listed}")
    out += ["", f"## {t(N_('Harvest users and uses'))}", ""]
    out += [md_block(report.users_and_uses) or "–", ""]
    out += [f"## {t(N_('Useable questions'))}", ""]
    out += [f"{n}. {md_escape(q)}" for n, q in enumerate(report.questions, start=1)] or ["–"]
    out += ["", f"## {t(N_('Method'))}", "", t(METHOD_NOTE), ""]
    if report.public:
        out += [t(PUBLIC_NOTE), ""]
    else:
        out += [t(ALL_STATUSES_NOTE), "", t(COUNTS_NOTE), ""]
    out += [f"## {t(N_('Answers to the useable questions'))}", ""]
    for section in report.sections:
        out += _md_section(section, t, report)
    if report.shows_interpretation:
        out += [f"## {t(N_('Overall interpretation'))}", ""]
        out += [md_block(report.interpretation) or t(NO_INTERPRETATION), ""]
    out += [f"## {t(N_('Substantiation and analysis'))}", ""]
    if report.analysis is not None:
        out += _md_analysis(report.analysis, t)
    return "\n".join(out)


NO_ANSWER = N_("The evaluator has not answered this question yet.")
NO_INTERPRETATION = N_("The evaluator has not written the overall interpretation yet.")


def _md_section(section: ReportSection, t: Translate, report: HarvestReport) -> list[str]:
    """Return one question as Markdown: the answer, its supporting outcomes, the others."""
    if section.number is None:
        heading = t(N_("Outcomes not yet linked to a question"))
    else:
        heading = t(N_("Question %(n)s")) % {"n": section.number}
        heading += f": {md_escape(section.question)}"
    out = [f"### {heading}", ""]
    if section.number is not None and report.shows_interpretation:
        out += [f"#### {t(N_('Answer'))}", "", md_block(section.answer) or t(NO_ANSWER), ""]
    if section.supporting:
        out += [f"#### {t(N_('Outcomes that support the answer'))}", ""]
        for outcome in section.supporting:
            out += _md_outcome(outcome, t, report)
    if section.number is not None and not section.outcomes and not section.supporting:
        out += [t(N_("No outcomes answer this question yet.")), ""]
    groups = report.grouped(section)
    if groups and section.supporting:
        out += [f"**{t(N_('Other outcomes coded to this question'))}**", ""]
    for _code, label, grouped in groups:
        if label and report.group_by:
            out += [f"#### {t(report.group_by[1])}: {md_escape(t(label))}", ""]
        for outcome in grouped:
            out += _md_outcome(outcome, t, report)
    return out


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(md_escape(cell) for cell in row) + " |" for row in rows]
    return [*out, ""]


def _md_analysis(result: HarvestAnalysis, t: Translate) -> list[str]:
    """Return the substantiation results, count tables, timeline and chains as Markdown."""
    s = result.substantiation
    out = [f"### {t(N_('Substantiation'))}", ""]
    out += [
        f"- **{t(N_('Requests sent'))}:** {s.requested}",
        f"- **{t(N_('Answered'))}:** {s.answered}",
        f"- **{t(N_('Waiting for an answer'))}:** {s.pending}",
        f"- **{t(N_('Link expired'))}:** {s.expired}",
        f"- **{t(N_('Link withdrawn'))}:** {s.revoked}",
        f"- **{t(N_('Outcomes substantiated'))}:** {s.outcomes_substantiated}",
        "",
    ]
    if s.answered:
        headers = [t(N_("Verdict")), *(t(p.label) for p in s.parts)]
        rows = [
            [t(s.parts[0].counts[i].label)]
            + [f"{p.counts[i].count} ({p.counts[i].share} %)" for p in s.parts]
            for i in range(len(s.parts[0].counts))
        ]
        out += _md_table(headers, rows)
    if s.roles:
        out += [f"#### {t(N_('Substantiators by role'))}", ""]
        out += _md_table(
            [t(N_("Role")), t(N_("Asked")), t(N_("Answered"))],
            [[t(r.role), str(r.requested), str(r.answered)] for r in s.roles],
        )
    if s.disagreements:
        out += [f"#### {t(N_('Outcomes a substantiator disagreed with'))}", ""]
        out += [f"- {o.id}. {md_escape(o.title)}" for o in s.disagreements] + [""]
    out += [f"### {t(N_('Counts'))}", ""]
    for breakdown in [*result.codes, result.actor_kinds, result.sectors, result.municipalities]:
        out += [f"#### {t(breakdown.label)}", ""]
        first = N_("Code") if breakdown in result.codes else N_("Group")
        out += _md_table(
            [t(first), t(N_("Outcomes")), t(N_("Share"))],
            [[t(r.label), str(r.count), f"{r.share} %"] for r in breakdown.rows],
        )
    out += [f"### {t(N_('Outcomes by month'))}", ""]
    if result.timeline.months:
        out += _md_table(
            [t(N_("Month")), t(N_("Outcomes"))],
            [[m.key, str(m.count)] for m in result.timeline.months],
        )
    if result.timeline.undated:
        out += [f"{t(N_('Without a date'))}: {result.timeline.undated}", ""]
    out += [f"### {t(N_('Outcome chains'))}", ""]
    if result.chains:
        out += [
            f"{n}. " + " → ".join(f"{o.id}. {md_escape(o.title)}" for o in chain)
            for n, chain in enumerate(result.chains, start=1)
        ] + [""]
    else:
        out += [t(N_("No outcome is recorded as leading to another yet.")), ""]
    return out


def _md_outcome(outcome: ReportOutcome, t: Translate, report: HarvestReport) -> list[str]:
    out = [f"##### {outcome.id}. {md_escape(outcome.title)}", ""]
    facts = [
        (N_("Status"), t(STATUS_LABELS.get(outcome.status, outcome.status))),
        (N_("Social actor that changed"), outcome.changed_actor),
        (N_("When"), outcome.when),
        (N_("Where"), outcome.where),
        (N_("Contributors"), ", ".join(outcome.contributors)),
        (
            N_("Substantiated by"),
            "; ".join(substantiator_label(s, t) for s in outcome.substantiators),
        ),
    ]
    dimensions = report.dimensions or [(d, DIMENSION_LABELS.get(d, d)) for d in CODE_COLUMNS]
    for dimension, dimension_label in dimensions:
        labels = [t(report.code_label(dimension, k)) for k in outcome.code(dimension)]
        facts.append((dimension_label, ", ".join(labels)))
    out += [f"- **{t(label)}:** {md_escape(value)}" for label, value in facts if value]
    out.append("")
    for label, text in (
        (N_("Outcome"), outcome.change),
        (N_("Significance"), outcome.significance),
        (N_("Contribution"), outcome.contribution),
        (N_("Sources"), outcome.sources),
    ):
        if text.strip():
            out += [f"**{t(label)}**", "", md_block(text), ""]
    return out


# --- XLSX summary sheets ---------------------------------------------------------


def add_summary_sheets(
    workbook: bytes, report: HarvestReport, translate: Translate = _same
) -> bytes:
    """Return the outcome workbook with a "summary" sheet of counts and substantiation after it,
    and an "interpretation" sheet of the answers once the evaluator has written any.

    The outcome sheet stays first, so `brobyg import outcomes` still reads the file."""
    t = translate
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book.create_sheet("summary")
    bold = Font(bold=True)

    def heading(text: str) -> None:
        sheet.append([])
        sheet.append([text])
        sheet.cell(row=sheet.max_row, column=1).font = bold

    sheet.append([report.title])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append([t(COUNTS_NOTE)])
    result = report.analysis
    if result is not None:
        sheet.append([t(N_("Number of outcomes")), result.total])
        for breakdown in [*result.codes, result.actor_kinds, result.sectors, result.municipalities]:
            heading(t(breakdown.label))
            sheet.append([t(N_("Code")), t(N_("Outcomes")), t(N_("Share")) + " %"])
            for row in breakdown.rows:
                sheet.append([t(row.label), row.count, row.share])
        heading(t(N_("Outcomes by month")))
        sheet.append([t(N_("Month")), t(N_("Outcomes"))])
        for month in result.timeline.months:
            sheet.append([month.key, month.count])
        s = result.substantiation
        heading(t(N_("Substantiation")))
        sheet.append([t(N_("Requests sent")), s.requested])
        sheet.append([t(N_("Answered")), s.answered])
        sheet.append([t(N_("Waiting for an answer")), s.pending])
        sheet.append([t(N_("Link expired")), s.expired])
        sheet.append([t(N_("Link withdrawn")), s.revoked])
        sheet.append([t(N_("Verdict")), *(t(p.label) for p in s.parts)])
        for index, count in enumerate(s.parts[0].counts):
            sheet.append([t(count.label), *(p.counts[index].count for p in s.parts)])
        heading(t(N_("Substantiators by role")))
        sheet.append([t(N_("Role")), t(N_("Asked")), t(N_("Answered"))])
        for role in s.roles:
            sheet.append([t(role.role), role.requested, role.answered])
    sheet.column_dimensions["A"].width = 48
    if report.shows_interpretation and report.has_answers:
        _interpretation_sheet(book.create_sheet("interpretation"), report, t)
    for each in book.worksheets[1:]:
        keep_sheet_as_text(each)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _interpretation_sheet(sheet: Any, report: HarvestReport, t: Translate) -> None:
    """Fill a sheet with one row per useable question: its answer and supporting outcomes,
    then the overall interpretation (Markdown as written)."""
    bold = Font(bold=True)
    sheet.append(
        [
            t(N_("Question")),
            t(N_("Useable question")),
            t(N_("Answer")),
            t(N_("Outcomes that support the answer")),
        ]
    )
    for cell in sheet[1]:
        cell.font = bold
    for section in report.sections:
        if section.number is None:
            continue
        cited = "; ".join(f"{o.id}. {o.title}" for o in section.supporting)
        sheet.append([section.number, section.question, section.answer, cited])
    sheet.append([])
    sheet.append([t(N_("Overall interpretation")), report.interpretation])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCD", (10, 40, 80, 50), strict=True):
        sheet.column_dimensions[column].width = width
