"""What a social worker can trust on /kort: one style per form everywhere, a shape key,
ties valid today (or on the chosen date), a focus view of its own, and a gap list of local
actors with reasons."""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from harvest.models import ActorKind, Sector, TieForm
from network import styles

CSS = Path(__file__).parents[2] / "app" / "static" / "css" / "brobyg.css"


def _data(client, query):
    response = client.get(f"/kort/data.json?{query}")
    assert response.status_code == 200
    return json.loads(response.data)


def test_the_legend_the_style_sheet_and_the_canvas_data_share_one_style_per_form(client):
    sheet = client.get("/kort/former.css")
    assert sheet.status_code == 200 and sheet.mimetype == "text/css"
    css = sheet.get_data(as_text=True)
    page = client.get("/kort/?lang=en").get_data(as_text=True)
    assert "/kort/former.css" in page  # linked, not inline (CSP)
    drawn = _data(client, "")["styles"]["forms"]
    for form in TieForm:
        style = styles.FORM_BY_CODE[form.value]
        swatch = re.search(rf"\.swatch\.form-{form.value}\{{([^}}]*)\}}", css)
        assert swatch, form
        assert f"border-top-color:{style.colour}" in swatch.group(1)
        assert f"border-top-style:{style.line}" in swatch.group(1)
        assert drawn[form.value]["color"] == style.colour
        assert (drawn[form.value]["dashes"] is False) == (style.line == "solid")
        legend = page.split('id="legend-forms"')[1].split("</ul>")[0]
        assert f"swatch form-{form.value}" in legend and style.label in legend
    assert "solid line" in page and "dashed line" in page and "dotted line" in page


def test_no_other_style_sheet_defines_the_forms_or_sectors_again():
    text = CSS.read_text(encoding="utf-8")
    assert not re.search(r"\.(form|sector)-(bonding|bridging|linking|municipal|civil)", text)
    assert "--bonding" not in text


def test_every_form_sector_and_kind_has_a_style_and_shapes_can_be_told_apart():
    assert {s.code for s in styles.FORMS} == {f.value for f in TieForm}
    assert {s.code for s in styles.SECTORS} == {s.value for s in Sector}
    assert set(styles.SHAPE_OF_KIND) == {k.value for k in ActorKind}
    assert len({s.shape for s in styles.SHAPES}) == len(styles.SHAPES)
    assert len({s.line for s in styles.FORMS}) == len(styles.FORMS)  # not by colour alone
    assert len({s.border_dashes for s in styles.SECTORS}) == len(styles.SECTORS)


def test_the_map_page_shows_a_key_of_shapes_and_sectors(client):
    html = client.get("/kort/?lang=en").get_data(as_text=True)
    shapes = html.split('id="legend-shapes"')[1].split("</ul>")[0]
    for shape in styles.SHAPES:
        assert f'data-shape="{shape.shape}"' in shapes and shape.label in shapes
    sectors = html.split('id="legend-sectors"')[1].split("</ul>")[0]
    assert sectors.count("stroke-dasharray") == sum(1 for s in styles.SECTORS if s.border_dashes)


@pytest.fixture
def ended(session, create_municipality, create_actor, create_tie):
    """A service, an association whose only tie to it ended yesterday, and one still tied."""
    create_municipality()
    service = create_actor(
        name="Jobcentret", kind="municipal_service", sector="municipal", municipality="helsingor"
    )
    gone = create_actor(name="Ophørt Forening", municipality="helsingor")
    kept = create_actor(name="Levende Forening", municipality="helsingor")
    yesterday = date.today() - timedelta(days=1)
    old = create_tie(service, gone, start="2020-01-01", end=yesterday.isoformat())
    create_tie(service, kept, start="2020-01-01")
    session.commit()
    return {"service": service, "gone": gone, "kept": kept, "tie": old, "day": yesterday}


def test_a_tie_that_ended_yesterday_is_left_out_of_todays_map_metrics_and_filters(client, ended):
    today = _data(client, "municipality=helsingor")
    assert ended["tie"].id not in {e["id"] for e in today["edges"]}
    html = client.get("/kort/?municipality=helsingor&lang=en").get_data(as_text=True)
    assert html.count('class="tie-row') == 1
    assert "As of today" in html
    gone_row = html.split(f'href="/aktoerer/{ended["gone"].id}">Ophørt Forening</a></th>')[1]
    assert re.match(r"\s*<td>[^<]*</td><td>[^<]*</td>\s*<td>0</td>", gone_row)  # no ties today
    reached = html.split('id="gaps-reached"')[1].split("</ul>")[0]
    assert "Levende Forening" in reached and "Ophørt Forening" not in reached
    listed = client.get("/aktoerer/?tied=1&lang=en").get_data(as_text=True)
    assert "Levende Forening" in listed and "Ophørt Forening" not in listed
    # as of the day it still held, it is there again
    then = _data(client, f"municipality=helsingor&as_of={ended['day'].isoformat()}")
    assert ended["tie"].id in {e["id"] for e in then["edges"]}
    html = client.get(
        f"/kort/?municipality=helsingor&as_of={ended['day'].isoformat()}&lang=en"
    ).get_data(as_text=True)
    assert "Ophørt Forening" in html.split('id="gaps-reached"')[1].split("</ul>")[0]


def test_the_helsingor_demo_map_leaves_its_ended_ties_out(client, demo_data):
    """Helsingør's demo holds 35 ties; 4 of them ended (the latest in March 2025)."""
    today = _data(client, "municipality=helsingor")
    assert len(today["edges"]) == 31
    for edge in today["edges"]:
        found = re.search(r"– (\d{4}-\d\d-\d\d)", edge["title"])
        assert found is None or date.fromisoformat(found.group(1)) >= date.today()
    then = _data(client, "municipality=helsingor&as_of=2025-01-01")["edges"]
    assert any("– 2025-03-31" in edge["title"] for edge in then)  # it held then


def test_the_gap_list_names_local_actors_only_each_a_link_with_its_reason(
    session, client, create_municipality, create_actor, create_tie
):
    create_municipality()
    service = create_actor(
        name="Socialpsykiatrien",
        kind="municipal_service",
        sector="municipal",
        municipality="helsingor",
    )
    council = create_actor(
        name="Socialudvalget",
        kind="council",
        sector="municipal",
        tier=3,
        municipality="helsingor",
    )
    local = create_actor(name="Lokal Forening", municipality="helsingor")
    national = create_actor(name="SIND Landsforeningen")  # no municipality: national
    lonely = create_actor(name="Ensom Forening", municipality="helsingor")
    create_tie(service, council, start="2020-01-01")  # linking: the service has no bridge
    create_tie(council, local, start="2020-01-01")
    create_tie(national, lonely, start="2020-01-01")  # both reached through one actor only
    session.commit()
    html = client.get("/kort/?municipality=helsingor&lang=en").get_data(as_text=True)
    gaps = html.split('class="map-gaps"')[1].split("</section>")[0]
    items = re.findall(r'<li><a href="/aktoerer/(\d+)">', gaps)
    assert str(lonely.id) in items and str(national.id) not in items  # a gap, not the national
    reached = gaps.split('id="gaps-reached"')[1].split("</ul>")[0]
    assert f'<a href="/aktoerer/{local.id}">Lokal Forening</a>' in reached
    assert f'<a href="/aktoerer/{lonely.id}">Ensom Forening</a>' in reached
    assert "if that tie ends, the association is cut off" in reached
    services = gaps.split('id="gaps-services"')[1].split("</ul>")[0]
    assert f'<a href="/aktoerer/{service.id}">Socialpsykiatrien</a>' in services
    assert "no tie across sectors" in services
    danish = client.get("/kort/?municipality=helsingor&lang=da").get_data(as_text=True)
    assert "cut off" not in danish.split('class="map-gaps"')[1].split("</section>")[0]


def test_a_focus_view_puts_the_focused_actor_in_the_middle_of_a_fresh_layout(client, ended):
    whole = _data(client, "municipality=helsingor")
    focus = ended["service"].id
    focused = _data(client, f"municipality=helsingor&focus={focus}")
    where = {n["id"]: (n["x"], n["y"]) for n in focused["nodes"]}
    assert where[focus] == (0.0, 0.0)
    assert where != {n["id"]: (n["x"], n["y"]) for n in whole["nodes"] if n["id"] in where}


def test_the_timeline_table_has_no_empty_header(client, demo_data):
    html = client.get("/kort/forandring?municipality=helsingor&from=2024-01-01&to=2026-01-01")
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and "<th" in text
    assert not re.search(r"<th[^>]*>\s*</th>", text)
