"""`brobyg export graph` and `brobyg map`: the social-capital graph from the command line."""

from app.cli import main  # noqa: F401 - commands register on `main`
