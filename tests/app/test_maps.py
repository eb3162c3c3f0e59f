"""The map pages under /kort: legend, filters, focus, search, tables, timeline, downloads."""

import gzip
import json
import re

import networkx as nx
import pytest

from harvest import harvests, outcomes
from network.scale import add_synthetic_municipality, slug_for
from tests.conftest import PASSWORD
from tests.network.gexf_schema import NS as GEXF
from tests.network.gexf_schema import valid_gexf

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
    assert 'data-src="/kort/data.json?municipality=helsingor"' in html
    assert 'id="graph-data"' not in html and "/kort/vis-network.min.js" in html


def _data(client, query="municipality=helsingor", **headers):
    response = client.get(f"/kort/data.json?{query}", headers=headers)
    body = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response, json.loads(body) if response.status_code == 200 else None


def test_map_data_is_its_own_json_resource(client, town):
    response, data = _data(client)
    assert response.mimetype == "application/json"
    assert {n["label"] for n in data["nodes"]} >= {"Café Vinkeldammen", "SIND Helsingør"}
    assert len(data["edges"]) == 4 and data["version"]
    assert data["stale"] is False and data["computing"] is False and data["note"] is None
    assert data["cluster_by"] is None  # a small map opens unclustered
    assert "private" in response.headers["Cache-Control"]
    assert "Content-Security-Policy" in response.headers


def test_map_data_is_gzipped_when_asked_and_revalidated_by_etag(client, town):
    plain, data = _data(client)
    zipped, same = _data(client, **{"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert zipped.headers["Content-Encoding"] == "gzip" and same == data
    assert len(zipped.data) < len(plain.data)
    etag = zipped.headers["ETag"]
    assert etag and not etag.startswith("W/")
    again = client.get("/kort/data.json?municipality=helsingor", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/kort/data.json?municipality=helsingor&form=bridging")
    assert other.headers["ETag"] != etag
    english = client.get("/kort/data.json?municipality=helsingor&lang=en")
    assert english.headers["ETag"] != etag


def test_map_data_shows_draft_evidence_only_to_who_may_see_it(
    client, town, session, create_user, create_outcome
):
    harvest = harvests.harvest_by_slug(session, "test-harvest")
    draft = create_outcome(harvest, title="Et udkast om caféen", status="draft", actor=town["cafe"])
    outcomes.add_tie_evidence(session, draft, town["bridge"], by=None)
    create_user()
    session.commit()
    public, public_data = _data(client)
    assert "Et udkast om caféen" not in json.dumps(public_data, ensure_ascii=False)
    client.post("/login", data={"email": "evaluator@example.dk", "password": PASSWORD})
    member, member_data = _data(client)
    assert "Et udkast om caféen" in json.dumps(member_data, ensure_ascii=False)
    assert member.headers["ETag"] != public.headers["ETag"]
    stale = client.get(
        "/kort/data.json?municipality=helsingor", headers={"If-None-Match": public.headers["ETag"]}
    )
    assert stale.status_code == 200  # the public body's ETag never answers a member


def test_an_outcome_leaving_public_view_leaves_the_map_data_at_once(client, town, session):
    before, data = _data(client)
    assert "Caféen henviser til SIND" in json.dumps(data, ensure_ascii=False)
    outcome = town["outcome"]
    outcomes.update_outcome(  # the edit takes it back from final: not public
        session,
        outcome,
        {
            "title": "Caféen sender folk videre",
            "changed_actor_id": outcome.changed_actor_id,
            "change": outcome.change,
            "when_start": "2025-03-01",
        },
        outcome.version,
        by=None,
    )
    session.commit()
    after, data = _data(client, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    text = json.dumps(data, ensure_ascii=False)
    assert "Caféen henviser til SIND" not in text and "Caféen sender folk videre" not in text


def test_map_data_answers_422_for_bad_filters(client, town):
    response, _ = _data(client, "municipality=atlantis")
    assert response.status_code == 422
    assert "municipality" in response.get_json()["errors"]


def test_a_focus_view_lays_its_neighbourhood_out_afresh(client, town):
    cafe = town["cafe"].id
    _, whole = _data(client)
    _, focused = _data(client, f"municipality=helsingor&focus={cafe}")
    place = {n["id"]: (n["x"], n["y"]) for n in whole["nodes"]}
    assert {n["id"] for n in focused["nodes"]} < set(place)
    assert focused["focus"] == cafe
    assert any((n["x"], n["y"]) != place[n["id"]] for n in focused["nodes"])


def test_a_large_municipality_opens_clustered_by_community(client, session):
    add_synthetic_municipality(session, 1200)
    session.commit()
    _, data = _data(client, f"municipality={slug_for(1200)}")
    assert data["cluster_by"] == "community"
    groups = {n["group"] for n in data["nodes"]}
    assert len(groups) > 1 and groups <= set(data["groups"])
    _, country = _data(client, "")
    assert country["cluster_by"] == "municipality"
    assert {n["group"] for n in country["nodes"]} == {slug_for(1200)}
    subs = {n["sub"] for n in country["nodes"]}  # too large to open at once: by community too
    assert len(subs) > 1 and all(country["groups"][s].startswith("Syntetisk") for s in subs)
    html = client.get(f"/kort/?municipality={slug_for(1200)}").get_data(as_text=True)
    assert 'id="map-clustered"' in html
    assert 'id="f-focus"' not in html  # 1,200 actors are no list to choose from


def test_the_tables_page_without_javascript(client, town, create_actor, session):
    for number in range(60):
        create_actor(name=f"Forening {number:02d}", municipality="helsingor")
    session.commit()
    first = client.get("/kort/?municipality=helsingor&lang=en").get_data(as_text=True)
    table = first.split('id="actors-h"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == 50
    nav = first.split('aria-label="Pages of the actor table"')[1].split("</nav>")[0]
    assert 'aria-current="page"' in nav and "page=2" in nav
    second = client.get("/kort/?municipality=helsingor&lang=en&page=2").get_data(as_text=True)
    table = second.split('id="actors-h"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == 15
    assert "Actors 51 to 65 of 65" in second


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
    before = {html[m.start() - 10 : m.start()] for m in re.finditer("onerror", html)}
    assert before <= {"&lt;img src=x "[-10:]}  # only escaped copies
    data = client.get("/kort/data.json?municipality=helsingor").get_data(as_text=True)
    assert EVIL in {n["label"] for n in json.loads(data)["nodes"]}
    assert "<" not in data  # escaped even in JSON
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


def _gexf_nodes(path):
    return len(valid_gexf(path.read_bytes()).findall(f".//{GEXF}node"))


@pytest.mark.parametrize(
    ("fmt", "reader"),
    [("graphml", lambda p: nx.read_graphml(p).number_of_nodes()), ("gexf", _gexf_nodes)],
)
def test_downloads_load_in_networkx_or_match_the_gexf_schema(client, town, fmt, reader, tmp_path):
    response = client.get(f"/kort/hent.{fmt}?municipality=helsingor")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / f"m.{fmt}"
    path.write_bytes(response.data)
    assert reader(path) == 5


def test_standalone_download_is_self_contained_and_escaped(client, town):
    response = client.get("/kort/hent.html?municipality=helsingor")
    html = response.get_data(as_text=True)
    assert not re.search(r"<script[^>]+src=", html)
    assert EVIL not in html and CLOSER not in html
    assert client.get("/kort/hent.kumu").status_code == 200
    assert client.get("/kort/hent.exe").status_code == 404


def test_standalone_download_links_actors_to_the_site_only_with_a_base_url(app, client, town):
    html = client.get("/kort/hent.html?municipality=helsingor").get_data(as_text=True)
    assert '"actor_url":""' in html and "/aktoerer/" not in html
    app.config["BASE_URL"] = "https://brobyg.example.dk"
    html = client.get("/kort/hent.html?municipality=helsingor").get_data(as_text=True)
    assert '"actor_url":"https://brobyg.example.dk/aktoerer/"' in html
    assert 'href="https://brobyg.example.dk/aktoerer/' in html


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
