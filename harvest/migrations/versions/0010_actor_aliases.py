"""actor aliases: the names an imported spreadsheet used for actors, remembered

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actoralias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["actor.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key", "municipality_id", name="uq_actor_alias_name_place"),
    )
    with op.batch_alter_table("actoralias") as batch:
        batch.create_index(batch.f("ix_actoralias_actor_id"), ["actor_id"], unique=False)
        batch.create_index(
            batch.f("ix_actoralias_municipality_id"), ["municipality_id"], unique=False
        )
        batch.create_index(batch.f("ix_actoralias_name_key"), ["name_key"], unique=False)


def downgrade() -> None:
    op.drop_table("actoralias")
