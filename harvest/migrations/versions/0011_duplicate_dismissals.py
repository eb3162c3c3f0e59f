"""possible duplicates: pairs judged "not a duplicate", outcomes by harvest and changed actor

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicatedismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("outcome_id < other_id", name="ck_duplicate_dismissal_order"),
        sa.ForeignKeyConstraint(["outcome_id"], ["outcome.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_id"], ["outcome.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("outcome_id", "other_id", name="uq_duplicate_dismissal"),
    )
    with op.batch_alter_table("duplicatedismissal") as batch:
        batch.create_index(batch.f("ix_duplicatedismissal_other_id"), ["other_id"], unique=False)
    with op.batch_alter_table("outcome") as batch:
        batch.create_index(
            "ix_outcome_harvest_actor", ["harvest_id", "changed_actor_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outcome") as batch:
        batch.drop_index("ix_outcome_harvest_actor")
    op.drop_table("duplicatedismissal")
