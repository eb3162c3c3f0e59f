"""What the web layer accepts from a request: ids in URLs, whole numbers, pages and dates
in query strings and forms, and the guard that refuses text Brobyg cannot read or store.

Views and the API call these instead of `int()`, `str.isdigit()` or `date.fromisoformat()`:
`"²".isdigit()` is true but `int("²")` raises, `int("٣")` is 3, and an id past the
database's integer range overflows the driver. A bad id in a URL is a 404, a bad page
number means page 1, NUL bytes, lone surrogates and invalid UTF-8 anywhere answer 400.
"""

import re
from collections.abc import Iterable
from contextlib import suppress
from datetime import date
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, request
from werkzeug.routing import BaseConverter, ValidationError

from harvest.errors import N_, ValidationFailed
from harvest.listing import MAX_PAGE, parse_number
from harvest.schemas import readable

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class IdConverter(BaseConverter):
    """`<int:name>` in a route: ASCII digits within the database's integer range, else 404."""

    regex = r"[0-9]+"  # not \d, which also matches digits of other scripts
    part_isolating = True

    def to_python(self, value: str) -> int:
        """Return the id, or make the route not match (404)."""
        number = parse_number(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        """Return the id as it appears in a URL."""
        return str(int(value))


def int_value(value: str | None, field: str | None = None) -> int | None:
    """Return the whole number `value` spells (ASCII digits, 0 to MAX_ID); empty is None.

    Anything else is None too, or, when `field` is named, `ValidationFailed` for it."""
    if value is None or not value.strip():
        return None
    number = parse_number(value.strip())
    if number is None and field is not None:
        raise ValidationFailed({field: (N_("Enter a whole number."), {})})
    return number


def int_values(values: Iterable[Any]) -> list[int]:
    """Return the ids among `values` (form checkboxes, multiple selects); others are dropped."""
    numbers = (int_value(str(value)) for value in values)
    return [number for number in numbers if number is not None]


def page_arg(name: str = "page") -> int:
    """Return the page number asked for in the query string or form; anything else is page 1."""
    number = parse_number((request.values.get(name) or "").strip(), MAX_PAGE)
    return number or 1


def date_value(value: str | None, field: str | None = None) -> date | None:
    """Return the date `value` spells as YYYY-MM-DD; empty is None.

    Anything else is None too, or, when `field` is named, `ValidationFailed` for it."""
    if value is None or not value.strip():
        return None
    if ISO_DATE.fullmatch(value.strip()):
        with suppress(ValueError):  # a day that does not exist, such as 2025-02-30
            return date.fromisoformat(value.strip())
    if field is not None:
        raise ValidationFailed({field: (N_("Enter a date as YYYY-MM-DD."), {})})
    return None


def _utf8(raw: bytes) -> bool:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return readable(text)


def readable_request() -> bool:
    """Tell whether the request's path, query string, form fields and file names are readable.

    The raw bytes are checked because Werkzeug replaces or re-quotes invalid UTF-8."""
    path = request.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    if not _utf8(path) or not _utf8(unquote_to_bytes(request.query_string)):
        return False
    if request.mimetype == "application/x-www-form-urlencoded":
        body = request.get_data(cache=True)
        return _utf8(unquote_to_bytes(body.replace(b"+", b" ")))
    if request.mimetype == "multipart/form-data":
        texts = [*request.form.keys(), *request.form.values(), *request.files.keys()]
        texts += [upload.filename or "" for upload in request.files.values()]
        return all(readable(text) and "\ufffd" not in text for text in texts)
    return True


def init_app(app: Flask) -> None:
    """Make `<int:…>` routes take ids only; answer 400 to unreadable requests, web and API."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def _refuse_unreadable() -> None:
        if not readable_request():
            abort(400)
