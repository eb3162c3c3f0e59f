"""Actors by name: suggestions while a person types, and a typed or pasted name resolved
to one actor, with near matches when it is unknown or ambiguous.

Used by the web forms (the combobox and its no-JavaScript fallback) and meant for the
spreadsheet import. Bounded: nothing here loads every actor. Must not import `app` or Flask.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from harvest import fulltext
from harvest.errors import N_, ValidationFailed
from harvest.models import Actor, Municipality

MAX_SUGGESTIONS = 20
MAX_QUERY = 100
_CANDIDATES = 60  # full-text hits looked at, best ranked first
_NEAR = 5

# What Word, Outlook and web pages put into pasted names: dashes, typographic quotes.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"
_FOLD = {
    **dict.fromkeys(map(ord, _DASHES), "-"),
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'),
}
_IN_MUNICIPALITY = re.compile(r"^(?P<name>.+?)\s*\((?P<where>[^()]+)\)\s*$")


def name_key(text: str) -> str:
    """Return `text` folded for comparing names: NFKC, one dash, quote and space, no case."""
    flat = unicodedata.normalize("NFKC", text or "").translate(_FOLD)
    flat = "".join(c for c in flat if unicodedata.category(c) != "Cf")  # soft hyphen, zero width
    return " ".join(flat.split()).casefold()


@dataclass(frozen=True)
class Suggestion:
    """An actor offered while typing: enough to tell two similar names apart."""

    id: int
    name: str
    kind: str
    municipality: str


def _ranked(session: Session, query: str, municipality_id: int | None, limit: int) -> list[Actor]:
    """Return up to `limit` actors matching the words of `query`, best full-text rank first."""
    statement = select(Actor)
    if municipality_id is not None:
        statement = statement.where(col(Actor.municipality_id) == municipality_id)
    ids = fulltext.ranked_ids(
        session,
        fulltext.ACTORS,
        query,
        statement,
        [col(Actor.id)],
        limit,
        matching=fulltext.Matching.TYPING,
    )
    if not ids:
        return []
    found = {a.id: a for a in session.scalars(select(Actor).where(col(Actor.id).in_(ids)))}
    return [found[i] for i in ids if i in found]


def _closeness(key: str, actor: Actor) -> int:
    """Rank a name: 0 the typed text starts it, 1 each typed word starts a word of it, else 2."""
    name = name_key(actor.name)
    if name.startswith(key):
        return 0
    words = name.replace("-", " ").split()
    if all(any(w.startswith(t) for w in words) for t in fulltext.words(key)):
        return 1
    return 2


def suggest_actors(
    session: Session,
    query: str,
    *,
    municipality_id: int | None = None,
    limit: int = 10,
) -> list[Suggestion]:
    """Return at most `limit` (capped at 20) actors whose name best matches what was typed.

    Every actor is public (the directory shows them all), so the viewer sees them all."""
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    query = (query or "")[:MAX_QUERY]
    key = name_key(query)
    # The full-text index also holds profiles and tags; only names are offered here.
    ranked = [
        (_closeness(key, a), a) for a in _ranked(session, query, municipality_id, _CANDIDATES)
    ]
    ranked.sort(key=lambda pair: (pair[0], len(pair[1].name)))
    found = [actor for closeness, actor in ranked if closeness < 2][:limit]
    towns = _municipality_names(session, {a.municipality_id for a in found if a.municipality_id})
    return [
        Suggestion(a.id or 0, a.name, a.kind, towns.get(a.municipality_id or 0, "")) for a in found
    ]


def _municipality_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(col(Municipality.id), col(Municipality.name)).where(col(Municipality.id).in_(ids))
    )
    return {mid: name for mid, name in rows}


# --- a typed name resolved ---------------------------------------------------------


@dataclass(frozen=True)
class ActorMatch:
    """What a typed name matched: one actor, several equal names, or near misses."""

    typed: str
    actor: Actor | None = None
    same_name: list[str] = field(default_factory=list)  # "name (municipality)" of each
    near: list[str] = field(default_factory=list)

    @property
    def problem(self) -> tuple[str, dict[str, str]] | None:
        """Return the message (untranslated, with its parameters) when no one actor matched."""
        if self.actor is not None:
            return None
        if self.same_name:
            return (
                N_(
                    "More than one actor is called '%(name)s': %(matches)s. "
                    "Write the municipality in brackets after the name, or choose from the list."
                ),
                {"name": self.typed, "matches": "; ".join(self.same_name)},
            )
        if self.near:
            return (
                N_("No actor is called '%(name)s'. Did you mean: %(matches)s?"),
                {"name": self.typed, "matches": "; ".join(self.near)},
            )
        return (
            N_("No actor is called '%(name)s'. Check the spelling, or add the actor first."),
            {"name": self.typed},
        )


def _candidates(session: Session, typed: str) -> list[Actor]:
    """Return actors that share a word (or its first letters) with `typed`: a bounded few."""
    found: dict[int, Actor] = {}
    exact = select(Actor).where(func.lower(Actor.name) == typed.lower()).limit(_CANDIDATES)
    for actor in session.scalars(exact):
        found[actor.id or 0] = actor
    terms = fulltext.words(typed)[:6]
    probes = [" ".join(terms)] + terms + [t[:3] for t in terms if len(t) > 3]
    for probe in dict.fromkeys(probes):
        for actor in _ranked(session, probe, None, _CANDIDATES):
            found.setdefault(actor.id or 0, actor)
    return list(found.values())


def candidates_for(session: Session, typed: str) -> list[Actor]:
    """Return the bounded few actors that share a word (or its first letters) with `typed`."""
    return _candidates(session, typed)


def _labelled(session: Session, actors: list[Actor]) -> list[str]:
    towns = _municipality_names(session, {a.municipality_id for a in actors if a.municipality_id})
    return [
        f"{a.name} ({towns[a.municipality_id]})" if a.municipality_id in towns else a.name
        for a in actors
    ]


def match_actor(session: Session, typed: str) -> ActorMatch:
    """Match a typed or pasted name to an actor: exact once case, spaces and dashes are folded.

    "Name (Municipality)" picks among actors of the same name. Without one match, the
    result holds the equal names or up to five near ones."""
    typed = " ".join(unicodedata.normalize("NFKC", typed or "").split())[:200]
    key = name_key(typed)
    candidates = _candidates(session, typed)
    same = sorted((a for a in candidates if name_key(a.name) == key), key=lambda a: a.id or 0)
    if len(same) == 1:
        return ActorMatch(typed, actor=same[0])
    if not same and (bracketed := _IN_MUNICIPALITY.match(typed)):
        named = match_actor(session, bracketed["name"])
        where = name_key(bracketed["where"])
        pool = [named.actor] if named.actor else _with_name(session, bracketed["name"])
        towns = _municipality_names(session, {a.municipality_id for a in pool if a.municipality_id})
        chosen = [a for a in pool if name_key(towns.get(a.municipality_id or 0, "")) == where]
        if len(chosen) == 1:
            return ActorMatch(typed, actor=chosen[0])
    if same:
        return ActorMatch(typed, same_name=_labelled(session, same))
    by_key = {name_key(a.name): a.name for a in candidates}
    near = difflib.get_close_matches(key, list(by_key), n=_NEAR, cutoff=0.6)
    if len(near) < _NEAR:  # names that contain what was typed, e.g. a shortened name
        near += [k for k in by_key if key and key in k and k not in near][: _NEAR - len(near)]
    return ActorMatch(typed, near=[by_key[k] for k in near])


def _with_name(session: Session, typed: str) -> list[Actor]:
    key = name_key(typed)
    return [a for a in _candidates(session, typed) if name_key(a.name) == key]


def resolve_actor(session: Session, typed: str, *, field_name: str) -> Actor | None:
    """Return the actor called `typed` (None when blank), or raise `ValidationFailed` on
    `field_name` with the near matches."""
    if not name_key(typed):
        return None
    found = match_actor(session, typed)
    if found.actor is None:
        problem = found.problem
        assert problem is not None
        raise ValidationFailed({field_name: problem})
    return found.actor
