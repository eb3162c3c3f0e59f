"""the evaluator's interpretation: answers to the useable questions and their outcomes

Revision ID: 0012
Revises: 0011
Create Date: 2027-03-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "interpretation",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("harvest_id", sa.Integer(), nullable=False),
        sa.Column("overall", sa.Text(), nullable=False),
        sa.Column("publish", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["harvest_id"], ["harvest.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("harvest_id"),
    )
    with op.batch_alter_table("interpretation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interpretation_updated_at"), ["updated_at"], unique=False
        )
    op.create_table(
        "questionanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interpretation_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["interpretation_id"], ["interpretation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["harvestquestion.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("interpretation_id", "question_id", name="uq_answer_question"),
    )
    with op.batch_alter_table("questionanswer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questionanswer_interpretation_id"), ["interpretation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_questionanswer_question_id"), ["question_id"], unique=False
        )
    op.create_table(
        "answeroutcome",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["questionanswer.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outcome_id"], ["outcome.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("answer_id", "outcome_id"),
    )
    with op.batch_alter_table("answeroutcome", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_answeroutcome_outcome_id"), ["outcome_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("answeroutcome")
    op.drop_table("questionanswer")
    op.drop_table("interpretation")
