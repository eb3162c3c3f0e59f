"""the default coding scheme as data, so no page has to create it on a GET

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Inserts the default scheme ("standard") and whichever of its dimensions and codes are
missing, and points harvests that name no scheme at it. The rows are written out here
as they stand at this revision (not read from harvest.coding), so the migration keeps
doing the same thing when the code moves on. The labels are English msgids the web
layer translates. Downgrading leaves the rows: outcomes may be coded with them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SLUG = "standard"
NAME = "Standard coding scheme"
DESCRIPTION = "The coding scheme Brobyg starts with, after DESIGN.md."
DIMENSIONS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "type_of_change",
        "Type of change",
        [
            ("practice", "Practice"),
            ("relationship", "Relationship or collaboration"),
            ("policy", "Policy or procedure"),
            ("discourse", "Discourse or understanding"),
            ("resources", "Resources"),
            ("participation", "Participation: from receiver to participant"),
        ],
    ),
    ("intended", "Intended", [("intended", "Intended"), ("unintended", "Unintended")]),
    ("positive", "Positive", [("positive", "Positive"), ("negative", "Negative")]),
    (
        "significance_rating",
        "Significance",
        [("high", "High"), ("medium", "Medium"), ("low", "Low")],
    ),
    (
        "contribution_level",
        "Contribution",
        [("direct", "Direct"), ("partial", "Partial"), ("indirect", "Indirect")],
    ),
    (
        "social_capital_form",
        "Form of social capital",
        [("bonding", "Bonding"), ("bridging", "Bridging"), ("linking", "Linking")],
    ),
    (
        "recovery_domain",
        "Recovery-oriented practice domain",
        [
            ("citizenship", "Citizenship"),
            ("organisational_commitment", "Organisational commitment"),
            ("personally_defined_recovery", "Personally defined recovery"),
            ("working_relationships", "Working relationships"),
        ],
    ),
]

scheme_table = sa.table(
    "codingscheme",
    sa.column("id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
)
dimension_table = sa.table(
    "codedimension",
    sa.column("id", sa.Integer),
    sa.column("scheme_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("label", sa.String),
    sa.column("multiple", sa.Boolean),
    sa.column("position", sa.Integer),
)
code_table = sa.table(
    "code",
    sa.column("id", sa.Integer),
    sa.column("dimension_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("label", sa.String),
    sa.column("position", sa.Integer),
)
harvest_table = sa.table(
    "harvest", sa.column("id", sa.Integer), sa.column("coding_scheme_id", sa.Integer)
)


def seed(connection: sa.Connection) -> None:
    """Insert the default scheme and its missing dimensions and codes; change nothing else."""
    scheme_id = connection.scalar(sa.select(scheme_table.c.id).where(scheme_table.c.slug == SLUG))
    if scheme_id is None:
        scheme_id = connection.scalar(
            sa.insert(scheme_table)
            .values(version=1, slug=SLUG, name=NAME, description=DESCRIPTION)
            .returning(scheme_table.c.id)
        )
    for position, (key, label, codes) in enumerate(DIMENSIONS):
        dimension_id = connection.scalar(
            sa.select(dimension_table.c.id).where(
                dimension_table.c.scheme_id == scheme_id, dimension_table.c.key == key
            )
        )
        if dimension_id is None:
            dimension_id = connection.scalar(
                sa.insert(dimension_table)
                .values(
                    scheme_id=scheme_id, key=key, label=label, multiple=False, position=position
                )
                .returning(dimension_table.c.id)
            )
        existing = set(
            connection.scalars(
                sa.select(code_table.c.key).where(code_table.c.dimension_id == dimension_id)
            )
        )
        for code_position, (code_key, code_label) in enumerate(codes):
            if code_key not in existing:
                connection.execute(
                    sa.insert(code_table).values(
                        dimension_id=dimension_id,
                        key=code_key,
                        label=code_label,
                        position=code_position,
                    )
                )
    connection.execute(
        sa.update(harvest_table)
        .where(harvest_table.c.coding_scheme_id.is_(None))
        .values(coding_scheme_id=scheme_id)
    )


def upgrade() -> None:
    seed(op.get_bind())


def downgrade() -> None:
    """Keep the default scheme: outcomes coded with it would lose their codes otherwise."""
