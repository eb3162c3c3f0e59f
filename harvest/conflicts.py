"""Merging two edits of one record: what you changed, what the other person changed, and
where you both changed the same field.

A three-way merge of flat field values: the version both edits started from (read from
the change history), the one saved meanwhile, and the one just submitted. What only the
other person changed is kept, what only you changed is kept, and a field you both changed
differently is a clash that keeps your text and shows theirs beside it.
Must not import `app` or Flask.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from harvest.models import ChangeRecord


def _same(value: Any) -> Any:
    """Return `value` in a form where equal meanings compare equal (blank, order, spacing)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted(str(_same(v)) for v in value))
    if isinstance(value, bool):
        return "y" if value else ""
    if isinstance(value, str):
        return " ".join(value.split())
    return str(value)


@dataclass(frozen=True)
class FieldMerge:
    """One field of a merge."""

    name: str
    base: Any
    mine: Any
    theirs: Any
    merged: Any
    base_known: bool

    @property
    def they_changed(self) -> bool:
        return not self.base_known or _same(self.base) != _same(self.theirs)

    @property
    def i_changed(self) -> bool:
        return not self.base_known or _same(self.base) != _same(self.mine)

    @property
    def clash(self) -> bool:
        """Tell whether both changed the field, to different values."""
        return self.they_changed and self.i_changed and _same(self.mine) != _same(self.theirs)

    @property
    def taken_from_them(self) -> bool:
        """Tell whether the merge keeps the other person's change of this field."""
        return self.base_known and self.they_changed and not self.i_changed


@dataclass(frozen=True)
class Merge:
    """The merge of two edits, field by field."""

    fields: list[FieldMerge]
    base_known: bool

    @property
    def values(self) -> dict[str, Any]:
        return {f.name: f.merged for f in self.fields}

    @property
    def clashes(self) -> list[str]:
        return [f.name for f in self.fields if f.clash]

    @property
    def taken_from_them(self) -> list[str]:
        return [f.name for f in self.fields if f.taken_from_them]


def merge(
    mine: dict[str, Any],
    theirs: dict[str, Any],
    base: dict[str, Any] | None,
    names: Sequence[str],
) -> Merge:
    """Merge `mine` into `theirs` (saved meanwhile) given the `base` both started from.

    Without a known base every differing field counts as a clash and keeps your value."""
    fields = []
    for name in names:
        m, t = mine.get(name), theirs.get(name)
        b = base.get(name) if base is not None else None
        # Only they changed it (or nobody did): theirs; you changed it: yours, never lost.
        merged = t if base is not None and _same(m) == _same(b) else m
        fields.append(FieldMerge(name, b, m, t, merged, base is not None))
    return Merge(fields, base is not None)


def state_at(
    session: Session, entity: str, entity_id: int | str, version: int
) -> dict[str, Any] | None:
    """Return a record as it was at `version`, from the change history (None: not recorded)."""
    query = (
        select(ChangeRecord)
        .where(col(ChangeRecord.entity) == entity, col(ChangeRecord.entity_id) == str(entity_id))
        .order_by(col(ChangeRecord.id).desc())
    )
    for record in session.scalars(query):
        after = record.after or {}
        if after.get("version") == version:
            return after
    return None
