"""Alembic environment: migrates the database whose connection `harvest.db.upgrade` passes."""

from alembic import context
from sqlmodel import SQLModel

from harvest import models  # noqa: F401 - registers every table
from harvest.fulltext import is_search_object

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from harvest.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as connection:
            _run(connection)
    else:
        _run(connection)


def _include(
    obj: object, name: str | None, type_: str, reflected: bool, _compare_to: object
) -> bool:
    """Leave the full-text search objects (made by hand in 0002) out of autogenerate."""
    return not (reflected and is_search_object(name))


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=_include,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
