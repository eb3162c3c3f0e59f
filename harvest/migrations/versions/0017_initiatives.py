"""the implementation group's initiatives (prøvehandlinger): kinds, needs, actors, evaluation
rounds, and the initiatives an outcome's contribution names

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02

Seeds the default kinds of initiative as they stand at this revision (Danish and English
labels); administrators and evaluators edit the list afterwards. Downgrading drops it all.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = [
    ("information_material", "Informationsmateriale", "Information material"),
    ("joint_activity", "Fælles aktivitet", "Joint activity"),
    ("introduction_visit", "Introduktionsbesøg", "Introduction visit"),
    ("shared_contact_person", "Fælles kontaktperson", "Shared contact person"),
    ("referral_routine", "Henvisningsrutine", "Referral routine"),
    ("volunteer_training", "Frivilligtræning", "Volunteer training"),
]


def upgrade() -> None:
    op.create_table(
        "initiativekind",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label_da", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("label_en", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    kinds = sa.table(
        "initiativekind",
        sa.column("key", sa.String),
        sa.column("label_da", sa.String),
        sa.column("label_en", sa.String),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(
        kinds,
        [
            {"key": key, "label_da": da, "label_en": en, "position": n}
            for n, (key, da, en) in enumerate(KINDS, start=1)
        ],
    )
    op.create_table(
        "initiative",
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("done", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(["group_id"], ["implementationgroup.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["kind_id"], ["initiativekind.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
    )
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiative_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiative_kind_id"), ["kind_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_initiative_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_initiative_start"), ["start"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiative_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiative_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "evaluationround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("worked", sa.Text(), nullable=False),
        sa.Column("did_not_work", sa.Text(), nullable=False),
        sa.Column("adjust", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluationround", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluationround_initiative_id"), ["initiative_id"], unique=False
        )

    op.create_table(
        "initiativeactor",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actor.id"],
        ),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("initiative_id", "actor_id"),
    )
    with op.batch_alter_table("initiativeactor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiativeactor_actor_id"), ["actor_id"], unique=False)

    op.create_table(
        "initiativeneed",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["need_id"], ["informationneed.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("initiative_id", "need_id"),
    )
    with op.batch_alter_table("initiativeneed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiativeneed_need_id"), ["need_id"], unique=False)

    op.create_table(
        "outcomeinitiative",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outcome_id"], ["outcome.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("outcome_id", "initiative_id"),
    )
    with op.batch_alter_table("outcomeinitiative", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcomeinitiative_initiative_id"), ["initiative_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outcomeinitiative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcomeinitiative_initiative_id"))

    op.drop_table("outcomeinitiative")
    with op.batch_alter_table("initiativeneed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiativeneed_need_id"))

    op.drop_table("initiativeneed")
    with op.batch_alter_table("initiativeactor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiativeactor_actor_id"))

    op.drop_table("initiativeactor")
    with op.batch_alter_table("evaluationround", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluationround_initiative_id"))

    op.drop_table("evaluationround")
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_updated_at"))
        batch_op.drop_index(batch_op.f("ix_initiative_status"))
        batch_op.drop_index(batch_op.f("ix_initiative_start"))
        batch_op.drop_index(batch_op.f("ix_initiative_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_initiative_kind_id"))
        batch_op.drop_index(batch_op.f("ix_initiative_group_id"))

    op.drop_table("initiative")
    op.drop_table("initiativekind")
