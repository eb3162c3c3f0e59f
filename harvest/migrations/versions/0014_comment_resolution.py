"""review comments can be resolved and reopened: who resolved a thread and when

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outcomecomment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("resolved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_foreign_key(
            "fk_outcomecomment_resolved_by_id_user_account",
            "user_account",
            ["resolved_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("outcomecomment", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_outcomecomment_resolved_by_id_user_account", type_="foreignkey"
        )
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("resolved_by_id")
