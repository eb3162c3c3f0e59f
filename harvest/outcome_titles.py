"""Outcomes by headline or number, for linking chains: suggestions while typing and a typed
headline resolved to one outcome of a harvest, only among those the viewer may see.

Bounded: nothing here loads every outcome of a harvest. Must not import `app` or Flask.
"""

import difflib
import re
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from harvest import fulltext
from harvest.actor_names import name_key
from harvest.errors import N_
from harvest.listing import MAX_ID
from harvest.models import Outcome, User
from harvest.search import visible_to

MAX_SUGGESTIONS = 20
_CANDIDATES = 60
_NUMBER = re.compile(r"#?\s*([0-9]{1,18})")

title_key = name_key


def outcome_titles(session: Session, ids: set[int]) -> dict[int, str]:
    """Return the headlines of the outcomes with `ids`."""
    if not ids:
        return {}
    rows = session.execute(select(Outcome.id, Outcome.title).where(col(Outcome.id).in_(ids)))
    return {outcome_id: title for outcome_id, title in rows}


def suggest_outcomes(
    session: Session,
    harvest_id: int,
    query: str,
    *,
    viewer: User | None,
    member_of: set[int],
    exclude: int | None = None,
    limit: int = 10,
) -> list[Outcome]:
    """Return at most `limit` (capped at 20) outcomes of the harvest the viewer may see whose
    headline or text matches `query` best; "#12" or "12" finds outcome 12 first."""
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    statement = select(Outcome).where(
        col(Outcome.harvest_id) == harvest_id, visible_to(viewer, member_of)
    )
    if exclude is not None:
        statement = statement.where(col(Outcome.id) != exclude)
    found: list[Outcome] = []
    number = _NUMBER.fullmatch((query or "").strip())
    if number and int(number[1]) <= MAX_ID:  # a larger number is no id (nor a valid query)
        found += session.scalars(statement.where(col(Outcome.id) == int(number[1]))).all()
    order = [col(Outcome.id)]
    ids = fulltext.ranked_ids(
        session,
        fulltext.OUTCOMES,
        (query or "")[:200],
        statement,
        order,
        limit,
        matching=fulltext.Matching.TYPING,
    )
    if ids:
        by_id = {o.id: o for o in session.scalars(select(Outcome).where(col(Outcome.id).in_(ids)))}
        found += [by_id[i] for i in ids if i in by_id and by_id[i] not in found]
    return found[:limit]


@dataclass(frozen=True)
class OutcomeMatch:
    """What a typed headline matched: one outcome, several with that headline, or near ones."""

    typed: str
    outcome: Outcome | None = None
    same_title: list[int] = field(default_factory=list)
    near: list[str] = field(default_factory=list)

    @property
    def problem(self) -> tuple[str, dict[str, str]] | None:
        """Return the message (untranslated, with its parameters) when no one outcome matched."""
        if self.outcome is not None:
            return None
        if self.same_title:
            numbers = ", ".join(f"#{n}" for n in self.same_title)
            return (
                N_(
                    "More than one outcome has the headline '%(title)s': %(numbers)s. "
                    "Type the number of the one you mean."
                ),
                {"title": self.typed, "numbers": numbers},
            )
        if self.near:
            return (
                N_(
                    "No outcome in this harvest has the headline '%(title)s'. "
                    "Did you mean: %(matches)s?"
                ),
                {"title": self.typed, "matches": "; ".join(self.near)},
            )
        return (
            N_("No outcome in this harvest has the headline '%(title)s'. Try its number."),
            {"title": self.typed},
        )


def match_outcome(
    session: Session,
    harvest_id: int,
    typed: str,
    *,
    viewer: User | None,
    member_of: set[int],
    exclude: int | None = None,
) -> OutcomeMatch:
    """Match a typed headline (or "#number") to one outcome of the harvest the viewer may see."""
    typed = " ".join((typed or "").split())[:300]
    candidates = suggest_outcomes(
        session,
        harvest_id,
        typed,
        viewer=viewer,
        member_of=member_of,
        exclude=exclude,
        limit=MAX_SUGGESTIONS,
    )
    number = _NUMBER.fullmatch(typed)
    if number:
        by_number = [o for o in candidates if o.id == int(number[1])]
        if by_number:
            return OutcomeMatch(typed, outcome=by_number[0])
    key = title_key(typed)
    same = [o for o in candidates if title_key(o.title) == key]
    if len(same) == 1:
        return OutcomeMatch(typed, outcome=same[0])
    if same:
        return OutcomeMatch(typed, same_title=sorted(o.id or 0 for o in same))
    titles = {title_key(o.title): f"{o.title} (#{o.id})" for o in candidates}
    near = difflib.get_close_matches(key, list(titles), n=5, cutoff=0.5) or list(titles)[:3]
    return OutcomeMatch(typed, near=[titles[k] for k in near])
