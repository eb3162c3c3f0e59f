"""substantiation answers know the outcome version they were given on

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("substantiation") as batch:
        batch.add_column(sa.Column("outcome_version", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("superseded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("substantiation") as batch:
        batch.drop_column("superseded_at")
        batch.drop_column("outcome_version")
