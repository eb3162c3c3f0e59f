"""Languages: Danish by default, English on request; translation of domain messages."""

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from babel import support
from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale, gettext
from flask_babel import lazy_gettext as _l

from harvest.errors import BrobygError, ValidationFailed
from network import styles


def select_locale() -> str:
    """Pick ?lang=, else the language remembered in the session, else the browser's, else Danish."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in languages:
        return remembered
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def language_url(code: str) -> str:
    """Return this page's local address in language `code`, its query (the filters) kept.

    Only the path and query of the request go in, with leading slashes and backslashes
    folded into one, so the link never leads off the site (`//host` is another site)."""
    path = "/" + request.path.lstrip("/\\")
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{quote(path)}?{urlencode([*query, ('lang', code)])}"


def cli_locale() -> str:
    """Pick the CLI's language from BROBYG_LANG or LANG; Danish unless English is asked for."""
    wanted = (os.environ.get("BROBYG_LANG") or os.environ.get("LANG") or "da").lower()
    return "en" if wanted.startswith("en") else "da"


def translate(message: str, params: dict[str, Any] | None = None) -> str:
    """Translate a domain msgid and fill in its parameters."""
    return gettext(message, **(params or {}))


def error_text(error: BrobygError) -> str:
    """Return a domain error as one translated line."""
    if isinstance(error, ValidationFailed):
        return "; ".join(
            f"{field}: {translate(msg, params)}" for field, (msg, params) in error.errors.items()
        )
    return translate(error.message, error.params)


def field_errors(error: ValidationFailed) -> dict[str, str]:
    """Return a validation error's messages per field, translated."""
    return {field: translate(msg, params) for field, (msg, params) in error.errors.items()}


def show_errors(form: Any, error: ValidationFailed, whole_form: str | None = None) -> None:
    """Put a validation error's translated messages on the form's fields; messages about
    no field (or `__all__`) go to `whole_form`'s field if given, else above the form."""
    for name, message in field_errors(error).items():
        if name == "__all__" and whole_form:
            name = whole_form
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), message]
        else:
            form.form_errors.append(message)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the template helpers for languages."""
    Babel(app, locale_selector=select_locale)

    @app.context_processor
    def _languages() -> dict[str, Any]:
        return {
            "current_language": str(get_locale() or "da"),
            "languages": app.config["LANGUAGES"],
            "language_url": language_url,
        }

    app.jinja_env.filters["t"] = lambda msgid: gettext(msgid) if msgid else ""
    register_labels(app)


ROLE_LABELS = {
    "admin": _l("Administrator"),
    "evaluator": _l("Evaluator"),
    "member": _l("Implementation-group member"),
    "staff": _l("Staff"),
}
# the forms' names are defined with their styles (network/styles.py)
FORM_LABELS = {style.code: _l(style.label) for style in styles.FORMS}


def register_labels(app: Flask) -> None:
    """Add the filters that turn stored codes into translated labels."""
    app.jinja_env.filters["role_label"] = lambda code: ROLE_LABELS.get(code, code)
    app.jinja_env.filters["form_label"] = lambda code: FORM_LABELS.get(code, code)


@functools.cache
def catalogues() -> tuple[Callable[[str], str], ...]:
    """Return each language's gettext (from the compiled catalogues, no request needed), so
    a spreadsheet's labels are read in any language Brobyg speaks."""
    folder = Path(__file__).parent / "translations"
    return tuple(
        support.Translations.load(str(folder), [language]).gettext for language in ("da", "en")
    )
