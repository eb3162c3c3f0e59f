"""Reading API requests and shaping list answers: query strings, JSON bodies, pages.

Bad input becomes `ValidationFailed` (422) or a 400, never an exception that reaches 500.
"""

from typing import Any, NoReturn, TypeVar
from urllib.parse import urlencode

from flask import abort, current_app, jsonify, make_response, request
from flask_babel import gettext as _
from pydantic import BaseModel
from sqlmodel import Session

from app import links
from app.api.serialize import serialize_any, serialize_many
from harvest import public
from harvest.errors import N_, ValidationFailed
from harvest.listing import MAX_ID
from harvest.schemas import SURROGATE, readable, validate
from harvest.search import Page

Q = TypeVar("Q", bound=BaseModel)
LIST_PARAMS = frozenset({"status"})
MAX_DEPTH = 20


def query(schema: type[Q]) -> Q:
    """Validate the query string against `schema`; empty values count as not given."""
    data: dict[str, Any] = {}
    for key in request.args:
        values = [v for v in request.args.getlist(key) if v.strip()]
        if values:
            data[key] = values if key in LIST_PARAMS else values[-1]
    return validate(schema, data)


def _bad_value(value: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > MAX_ID
    if isinstance(value, float):
        return value != value or abs(value) > MAX_ID  # NaN or out of range
    if isinstance(value, str):
        return not readable(value)
    if isinstance(value, list):
        return any(_bad_value(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return any(not readable(key) or _bad_value(item, depth + 1) for key, item in value.items())
    return False


def _field(key: str) -> str:
    """Return `key` as it can be named in an answer: lone surrogates become U+FFFD."""
    return SURROGATE.sub("\ufffd", key)


def _refuse(message: str) -> NoReturn:
    abort(make_response(jsonify({"error": message}), 400))


def body(resource: str, operation: str) -> dict[str, Any]:
    """Return the request's JSON object for a create or update of `resource`; anything else
    answers 400, odd values and unknown fields 422.

    Odd values are NUL bytes and lone surrogates in any string or key, numbers past the
    ids' range, and nesting deeper than `MAX_DEPTH`. The known fields are those of the
    body's model in `harvest.public.BODIES`, as the OpenAPI document shows them."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # json.loads gives up on very deep nesting
        _refuse(_("The JSON is nested too deeply."))
    if not isinstance(data, dict):
        _refuse(_("Send a JSON object."))
    invalid: tuple[str, dict[str, Any]] = (N_("This value is not valid."), {})
    problems = {
        _field(key): invalid
        for key, value in data.items()
        if not readable(key) or _bad_value(value)
    }
    known = public.body_fields(resource, operation)
    unknown: tuple[str, dict[str, Any]] = (N_("Unknown field; this request does not take it."), {})
    for key in data:
        if key not in known:
            problems.setdefault(_field(key), unknown)
    if problems:
        raise ValidationFailed(problems)
    return data


def version(data: dict[str, Any]) -> int:
    """Return the `version` the client read, or raise `ValidationFailed`."""
    value = data.get("version")
    if value is None:
        raise ValidationFailed({"version": (N_("This field is required."), {})})
    if isinstance(value, float) and value.is_integer():  # JSON's 3.0 is the integer 3
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed({"version": (N_("Enter a whole number."), {})})
    return value


def flag(data: dict[str, Any], key: str) -> bool:
    """Return a yes/no field of the body (absent: no)."""
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ValidationFailed({key: (N_("Answer yes or no."), {})})
    return value


def _next_url(page: Page[Any]) -> str | None:
    if not page.has_next:
        return None
    params = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    params.append(("page", str(page.page + 1)))
    # The base URL when set: behind a TLS proxy the request's own address may say http://.
    here = request.base_url
    if current_app.config.get("BASE_URL"):
        here = links.base_url() + request.path
    return f"{here}?{urlencode(params)}"


def page_answer(session: Session, page: Page[Any]) -> Any:
    """Answer a list: its items, how many in all, and the address of the next page."""
    return jsonify(
        {
            "items": serialize_many(session, page.items),
            "total": page.total,
            "next": _next_url(page),
            "total_is_lower_bound": page.more,
        }
    )


def record_answer(session: Session, record: Any, status: int = 200) -> Any:
    """Answer one record."""
    return jsonify(serialize_any(session, record)), status
