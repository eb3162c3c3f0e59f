"""The map's data block and standalone file: names and tooltips are text, never markup."""

import json
import re

import pytest

from network import layout, render
from network.graph import GraphFilters
from network.maps import prepare_map

EVIL = "<img src=x onerror=alert(1)>"
CLOSER = "</script><script>alert(1)</script>"


@pytest.fixture
def view(session, create_municipality, create_actor, create_tie):
    create_municipality()
    a = create_actor(name=EVIL, municipality="helsingor")
    b = create_actor(
        name=CLOSER, municipality="helsingor", kind="council", sector="municipal", tier=3
    )
    c = create_actor(name='href="javascript:alert(1)"', municipality="helsingor")
    create_tie(a, b)
    create_tie(a, c)
    return prepare_map(session, GraphFilters("helsingor"))


def test_json_block_cannot_close_its_script_element(view):
    block = render.json_block(render.vis_data(view, render.Labels()))
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert {n["label"] for n in data["nodes"]} >= {EVIL, CLOSER}


def test_tooltips_are_plain_text(view):
    data = render.vis_data(view, render.Labels())
    titles = [n["title"] for n in data["nodes"]] + [e["title"] for e in data["edges"]]
    assert any(EVIL in t for t in titles)  # kept as text; map.js renders it with textContent
    assert "textContent" in render.map_js() and "innerHTML" not in render.map_js()


def test_standalone_file_inlines_everything_and_escapes_names(view):
    html = render.standalone_html(view, render.Labels(), title=CLOSER)
    assert not re.search(r"<script[^>]+src=", html)  # nothing loaded from anywhere
    assert "<link" not in html
    assert EVIL not in html and CLOSER not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the tie table shows it as text
    assert html.count("</script>") == 3  # data block, vis-network, map script


def test_links_point_to_actor_pages(view):
    data = render.vis_data(view, render.Labels())
    assert data["actor_url"] == "/aktoerer/"  # the map opens actor_url + the node's id
    assert "graph.actor_url + id" in render.map_js()
    assert all(isinstance(n["id"], int) for n in data["nodes"])


def test_layout_places_every_actor_and_is_seeded(view):
    import networkx as nx

    graph = nx.gnm_random_graph(400, 1200, seed=3)
    first = layout.compute_layout(graph)
    assert set(first) == set(graph) and first == layout.compute_layout(graph)
    small = nx.karate_club_graph()
    assert layout.compute_layout(small) == layout.compute_layout(small)
    assert len(set(layout.compute_layout(small).values())) == 34
