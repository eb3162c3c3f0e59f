"""What an actor's page shows: its ties grouped by form of social capital, with the
other actor and the outcomes that evidence each tie, and the final outcomes in which
the actor changed or contributed.

Who sees which outcome follows `harvest.access.can_see_outcome`: final ones are
public, the rest only for their group and evaluators. Must not import `app` or Flask.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session, col

from harvest.access import can_see_outcome
from harvest.models import (
    Actor,
    Harvest,
    Municipality,
    Outcome,
    OutcomeContributor,
    OutcomeStatus,
    Tie,
    TieEvidence,
    TieForm,
    User,
)

FORM_ORDER = (TieForm.BONDING.value, TieForm.BRIDGING.value, TieForm.LINKING.value)


@dataclass(frozen=True)
class TieLine:
    """One tie seen from the actor: the other end, which way it points, its evidence."""

    tie: Tie
    other: Actor
    outgoing: bool
    evidence: list[Outcome]


@dataclass
class ActorPage:
    """Everything an actor's page shows."""

    actor: Actor
    municipality: Municipality | None
    ties_by_form: dict[str, list[TieLine]] = field(default_factory=dict)
    changed_in: list[Outcome] = field(default_factory=list)
    contributed_to: list[Outcome] = field(default_factory=list)

    @property
    def tie_count(self) -> int:
        return sum(len(lines) for lines in self.ties_by_form.values())


def _visible(
    session: Session, outcomes: list[Outcome], viewer: User | None, member_of: set[int]
) -> list[Outcome]:
    groups = {
        h.id: h.group_id
        for h in session.scalars(
            select(Harvest).where(col(Harvest.id).in_({o.harvest_id for o in outcomes}))
        )
    }
    return [
        o
        for o in outcomes
        if can_see_outcome(viewer, o.status, groups.get(o.harvest_id), member_of)
    ]


def ties_of(session: Session, actor_id: int) -> list[Tie]:
    """Return every tie that starts or ends at the actor."""
    query = select(Tie).where(or_(col(Tie.source_id) == actor_id, col(Tie.target_id) == actor_id))
    return list(session.scalars(query.order_by(col(Tie.id))))


def actor_page(
    session: Session, actor: Actor, *, viewer: User | None, member_of: set[int]
) -> ActorPage:
    """Gather an actor's page as `viewer` may see it."""
    page = ActorPage(
        actor=actor,
        municipality=session.get(Municipality, actor.municipality_id)
        if actor.municipality_id
        else None,
    )
    ties = ties_of(session, actor.id or 0)
    evidence: dict[int, list[Outcome]] = {}
    if ties:
        rows = session.execute(
            select(col(TieEvidence.tie_id), Outcome)
            .join(Outcome, col(Outcome.id) == TieEvidence.outcome_id)
            .where(col(TieEvidence.tie_id).in_([t.id for t in ties]))
            .order_by(col(Outcome.title))
        ).all()
        allowed = {o.id for o in _visible(session, [o for _, o in rows], viewer, member_of)}
        for tie_id, outcome in rows:
            if outcome.id in allowed:
                evidence.setdefault(tie_id, []).append(outcome)
    for tie in ties:
        outgoing = tie.source_id == actor.id
        other = session.get_one(Actor, tie.target_id if outgoing else tie.source_id)
        line = TieLine(tie, other, outgoing, evidence.get(tie.id or 0, []))
        page.ties_by_form.setdefault(tie.form, []).append(line)
    for lines in page.ties_by_form.values():
        lines.sort(key=lambda line: line.other.name.lower())
    page.ties_by_form = {
        form: page.ties_by_form[form] for form in FORM_ORDER if form in page.ties_by_form
    }
    final = col(Outcome.status) == OutcomeStatus.FINAL.value
    by_date: list[Any] = [col(Outcome.when_start).desc().nulls_last(), col(Outcome.id).desc()]
    page.changed_in = list(
        session.scalars(
            select(Outcome)
            .where(col(Outcome.changed_actor_id) == actor.id, final)
            .order_by(*by_date)
        )
    )
    contributed = select(col(OutcomeContributor.outcome_id)).where(
        col(OutcomeContributor.actor_id) == actor.id
    )
    page.contributed_to = list(
        session.scalars(
            select(Outcome).where(col(Outcome.id).in_(contributed), final).order_by(*by_date)
        )
    )
    return page
