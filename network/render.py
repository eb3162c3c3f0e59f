"""Turn a map into vis-network node and edge lists, a safe JSON data block, and a standalone file.

pyvis's own page templates load Bootstrap and Tom Select from a CDN, render without
autoescaping and use inline scripts, so Brobyg uses only the vis-network file that
pyvis ships and builds the node and edge lists itself (pyvis's `from_nx` is
quadratic). Every name and tooltip is plain text: `map.js` turns titles into text
nodes, and the JSON is escaped so no `</script>` can end its data block.
Must not import `app` or Flask.
"""

import json
import re
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pyvis
from markupsafe import Markup

from network import styles
from network.maps import MapView

SIZE_METRICS = ("degree", "betweenness", "effective_size", "brokerage", "tiers_reached")
MIN_SIZE, MAX_SIZE = 10.0, 40.0
VIS_FILE = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"


@dataclass
class Labels:
    """Translated words the tooltips use (the app passes them in the user's language)."""

    kinds: Mapping[str, str] = field(default_factory=dict)
    sectors: Mapping[str, str] = field(default_factory=dict)
    forms: Mapping[str, str] = field(default_factory=dict)
    tie_kinds: Mapping[str, str] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)

    def word(self, key: str) -> str:
        """Return the translated word for `key` (the key itself when missing)."""
        return self.words.get(key, key)


def _sizes(view: MapView, metric: str) -> dict[Hashable, float]:
    values = {n: float(view.per_node.get(n, {}).get(metric) or 0.0) for n in view.shown}
    top = max(values.values(), default=0.0)
    if top <= 0:
        return {n: (MIN_SIZE + MAX_SIZE) / 3 for n in values}
    return {n: MIN_SIZE + (MAX_SIZE - MIN_SIZE) * v / top for n, v in values.items()}


def node_title(data: Mapping[str, Any], metrics: Mapping[str, Any], labels: Labels) -> str:
    """Return an actor's tooltip as plain text."""
    lines = [
        str(data["name"]),
        f"{labels.kinds.get(data['kind'], data['kind'])} · "
        f"{labels.sectors.get(data['sector'], data['sector'])} · "
        f"{labels.word('tier')} {data['tier']}",
        f"{labels.word('degree')}: {metrics.get('degree', 0)}",
        f"{labels.word('betweenness')}: {metrics.get('betweenness', 0):.3f}",
    ]
    return "\n".join(lines)


def edge_title(names: tuple[str, str], data: Mapping[str, Any], labels: Labels) -> str:
    """Return a tie's tooltip as plain text, with the outcomes behind it."""
    lines = [
        f"{names[0]} — {names[1]}",
        f"{labels.forms.get(data['form'], data['form'])} · "
        f"{labels.tie_kinds.get(data['kind'], data['kind'])}",
    ]
    if data.get("start") or data.get("end"):
        start = data["start"].isoformat() if data.get("start") else "…"
        end = data["end"].isoformat() if data.get("end") else "…"
        lines.append(f"{start} – {end}")
    for title in data.get("evidence_titles", []):
        lines.append(f"• {title}")
    return "\n".join(lines)


CLUSTER_FROM = 1000


def _groups(
    view: MapView, labels: Labels, municipalities: Mapping[str, str]
) -> tuple[str | None, dict[Hashable, str], dict[Hashable, str], dict[str, str]]:
    """Return what a large map is grouped by, each actor's group and subgroup, and their labels.

    At country level actors group by municipality, and those of a municipality too large to
    open at once also by community inside it; within one municipality, by community."""
    if view.shown.number_of_nodes() <= CLUSTER_FROM:
        return None, {}, {}, {}

    def community(node: Hashable) -> str:
        number = view.per_node.get(node, {}).get("community")
        return "" if number is None else str(number)

    def group_name(number: str) -> str:
        return f"{labels.word('group')} {number}" if number else labels.word("no_group")

    if view.filters.municipality:
        group = {n: community(n) for n in view.shown}
        return "community", group, {}, {key: group_name(key) for key in set(group.values())}
    group = {n: d.get("municipality") or "" for n, d in view.shown.nodes(data=True)}
    sizes = Counter(group.values())
    names = {
        key: municipalities.get(key) or key or labels.word("no_municipality")
        for key in set(group.values())
    }
    sub: dict[Hashable, str] = {}
    for node, key in group.items():
        if sizes[key] > CLUSTER_FROM and community(node):
            sub[node] = f"{key}/{community(node)}"
            names[sub[node]] = f"{names[key]}: {group_name(community(node))}"
    return "municipality", group, sub, names


def vis_data(
    view: MapView,
    labels: Labels,
    *,
    size: str = "degree",
    actor_url: str = "/aktoerer/",
    positions: Mapping[Hashable, tuple[float, float]] | None = None,
    municipalities: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the map's nodes, ties, groups and styles for `map.js` (positions fixed, no physics).

    `positions` replaces the map's layout (a focus view lays its neighbourhood out afresh);
    above `CLUSTER_FROM` actors every actor names its group (municipality at country level,
    community within one) and the script opens the map clustered by it."""
    sizes = _sizes(view, size if size in SIZE_METRICS else "degree")
    placed = view.positions if positions is None else positions
    cluster_by, group_of, sub_of, group_names = _groups(view, labels, municipalities or {})
    nodes = []
    for node, data in view.shown.nodes(data=True):
        x, y = placed.get(node, (0.0, 0.0))
        item = {
            "id": node,
            "label": data["name"],
            "title": node_title(data, view.per_node.get(node, {}), labels),
            "sector": data["sector"] if data["sector"] in styles.SECTOR_BY_CODE else None,
            "shape": styles.SHAPE_OF_KIND.get(data["kind"], styles.FALLBACK_SHAPE),
            "size": round(sizes[node], 1),
            "x": x,
            "y": y,
        }
        if cluster_by:
            item["group"] = group_of[node]
        if node in sub_of:
            item["sub"] = sub_of[node]
        nodes.append(item)
    edges = []
    names = {n: d["name"] for n, d in view.shown.nodes(data=True)}
    for u, v, data in view.shown.edges(data=True):
        edges.append(
            {
                "id": data["id"],
                "from": data["source_id"],
                "to": data["target_id"],
                "form": styles.form_code(data["form"]),
                "title": edge_title((names[u], names[v]), data, labels),
            }
        )
    return {
        "nodes": nodes,
        "edges": edges,
        "styles": styles.vis_styles(),
        "focus": view.focus,
        "actor_url": actor_url,
        "cluster_by": cluster_by,
        "groups": group_names,
        "words": {
            key: labels.word(key)
            for key in ("groups", "open_group", "regroup", "opened", "actors", "ties", "group_list")
        },
    }


_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_block(data: Any) -> str:
    """Return `data` as JSON that is safe inside a `<script type="application/json">` block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return re.sub("[<>&\u2028\u2029]", lambda m: _UNSAFE[m.group()], text)


def inline_script(code: str) -> str:
    """Return JavaScript that can sit inside an inline `<script>` element."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def vis_network_js() -> str:
    """Return the vis-network file that pyvis ships (served and inlined; never a CDN)."""
    return VIS_FILE.read_text(encoding="utf-8")


def map_js() -> str:
    """Return Brobyg's map script, shared by the app and the standalone file."""
    return (resources.files("network") / "templates" / "map.js").read_text(encoding="utf-8")


def map_css() -> str:
    """Return the standalone file's style sheet (the forms' classes from `network.styles`)."""
    sheet = (resources.files("network") / "templates" / "map.css").read_text(encoding="utf-8")
    return sheet + styles.style_sheet()


def standalone_html(
    view: MapView,
    labels: Labels,
    *,
    title: str,
    lang: str = "da",
    size: str = "degree",
    municipalities: Mapping[str, str] | None = None,
    actor_url: str = "",
) -> str:
    """Return a self-contained HTML map: vis-network and the map script inline, no network.

    `actor_url` (the served site's actor pages, ending in `/`) links each actor to its
    page; without it the file links nowhere, since a saved file has no site beside it."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("network", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    data = vis_data(view, labels, size=size, municipalities=municipalities, actor_url=actor_url)
    names = {n: d["name"] for n, d in view.shown.nodes(data=True)}
    # Markup below wraps text already made safe for its place: json_block escapes <, > and &,
    # inline_script breaks every "</script"; the template escapes everything else.
    return env.get_template("standalone.html").render(
        title=title,
        lang=lang,
        labels=labels,
        graph_json=Markup(json_block(data)),  # noqa: S704
        vis_js=Markup(inline_script(vis_network_js())),  # noqa: S704
        map_js=Markup(inline_script(map_js())),  # noqa: S704
        map_css=Markup(map_css().replace("</", "<\\/")),  # noqa: S704
        styles=styles,
        names=names,
        shown=view.shown,
        actor_url=actor_url,
    )
