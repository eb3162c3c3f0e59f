"""Full-text search over outcomes and actors, on SQLite (FTS5) and PostgreSQL (tsvector).

SQLite has no Danish stemmer, so every word is matched as a prefix ("forening"
finds "foreningen", "foreningerne"); PostgreSQL stems with the `danish`
configuration and matches prefixes too. Both fold case, keep æ, ø and å, and rank
the best matches first (title and name weigh most). The indexes and the triggers
that keep them current are created by migration 0002. Must not import `app` or Flask.

`ranked_ids` keeps a search fast at any hit count: the match, the filters and a LIMIT
run in one query that walks the matches newest first and stops after `enough` rows, and
only those rows are ranked. Up to `enough` hits the ranking is exact; above it the
newest `enough` matches are ranked and the caller says "more than".
"""

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchIndex:
    """A searchable table: its columns, most important first, with their weights (A-D)."""

    table: str
    columns: tuple[tuple[str, str], ...]

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
        ("opening_hours", "D"),
    ),
)
ACTORS_0002 = SearchIndex("actor", ACTORS.columns[:6])  # as migration 0002 made it
INDEXES = (OUTCOMES, ACTORS)
_SQLITE_WEIGHTS = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}
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
) -> list[int] | None:
    """Return the ids of at most `enough` rows of `statement` matching `query`, best first.

    `statement` selects from `index`'s table with its filters; `order` breaks ties in rank.
    The match walks newest first (highest id) and stops at `enough` qualifying rows, so the
    work is bounded by `enough` whatever the hit count; only those rows are ranked. None
    when `query` has no words."""
    terms = words(query)
    if not terms:
        return None
    table_id: ColumnElement[int] = literal_column(f'"{index.table}".id')
    if session.get_bind().dialect.name == "postgresql":
        tsquery = func.to_tsquery("danish", " & ".join(f"{_pg_quote(t)}:*" for t in terms))
        vector: ColumnElement[str] = literal_column(f'"{index.table}".search_vector')
        score: ColumnElement[float] = -func.ts_rank(vector, tsquery)
        matching = statement.where(vector.op("@@")(tsquery))
    else:
        fts = table(index.fts_table, column("rowid"))
        weights = ", ".join(str(_SQLITE_WEIGHTS[w]) for _, w in index.columns)
        score = literal_column(f"bm25({index.fts_table}, {weights})")
        expression = " AND ".join(f'"{t}"*' for t in terms)
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
