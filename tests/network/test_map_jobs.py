"""Stale-while-revalidate: a changed map shows its last layout and metrics, marked stale,
until a background job (a worker thread, or RQ on Redis) has computed the current ones."""

import uuid

import pytest
from redis import Redis

from harvest import ties as tie_service
from network import cache, jobs, maps
from network.graph import GraphFilters

REDIS_URL = "redis://127.0.0.1:6379/11"  # a database of the shared Redis for these tests


@pytest.fixture
def town(session, create_municipality, create_actor, create_tie, monkeypatch):
    """Helsingør with a chain of five actors, large enough to cache its metrics."""
    monkeypatch.setattr(maps, "CACHE_METRICS_FROM", 3)
    create_municipality()
    people = [create_actor(name=f"Forening {i}", municipality="helsingor") for i in range(5)]
    ties = [create_tie(a, b) for a, b in zip(people, people[1:], strict=False)]
    session.commit()
    return people, ties


def _map(session, engine, schedule):
    view = maps.prepare_map(
        session, GraphFilters("helsingor"), keep=cache.store_aside(engine), schedule=schedule
    )
    session.commit()  # end the read, as a request does, so the next one sees the job's work
    return view


def _edit(session, tie):
    tie_service.update_tie(session, tie, {"kind": "referral", "version": tie.version}, by=None)
    session.commit()


def _serve_stale_then_fresh(session, engine, town, schedule, run_jobs):
    people, ties = town
    first = _map(session, engine, schedule)
    assert first.computing and not first.stale  # a quick estimate now, the exact one coming
    run_jobs()
    fresh = _map(session, engine, schedule)
    assert not fresh.stale and not fresh.computing
    assert fresh.summary["betweenness_method"] == {"method": "exact"}
    _edit(session, ties[0])
    stale = _map(session, engine, schedule)
    assert stale.stale and stale.computing
    assert stale.version != fresh.version
    assert stale.positions == fresh.positions  # the last map, shown while the job runs
    run_jobs()
    replaced = _map(session, engine, schedule)
    assert not replaced.stale and not replaced.computing
    assert replaced.version == stale.version


def test_the_worker_thread_replaces_a_stale_map(session, engine, town):
    scheduler = jobs.ThreadScheduler(engine)
    _serve_stale_then_fresh(session, engine, town, scheduler, scheduler.wait)


def test_the_thread_runs_one_job_per_map_and_version(session, engine, town):
    scheduler = jobs.ThreadScheduler(engine)
    filters = GraphFilters("helsingor")
    for _ in range(3):
        scheduler(filters, "v1")
    assert len(scheduler._held) == 1
    scheduler.wait()
    assert not scheduler._held


@pytest.fixture
def rq_queue():
    """A queue of its own in Redis, emptied and removed after the test."""
    name = f"brobyg-test-{uuid.uuid4().hex[:12]}"
    yield name
    connection = Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(match=f"*{name}*"):
        connection.delete(key)
    for key in connection.scan_iter(match="rq:worker:*"):  # the burst workers it ran
        if connection.type(key) == b"hash" and connection.hget(key, "queues") == name.encode():
            connection.delete(key)
    connection.srem("rq:queues", f"rq:queue:{name}")
    connection.close()


def test_an_rq_worker_replaces_a_stale_map(session, engine, town, rq_queue):
    scheduler = jobs.RQScheduler(REDIS_URL, rq_queue)
    job_ids: list[str] = []

    def schedule(filters, version):
        scheduler(filters, version)
        job_ids.append(jobs.job_id(filters, version))

    def run_jobs():
        assert scheduler.queue.count >= 1
        jobs.work(engine, REDIS_URL, rq_queue, burst=True)
        assert scheduler.queue.count == 0

    try:
        _serve_stale_then_fresh(session, engine, town, schedule, run_jobs)
    finally:
        for wanted in set(job_ids):
            scheduler.connection.delete(f"rq:job:{wanted}", f"rq:results:{wanted}")


def test_rq_queues_one_job_per_map_and_version(rq_queue):
    scheduler = jobs.RQScheduler(REDIS_URL, rq_queue)
    filters = GraphFilters("helsingor")
    try:
        for _ in range(3):
            scheduler(filters, "v1")
        assert scheduler.queue.count == 1
    finally:
        scheduler.queue.delete(delete_jobs=True)
