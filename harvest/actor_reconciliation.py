"""Actor names in an imported spreadsheet that match no actor exactly: ranked candidates,
the importer's choice (an existing actor or a new one), and that choice remembered as an
alias for the next import into the same municipality.

Similarity works for Danish: case, æ/ø/å (also written ae/oe/aa), accents, punctuation
and word order do not count against a name, and a shortened name ("Rotary" for "Rotary
Klub København") ranks the full one high. Must not import `app` or Flask.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from harvest import actors
from harvest.actor_names import candidates_for, match_actor, name_key
from harvest.errors import N_, BrobygError
from harvest.models import (
    Actor,
    ActorAlias,
    ActorKind,
    Harvest,
    ImplementationGroup,
    Municipality,
    Sector,
    Tier,
    User,
)

MAX_CANDIDATES = 5
_LEAST = 0.5
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})
_NOT_WORD = re.compile(r"[^\w]+")

# A new actor's sector and tier follow from its kind unless chosen otherwise.
KIND_DEFAULTS: dict[str, tuple[str, int]] = {
    ActorKind.MUNICIPAL_SERVICE: (Sector.MUNICIPAL, Tier.ORGANISATIONS),
    ActorKind.MUNICIPAL_MANAGEMENT: (Sector.MUNICIPAL, Tier.AUTHORITIES),
    ActorKind.COUNCIL: (Sector.MUNICIPAL, Tier.AUTHORITIES),
    ActorKind.ASSOCIATION: (Sector.CIVIL_SOCIETY, Tier.ORGANISATIONS),
    ActorKind.VOLUNTEER_GROUP: (Sector.CIVIL_SOCIETY, Tier.ORGANISATIONS),
    ActorKind.CITIZEN_GROUP: (Sector.CITIZENS, Tier.CITIZENS),
    ActorKind.REGION_HEALTH: (Sector.REGION, Tier.ORGANISATIONS),
    ActorKind.EDUCATION_JOB: (Sector.MUNICIPAL, Tier.ORGANISATIONS),
    ActorKind.BUSINESS: (Sector.PRIVATE, Tier.ORGANISATIONS),
    ActorKind.IMPLEMENTATION_GROUP: (Sector.CIVIL_SOCIETY, Tier.ORGANISATIONS),
    ActorKind.FUNDER: (Sector.PRIVATE, Tier.AUTHORITIES),
}
_CITIZEN_WORDS = ("deltagere", "borgere", "brugere", "participants", "citizens", "peer")
_MUNICIPAL_WORDS = ("kommune", "forvaltning", "jobcenter", "municipality")

NEW = "new"


@dataclass(frozen=True)
class Candidate:
    """An existing actor offered for a name, with how alike the two are (0 to 1)."""

    id: int
    name: str
    municipality: str
    score: float


@dataclass
class UnmatchedName:
    """A name the file uses that matches no actor exactly, where it is used, and candidates."""

    typed: str
    key: str
    places: list[tuple[int, str]] = field(default_factory=list)  # (row, column)
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class NameChoice:
    """The importer's answer for a name: an existing actor, or a new actor of `kind`."""

    actor_id: int | None = None
    kind: str | None = None

    @property
    def new(self) -> bool:
        """Tell whether the name becomes a new actor."""
        return self.actor_id is None


def loose_key(text: str) -> str:
    """Return a name folded for similarity: no case, accents, punctuation; æøå spelled out."""
    flat = name_key(text).translate(_DANISH)
    flat = "".join(c for c in unicodedata.normalize("NFKD", flat) if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", flat).replace("_", " ").split())


def similarity(typed: str, name: str) -> float:
    """Return how alike two names are, from 0 to 1, as a person reading Danish would judge."""
    a, b = loose_key(typed), loose_key(name)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    words_a, words_b = a.split(), b.split()
    scores = [
        difflib.SequenceMatcher(None, a, b).ratio(),
        difflib.SequenceMatcher(None, " ".join(sorted(words_a)), " ".join(sorted(words_b))).ratio(),
    ]
    if set(words_a) <= set(words_b):  # every typed word is in the name: a shortened name
        scores.append(0.7 + 0.3 * len(words_a) / len(words_b))
    return round(max(scores), 3)


def harvest_municipality_id(session: Session, harvest: Harvest) -> int | None:
    """Return the municipality of the harvest, or of its group."""
    if harvest.municipality_id is not None:
        return harvest.municipality_id
    if harvest.group_id is not None:
        group = session.get(ImplementationGroup, harvest.group_id)
        return group.municipality_id if group else None
    return None


def rank_candidates(
    session: Session, typed: str, *, municipality_id: int | None, limit: int = MAX_CANDIDATES
) -> list[Candidate]:
    """Return up to `limit` actors alike `typed`, most alike first (the harvest's own
    municipality first among equals)."""
    scored: list[tuple[float, bool, Actor]] = []
    for actor in candidates_for(session, typed):
        score = similarity(typed, actor.name)
        if score >= _LEAST:
            scored.append((score, actor.municipality_id == municipality_id, actor))
    scored.sort(key=lambda s: (-s[0], not s[1], len(s[2].name)))
    chosen = scored[:limit]
    towns = _towns(session, {a.municipality_id for _s, _m, a in chosen if a.municipality_id})
    return [
        Candidate(a.id or 0, a.name, towns.get(a.municipality_id or 0, ""), s)
        for s, _m, a in chosen
    ]


def _towns(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(Municipality.id, Municipality.name).where(col(Municipality.id).in_(ids))
    return {mid or 0: name for mid, name in session.execute(query)}


def remembered(session: Session, key: str, municipality_id: int | None) -> int | None:
    """Return the actor an earlier import chose for the folded name `key` here, if any."""
    query = select(ActorAlias).where(col(ActorAlias.name_key) == key)
    aliases = list(session.scalars(query))
    for alias in aliases:
        if alias.municipality_id == municipality_id:
            return alias.actor_id
    for alias in aliases:
        if alias.municipality_id is None:
            return alias.actor_id
    return None


def remember(
    session: Session, key: str, actor_id: int, municipality_id: int | None, *, by: User | None
) -> None:
    """Keep that `key` means actor `actor_id` in `municipality_id` (over an older choice)."""
    query = select(ActorAlias).where(
        col(ActorAlias.name_key) == key, col(ActorAlias.municipality_id) == municipality_id
    )
    if municipality_id is None:
        query = select(ActorAlias).where(
            col(ActorAlias.name_key) == key, col(ActorAlias.municipality_id).is_(None)
        )
    alias = session.scalars(query).first()
    if alias is None:
        alias = ActorAlias(name_key=key[:200], municipality_id=municipality_id, actor_id=actor_id)
        alias.created_by_id = by.id if by else None
        session.add(alias)
    else:
        alias.actor_id = actor_id
    session.flush()


def default_kind(name: str) -> str:
    """Guess a new actor's kind from its name: a citizens' group, a municipal service, or an
    association."""
    key = loose_key(name)
    if any(word in key for word in _CITIZEN_WORDS):
        return ActorKind.CITIZEN_GROUP.value
    if any(word in key for word in _MUNICIPAL_WORDS):
        return ActorKind.MUNICIPAL_SERVICE.value
    return ActorKind.ASSOCIATION.value


def create_named_actor(
    session: Session, name: str, kind: str | None, municipality_id: int | None, *, by: User | None
) -> Actor:
    """Create the actor a name stands for, of `kind` (else guessed), in the municipality."""
    kind = kind if kind in KIND_DEFAULTS else default_kind(name)
    sector, tier = KIND_DEFAULTS[kind]
    municipality = session.get(Municipality, municipality_id) if municipality_id else None
    return actors.create_actor(
        session,
        {
            "name": " ".join(name.split()),
            "kind": kind,
            "sector": str(sector),
            "tier": int(tier),
            "municipality": municipality.slug if municipality else None,
        },
        by=by,
    )


class MappingRefused(BrobygError):
    """A mapping of names to actors (the CLI's --actors file) that cannot be used."""

    message = N_("The actor mapping could not be read.")


def mapping_choices(session: Session, table: list[list[str]]) -> dict[str, NameChoice]:
    """Read a mapping table with the columns `name,actor` (and optionally `kind`): actor is
    an id, an exact actor name, or `new`. Return {name key: choice}."""
    if not table:
        raise MappingRefused(N_("The actor mapping is empty."))
    header = [name_key(c) for c in table[0]]
    if "name" not in header or "actor" not in header:
        raise MappingRefused(N_("The actor mapping needs the columns name and actor."))
    wanted: tuple[str, ...] = ("name", "actor", "kind")
    at = {column: header.index(column) for column in wanted if column in header}
    choices: dict[str, NameChoice] = {}
    for number, cells in enumerate(table[1:], start=2):
        get = {c: (cells[i].strip() if i < len(cells) else "") for c, i in at.items()}
        if not get["name"]:
            continue
        choices[name_key(get["name"])] = _mapped(session, number, get)
    return choices


def _mapped(session: Session, number: int, cells: dict[str, str]) -> NameChoice:
    actor = cells["actor"]
    kind = cells.get("kind") or None
    if kind is not None and kind not in KIND_DEFAULTS:
        raise MappingRefused(
            N_("Row %(row)s of the actor mapping: unknown kind '%(kind)s'. Use one of: %(kinds)s."),
            row=number,
            kind=kind,
            kinds=", ".join(KIND_DEFAULTS),
        )
    if name_key(actor) in (NEW, "ny"):
        return NameChoice(kind=kind)
    if actor.isascii() and actor.isdigit() and session.get(Actor, int(actor)) is not None:
        return NameChoice(actor_id=int(actor))
    found = match_actor(session, actor) if actor else None
    if found is None or found.actor is None:
        raise MappingRefused(
            N_(
                "Row %(row)s of the actor mapping: no actor has the id or name '%(actor)s'. "
                "Write an actor's id, its exact name, or new."
            ),
            row=number,
            actor=actor,
        )
    return NameChoice(actor_id=found.actor.id)
