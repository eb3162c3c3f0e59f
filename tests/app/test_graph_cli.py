"""`brobyg export graph`, `brobyg map`, `brobyg import graph` and `brobyg demo --scale`."""

import io
import re
from datetime import date

import networkx as nx
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.cli import main
from harvest.models import Actor, Outcome, Tie
from harvest.ties import valid_on
from tests.network.gexf_schema import NS as GEXF
from tests.network.gexf_schema import valid_gexf


@pytest.fixture
def town(session, create_municipality, create_actor, create_tie):
    create_municipality()
    cafe = create_actor(
        name="Café <x>", kind="municipal_service", sector="municipal", municipality="helsingor"
    )
    sind = create_actor(name="SIND", municipality="helsingor")
    create_actor(name="Alene", municipality="helsingor")
    create_tie(cafe, sind, start="2024-05-01")
    session.commit()


def _invoke(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def test_export_graph_graphml_loads_in_networkx(runner, town, tmp_path):
    path = tmp_path / "g.graphml"
    result = _invoke(
        runner, "export", "graph", "--municipality", "helsingor", "--format", "graphml", "-o", path
    )
    assert result.exit_code == 0, result.output
    assert nx.read_graphml(path).number_of_nodes() == 3


def test_export_graph_gexf_matches_the_gexf_schema(runner, town, tmp_path):
    path = tmp_path / "g.gexf"
    result = _invoke(
        runner, "export", "graph", "--municipality", "helsingor", "--format", "gexf", "-o", path
    )
    assert result.exit_code == 0, result.output
    root = valid_gexf(path.read_bytes())
    assert len(root.findall(f".//{GEXF}node")) == 3
    assert root.find(f"{GEXF}graph").get("mode") == "dynamic"  # the tie has a start


def test_kumu_export_imports_back_unchanged(runner, town, create_actor, session, tmp_path):
    create_actor(name="=cmd|' /C calc'!A0", municipality="helsingor", tags=["æble", "grøn–liv"])
    session.commit()
    path = tmp_path / "kort.xlsx"
    assert _invoke(runner, "export", "graph", "--format", "kumu", "-o", path).exit_code == 0
    result = _invoke(runner, "import", "graph", path)
    assert result.exit_code == 0, result.output
    assert "0 aktører og 0 relationer oprettet; 4 aktører og 1 relationer" in result.output
    assert "uændrede" in result.output and "Brobyg beholder" not in result.output


def test_kumu_import_names_a_column_that_differs(runner, town, tmp_path):
    path = _kumu(
        tmp_path,
        [("Label", "Type", "Sector", "Tier"), ("SIND", "association", "region", 2)],
        [("From", "To", "Type")],
    )
    result = _invoke(runner, "import", "graph", path)
    assert result.exit_code == 0, result.output
    assert "Elements række 2, Sector: Brobyg beholder 'civil_society'" in result.output


@pytest.mark.parametrize("base", ["", "https://brobyg.example.dk"])
def test_map_links_actors_to_the_site_only_with_a_base_url(app, runner, town, tmp_path, base):
    app.config["BASE_URL"] = base
    path = tmp_path / "map.html"
    assert _invoke(runner, "map", "-o", path).exit_code == 0
    html = path.read_text(encoding="utf-8")
    assert "file:" not in html
    if base:
        assert f'"actor_url":"{base}/aktoerer/"' in html and f'href="{base}/aktoerer/' in html
    else:
        assert '"actor_url":""' in html and "/aktoerer/" not in html


def test_export_graph_json_to_stdout_and_kumu(runner, town, tmp_path):
    result = _invoke(runner, "export", "graph", "--format", "json", "-o", "-")
    assert result.exit_code == 0 and '"nodes"' in result.output
    kumu = tmp_path / "k.xlsx"
    assert _invoke(runner, "export", "graph", "--format", "kumu", "-o", kumu).exit_code == 0
    assert kumu.stat().st_size > 0


def test_export_graph_names_an_unknown_municipality(runner, town, tmp_path):
    result = _invoke(
        runner,
        "export",
        "graph",
        "--municipality",
        "atlantis",
        "--format",
        "json",
        "-o",
        tmp_path / "x.json",
    )
    assert result.exit_code == 1
    assert "atlantis" in result.output


def test_map_writes_a_self_contained_file(runner, town, tmp_path):
    path = tmp_path / "map.html"
    result = _invoke(
        runner, "map", "--municipality", "helsingor", "--as-of", "2024-01-01", "-o", path
    )
    assert result.exit_code == 0, result.output
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html)
    assert "Café <x>" not in html and 'id="graph-data"' in html
    assert "vis.Network" in html


def _kumu(tmp_path, elements, connections):
    book = Workbook()
    book.active.title = "Elements"
    for row in elements:
        book.active.append(row)
    sheet = book.create_sheet("Connections")
    for row in connections:
        sheet.append(row)
    path = tmp_path / "kumu.xlsx"
    book.save(path)
    return path


def test_import_graph_all_or_nothing(runner, town, session, tmp_path):
    bad = _kumu(
        tmp_path,
        [
            ("Label", "Type", "Sector", "Tier"),
            ("Ny", "association", "civil_society", 2),
            ("Forkert", "ufo", "civil_society", 2),
        ],
        [("From", "To", "Type"), ("Ny", "SIND", "referral")],
    )
    result = _invoke(runner, "import", "graph", bad)
    assert result.exit_code == 1
    assert "3" in result.output  # the bad row is named
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Actor)) == 3
    good = _kumu(
        tmp_path,
        [("Label", "Type", "Sector", "Tier"), ("Ny", "association", "civil_society", 2)],
        [("From", "To", "Type"), ("Ny", "SIND", "referral")],
    )
    result = _invoke(runner, "import", "graph", good)
    assert result.exit_code == 0, result.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Tie)) == 2
    assert _invoke(runner, "import", "graph", tmp_path / "none.xlsx").exit_code == 1


def test_demo_scale_adds_a_seeded_municipality_once(runner, session, demo_data):
    result = _invoke(runner, "demo", "--scale", "40")
    assert result.exit_code == 0, result.output
    session.rollback()
    counts = {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Actor, Tie, Outcome)
    }
    again = _invoke(runner, "demo", "--scale", "40")
    assert again.exit_code == 0, again.output
    session.rollback()
    assert counts == {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Actor, Tie, Outcome)
    }
    synthetic = session.scalar(
        select(func.count()).select_from(Actor).where(Actor.slug.like("syn-40-%"))
    )
    ties = session.scalar(
        select(func.count())
        .select_from(Tie)
        .join(Actor, Actor.id == Tie.source_id)
        .where(Actor.slug.like("syn-40-%"))
    )
    outcomes = session.scalar(
        select(func.count()).select_from(Outcome).where(Outcome.ref.like("syn-40-%"))
    )
    assert (synthetic, ties, outcomes) == (40, 160, 800)
    graph = _invoke(
        runner, "export", "graph", "--municipality", "syntetisk-40", "--format", "json", "-o", "-"
    )
    assert graph.exit_code == 0
    current = session.scalar(  # the export is as of today: ended ties are left out
        select(func.count())
        .select_from(Tie)
        .join(Actor, Actor.id == Tie.source_id)
        .where(Actor.slug.like("syn-40-%"), valid_on(date.today()))
    )
    assert 0 < current <= 160
    assert io.StringIO(graph.output).read().count('"source_id"') == current


def test_an_unwritable_output_is_named_not_a_traceback(runner, town, tmp_path):
    missing = tmp_path / "no-such-folder" / "map.html"
    result = _invoke(runner, "map", "--municipality", "helsingor", "-o", missing)
    assert result.exit_code == 1
    assert "Kunne ikke skrive" in result.output and str(missing) in result.output
    assert "Traceback" not in result.output


def test_a_file_that_is_not_a_workbook_imports_nothing(runner, town, tmp_path):
    path = tmp_path / "kort.xlsx"
    path.write_bytes(b"not a workbook")
    before = _invoke(runner, "export", "graph", "--format", "json", "-o", "-").output
    result = _invoke(runner, "import", "graph", path)
    assert result.exit_code == 1
    assert "1 problem i kort.xlsx; intet blev importeret." in result.output
    assert "række 0" not in result.output
    assert _invoke(runner, "export", "graph", "--format", "json", "-o", "-").output == before
