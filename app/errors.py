"""Error pages and JSON errors: domain errors become the right status, never a 500."""

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from app.database import discard
from app.i18n import error_text, field_errors
from app.operations import request_id
from harvest.errors import BrobygError, NotFound, PermissionDenied, StaleVersion, ValidationFailed


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _json(status: int, body: dict[str, Any]) -> tuple[Response, int]:
    return jsonify(body), status


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        status = error.code or 500
        titles = {
            400: _("The request could not be understood"),
            403: _("You do not have access"),
            404: _("Page not found"),
            405: _("That is not possible here"),
            413: _("The file is too large"),
            429: _("Too many attempts"),
        }
        messages = {
            404: _("We could not find the page. Check the address, or start from the front page."),
            403: _("Your account does not give access to this page."),
            413: _(
                "What you sent is larger than Brobyg accepts (at most %(mb)s MB). "
                "Send a smaller file.",
                mb=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
            ),
            429: _(
                "There have been too many attempts in a short time. "
                "Please wait a few minutes and try again."
            ),
        }
        title = titles.get(status, error.name)
        message = messages.get(status, _("Please go back and try again."))
        if _wants_json():
            return _json(status, {"error": title})
        return _page(status, title, message)

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> Any:
        message = _("The form had expired or did not come from Brobyg. Please try again.")
        if _wants_json():
            return _json(400, {"error": message})
        return _page(400, _("The form could not be sent"), message)

    @app.errorhandler(BrobygError)
    def _domain(error: BrobygError) -> Any:
        discard()
        if isinstance(error, ValidationFailed):
            status = 422
        elif isinstance(error, StaleVersion):
            status = 409
        elif isinstance(error, NotFound):
            status = 404
        elif isinstance(error, PermissionDenied):
            status = 403
        else:
            status = 400
        if _wants_json():
            if isinstance(error, ValidationFailed):
                return _json(status, {"errors": field_errors(error)})
            return _json(status, {"error": error_text(error)})
        return _page(status, _("That did not work"), error_text(error))

    @app.errorhandler(SQLAlchemyError)
    def _database(_error: SQLAlchemyError) -> Any:
        discard()
        app.logger.exception("database error")
        message = _("The database could not complete the request. Please try again in a moment.")
        if _wants_json():
            return _json(503, {"error": message})
        return _page(503, _("The database is busy"), message)

    @app.errorhandler(Exception)
    def _unexpected(_error: Exception) -> Any:
        discard()
        app.logger.exception("unexpected error")
        message = _("Something went wrong on our side. Nothing you entered was saved.")
        if _wants_json():
            return _json(500, {"error": message, "request_id": request_id()})
        return _page(500, _("Something went wrong"), message)
