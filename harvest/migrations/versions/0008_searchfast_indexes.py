"""indexes in the order the lists sort: newest outcomes (all, per harvest), actors by name

Made by hand per database (PostgreSQL needs NULLS LAST and the lower(name) expression,
SQLite puts NULL last in a descending index anyway and sorts names COLLATE NOCASE, see
`harvest.search.folded`), so they are not in the models;
`harvest.fulltext.is_search_object` keeps autogenerate from dropping them (`ix_list_`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEWEST = "when_start DESC NULLS LAST, id DESC"


def _indexes(postgresql: bool) -> dict[str, str]:
    newest = NEWEST if postgresql else "when_start DESC, id DESC"
    made = {
        "ix_list_outcome_newest": f"outcome ({newest})",
        "ix_list_outcome_harvest_newest": f"outcome (harvest_id, {newest})",
    }
    if postgresql:
        made["ix_list_actor_name"] = "actor (lower(name), id)"
    else:  # the order of harvest.search.folded; SQLite cannot reflect lower(name) cleanly
        made["ix_list_actor_name"] = "actor (name COLLATE NOCASE, id)"
        # The directory's facets read only these columns: a narrow index to scan (a
        # PostgreSQL json column has no btree order, and its table scan is cheap there).
        made["ix_list_actor_facets"] = "actor (municipality_id, tags, target_groups, accessibility)"
    return made


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, target in _indexes(postgresql).items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in _indexes(postgresql):
        op.execute(f"DROP INDEX IF EXISTS {name}")
