"""Evaluator commands: substantiation requests from the command line."""

from app.cli import main  # noqa: F401 - commands register on `main`
