"""Graph files a network researcher can trust: GraphML read back by networkx with every
attribute, GEXF valid against the GEXF 1.3 schema, Kumu's layout safe in a spreadsheet and
round-tripping unchanged, and hostile names intact in each."""

import io
import json

import networkx as nx
import pytest
from defusedxml.ElementTree import fromstring
from openpyxl import Workbook, load_workbook

from harvest.actors import actor_by_name
from network import exports, kumu_import
from network.graph import GraphFilters
from network.maps import prepare_map
from network.render import Labels, standalone_html
from tests.network.gexf_schema import NS as GEXF
from tests.network.gexf_schema import valid_gexf

HOSTILE = (
    "=cmd|' /C calc'!A0",
    "<script>alert('x')</script>",
    'Foreningen "Os & Dem"',
    "Ærø Å-foreningen 🌈",
    "Grib – København\u00a0Nord",  # Word's en dash and no-break space
    "+45 Netværket",
    "@hjemme",
    "-minus gruppen",
)
TAGS = ["æble", "grøn – omstilling", "social\u00a0netværk", "=SUM(A1)"]


@pytest.fixture
def view(session, create_municipality, create_actor, create_tie):
    create_municipality()
    a = create_actor(
        name="Café <b>", kind="municipal_service", sector="municipal", municipality="helsingor"
    )
    b = create_actor(name="SIND", municipality="helsingor")
    c = create_actor(name="Ensom forening", municipality="helsingor")
    create_tie(a, b, start="2024-03-01")
    create_tie(a, b, kind="referral")
    assert c.id
    return prepare_map(session, GraphFilters("helsingor"))


@pytest.fixture
def hostile(session, create_municipality, create_actor, create_tie):
    """Actors with names a spreadsheet, an XML file or a page could choke on, tied four ways."""
    create_municipality()
    made = [
        create_actor(name=name, municipality="helsingor", tags=TAGS if i % 2 == 0 else [])
        for i, name in enumerate(HOSTILE)
    ]
    authority = create_actor(
        name="Socialudvalget – Ærø", kind="council", sector="municipal", tier=3, tags=["råd"]
    )
    create_tie(made[0], made[1], kind="referral", start="2024-03-01", strength=3)
    create_tie(made[1], made[0], kind="referral")  # the same kind the other way
    create_tie(made[2], made[3], kind="shared_activity", end="2025-06-30")
    create_tie(made[4], authority, kind="funding", start="2023-01-01", end="2024-12-31")
    create_tie(made[5], made[6], kind="collaboration")
    return prepare_map(session, GraphFilters())


def test_graphml_reads_back_every_attribute_of_actors_and_ties(hostile):
    content = exports.export_graph(hostile, "graphml")
    loaded = nx.read_graphml(io.BytesIO(content))
    assert loaded.number_of_nodes() == len(HOSTILE) + 1
    for node in hostile.shown:
        assert loaded.nodes[str(node)] == exports.actor_attributes(hostile, node)
    assert {d["name"] for _n, d in loaded.nodes(data=True)} >= set(HOSTILE)
    written = {d["tie_id"]: d for _u, _v, d in loaded.edges(data=True)}
    for _u, _v, data in hostile.shown.edges(data=True):
        assert written[data["id"]] == exports.tie_attributes(data)
    tags = {d["name"]: d["tags"] for _n, d in loaded.nodes(data=True)}
    assert tags[HOSTILE[0]] == "|".join(TAGS)
    root = fromstring(content)
    keys = {
        (k.get("for"), k.get("attr.name")): k.get("attr.type")
        for k in root.iter("{http://graphml.graphdrawing.org/xmlns}key")
    }
    assert keys[("node", "tier")] in ("int", "long")
    assert keys[("node", "context")] == "boolean"
    assert keys[("node", "betweenness")] == "double"
    assert keys[("node", "tags")] == "string"
    assert keys[("edge", "strength")] in ("int", "long")
    assert keys[("edge", "evidence_count")] in ("int", "long")
    assert {("edge", "start"), ("edge", "end"), ("edge", "direction")} <= set(keys)


def test_an_actor_without_ties_is_in_every_graph_file(view, tmp_path):
    graphml = nx.read_graphml(io.BytesIO(exports.export_graph(view, "graphml")))
    assert graphml.number_of_nodes() == 3 and graphml.number_of_edges() == 2
    assert "Café <b>" in {d["label"] for _n, d in graphml.nodes(data=True)}
    gexf = fromstring(exports.export_graph(view, "gexf"))
    assert len(gexf.findall(f".//{GEXF}node")) == 3
    assert len(gexf.findall(f".//{GEXF}edge")) == 2


def test_gexf_without_dates_is_static_and_valid(session, create_actor, create_tie):
    a, b = create_actor(name="Uden dato A"), create_actor(name="Uden dato B")
    create_tie(a, b)
    root = valid_gexf(exports.to_gexf(prepare_map(session, GraphFilters())))
    assert root.get("version") == "1.3"
    graph = root.find(f"{GEXF}graph")
    assert graph.get("mode") == "static" and graph.get("timeformat") is None
    assert root.find(f".//{GEXF}spells") is None
    assert root.find(f".//{GEXF}edge").get("type") == "mutual"  # a collaboration


def test_gexf_with_dates_is_dynamic_with_a_spell_per_dated_tie(hostile):
    content = exports.to_gexf(hostile)
    root = valid_gexf(content)
    graph = root.find(f"{GEXF}graph")
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    assert b'start=""' not in content and b'end=""' not in content
    spells = {}
    for edge in root.iter(f"{GEXF}edge"):
        found = edge.findall(f"{GEXF}spells/{GEXF}spell")
        spells[edge.get("id")] = [dict(s.attrib) for s in found]
    dated = {str(d["id"]): d for _u, _v, d in hostile.shown.edges(data=True)}
    for tie_id, data in dated.items():
        want = {k: data[k].isoformat() for k in ("start", "end") if data[k]}
        assert spells[tie_id] == ([want] if want else [])
    assert sorted(map(len, (s[0] for s in spells.values() if s))) == [1, 1, 2]


def test_gexf_keeps_hostile_names_directions_and_parallel_ties(hostile):
    root = valid_gexf(exports.to_gexf(hostile))
    labels = {n.get("label") for n in root.iter(f"{GEXF}node")}
    assert labels >= set(HOSTILE)
    names = {v.get("value") for v in root.iter(f"{GEXF}attvalue") if v.get("for") == "name"}
    assert names >= set(HOSTILE)  # the name attribute keeps the text as typed
    edges = list(root.iter(f"{GEXF}edge"))
    types = {(e.get("kind"), e.get("type")) for e in edges}
    assert types == {
        ("referral", "directed"),
        ("shared_activity", "undirected"),
        ("funding", "directed"),
        ("collaboration", "mutual"),
    }
    referrals = {(e.get("source"), e.get("target")) for e in edges if e.get("kind") == "referral"}
    assert len(referrals) == 2  # both ways, not merged


def test_kumu_cells_are_text_never_formulas(hostile):
    book = load_workbook(io.BytesIO(exports.to_kumu(hostile)))
    risky = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s" and cell.quotePrefix, cell.value
                    risky += 1
    assert risky >= 5


def test_kumu_fills_tags_and_direction_from_the_data(hostile):
    book = load_workbook(io.BytesIO(exports.to_kumu(hostile)))
    elements = [
        dict(zip(exports.ELEMENT_COLUMNS, r, strict=True))
        for r in book["Elements"].iter_rows(min_row=2, values_only=True)
    ]
    tags = {e["Label"]: e["Tags"] for e in elements}
    assert tags[HOSTILE[0]] == "|".join(TAGS) and tags[HOSTILE[1]] is None
    connections = [
        dict(zip(exports.CONNECTION_COLUMNS, r, strict=True))
        for r in book["Connections"].iter_rows(min_row=2, values_only=True)
    ]
    direction = {(c["From"], c["To"], c["Type"]): c["Direction"] for c in connections}
    assert direction[(HOSTILE[0], HOSTILE[1], "referral")] == "directed"
    assert direction[(HOSTILE[1], HOSTILE[0], "referral")] == "directed"
    assert direction[(HOSTILE[5], HOSTILE[6], "collaboration")] == "mutual"
    assert direction[(HOSTILE[2], HOSTILE[3], "shared_activity")] == "undirected"


def test_reimporting_brobygs_own_kumu_export_reports_every_row_unchanged(hostile, session):
    content = exports.to_kumu(hostile)
    result = kumu_import.import_kumu(session, content, by=None)
    assert result.ok, result.problems
    assert result.differences == []
    assert (result.actors_created, result.actors_differing) == (0, 0)
    assert (result.ties_created, result.ties_differing) == (0, 0)
    assert result.actors_unchanged == len(HOSTILE) + 1
    assert result.ties_unchanged == hostile.shown.number_of_edges() == 5
    assert actor_by_name(session, HOSTILE[0]).tags == TAGS


def test_kumu_reimport_names_each_column_that_differs_and_keeps_brobygs(hostile, session):
    book = load_workbook(io.BytesIO(exports.to_kumu(hostile)))
    book["Elements"]["C2"] = "region"  # Sector of the first actor
    book["Connections"]["H2"] = 1  # Strength of the first tie
    out = io.BytesIO()
    book.save(out)
    result = kumu_import.import_kumu(session, out.getvalue(), by=None)
    assert result.ok
    assert [(d.sheet, d.row, d.column, d.given) for d in result.differences] == [
        ("Elements", 2, "Sector", "region"),
        ("Connections", 2, "Strength", "1"),
    ]
    assert (result.actors_differing, result.ties_differing) == (1, 1)
    assert actor_by_name(session, HOSTILE[0]).sector == "civil_society"


@pytest.mark.parametrize("base", ["", "https://brobyg.example.dk/aktoerer/"])
def test_standalone_html_links_actors_to_the_site_only_when_it_has_one(hostile, base):
    html = standalone_html(hostile, Labels(), title="Kort", actor_url=base)
    assert "file:" not in html
    if base:
        assert f'"actor_url":"{base}"' in html
        assert f'href="{base}' in html
    else:
        assert '"actor_url":""' in html
        assert "<a " not in html and "/aktoerer/" not in html
    assert "<script>alert" not in html  # the hostile name is escaped everywhere


def test_json_has_nodes_ties_and_metrics(view):
    doc = json.loads(exports.export_graph(view, "json"))
    assert len(doc["nodes"]) == 3
    assert {t["form"] for t in doc["ties"]} == {"bridging"}
    assert doc["metrics"]["betweenness_method"] == {"method": "exact"}
    assert set(doc["nodes"][0]) >= {"id", "name", "kind", "sector", "tier", "municipality"}


def test_kumu_layout_has_elements_by_label_and_connections(view):
    book = load_workbook(io.BytesIO(exports.export_graph(view, "kumu")))
    elements = list(book["Elements"].iter_rows(values_only=True))
    connections = list(book["Connections"].iter_rows(values_only=True))
    assert elements[0][0] == "Label" and len(elements) == 4
    assert connections[0][:2] == ("From", "To") and len(connections) == 3


def test_kumu_export_imports_into_the_same_database_unchanged(view, session):
    content = exports.export_graph(view, "kumu")
    result = kumu_import.import_kumu(session, content, by=None)
    assert result.ok
    assert result.actors_unchanged == 3 and result.ties_unchanged == 2


def _workbook(elements, connections):
    book = Workbook()
    sheet = book.active
    sheet.title = "Elements"
    for row in elements:
        sheet.append(row)
    other = book.create_sheet("Connections")
    for row in connections:
        other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_kumu_import_creates_actors_and_ties_with_several_tags(session, create_municipality):
    create_municipality()
    content = _workbook(
        [
            ("Label", "Type", "Sector", "Tier", "Municipality", "Tags"),
            ("Havefolket", "association", "civil_society", 2, "helsingor", "have|natur"),
            ("Jobcentret", "municipal_service", "municipal", 2, "helsingor", ""),
        ],
        [("From", "To", "Type", "Start"), ("Jobcentret", "Havefolket", "referral", "2024-05-01")],
    )
    result = kumu_import.import_kumu(session, content, by=None)
    assert result.ok, result.problems
    actor = actor_by_name(session, "Havefolket")
    assert actor.tags == ["have", "natur"]
    assert result.ties_created == 1


def test_kumu_import_is_all_or_nothing_and_lists_every_problem(session, create_municipality):
    create_municipality()
    content = _workbook(
        [
            ("Label", "Type", "Sector", "Tier", "Municipality"),
            ("God forening", "association", "civil_society", 2, "helsingor"),
            ("Dårlig", "spaceship", "civil_society", 2, "helsingor"),
        ],
        [("From", "To", "Type"), ("God forening", "Ukendt", "referral")],
    )
    result = kumu_import.import_kumu(session, content, by=None)
    assert not result.ok
    assert {(sheet, row) for sheet, row, *_rest in result.problems} == {
        ("Elements", 3),
        ("Connections", 2),
    }
    assert actor_by_name(session, "God forening") is None
