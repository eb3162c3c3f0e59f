"""Full-text search over outcomes and actors, on SQLite (FTS5) and PostgreSQL (tsvector).

How words match is one rule, `Matching`, written out in `_term_forms`:

- A submitted search (`Matching.WORDS`) matches whole words: "kor" finds the choir
  tagged "kor", never a profile only because it says "korte". Danish writes compounds
  as one word, so in an index's short vocabulary columns (`word_starts`: an actor's
  activities and target groups) a word also matches the start of a word: "kor" finds
  the activity "korsang", "gå" finds "gåture" there, but not "gården" in a profile.
- While typing (`Matching.TYPING`: the suggestions offered as you type) the last word
  is still being written, so it matches any word it starts ("gåt" finds "gåture"); the
  words before it match as in a submitted search.

Rows that match every word exactly come first, then those that matched only a word's
start. A whole word includes its inflections: PostgreSQL stems with the `danish`
configuration; SQLite has no Danish stemmer, so there a word also matches itself with
a Danish ending (`ENDINGS`: "forening" finds "foreningerne", "kor" finds "koret", but
"korte" is no form of "kor"). Names (weight A) count as vocabulary too, so "syng"
finds "Syngeglad" by name. Both fold case, keep æ, ø and å, and rank the best matches
first (title and name weigh most). The indexes and the triggers that keep them current
are created by migration 0002 from `INDEXES`; the JSON lists they read are stored as
typed (see `harvest.db.as_typed`). Must not import `app` or Flask.

`ranked_ids` keeps a search fast at any hit count: the match, the filters and a LIMIT
run in one query that walks the matches newest first and stops after `enough` rows, and
only those rows are ranked. Up to `enough` hits the ranking is exact; above it the
newest `enough` matches are ranked and the caller says "more than".
"""

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

_WORD = re.compile(r"\w+", re.UNICODE)


class Matching(StrEnum):
    """How the words of a query match: a submitted search, or text still being typed."""

    WORDS = "words"
    TYPING = "typing"


@dataclass(frozen=True)
class SearchIndex:
    """A searchable table: its columns, most important first, with their weights (A-D).

    Adding a column to the search is one line in `columns` (and a migration that calls
    `drop_indexes` and `create_indexes`). `word_starts` names the weights whose columns
    hold short vocabulary (tags), where a submitted word also matches a word's start."""

    table: str
    columns: tuple[tuple[str, str], ...]
    word_starts: str = ""

    @property
    def start_columns(self) -> tuple[str, ...]:
        return tuple(name for name, weight in self.columns if weight in self.word_starts)

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"


OUTCOMES = SearchIndex(
    "outcome",
    (
        ("title", "A"),
        ("change", "B"),
        ("significance", "C"),
        ("contribution", "C"),
        ("where", "B"),
        ("sources", "D"),
    ),
)
ACTORS = SearchIndex(
    "actor",
    (
        ("name", "A"),
        ("tags", "B"),
        ("target_groups", "B"),
        ("accessibility", "C"),
        ("profile", "C"),
        ("address", "D"),
        ("first_visit", "C"),
        ("contact_person", "D"),
        ("cost", "D"),
    ),
    word_starts="AB",
)
ACTORS_0002 = SearchIndex("actor", ACTORS.columns[:6])  # as migration 0002 made it
INDEXES = (OUTCOMES, ACTORS)
_SQLITE_WEIGHTS = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}
# The endings of Danish nouns and verbs (SQLite's stand-in for the stemmer); the
# second set only after a final e ("gåture" → "gåturen", "gåturene").
ENDINGS = ("e", "s", "en", "et", "er", "es", "ene", "ens", "ets", "ers", "erne", "enes", "ernes")
ENDINGS_AFTER_E = ("n", "r", "ne", "ns", "rne", "rnes")
SAMPLE = 5  # PostgreSQL: a word in 1 of 5 of the newest rows is common enough to walk them


def words(query: str) -> list[str]:
    """Split a search query into lowercase words (letters, digits, æ, ø, å)."""
    return [w.lower() for w in _WORD.findall(query or "")][:12]


def ranked_ids(
    session: Session,
    index: SearchIndex,
    query: str,
    statement: Select[Any],
    order: Sequence[Any],
    enough: int,
    *,
    matching: Matching = Matching.WORDS,
) -> list[int] | None:
    """Return the ids of at most `enough` rows of `statement` matching `query`, best first.

    `statement` selects from `index`'s table with its filters; `order` breaks ties in rank.
    Rows matching every word exactly come before those matching a word's start (see
    `Matching`). Each match walks newest first (highest id) and stops at `enough`
    qualifying rows, so the work is bounded by `enough` whatever the hit count; only those
    rows are ranked. None when `query` has no words."""
    terms = words(query)
    if not terms:
        return None
    postgresql = session.get_bind().dialect.name == "postgresql"
    exact, broad = (
        _expression(index, _term_forms(terms, matching, loose), postgresql=postgresql)
        for loose in (False, True)
    )
    found = _walk(session, index, exact, statement, order, enough)
    if broad == exact or len(found) >= enough:
        return found
    seen = set(found)
    more = _walk(session, index, broad, statement, order, enough)
    return found + [i for i in more if i not in seen][: enough - len(found)]


WORD, START, START_IN_VOCABULARY = "word", "start", "start_in_vocabulary"


def _term_forms(terms: list[str], matching: Matching, loose: bool) -> list[tuple[str, str]]:
    """Return how each term matches: the whole word only, or (`loose`) as the rule allows.

    The one place the matching rule is written (see the module docstring)."""
    if not loose:
        return [(term, WORD) for term in terms]
    forms = [(term, START_IN_VOCABULARY) for term in terms]
    if matching is Matching.TYPING:
        forms[-1] = (terms[-1], START)
    return forms


def _expression(index: SearchIndex, forms: list[tuple[str, str]], *, postgresql: bool) -> str:
    """Write the terms as an FTS5 MATCH expression or a PostgreSQL tsquery."""
    if postgresql:
        weights = index.word_starts
        pg = {
            WORD: "{q}",
            START: "{q}:*",
            START_IN_VOCABULARY: f"({{q}} | {{q}}:*{weights})" if weights else "{q}",
        }
        return " & ".join(pg[how].format(q=_pg_quote(term)) for term, how in forms)
    columns = " ".join(index.start_columns)
    return " AND ".join(_fts_term(term, how, columns) for term, how in forms)


def _fts_term(term: str, how: str, columns: str) -> str:
    """Write one term for FTS5: the word and its inflections, or a word start."""
    if how == START:
        return f'"{term}"*'
    endings = ENDINGS + (ENDINGS_AFTER_E if term.endswith("e") else ())
    forms = [f'"{term}"', *(f'"{term}{ending}"' for ending in endings)]
    if how == START_IN_VOCABULARY and columns:
        forms.append(f'{{{columns}}} : "{term}"*')
    return "(" + " OR ".join(forms) + ")"


def _walk(
    session: Session,
    index: SearchIndex,
    expression: str,
    statement: Select[Any],
    order: Sequence[Any],
    enough: int,
) -> list[int]:
    """Return the ids of the newest `enough` rows matching `expression`, best first."""
    table_id: ColumnElement[int] = literal_column(f'"{index.table}".id')
    if session.get_bind().dialect.name == "postgresql":
        tsquery = func.to_tsquery("danish", expression)
        vector: ColumnElement[str] = literal_column(f'"{index.table}".search_vector')
        score: ColumnElement[float] = -func.ts_rank(vector, tsquery)
        matching = statement.where(vector.op("@@")(tsquery))
    else:
        fts = table(index.fts_table, column("rowid"))
        weights = ", ".join(str(_SQLITE_WEIGHTS[w]) for _, w in index.columns)
        score = literal_column(f"bm25({index.fts_table}, {weights})")
        # Ordered by the FTS rowid, SQLite walks the match (outer loop) and looks each row
        # up by primary key; unordered it may run the match once per filtered row instead.
        matching = statement.join(fts, fts.c.rowid == table_id).where(
            literal_column(index.fts_table).op("MATCH")(expression)
        )
        table_id = fts.c.rowid
    candidates = (
        matching.with_only_columns(
            table_id.label("id"), score.label("score"), maintain_column_froms=True
        )
        .order_by(table_id.desc())
        .limit(enough)
        .subquery("candidates")
    )
    own = statement.columns_clause_froms[0]
    best = (
        select(candidates.c.id)
        .join(own, own.c.id == candidates.c.id)
        .order_by(candidates.c.score, *order)
    )
    if session.get_bind().dialect.name != "postgresql" or not _common(
        session, own, vector, tsquery, enough
    ):
        return list(session.scalars(best))
    # PostgreSQL cannot estimate a prefix query: for a common word it would fetch every
    # match through the GIN bitmap (100,000 rows) where walking the newest rows stops
    # after `enough`. The GIN index answers only bitmap scans, so turning those off for
    # this one query makes the planner walk an ordered btree index instead.
    session.execute(text("SET LOCAL enable_bitmapscan = off"))
    try:
        return list(session.scalars(best))
    finally:
        session.execute(text("SET LOCAL enable_bitmapscan = on"))


def _common(
    session: Session, own: Any, vector: ColumnElement[str], tsquery: Any, enough: int
) -> bool:
    """Tell whether the newest `SAMPLE` x `enough` rows already hold `enough` matches.

    A bounded look along the primary key: counting through the GIN index instead would
    fetch every match of a common word first."""
    newest = select(vector.label("v")).order_by(own.c.id.desc()).limit(SAMPLE * enough)
    recent = newest.select_from(own).subquery("recent")
    found = session.scalar(
        select(func.count()).select_from(
            select(recent.c.v).where(recent.c.v.op("@@")(tsquery)).limit(enough).subquery()
        )
    )
    return (found or 0) >= enough


def _pg_quote(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "") + "'"


# --- schema (used by migrations) --------------------------------------------


def create_indexes(conn: Connection, indexes: Sequence[SearchIndex] = INDEXES) -> None:
    """Create the search indexes and the triggers that keep them current."""
    for index in indexes:
        if conn.dialect.name == "postgresql":
            _create_pg(conn, index)
        else:
            _create_sqlite(conn, index)


def drop_indexes(conn: Connection, indexes: Sequence[SearchIndex] = INDEXES) -> None:
    """Drop what `create_indexes` made."""
    for index in indexes:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f'ALTER TABLE "{index.table}" DROP COLUMN IF EXISTS search_vector'))
        else:
            for suffix in ("ai", "ad", "au"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {index.fts_table}_{suffix}"))
            conn.execute(text(f"DROP TABLE IF EXISTS {index.fts_table}"))


def _create_pg(conn: Connection, index: SearchIndex) -> None:
    parts = " || ".join(
        f"setweight(to_tsvector('danish', coalesce(\"{name}\"::text, '')), '{weight}')"
        for name, weight in index.columns
    )
    conn.execute(
        text(
            f'ALTER TABLE "{index.table}" ADD COLUMN search_vector tsvector '
            f"GENERATED ALWAYS AS ({parts}) STORED"
        )
    )
    conn.execute(
        text(f'CREATE INDEX ix_{index.table}_search ON "{index.table}" USING gin (search_vector)')
    )


def _create_sqlite(conn: Connection, index: SearchIndex) -> None:
    names = [name for name, _ in index.columns]
    cols = ", ".join(f'"{n}"' for n in names)
    new = ", ".join(f'new."{n}"' for n in names)
    old = ", ".join(f'old."{n}"' for n in names)
    fts = index.fts_table
    conn.execute(
        text(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{index.table}', "
            f"content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
        )
    )
    conn.execute(
        text(
            f'CREATE TRIGGER {fts}_ai AFTER INSERT ON "{index.table}" BEGIN '
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
    )
    conn.execute(
        text(
            f'CREATE TRIGGER {fts}_ad AFTER DELETE ON "{index.table}" BEGIN '
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
        )
    )
    conn.execute(
        text(
            f'CREATE TRIGGER {fts}_au AFTER UPDATE ON "{index.table}" BEGIN '
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
    )
    conn.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"))


def is_search_object(name: str | None) -> bool:
    """Tell whether a schema object is made by hand for finding rows (migrations ignore it).

    The search indexes (0002) and the list indexes in sort order (0008, `ix_list_`)."""
    return bool(name) and (
        name == "search_vector"
        or "_fts" in (name or "")
        or (name or "").endswith("_search")
        or (name or "").startswith("ix_list_")
    )


@contextmanager
def indexed_in_bulk(conn: Connection, index: SearchIndex) -> Iterator[None]:
    """Index the rows inserted inside the block in one statement at its end.

    On SQLite the per-row insert trigger costs about five times the bulk statement for
    tens of thousands of rows, so it is dropped for the block (inside the caller's
    transaction) and created again as it was. PostgreSQL's generated column needs nothing."""
    if conn.dialect.name != "sqlite":
        yield
        return
    trigger = f"{index.fts_table}_ai"
    definition = conn.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
        {"name": trigger},
    ).scalar()
    last = conn.execute(text(f'SELECT coalesce(max(id), 0) FROM "{index.table}"')).scalar()
    if not definition:  # someone else keeps this index current: leave it to them
        yield
        return
    conn.execute(text(f"DROP TRIGGER {trigger}"))
    yield
    cols = ", ".join(f'"{name}"' for name, _ in index.columns)
    conn.execute(
        text(
            f"INSERT INTO {index.fts_table}(rowid, {cols}) "
            f'SELECT id, {cols} FROM "{index.table}" WHERE id > :last'
        ),
        {"last": last},
    )
    conn.execute(text(definition))
