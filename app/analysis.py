"""The analysis page of a harvest (counts, charts, chains, answers per question) and
its XLSX download; the counting lives in harvest.analysis, the drawing in app.charts."""

from typing import Any

from flask import Blueprint, Response, abort, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from app.audit import note
from app.auth import signed_in_user
from app.charts import chart_helpers
from app.database import db
from harvest import access, analysis, harvests, report, sheet_export
from harvest.access import Action
from harvest.audit import AuditAction
from harvest.models import Harvest

bp = Blueprint("analysis", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_context_processor
def _charts() -> dict[str, Any]:
    return chart_helpers()


def _analysable(slug: str) -> Harvest:
    """Return the harvest if the signed-in user may analyse it; others get 403."""
    harvest = harvests.harvest_by_slug(db(), slug)
    if not access.may(db(), signed_in_user(), Action.ANALYSE):
        abort(403)
    return harvest


@bp.route("/harvests/<slug>/analysis")
@login_required
def harvest(slug: str) -> Any:
    """Show a harvest's counts and charts, substantiation, chains and answers per question."""
    found = _analysable(slug)
    note(AuditAction.VIEW_ANALYSIS, entity="harvest", entity_id=found.slug)
    return render_template(
        "analysis/harvest.html",
        harvest=found,
        result=analysis.analyse_harvest(db(), found),
        verdict_labels=analysis.VERDICT_LABELS,
    )


@bp.route("/harvests/<slug>/analysis.xlsx")
@login_required
def workbook(slug: str) -> Any:
    """Download the outcome spreadsheet with the analysis as further sheets."""
    found = _analysable(slug)
    note(AuditAction.EXPORT_ANALYSIS, entity="harvest", entity_id=found.slug, detail="xlsx")
    language = str(get_locale() or "da")
    table = sheet_export.export_table(db(), found, language=language, translate=_)
    built = report.build_report(db(), found)
    content = report.add_summary_sheets(sheet_export.write_xlsx(table), built, translate=_)
    return Response(
        content,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{found.slug}-analysis.xlsx"'},
    )
