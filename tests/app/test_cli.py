"""The `brobyg` command line: user mistakes give one clear line and a non-zero exit."""

import os
import subprocess
import sys

import pytest
from sqlmodel import select

from app.cli import main
from harvest import accounts
from harvest.models import ApiToken
from tests.processes import SAFETY_NET


@pytest.fixture
def brobyg(runner):
    def invoke(*args, input=None):
        return runner.invoke(main, list(args), input=input)

    return invoke


def test_db_upgrade(brobyg):
    result = brobyg("db", "upgrade")
    assert result.exit_code == 0
    assert "opdateret" in result.output


def test_user_create_reads_the_password_from_stdin(brobyg, session):
    result = brobyg(
        "user", "create", "Eva@Example.dk", "--role", "evaluator", input="a-long-password\n"
    )
    assert result.exit_code == 0, result.output
    assert accounts.authenticate(session, "eva@example.dk", "a-long-password") is not None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["user", "create", "eva@example.dk", "--role", "evaluator"], "kort\n", "mindst 12 tegn"),
        (
            ["user", "create", "ikke-en-mail", "--role", "staff"],
            "a-long-password\n",
            "gyldig e-mailadresse",
        ),
        (
            ["user", "create", "m@example.dk", "--role", "member"],
            "a-long-password\n",
            "høre til en gruppe",
        ),
        (
            ["user", "create", "m@example.dk", "--role", "member", "--group", "nowhere"],
            "a-long-password\n",
            "nowhere",
        ),
        (["user", "create", "x@example.dk", "--role", "king"], "a-long-password\n", "king"),
        (["token", "create", "nobody@example.dk"], None, "nobody@example.dk"),
    ],
)
def test_user_mistakes_give_a_message_and_exit_non_zero(brobyg, args, stdin, message):
    result = brobyg(*args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_duplicate_user_is_refused(brobyg):
    brobyg("user", "create", "eva@example.dk", "--role", "evaluator", input="a-long-password\n")
    result = brobyg(
        "user", "create", "EVA@example.dk", "--role", "staff", input="a-long-password\n"
    )
    assert result.exit_code == 1
    assert "findes allerede" in result.output


def test_token_create_prints_a_working_token_once(brobyg, session):
    brobyg("user", "create", "eva@example.dk", "--role", "evaluator", input="a-long-password\n")
    result = brobyg("token", "create", "eva@example.dk")
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert token.startswith("brobyg_")
    assert accounts.user_for_token(session, token).email == "eva@example.dk"
    assert token not in session.exec(select(ApiToken)).one().token_hash


def test_cli_speaks_english_when_asked(brobyg, monkeypatch):
    monkeypatch.setenv("BROBYG_LANG", "en")
    result = brobyg("user", "create", "eva@example.dk", "--role", "evaluator", input="short\n")
    assert "at least 12 characters" in result.output


def test_commands_on_a_database_without_schema_say_what_to_do(tmp_path):
    env = {
        **os.environ,
        "BROBYG_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "BROBYG_LANG": "da",
    }
    result = subprocess.run(
        [sys.executable, "-m", "app", "token", "create", "x@example.dk"],
        env=env,
        capture_output=True,
        text=True,
        timeout=SAFETY_NET,
    )
    assert result.returncode == 1
    assert "brobyg db upgrade" in result.stderr
    assert "Traceback" not in result.stderr
