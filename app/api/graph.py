"""GET /api/v1/graph: the actors and ties of a map, with forms and metrics."""

from app.api import bp  # noqa: F401 - routes register on the API blueprint
