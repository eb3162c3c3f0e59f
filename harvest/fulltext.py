"""Full-text search over outcomes and actors, on SQLite (FTS5) and PostgreSQL (tsvector).

SQLite has no Danish stemmer, so every word is matched as a prefix ("forening"
finds "foreningen", "foreningerne"); PostgreSQL stems with the `danish`
configuration and matches prefixes too. Both fold case, keep æ, ø and å, and rank
the best matches first (title and name weigh most). The indexes and the triggers
that keep them current are created by migration 0002. Must not import `app` or Flask.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

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
    ),
)
INDEXES = (OUTCOMES, ACTORS)
_SQLITE_WEIGHTS = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}


def words(query: str) -> list[str]:
    """Split a search query into lowercase words (letters, digits, æ, ø, å)."""
    return [w.lower() for w in _WORD.findall(query or "")][:12]


S = TypeVar("S", bound=Select[Any])


def search(
    session: Session, index: SearchIndex, query: str, statement: S
) -> tuple[S, ColumnElement[float]] | None:
    """Narrow `statement` (a select of `index`'s table) to the rows matching `query`.

    Return it with the rank to order by ascending, or None when `query` has no words. The
    match runs once: on SQLite the ranked FTS5 rows are joined (not looked up per row, which
    made a common word quadratic), on PostgreSQL the indexed `tsvector` is filtered."""
    terms = words(query)
    if not terms:
        return None
    table_id: ColumnElement[int] = literal_column(f'"{index.table}".id')
    if session.get_bind().dialect.name == "postgresql":
        tsquery = func.to_tsquery("danish", " & ".join(f"{_pg_quote(t)}:*" for t in terms))
        vector: ColumnElement[str] = literal_column(f'"{index.table}".search_vector')
        return statement.where(vector.op("@@")(tsquery)), -func.ts_rank(vector, tsquery)
    fts = table(index.fts_table, column("rowid"))
    expression = " AND ".join(f'"{t}"*' for t in terms)
    weights = ", ".join(str(_SQLITE_WEIGHTS[w]) for _, w in index.columns)
    ranked = (
        select(fts.c.rowid, literal_column(f"bm25({index.fts_table}, {weights})").label("score"))
        .where(literal_column(index.fts_table).op("MATCH")(expression))
        .subquery("ranked")
    )
    return statement.join(ranked, ranked.c.rowid == table_id), ranked.c.score


def _pg_quote(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "") + "'"


# --- schema (used by migrations) --------------------------------------------


def create_indexes(conn: Connection) -> None:
    """Create the search indexes and the triggers that keep them current."""
    for index in INDEXES:
        if conn.dialect.name == "postgresql":
            _create_pg(conn, index)
        else:
            _create_sqlite(conn, index)


def drop_indexes(conn: Connection) -> None:
    """Drop what `create_indexes` made."""
    for index in INDEXES:
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
    """Tell whether a schema object belongs to the search indexes (migrations ignore them)."""
    return bool(name) and (
        name == "search_vector" or "_fts" in (name or "") or (name or "").endswith("_search")
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
