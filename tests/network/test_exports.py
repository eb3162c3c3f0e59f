"""Graph files load back in networkx with every actor; Kumu's layout round-trips."""

import io
import json

import networkx as nx
import pytest
from openpyxl import Workbook, load_workbook

from harvest.actors import actor_by_name
from network import exports, kumu_import
from network.graph import GraphFilters
from network.maps import prepare_map


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


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_load_in_networkx_with_every_actor(view, fmt, reader, tmp_path):
    path = tmp_path / f"map.{fmt}"
    path.write_bytes(exports.export_graph(view, fmt))
    loaded = reader(path)
    assert loaded.number_of_nodes() == 3  # also the actor without ties
    assert loaded.number_of_edges() == 2
    labels = {d.get("label") or d.get("name") for _n, d in loaded.nodes(data=True)}
    assert "Café <b>" in labels
    forms = {d["form"] for _u, _v, d in loaded.edges(data=True)}
    assert forms == {"bridging"}


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


def test_kumu_export_imports_into_an_empty_database(view, session):
    content = exports.export_graph(view, "kumu")
    result = kumu_import.import_kumu(session, content, by=None)
    assert result.ok
    assert result.actors_existing == 3 and result.ties_existing == 2


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
