"""`brobyg backup` and `brobyg restore`: a consistent copy, also while Brobyg writes."""

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlmodel import col, select

from app.cli import main
from harvest import backup, outcomes
from harvest.db import make_engine, open_session, unit_of_work
from harvest.models import Outcome
from tests.conftest import ON_POSTGRES, ON_SQLITE
from tests.processes import SAFETY_NET


@pytest.fixture
def sqlite_only(database_url):
    """The test's SQLite database: backup and restore copy the file (PostgreSQL: pg_dump)."""
    assert database_url.startswith("sqlite")
    return database_url


def _titles(url: str) -> set[str]:
    engine = make_engine(url)
    with open_session(engine) as session:
        found = set(session.scalars(select(col(Outcome.title))))
    engine.dispose()
    return found


@ON_SQLITE
def test_a_backup_restores_to_the_same_rows(
    sqlite_only, runner, session, tmp_path, create_outcome, create_harvest
):
    harvest = create_harvest()
    create_outcome(harvest, title="Før sikkerhedskopien")
    session.commit()
    copy = tmp_path / "kopi.sqlite3"
    result = runner.invoke(main, ["backup", str(copy)])
    assert result.exit_code == 0, result.output
    create_outcome(harvest, title="Efter sikkerhedskopien")
    session.commit()
    session.close()

    refused = runner.invoke(main, ["restore", str(copy)])
    assert refused.exit_code == 1 and "--force" in refused.output
    restored = runner.invoke(main, ["restore", str(copy), "--force"])
    assert restored.exit_code == 0, restored.output
    assert _titles(sqlite_only) == {"Før sikkerhedskopien"}


@ON_SQLITE
def test_a_backup_taken_while_writing_holds_every_acknowledged_outcome(
    sqlite_only, tmp_path, create_harvest, session
):
    harvest = create_harvest()
    session.commit()
    engine = make_engine(sqlite_only)
    acknowledged: list[str] = []
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set() and n < 2000:
            title = f"Forandring {n}"
            with unit_of_work(engine) as writer:
                found = writer.get(type(harvest), harvest.id)
                data = {"title": title, "change": "Koret øver nu hver tirsdag.", "status": "lead"}
                outcomes.record_outcome(writer, found, data, by=None)
            acknowledged.append(title)  # committed: the writer was told it is saved
            n += 1

    thread = threading.Thread(target=write)
    thread.start()
    while len(acknowledged) < 20:
        stop.wait(0.01)
    before = set(acknowledged)
    copy = tmp_path / "under-skrivning.sqlite3"
    backup.backup(engine, copy)
    stop.set()
    thread.join(timeout=SAFETY_NET)  # a safety net: it stops at its next commit
    assert not thread.is_alive()
    engine.dispose()

    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        titles = {row[0] for row in conn.execute("SELECT title FROM outcome")}
    assert before <= titles
    assert titles <= set(acknowledged)


@ON_SQLITE
def test_restore_refuses_a_file_that_is_not_a_brobyg_backup(sqlite_only, runner, tmp_path):
    stray = tmp_path / "noget.sqlite3"
    with sqlite3.connect(stray) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = runner.invoke(main, ["restore", str(stray), "--force"], env={"BROBYG_LANG": "en"})
    assert result.exit_code == 1
    assert "is not a backup of a Brobyg database" in result.output
    missing = runner.invoke(main, ["restore", str(tmp_path / "nej"), "--force"])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


@ON_SQLITE
def test_backup_does_not_overwrite_a_file(sqlite_only, runner, tmp_path):
    taken = tmp_path / "findes.sqlite3"
    taken.write_bytes(b"vigtigt")
    result = runner.invoke(main, ["backup", str(taken)])
    assert result.exit_code == 1
    assert taken.read_bytes() == b"vigtigt"


@ON_POSTGRES
def test_postgresql_is_told_to_use_pg_dump(database_url, runner, tmp_path):
    result = runner.invoke(main, ["backup", str(tmp_path / "x")], env={"BROBYG_LANG": "en"})
    assert result.exit_code == 1 and "pg_dump" in result.output


@ON_SQLITE
def test_known_revisions_hold_the_newest(sqlite_only):
    assert {"0001", "0005"} <= backup.known_revisions()
    assert Path(sqlite_only.removeprefix("sqlite:///")).exists()
