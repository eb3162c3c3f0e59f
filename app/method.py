"""The bridge-building method page: the initiatives by kind, with the outcomes they led to,
the forms of the ties those evidence and the evaluation notes, across municipalities or in
one; printable, and downloadable as Markdown (`?format=md`)."""

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.auth import signed_in_user
from app.database import db
from app.i18n import FORM_LABELS
from harvest import actors, initiatives, method
from harvest.models import Municipality

bp = Blueprint("method", __name__, url_prefix="/metode")


def _language() -> str:
    return str(get_locale() or "da")


def _links() -> method.Links:
    return method.Links(
        initiative=lambda i: url_for("initiatives.detail", initiative_id=i.id, _external=True),
        outcome=lambda o: url_for("outcomes.detail", outcome_id=o.id, _external=True),
    )


def method_text(report: method.MethodReport) -> str:
    """Return `report` as Markdown in the current language, linked to this app's pages."""
    return method.method_markdown(
        report,
        language=_language(),
        translate=_,
        form_labels={code: str(label) for code, label in FORM_LABELS.items()},
        links=_links(),
    )


def _page(municipality: Municipality | None) -> Any:
    report = method.method_report(db(), municipality, signed_in_user())
    if request.args.get("format") == "md":
        name = f"metode-{municipality.slug if municipality else 'alle'}.md"
        response = Response(method_text(report), mimetype="text/markdown")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    kind_labels = {g.kind.id: initiatives.kind_label(g.kind, _language()) for g in report.kinds}
    return render_template(
        "method/index.html",
        report=report,
        kind_labels=kind_labels,
        municipalities=actors.list_municipalities(db()),
    )


@bp.route("/")
def index() -> Any:
    """Show the method across municipalities."""
    return _page(None)


@bp.route("/<municipality>")
def municipality(municipality: str) -> Any:
    """Show the method in one municipality."""
    return _page(actors.municipality_by_slug(db(), municipality))
