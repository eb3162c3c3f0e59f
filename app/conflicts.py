"""The one conflict page of Brobyg: a save based on an old version shows both versions,
keeps what the other person changed that you did not, marks what you both changed, and
keeps everything you typed. Used for every editable record."""

from collections.abc import Callable, Sequence
from typing import Any

from flask import render_template
from flask_wtf import FlaskForm
from sqlmodel import SQLModel

from app.database import db
from harvest import conflicts
from harvest.records import state_of

FormValues = Callable[[dict[str, Any]], dict[str, Any]]


def _shown(field: Any, value: Any) -> str:
    """Return a field's value as the person reads it: option labels rather than keys."""
    if callable(getattr(field, "shown", None)):  # a picker: ids shown as names
        return str(field.shown(value))
    choices = getattr(field, "choices", None)
    values = value if isinstance(value, list | tuple) else [value]
    if choices:
        labels = {str(c[0]): str(c[1]) for c in choices if isinstance(c, tuple | list)}
        return "; ".join(labels.get(str(v), str(v)) for v in values if v not in (None, ""))
    return "; ".join(str(v) for v in values if v not in (None, ""))


def form_data(form: FlaskForm, names: Sequence[str]) -> dict[str, Any]:
    """Return what the person submitted in the fields `names`."""
    return {name: form[name].data for name in names}


def conflict_page(
    form: FlaskForm,
    record: SQLModel,
    read_version: int,
    to_form: FormValues,
    names: Sequence[str],
    *,
    action: str,
    what: str,
    mine: dict[str, Any] | None = None,
) -> tuple[str, int]:
    """Render the merge of the submitted `form` with `record` as saved meanwhile (409).

    `to_form` turns the record's state (`harvest.records.state_of`) into the form's
    values; the same function fills the edit form, so both compare like with like."""
    session = db()
    entity = record.__table__.name  # type: ignore[attr-defined]
    theirs = to_form(state_of(session, record))
    base_state = conflicts.state_at(session, entity, record.id, read_version)  # type: ignore[attr-defined]
    base = to_form(base_state) if base_state is not None else None
    mine = mine if mine is not None else form_data(form, names)
    result = conflicts.merge(mine, theirs, base, names)
    for item in result.fields:
        form[item.name].data = item.merged
    form["version"].data = str(record.version)  # type: ignore[attr-defined]
    rows = [
        {
            "field": form[item.name],
            "mine": _shown(form[item.name], item.mine),
            "theirs": _shown(form[item.name], item.theirs),
            "clash": item.clash,
            "kept_theirs": item.taken_from_them,
        }
        for item in result.fields
        if item.clash or item.taken_from_them or (not result.base_known and item.they_changed)
    ]
    return render_template(
        "conflicts/conflict.html",
        form=form,
        rows=rows,
        merge=result,
        names=names,
        action=action,
        what=what,
        version=record.version,  # type: ignore[attr-defined]
    ), 409
