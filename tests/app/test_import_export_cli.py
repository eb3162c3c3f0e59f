"""`brobyg import outcomes` and `brobyg export harvest`: formats, all-or-nothing, round trip."""

import json

import openpyxl
import pytest
from sqlmodel import select

from app.cli import main
from harvest.models import Outcome
from harvest.report import COLUMNS
from harvest.sheet_columns import header_for


@pytest.fixture
def setup(session, create_harvest, create_actor, create_outcome):
    harvest = create_harvest(questions=["Hvem gør noget nyt?"])
    library = create_actor(name="Helsingør Bibliotek", kind="municipal_service", sector="municipal")
    create_actor(name="Løbeklubben Øresund")
    create_outcome(harvest=harvest, actor=library, status="lead", title="=Ledetråd")
    session.commit()
    return harvest


def _invoke(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def _count(session):
    session.rollback()  # end the read snapshot, see what the CLI committed
    return len(session.exec(select(Outcome)).all())


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "md", "html"])
def test_export_harvest_writes_every_format(runner, setup, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    result = _invoke(runner, "export", "harvest", "test-harvest", "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert "1" in result.output and out.exists()
    if fmt == "json":
        body = json.loads(out.read_text("utf-8"))
        assert body["harvest"]["slug"] == "test-harvest"
        assert list(body["outcomes"][0]) == list(COLUMNS)
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(out).active
        danish = [header_for(key, "da") for key in COLUMNS]
        assert [c.value for c in sheet[1]][: len(COLUMNS)] == danish
        assert sheet["B2"].data_type == "s"
    elif fmt == "csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")
        assert "'=Ledetråd" in out.read_text("utf-8-sig")
    elif fmt == "md":
        text = out.read_text("utf-8")
        assert text.startswith("# Testhøst") and "Outcome Harvesting" in text
        assert "Ledetråd" in text and "Hvem gør noget nyt?" in text
    else:
        text = out.read_text("utf-8")
        assert "<h1>Testhøst</h1>" in text and "Hvem gør noget nyt?" in text
        assert "@media print" in text and "<script" not in text
        assert "Ledetråd" in text and 'style="' not in text


def test_export_help_says_every_status_is_included(runner):
    result = _invoke(runner, "export", "harvest", "--help")
    assert "EVERY status" in result.output


def test_export_of_an_unknown_harvest_is_one_line(runner, setup, tmp_path):
    result = _invoke(
        runner, "export", "harvest", "nowhere", "--format", "csv", "-o", tmp_path / "x"
    )
    assert result.exit_code == 1 and "nowhere" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_outcomes(runner, setup, session, tmp_path, fmt):
    out = tmp_path / f"o.{fmt}"
    args = ("export", "harvest", "test-harvest", "--format", fmt, "--language", "en", "-o", out)
    assert _invoke(runner, *args).exit_code == 0
    result = _invoke(runner, "import", "outcomes", out, "--harvest", "test-harvest")
    assert result.exit_code == 0, result.output
    assert "0 oprettet, 0 ændret, 1 uændret" in result.output
    assert _count(session) == 1


def test_export_language_is_danish_by_default_and_english_when_asked(
    runner, setup, tmp_path, monkeypatch
):
    monkeypatch.delenv("BROBYG_LANG", raising=False)
    monkeypatch.setenv("LANG", "da_DK.UTF-8")
    danish, english, asked = tmp_path / "da.csv", tmp_path / "en.csv", tmp_path / "env.csv"
    _invoke(runner, "export", "harvest", "test-harvest", "--format", "csv", "-o", danish)
    _invoke(
        runner,
        "export",
        "harvest",
        "test-harvest",
        "--format",
        "csv",
        "--language",
        "en",
        "-o",
        english,
    )
    monkeypatch.setenv("BROBYG_LANG", "en")
    _invoke(runner, "export", "harvest", "test-harvest", "--format", "csv", "-o", asked)
    header_da, row_da = danish.read_text("utf-8-sig").splitlines()[:2]
    header_en, row_en = english.read_text("utf-8-sig").splitlines()[:2]
    assert header_da.startswith("id;titel;forandret aktør;forandring;hvornår;hvor;betydning")
    assert "betydningsvurdering" in header_da and "vurdering af bidrag" in header_da
    assert ";Spor;" in row_da  # the status "lead" as its Danish label
    assert header_en.startswith(";".join(COLUMNS))
    assert ";Lead;" in row_en
    assert asked.read_text("utf-8-sig") == english.read_text("utf-8-sig")


def test_export_help_names_the_language_option(runner):
    result = _invoke(runner, "export", "harvest", "--help")
    assert "--language [da|en]" in result.output and "Danish" in result.output


def test_import_creates_rows_and_dry_run_writes_nothing(runner, setup, session, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(
        "title;changed_actor;change;contributors;status\n"
        "Klubben åbner for nye;Løbeklubben Øresund;Nye løbere hver torsdag;"
        "Helsingør Bibliotek;draft\n",
        encoding="utf-8-sig",
    )
    dry = _invoke(runner, "import", "outcomes", path, "--harvest", "test-harvest", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "1 ville blive oprettet" in dry.output
    assert _count(session) == 1
    real = _invoke(runner, "import", "outcomes", path, "--harvest", "test-harvest")
    assert real.exit_code == 0, real.output
    assert _count(session) == 2


def test_an_invalid_row_imports_nothing_and_lists_every_problem(runner, setup, session, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "title,changed_actor,change,when\n"
        "God række,Helsingør Bibliotek,Noget nyt,2025-01-01\n"
        "Ukendt,Ingen Sådan Aktør,Noget,2025-01-01\n"
        ",Helsingør Bibliotek,Noget,i går\n",
        encoding="utf-8",
    )
    result = _invoke(runner, "import", "outcomes", path, "--harvest", "test-harvest")
    assert result.exit_code == 1
    assert "'Ingen Sådan Aktør' (rækker 3)" in result.output
    assert "Række 4, kolonne titel" in result.output
    assert "Række 4, kolonne hvornår" in result.output
    assert "intet blev importeret" in result.output
    assert _count(session) == 1


def test_import_refuses_missing_oversized_and_non_utf8_files(runner, setup, tmp_path):
    missing = _invoke(
        runner, "import", "outcomes", tmp_path / "nope.csv", "--harvest", "test-harvest"
    )
    assert missing.exit_code == 1 and "nope.csv" in missing.output
    big = tmp_path / "big.csv"
    big.write_bytes(b"title\n" + b"x" * (5 * 1024 * 1024 + 1))
    result = _invoke(runner, "import", "outcomes", big, "--harvest", "test-harvest")
    assert result.exit_code == 1 and "5 MB" in result.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("title\nSø\n".encode("latin-1"))
    result = _invoke(runner, "import", "outcomes", latin, "--harvest", "test-harvest")
    assert result.exit_code == 1 and "UTF-8" in result.output
    assert "Traceback" not in result.output


def test_cli_import_speaks_english_when_asked(runner, setup, tmp_path, monkeypatch):
    monkeypatch.setenv("BROBYG_LANG", "en")
    path = tmp_path / "bad.csv"
    path.write_text("title,changed_actor,change\nX,Nobody,Y\n", encoding="utf-8")
    result = _invoke(runner, "import", "outcomes", path, "--harvest", "test-harvest")
    assert "These names match no actor exactly" in result.output
    assert "'Nobody' (rows 2)" in result.output and "--actors" in result.output
