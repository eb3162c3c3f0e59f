"""what a social worker needs to send a citizen to an actor: contact person, first visit, cost, when the entry was last checked; the actor search index
reads the new text too

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from harvest import fulltext

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    fulltext.drop_indexes(op.get_bind(), (fulltext.ACTORS_0002,))
    with op.batch_alter_table("actor", schema=None) as batch_op:
        text = sqlmodel.sql.sqltypes.AutoString
        batch_op.add_column(
            sa.Column("contact_person", text(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("first_visit", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("first_visit_facts", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("cost", text(length=300), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("free_of_charge", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("last_checked", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_actor_free_of_charge"), ["free_of_charge"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_actor_last_checked"), ["last_checked"], unique=False)
    fulltext.create_indexes(op.get_bind(), (fulltext.ACTORS,))


def downgrade() -> None:
    fulltext.drop_indexes(op.get_bind(), (fulltext.ACTORS,))
    with op.batch_alter_table("actor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_last_checked"))
        batch_op.drop_index(batch_op.f("ix_actor_free_of_charge"))
        for name in (
            "last_checked",
            "free_of_charge",
            "cost",
            "first_visit_facts",
            "first_visit",
            "contact_person",
        ):
            batch_op.drop_column(name)
    fulltext.create_indexes(op.get_bind(), (fulltext.ACTORS_0002,))
