"""Social-capital maps under /kort: the interactive map with filters, focus and search, its
table alternative and sector table, the timeline, downloads and the vis-network file.

Views parse the query string, call `network`, render. They only read: a freshly
computed layout or metrics is stored beside the request (`network.cache.store_aside`),
and a failure to store it never fails the page. No SQL here.
"""

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import note
from app.auth import signed_in_user
from app.database import db, engine
from app.forms import KIND_LABELS, SECTOR_LABELS, TIE_KIND_LABELS
from app.i18n import FORM_LABELS, field_errors
from app.params import date_value, int_value
from harvest import accounts, actors, harvests
from harvest.audit import AuditAction
from harvest.errors import N_, NotFound, ValidationFailed
from network import cache, exports, jobs, metrics, render, timeline
from network.graph import GraphFilters, Viewer, parse_filters
from network.maps import MapView, prepare_map

bp = Blueprint("maps", __name__, url_prefix="/kort")

TABLE_LIMIT = 300
METRIC_LABELS = {
    "degree": _l("Ties"),
    "betweenness": _l("Betweenness"),
    "effective_size": _l("Effective size"),
    "constraint": _l("Constraint"),
    "brokerage": _l("Brokerage"),
    "tiers_reached": _l("Tiers reached"),
}
METRIC_MEANINGS = {
    "degree": _l("How many other actors this actor has a tie to."),
    "betweenness": _l(
        "How often this actor lies on the shortest path between two others: "
        "a high value means many connections go through it."
    ),
    "effective_size": _l(
        "How many of the actor's contacts do not already know each other: "
        "new doors it can open (Burt's structural holes)."
    ),
    "constraint": _l(
        "How much the actor's contacts are tied to each other: high means a closed "
        "circle, low means the actor bridges gaps (Burt)."
    ),
    "brokerage": _l(
        "How often the actor links two others who have no tie of their own, "
        "counted by sector (Gould and Fernandez)."
    ),
    "tiers_reached": _l(
        "How many of the three tiers (citizens' groups, organisations, authorities) "
        "the actor's ties reach."
    ),
}
ROLE_LABELS = {
    "coordinator": _l("Coordinator: links two in its own sector"),
    "itinerant": _l("Consultant: links two of another sector"),
    "representative": _l("Representative: speaks for its sector to another"),
    "gatekeeper": _l("Gatekeeper: lets another sector into its own"),
    "liaison": _l("Liaison: links two other sectors"),
}
FORM_MEANINGS = {
    "bonding": _l("Same sector and tier: actors alike each other."),
    "bridging": _l("Across sectors or between equals: access to new opportunities."),
    "linking": _l("Exactly one end is an authority: access to influence."),
}


def _viewer() -> Viewer:
    user = signed_in_user()
    groups = frozenset(accounts.group_ids_of(db(), user)) if user else frozenset()
    return Viewer(user, groups)


def labels() -> render.Labels:
    """Return the translated words the map's tooltips and files use."""
    return render.Labels(
        kinds={k: str(v) for k, v in KIND_LABELS.items()},
        sectors={k: str(v) for k, v in SECTOR_LABELS.items()},
        forms={k: str(v) for k, v in FORM_LABELS.items()},
        tie_kinds={k: str(v) for k, v in TIE_KIND_LABELS.items()},
        words={
            "tier": _("tier"),
            "degree": _("Ties"),
            "betweenness": _("Betweenness"),
            "legend": _("Legend"),
            "ties": _("Ties"),
            "from": _("From"),
            "to": _("To"),
            "form": _("Form"),
        },
    )


def _filter_args() -> dict[str, Any]:
    args = request.args
    return {
        "municipality": args.get("municipality", ""),
        "as_of": args.get("as_of", ""),
        "form": args.getlist("form"),
        "kind": args.getlist("kind"),
        "sector": args.getlist("sector"),
    }


def _map_from_request() -> MapView:
    filters = parse_filters(db(), _filter_args())
    focus = int_value(request.args.get("focus"), "focus")
    depth = int_value(request.args.get("depth"), "depth") or 1
    if depth not in (1, 2):
        raise ValidationFailed({"depth": (N_("Choose 1 or 2 steps."), {})})
    keep = cache.store_aside(engine())  # for the next visitor
    schedule = jobs.scheduler_for(engine(), current_app.config["REDIS_URL"])
    return prepare_map(
        db(), filters, _viewer(), focus=focus, depth=depth, keep=keep, schedule=schedule
    )


def _size() -> str:
    size = request.args.get("size", "degree")
    return size if size in render.SIZE_METRICS else "degree"


def _search(view: MapView, q: str) -> list[tuple[int, str]]:
    if not q:
        return []
    needle = q.casefold()
    found = [
        (n, d["name"]) for n, d in view.graph.nodes(data=True) if needle in d["name"].casefold()
    ]
    return sorted(found, key=lambda item: item[1].casefold())[:50]


def _page_title(filters: GraphFilters) -> str:
    if filters.municipality:
        municipality = actors.municipality_by_slug(db(), filters.municipality)
        return _("Map of %(name)s", name=municipality.name)
    return _("Map of every municipality")


@bp.route("/")
def index() -> Any:
    """Show the interactive map with its legend, filters, tables and answers."""
    municipalities = actors.list_municipalities(db())
    try:
        view = _map_from_request()
    except ValidationFailed as error:
        return (
            render_template(
                "maps/index.html",
                view=None,
                errors=field_errors(error),
                municipalities=municipalities,
                args=request.args,
                **_static_context(),
            ),
            422,
        )
    q = request.args.get("q", "").strip()[:100]
    names = {n: d["name"] for n, d in view.graph.nodes(data=True)}
    rows = sorted(view.shown.nodes(data=True), key=lambda item: item[1]["name"].casefold())
    return render_template(
        "maps/index.html",
        view=view,
        errors={},
        title=_page_title(view.filters),
        municipalities=municipalities,
        args=request.args,
        size=_size(),
        graph_json=render.json_block(render.vis_data(view, labels(), size=_size())),
        names=names,
        rows=rows[:TABLE_LIMIT],
        ties=sorted(
            view.shown.edges(data=True),
            key=lambda e: (names[e[0]].casefold(), names[e[1]].casefold()),
        )[:TABLE_LIMIT],
        sector_table=sorted(metrics.sector_table(view.shown).items()),
        found=_search(view, q),
        q=q,
        download_query=request.query_string.decode("ascii", "replace"),
        formats=("html", *exports.FORMATS),
        **_static_context(),
    )


def _static_context() -> dict[str, Any]:
    return {
        "table_limit": TABLE_LIMIT,
        "metric_labels": METRIC_LABELS,
        "metric_meanings": METRIC_MEANINGS,
        "role_labels": ROLE_LABELS,
        "form_labels": FORM_LABELS,
        "form_meanings": FORM_MEANINGS,
        "sector_labels": SECTOR_LABELS,
        "kind_labels": KIND_LABELS,
        "tie_kind_labels": TIE_KIND_LABELS,
        "size_metrics": render.SIZE_METRICS,
    }


@bp.route("/hent.<fmt>")
def download(fmt: str) -> Any:
    """Download the map as a standalone HTML file, GraphML, GEXF, JSON or a Kumu workbook."""
    if fmt not in exports.SUFFIXES:
        abort(404)
    try:
        view = _map_from_request()
    except ValidationFailed as error:
        return Response(
            "\n".join(f"{k}: {v}" for k, v in field_errors(error).items()),
            status=422,
            mimetype="text/plain",
        )
    content = standalone(view).encode("utf-8") if fmt == "html" else exports.export_graph(view, fmt)
    note(
        AuditAction.DOWNLOAD_MAP,
        entity="municipality" if view.filters.municipality else "",
        entity_id=view.filters.municipality or "",
        detail=request.query_string.decode("utf-8", "replace") or fmt,
    )
    name = f"brobyg-kort-{view.filters.municipality or 'alle'}.{exports.SUFFIXES[fmt]}"
    response = Response(content, mimetype=exports.MEDIA_TYPES[fmt].split(";")[0])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def standalone(view: MapView) -> str:
    """Return the map as a self-contained HTML file in the user's language."""
    from flask_babel import get_locale

    return render.standalone_html(
        view,
        labels(),
        title=_page_title(view.filters),
        lang=str(get_locale() or "da"),
        size=_size() if request else "degree",
    )


@bp.route("/forandring")
def changes() -> Any:
    """Show how the map changed over a harvest period or between two dates."""
    harvest_list = harvests.list_harvests(db())
    context: dict[str, Any] = {
        "harvests": harvest_list,
        "municipalities": actors.list_municipalities(db()),
        "args": request.args,
        "form_labels": FORM_LABELS,
        "tie_kind_labels": TIE_KIND_LABELS,
    }
    try:
        filters = parse_filters(db(), _filter_args())
        start, end = (
            date_value(request.args.get("from"), "from"),
            date_value(request.args.get("to"), "to"),
        )
        slug = request.args.get("harvest", "")
        if slug:
            try:
                chosen = harvests.harvest_by_slug(db(), slug)
            except NotFound:
                raise ValidationFailed(
                    {"harvest": (N_("Choose a harvest from the list."), {})}
                ) from None
            start = start or chosen.period_start
            end = end or chosen.period_end
        if start is None or end is None:
            return render_template("maps/changes.html", result=None, errors={}, **context)
        result = timeline.changes_between(db(), filters, start, end, _viewer())
    except ValidationFailed as error:
        return (
            render_template(
                "maps/changes.html", result=None, errors=field_errors(error), **context
            ),
            422,
        )
    before = {**request.args.to_dict(flat=False), "as_of": [start.isoformat()]}
    after = {**request.args.to_dict(flat=False), "as_of": [end.isoformat()]}
    for query in (before, after):
        for key in ("from", "to", "harvest"):
            query.pop(key, None)
    return render_template(
        "maps/changes.html",
        result=result,
        errors={},
        before_query=before,
        after_query=after,
        day_before=start - timedelta(days=1),
        **context,
    )


@bp.route("/vis-network.min.js")
def vis_network() -> Any:
    """Send the vis-network file pyvis ships (never a CDN), cached for a year."""
    response = send_file(render.VIS_FILE, mimetype="text/javascript", max_age=31_536_000)
    return response


@bp.route("/map.js")
def map_script() -> Any:
    """Send Brobyg's map script (the same one the standalone file inlines)."""
    response = Response(render.map_js(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
