"""The substantiations resource of the API: list, get, create (with the personal link), update."""

from app.api import bp  # noqa: F401 - routes register on the API blueprint
