"""What the knowledge base holds, summed up for the front page.

Must not import `app` or Flask.
"""

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from harvest.models import (
    Actor,
    Harvest,
    ImplementationGroup,
    Municipality,
    Outcome,
    OutcomeStatus,
    Tie,
)


@dataclass(frozen=True)
class MunicipalitySummary:
    slug: str
    name: str
    actors: int
    ties: int


@dataclass(frozen=True)
class OutcomeSummary:
    id: int
    title: str
    changed_actor: str
    when: str


@dataclass(frozen=True)
class Overview:
    """Counts and highlights of the knowledge base."""

    actors: int
    ties_by_form: dict[str, int]
    groups: int
    harvests: int
    final_outcomes: int
    municipalities: list[MunicipalitySummary] = field(default_factory=list)
    latest_outcomes: list[OutcomeSummary] = field(default_factory=list)

    @property
    def ties(self) -> int:
        return sum(self.ties_by_form.values())


def knowledge_base_overview(session: Session, latest: int = 5) -> Overview:
    """Summarise what the knowledge base holds; only final outcomes are shown."""
    count = lambda model: session.scalar(select(func.count()).select_from(model)) or 0  # noqa: E731
    ties_by_form = {
        form: n
        for form, n in session.execute(select(Tie.form, func.count()).group_by(col(Tie.form)))
    }
    actors_per = dict(
        session.execute(
            select(Actor.municipality_id, func.count()).group_by(col(Actor.municipality_id))
        ).all()
    )
    ties_per = dict(
        session.execute(
            select(Actor.municipality_id, func.count())
            .join(Tie, col(Tie.source_id) == Actor.id)
            .group_by(col(Actor.municipality_id))
        ).all()
    )
    municipalities = [
        MunicipalitySummary(m.slug, m.name, actors_per.get(m.id, 0), ties_per.get(m.id, 0))
        for m in session.scalars(select(Municipality).order_by(col(Municipality.name)))
    ]
    final = OutcomeStatus.FINAL.value
    rows = session.execute(
        select(col(Outcome.id), col(Outcome.title), col(Actor.name), col(Outcome.when_start))
        .join(Actor, col(Actor.id) == Outcome.changed_actor_id, isouter=True)
        .where(col(Outcome.status) == final)
        .order_by(col(Outcome.when_start).desc(), col(Outcome.id).desc())
        .limit(latest)
    ).all()
    return Overview(
        actors=count(Actor),
        ties_by_form=ties_by_form,
        groups=count(ImplementationGroup),
        harvests=count(Harvest),
        final_outcomes=session.scalar(
            select(func.count()).select_from(Outcome).where(col(Outcome.status) == final)
        )
        or 0,
        municipalities=municipalities,
        latest_outcomes=[
            OutcomeSummary(id or 0, title, actor or "", when.isoformat() if when else "")
            for id, title, actor, when in rows
        ],
    )
