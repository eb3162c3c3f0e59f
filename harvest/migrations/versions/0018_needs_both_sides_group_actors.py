"""information needs say who asks and about whom; actors' membership of a group over time

Every existing need becomes a citizens' need (what `/behov` recorded until now).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("informationneed", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("note_answers", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("asker", sa.String(length=16), nullable=False, server_default="citizens")
        )
        batch_op.add_column(sa.Column("about_actor_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "about_kind",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "about_sector",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "about",
                sqlmodel.sql.sqltypes.AutoString(length=300),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_foreign_key(
            "fk_informationneed_about_actor_id_actor", "actor", ["about_actor_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_informationneed_asker"), ["asker"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_informationneed_about_actor_id"), ["about_actor_id"], unique=False
        )
    # The defaults filled the existing rows; new rows get theirs from the models.
    with op.batch_alter_table("informationneed", schema=None) as batch_op:
        for name in ("note_answers", "asker", "about_kind", "about_sector", "about"):
            batch_op.alter_column(name, server_default=None)

    op.create_table(
        "groupactor",
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("invited", sa.Date(), nullable=True),
        sa.Column("joined", sa.Date(), nullable=True),
        sa.Column("left", sa.Date(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["actor.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["group_id"], ["implementationgroup.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "actor_id", name="uq_group_actor"),
    )
    with op.batch_alter_table("groupactor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_groupactor_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_groupactor_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_groupactor_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("groupactor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_groupactor_updated_at"))
        batch_op.drop_index(batch_op.f("ix_groupactor_group_id"))
        batch_op.drop_index(batch_op.f("ix_groupactor_actor_id"))
    op.drop_table("groupactor")
    with op.batch_alter_table("informationneed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_informationneed_about_actor_id"))
        batch_op.drop_index(batch_op.f("ix_informationneed_asker"))
        batch_op.drop_constraint("fk_informationneed_about_actor_id_actor", type_="foreignkey")
        for name in (
            "about",
            "about_sector",
            "about_kind",
            "about_actor_id",
            "asker",
            "note_answers",
        ):
            batch_op.drop_column(name)
