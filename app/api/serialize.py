"""Records as the API shows them, produced from the public models in `harvest.public`.

Field names follow DESIGN.md's spreadsheet, relations are ids or slugs. Holds no SQL."""

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from harvest.public import present, shown


def serialize_any(session: Session, record: Any) -> dict[str, Any]:
    """Show any record the API knows."""
    return shown(session, record)


def serialize_many(session: Session, records: Sequence[Any]) -> list[dict[str, Any]]:
    """Show records of one kind, their related records loaded once for all of them."""
    return [item.model_dump(mode="json") for item in present(session, records)]
