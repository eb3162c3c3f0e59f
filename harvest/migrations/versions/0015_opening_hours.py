"""opening hours as rows on the actor, and actors' lists stored as typed for the search

`actor.opening_hours` holds rows of weekday, from and to (see `harvest.opening_hours`).
Actors had no field of free-text hours to convert: the accessibility notes "åbent
hverdage" and "aftenåbent" name no times, so they stay notes and the hours start empty.

The JSON lists (activities, target groups, accessibility notes) were stored with
letters escaped (`g\\u00e5ture`), which the search indexes could not find; they are
written again as typed, and the indexes follow (SQLite's update trigger, PostgreSQL's
generated column).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LISTS = ("tags", "target_groups", "accessibility")


def upgrade() -> None:
    op.add_column(
        "actor",
        sa.Column("opening_hours", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    _store_as_typed(op.get_bind())


def _store_as_typed(conn: sa.Connection) -> None:
    """Write the actors' JSON lists again without \\u escapes, only where they hold one."""
    value = "CAST(:typed AS json)" if conn.dialect.name == "postgresql" else ":typed"
    for name in _LISTS:
        stored_text = f'CAST("{name}" AS TEXT)'
        rows = conn.execute(
            sa.text(f"SELECT id, {stored_text} FROM actor WHERE {stored_text} LIKE :u"),  # noqa: S608
            {"u": "%\\u%"},
        ).all()
        for actor_id, stored in rows:
            typed = json.dumps(json.loads(stored), ensure_ascii=False)
            if typed != stored:
                conn.execute(
                    sa.text(f'UPDATE actor SET "{name}" = {value} WHERE id = :id'),  # noqa: S608
                    {"typed": typed, "id": actor_id},
                )


def downgrade() -> None:
    # A plain ALTER (SQLite 3.35+): a batch copy of the table would drop the search triggers.
    op.get_bind().execute(sa.text("ALTER TABLE actor DROP COLUMN opening_hours"))
