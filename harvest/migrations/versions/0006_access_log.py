"""the audit log of access: who viewed, searched or exported what, and when

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-15
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accessrecord",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(80), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_accessrecord_at", "accessrecord", ["at"])
    op.create_index("ix_accessrecord_user_id", "accessrecord", ["user_id"])
    op.create_index("ix_accessrecord_action", "accessrecord", ["action"])
    op.create_index("ix_accessrecord_entity", "accessrecord", ["entity", "entity_id"])


def downgrade() -> None:
    op.drop_table("accessrecord")
