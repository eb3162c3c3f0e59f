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


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_graph_loads_in_networkx(runner, town, tmp_path, fmt, reader):
    path = tmp_path / f"g.{fmt}"
    result = _invoke(
        runner, "export", "graph", "--municipality", "helsingor", "--format", fmt, "-o", path
    )
    assert result.exit_code == 0, result.output
    assert reader(path).number_of_nodes() == 3


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
