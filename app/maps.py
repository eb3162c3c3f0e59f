"""Social-capital maps under /kort: the interactive map with filters, focus and search, its
table alternative and sector table, the timeline, downloads and the vis-network file.

Views parse the query string, call `network`, render. They only read: a freshly
computed layout or metrics is stored beside the request (`network.cache.store_aside`),
and a failure to store it never fails the page. No SQL here.
"""

import gzip
import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import note
from app.auth import signed_in_user
from app.database import db, engine
from app.forms import KIND_LABELS, SECTOR_LABELS, TIE_KIND_LABELS
from app.i18n import FORM_LABELS, field_errors
from app.params import date_value, int_value, page_arg
from harvest import accounts, actors, harvests, outcomes
from harvest.audit import AuditAction
from harvest.errors import N_, NotFound, ValidationFailed
from network import cache, exports, jobs, metrics, render, styles, timeline
from network.graph import GraphFilters, Viewer, graph_version, parse_filters
from network.maps import MapView, prepare_map

bp = Blueprint("maps", __name__, url_prefix="/kort")

PER_PAGE = 50
FOCUS_SELECT_UP_TO = 500  # above, the focus is chosen through "Find an actor"
DATA_ARGS = ("municipality", "as_of", "form", "kind", "sector", "focus", "depth", "size")
BODIES_KEPT = 32
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
            "group": _("Group"),
            "groups": _("groups"),
            "no_group": _("Without a group"),
            "no_municipality": _("Outside the municipalities"),
            "group_list": _("Groups on the map"),
            "open_group": _("Open group"),
            "regroup": _("Group the map again"),
            "opened": _("Opened"),
            "actors": _("actors"),
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


def _map_args() -> tuple[GraphFilters, int | None, int]:
    filters = parse_filters(db(), _filter_args())
    focus = int_value(request.args.get("focus"), "focus")
    depth = int_value(request.args.get("depth"), "depth") or 1
    if depth not in (1, 2):
        raise ValidationFailed({"depth": (N_("Choose 1 or 2 steps."), {})})
    return filters, focus, depth


def _map_from_request(viewer: Viewer | None = None) -> MapView:
    filters, focus, depth = _map_args()
    keep = cache.store_aside(engine())  # for the next visitor
    schedule = jobs.scheduler_for(engine(), current_app.config["REDIS_URL"])
    viewer = viewer or _viewer()
    return prepare_map(
        db(), filters, viewer, focus=focus, depth=depth, keep=keep, schedule=schedule
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


def _stale_note(view: MapView) -> str | None:
    # map-engine adds `stale` to MapView; until then every map is fresh
    if getattr(view, "stale", False):
        return _("The map shows the last computation; a new one is being computed.")
    return None


def _data_query() -> str:
    return urlencode([(k, v) for k in DATA_ARGS for v in request.args.getlist(k) if v])


@dataclass
class TablePage:
    """One page of a map table and what its pagination nav needs."""

    rows: list[Any]
    page: int
    pages: int
    total: int
    first: int
    numbers: list[int]
    url: Callable[[int], str]


def _page(items: list[Any], name: str) -> TablePage:
    """Return page `request.args[name]` of `items`, PER_PAGE rows."""
    pages = max(1, math.ceil(len(items) / PER_PAGE))
    number = min(page_arg(name), pages)
    kept = {k: request.args.getlist(k) for k in request.args if k != name}

    def url(n: int) -> str:
        return url_for("maps.index", **kept, **{name: n})

    start = (number - 1) * PER_PAGE
    return TablePage(
        rows=items[start : start + PER_PAGE],
        page=number,
        pages=pages,
        total=len(items),
        first=start + 1,
        numbers=sorted({1, pages, *range(max(1, number - 2), min(pages, number + 2) + 1)}),
        url=url,
    )


@bp.route("/")
def index() -> Any:
    """Show the map's container (its data comes from `data`), legend, filters, paged tables."""
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
    ties = sorted(
        view.shown.edges(data=True),
        key=lambda e: (names[e[0]].casefold(), names[e[1]].casefold()),
    )
    query = _data_query()
    return render_template(
        "maps/index.html",
        view=view,
        errors={},
        title=_page_title(view.filters),
        municipalities=municipalities,
        args=request.args,
        size=_size(),
        data_url=url_for("maps.data") + (f"?{query}" if query else ""),
        stale_note=_stale_note(view),
        names=names,
        actor_page=_page(rows, "page"),
        tie_page=_page(ties, "tie_page"),
        focus_choices=(
            sorted(view.graph.nodes(data=True), key=lambda item: item[1]["name"].casefold())
            if view.graph.number_of_nodes() <= FOCUS_SELECT_UP_TO
            else None
        ),
        sector_table=sorted(metrics.sector_table(view.shown).items()),
        found=_search(view, q),
        q=q,
        download_query=request.query_string.decode("ascii", "replace"),
        formats=("html", *exports.FORMATS),
        **_static_context(),
    )


class _Bodies:
    """The last few map bodies this process sent, by ETag (a cache: never shared state)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, tuple[bytes, bytes]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, etag: str) -> tuple[bytes, bytes] | None:
        with self.lock:
            found = self.items.get(etag)
            if found is not None:
                self.items.move_to_end(etag)
            return found

    def put(self, etag: str, body: tuple[bytes, bytes]) -> None:
        with self.lock:
            self.items[etag] = body
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_bodies = _Bodies(BODIES_KEPT)


def _visibility(viewer: Viewer) -> str:
    # what a map shows depends on the role and groups (draft evidence), nothing else
    if viewer.user is None:
        return "public"
    return f"{viewer.user.role}:{','.join(str(g) for g in sorted(viewer.member_of))}"


def _etag(filters: GraphFilters, focus: int | None, depth: int, viewer: Viewer) -> str:
    """Return the ETag of a freshly computed map body, known before the map is built."""
    parts = (
        graph_version(db(), filters.municipality),  # this map's actors, ties, evidence
        outcomes.outcomes_version(db()),  # the titles and visibility of the evidence
        filters.key(),
        str(focus),
        str(depth),
        _size(),
        str(get_locale() or "da"),
        _visibility(viewer),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _payload(view: MapView) -> dict[str, Any]:
    names = {m.slug: m.name for m in actors.list_municipalities(db())}
    payload = render.vis_data(
        view,
        labels(),
        size=_size(),
        municipalities=names,
    )
    payload.update(
        version=view.version,
        stale=bool(getattr(view, "stale", False)),
        computing=bool(getattr(view, "computing", False)),
        note=_stale_note(view),
        actors=view.shown.number_of_nodes(),
        ties=view.shown.number_of_edges(),
    )
    return payload


@bp.route("/data.json")
def data() -> Any:
    """Send the map's nodes, ties and groups as JSON: gzip when accepted, ETag, revalidated.

    A fresh body is known by its ETag before the map is built, so a revalidation or a body
    this process sent a moment ago costs no graph; a stale body (the last computation, while
    a new one runs) gets an ETag of its own and is never kept."""
    viewer = _viewer()
    try:
        filters, focus, depth = _map_args()
        etag = _etag(filters, focus, depth, viewer)
        body = None if request.if_none_match.contains(etag) else _bodies.get(etag)
        if body is None and not request.if_none_match.contains(etag):
            keep = cache.store_aside(engine())
            view = prepare_map(db(), filters, viewer, focus=focus, depth=depth, keep=keep)
            raw = render.json_block(_payload(view)).encode("utf-8")
            body = (raw, gzip.compress(raw, compresslevel=6, mtime=0))
            if getattr(view, "stale", False) or getattr(view, "computing", False):
                etag = f"{etag}-{hashlib.sha256(raw).hexdigest()[:12]}"
                body = None if request.if_none_match.contains(etag) else body
            else:
                _bodies.put(etag, body)
    except ValidationFailed as error:
        return jsonify({"errors": field_errors(error)}), 422
    if body is None:
        response = Response(status=304)
    else:
        zipped = "gzip" in request.accept_encodings
        response = Response(body[1] if zipped else body[0], mimetype="application/json")
        if zipped:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Accept-Encoding")
    response.vary.add("Cookie")
    return response


def _static_context() -> dict[str, Any]:
    return {
        "cluster_from": render.CLUSTER_FROM,
        "metric_labels": METRIC_LABELS,
        "metric_meanings": METRIC_MEANINGS,
        "role_labels": ROLE_LABELS,
        "form_labels": FORM_LABELS,
        "form_meanings": FORM_MEANINGS,
        "sector_labels": SECTOR_LABELS,
        "kind_labels": KIND_LABELS,
        "tie_kind_labels": TIE_KIND_LABELS,
        "size_metrics": render.SIZE_METRICS,
        "map_styles": styles,
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
        municipalities={m.slug: m.name for m in actors.list_municipalities(db())},
        actor_url=actor_pages(),
    )


def actor_pages() -> str:
    """Return where a standalone map's actors link to: their pages on the served site
    (BROBYG_BASE_URL), or "" (no links) when no base URL is set, as a file has no site."""
    base: str = current_app.config.get("BASE_URL", "")
    if not base:
        return ""
    path = current_app.url_map.bind("").build("directory.actor", {"actor_id": 0})
    return base.rstrip("/") + path.removesuffix("0")


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


@bp.route("/former.css")
def style_sheet() -> Any:
    """Send the forms' and sectors' classes, rendered from `network.styles` as the canvas is."""
    response = Response(styles.style_sheet(), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/map.js")
def map_script() -> Any:
    """Send Brobyg's map script (the same one the standalone file inlines)."""
    response = Response(render.map_js(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
