"""substantiation requests remember the substantiator's language and their one reminder

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("substantiation") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="da")
        )
        batch.add_column(
            sa.Column("reminded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("substantiation") as batch:
        batch.drop_column("reminded_at")
        batch.drop_column("language")
