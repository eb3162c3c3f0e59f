"""The map pages under /kort: legend, filters, focus, search, tables, timeline, downloads."""

import re

import networkx as nx
import pytest

from harvest import outcomes

EVIL = "<img src=x onerror=alert(1)>"
CLOSER = "</script><script>alert(1)</script>"


@pytest.fixture
def town(session, create_municipality, create_actor, create_tie, create_harvest, create_outcome):
    create_municipality()
    cafe = create_actor(
        name="Café Vinkeldammen",
        kind="municipal_service",
        sector="municipal",
        municipality="helsingor",
    )
    sind = create_actor(name="SIND Helsingør", municipality="helsingor")
    udvalg = create_actor(
        name="Socialudvalget", kind="council", sector="municipal", tier=3, municipality="helsingor"
    )
    evil = create_actor(name=EVIL, municipality="helsingor")
    closer = create_actor(name=CLOSER, municipality="helsingor")
    bridge = create_tie(cafe, sind, start="2024-05-01")
    create_tie(cafe, udvalg, kind="information_exchange", start="2015-01-01")
    create_tie(evil, closer, kind="referral", start="2020-01-01")
    create_tie(sind, evil, start="2020-01-01")
    harvest = create_harvest(municipality="helsingor")
    outcome = create_outcome(harvest, title="Caféen henviser til SIND", status="final", actor=cafe)
    outcomes.add_tie_evidence(session, outcome, bridge, by=None)
    session.commit()
    return {"cafe": cafe, "sind": sind, "bridge": bridge, "outcome": outcome}


def _tie_rows(html):
    return html.count('class="tie-row')


def test_map_shows_the_three_forms_in_the_legend(client, town):
    html = client.get("/kort/?municipality=helsingor&lang=en").get_data(as_text=True)
    legend = html.split('id="legend-forms"')[1].split("</ul>")[0]
    for form in ("Bonding", "Bridging", "Linking"):
        assert form in legend
    assert 'id="graph-data"' in html and "/kort/vis-network.min.js" in html


def test_filter_by_form_and_date_shows_fewer_ties(client, town):
    every = client.get("/kort/?municipality=helsingor").get_data(as_text=True)
    bridging = client.get("/kort/?municipality=helsingor&form=bridging").get_data(as_text=True)
    earlier = client.get("/kort/?municipality=helsingor&form=bridging&as_of=2024-01-01").get_data(
        as_text=True
    )
    assert _tie_rows(every) == 4
    assert _tie_rows(bridging) == 1
    assert _tie_rows(earlier) == 0


def test_focus_and_search(client, town):
    cafe = town["cafe"].id
    html = client.get(f"/kort/?municipality=helsingor&focus={cafe}&depth=1").get_data(as_text=True)
    assert _tie_rows(html) == 2
    found = client.get("/kort/?municipality=helsingor&q=vinkel").get_data(as_text=True)
    assert f"focus={cafe}" in found


def test_ties_show_the_outcomes_behind_them_and_actor_links(client, town):
    html = client.get("/kort/?municipality=helsingor").get_data(as_text=True)
    assert "Caféen henviser til SIND" in html
    assert f'href="/aktoerer/{town["cafe"].id}"' in html


def test_sector_table_and_metric_meanings(client, town):
    html = client.get("/kort/?municipality=helsingor&lang=da").get_data(as_text=True)
    assert "sector-table" in html
    assert "Betweenness is exact." in html or "præcis" in html


@pytest.mark.parametrize(
    "query",
    [
        "municipality=atlantis",
        "as_of=2024-02-30",
        "form=friendly",
        "focus=abc",
        "depth=7",
        "focus=999999",
        "kind=x",
        "sector=y",
        "focus=" + "9" * 40,
    ],
)
def test_bad_filters_answer_422_not_500(client, town, query):
    response = client.get(f"/kort/?{query}")
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)


def test_names_never_become_markup_on_the_page(client, town):
    html = client.get("/kort/?municipality=helsingor").get_data(as_text=True)
    assert EVIL not in html and CLOSER not in html
    block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    assert block and "<" not in block.group(1)
    before = {html[m.start() - 10 : m.start()] for m in re.finditer("onerror", html)}
    assert before <= {"&lt;img src=x "[-10:], "\\u003cimg src=x "[-10:]}  # only escaped copies
    response = client.get("/kort/?municipality=helsingor")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in html  # no inline script on the page


def test_vis_network_is_served_from_the_package(client, town):
    response = client.get("/kort/vis-network.min.js")
    assert response.status_code == 200
    assert "javascript" in response.mimetype
    assert response.cache_control.max_age >= 86400
    response.close()
    assert client.get("/kort/map.js").status_code == 200


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_downloads_load_in_networkx(client, town, fmt, reader, tmp_path):
    response = client.get(f"/kort/hent.{fmt}?municipality=helsingor")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / f"m.{fmt}"
    path.write_bytes(response.data)
    assert reader(path).number_of_nodes() == 5


def test_standalone_download_is_self_contained_and_escaped(client, town):
    response = client.get("/kort/hent.html?municipality=helsingor")
    html = response.get_data(as_text=True)
    assert not re.search(r"<script[^>]+src=", html)
    assert EVIL not in html and CLOSER not in html
    assert client.get("/kort/hent.kumu").status_code == 200
    assert client.get("/kort/hent.exe").status_code == 404


def test_timeline_lists_ties_added_with_their_outcomes(client, town):
    html = client.get(
        "/kort/forandring?municipality=helsingor&from=2024-01-01&to=2025-01-01&lang=en"
    ).get_data(as_text=True)
    added = html.split("<h2>Ties added")[1].split("<h2>Ties ended")[0]
    assert "Café Vinkeldammen" in added and "Caféen henviser til SIND" in added
    harvest = client.get("/kort/forandring?harvest=test-harvest&municipality=helsingor")
    assert harvest.status_code == 200
    bad = client.get("/kort/forandring?from=2025-01-01&to=2024-01-01")
    assert bad.status_code == 422
    assert client.get("/kort/forandring?harvest=nope").status_code == 422


def test_the_map_appears_in_the_main_menu(client, town):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/kort/"' in html
