"""`brobyg recompute` stores maps' layouts and metrics now; `brobyg worker` needs Redis."""

import pytest
from sqlmodel import select

from app.cli import main
from harvest.models import ComputedResult
from network import jobs, maps


@pytest.fixture
def town(session, create_municipality, create_actor, create_tie):
    create_municipality()
    create_municipality("fredericia", "Fredericia")
    cafe = create_actor(name="Café", municipality="helsingor")
    sind = create_actor(name="SIND", municipality="helsingor")
    create_tie(cafe, sind)
    session.commit()


def _keys(session):
    session.commit()
    return {row.key for row in session.scalars(select(ComputedResult))}


def test_recompute_one_municipality_says_what_it_stored(runner, session, town):
    result = runner.invoke(main, ["recompute", "--municipality", "helsingor"])
    assert result.exit_code == 0, result.output
    assert "Helsingør: 2" in result.output  # actors
    assert _keys(session) == {maps.layout_key(maps.GraphFilters("helsingor"))}


def test_recompute_all_covers_every_municipality_and_the_country(
    runner, session, town, monkeypatch
):
    monkeypatch.setattr(maps, "CACHE_METRICS_FROM", 2)
    result = runner.invoke(main, ["recompute", "--all"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 3 and "Fredericia: 0" in result.output
    assert "(præcis betweenness)" in result.output or "(exact betweenness)" in result.output
    assert maps.layout_key(maps.GraphFilters()) in _keys(session)


def test_recompute_names_an_unknown_municipality(runner, town):
    result = runner.invoke(main, ["recompute", "--municipality", "atlantis"])
    assert result.exit_code == 1
    assert "atlantis" in result.output and "Traceback" not in result.output


def test_worker_without_redis_says_what_to_set(runner, app):
    app.config["REDIS_URL"] = ""
    result = runner.invoke(main, ["worker", "--burst"])
    assert result.exit_code == 1 and "BROBYG_REDIS_URL" in result.output


def test_worker_computes_the_maps_the_app_queued(runner, app, session, town):
    url = "redis://127.0.0.1:6379/12"  # a database of the shared Redis for this test
    app.config["REDIS_URL"] = url
    scheduler = jobs.RQScheduler(url)
    filters = maps.GraphFilters("helsingor")
    try:
        scheduler(filters, "seen-by-a-request")
        result = runner.invoke(main, ["worker", "--burst"])
        assert result.exit_code == 0, result.output
        assert scheduler.queue.count == 0
        assert maps.layout_key(filters) in _keys(session)
    finally:
        scheduler.connection.flushdb()
