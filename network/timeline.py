"""How a map changed between two dates: ties added and ended, with the outcomes behind them.

A group shows the network before and after its work: the map as of the first
date, as of the second, and the ties that began or ended in between.
Must not import `app` or Flask.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from harvest.errors import N_, ValidationFailed
from network.graph import GraphFilters, Viewer, build_graph


@dataclass
class TieChange:
    """A tie that began or ended in the period, with its two actors and evidence."""

    tie: dict[str, Any]
    source: str
    target: str


@dataclass
class Timeline:
    """The map before and after a period, and what changed in between."""

    start: date
    end: date
    ties_before: int
    ties_after: int
    actors_before: int
    actors_after: int
    added: list[TieChange] = field(default_factory=list)
    ended: list[TieChange] = field(default_factory=list)
    forms_before: dict[str, int] = field(default_factory=dict)
    forms_after: dict[str, int] = field(default_factory=dict)


def _forms(graph: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _u, _v, data in graph.edges(data=True):
        counts[data["form"]] = counts.get(data["form"], 0) + 1
    return counts


def changes_between(
    session: Session, filters: GraphFilters, start: date, end: date, viewer: Viewer | None = None
) -> Timeline:
    """Return the map's ties as of `start` and `end` and the ties added and ended between."""
    if end < start:
        raise ValidationFailed({"to": (N_("The end date comes before the start date."), {})})
    base = GraphFilters(filters.municipality, None, filters.forms, filters.kinds, filters.sectors)
    whole = build_graph(session, base, viewer)
    before = build_graph(session, GraphFilters(**{**base.__dict__, "as_of": start}), viewer)
    after = build_graph(session, GraphFilters(**{**base.__dict__, "as_of": end}), viewer)
    names = {n: d["name"] for n, d in whole.nodes(data=True)}
    timeline = Timeline(
        start=start,
        end=end,
        ties_before=before.number_of_edges(),
        ties_after=after.number_of_edges(),
        actors_before=sum(1 for n in before if before.degree(n)),
        actors_after=sum(1 for n in after if after.degree(n)),
        forms_before=_forms(before),
        forms_after=_forms(after),
    )
    for _u, _v, data in sorted(whole.edges(data=True), key=lambda e: e[2]["start"] or start):
        change = TieChange(data, names[data["source_id"]], names[data["target_id"]])
        if data["start"] and start < data["start"] <= end:
            timeline.added.append(change)
        if data["end"] and start <= data["end"] < end:
            timeline.ended.append(change)
    return timeline
