"""`brobyg import outcomes` with an outsider's spreadsheet: names that match no actor stop
the import with their candidates, `--actors MAPPING.csv` answers them, choices are kept."""

import pytest
from sqlmodel import select

from app.cli import main
from harvest.models import Actor, Outcome
from tests.harvest.outside_sheet import outside_harvest, outside_workbook


@pytest.fixture
def outside(session, create_municipality, create_harvest, create_actor, tmp_path):
    found = outside_harvest(create_municipality, create_harvest, create_actor)
    session.commit()
    sheet = tmp_path / "forandringer.xlsx"
    sheet.write_bytes(outside_workbook())
    found["sheet"] = sheet
    return found


def _invoke(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def _outcomes(session):
    session.rollback()
    return session.exec(select(Outcome)).all()


def test_unmatched_names_stop_the_import_with_candidates_and_how_to_map(runner, outside, session):
    for extra in ([], ["--dry-run"]):
        result = _invoke(
            runner, "import", "outcomes", outside["sheet"], "--harvest", "test-harvest", *extra
        )
        assert result.exit_code == 1
        assert "'Rotary' (rækker 2)" in result.output
        assert f"{outside['rotary'].id}: Rotary Klub København (København)" in result.output
        assert "'Deltagere i peer-gruppen Helsingør' (rækker 3)" in result.output
        assert "--actors" in result.output and "name,actor" in result.output
    assert _outcomes(session) == []


def test_a_mapping_file_imports_and_is_remembered(runner, outside, session, tmp_path):
    mapping = tmp_path / "aktører.csv"
    mapping.write_text(
        f"name,actor\nRotary,{outside['rotary'].id}\nDeltagere i peer-gruppen Helsingør,new\n",
        encoding="utf-8",
    )
    args = ["import", "outcomes", outside["sheet"], "--harvest", "test-harvest"]
    dry = _invoke(runner, *args, "--actors", mapping, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert _outcomes(session) == []
    done = _invoke(runner, *args, "--actors", mapping)
    assert done.exit_code == 0, done.output
    assert "3 oprettet" in done.output
    assert "uden for høstens periode" in done.output  # the 2021 dates: a warning
    assert sorted(o.ref for o in _outcomes(session)) == ["H-01", "H-02", "H-03"]
    assert session.exec(
        select(Actor).where(Actor.name == "Deltagere i peer-gruppen Helsingør")
    ).one()
    again = _invoke(runner, *args)
    assert again.exit_code == 0, again.output
    assert "0 oprettet, 0 ændret, 3 uændret" in again.output
    assert len(_outcomes(session)) == 3


def test_a_mapping_with_an_unknown_actor_is_refused(runner, outside, tmp_path):
    mapping = tmp_path / "aktører.csv"
    mapping.write_text("name,actor\nRotary,Ingen Sådan\n", encoding="utf-8")
    result = _invoke(
        runner,
        "import",
        "outcomes",
        outside["sheet"],
        "--harvest",
        "test-harvest",
        "--actors",
        mapping,
    )
    assert result.exit_code == 1 and "Ingen Sådan" in result.output
    assert "Traceback" not in result.output
