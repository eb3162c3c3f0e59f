"""Compute maps' layouts and metrics outside the request: now (`recompute`), in a worker
thread of this process (`ThreadScheduler`), or on the RQ queue `brobyg` in Redis for
`brobyg worker` processes (`RQScheduler`); `scheduler_for` picks one.

A job names the filters of a map and the graph version its request saw; one job per
map and version runs at a time (the thread scheduler remembers what it holds, RQ jobs
have an id made of both). A job runs in its own transaction on the engine it was given
(RQ jobs on the engine `work` was started with: no database address travels through
Redis) and computes for the version it finds, exactly. Must not import `app` or Flask.
"""

import hashlib
import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from harvest.db import unit_of_work
from network import cache, maps
from network.graph import GraphFilters, build_graph, graph_version
from network.maps import (
    Schedule,
    compute_layout_payload,
    compute_metrics_payload,
    layout_key,
    metrics_key,
)

QUEUE = "brobyg"
JOB_TIMEOUT = 1800
log = logging.getLogger(__name__)


@dataclass
class Recomputed:
    """What `recompute` did for one map."""

    filters: GraphFilters
    version: str
    actors: int
    ties: int
    layout: bool
    metrics: bool
    method: str
    seconds: float


def recompute(session: Session, filters: GraphFilters, *, force: bool = True) -> Recomputed:
    """Compute and store the layout and (for large maps) the metrics of `filters` now.

    Without `force`, what is stored for the current version already is kept (a job
    that finds its work done by another does nothing). Flushes; never commits."""
    start = time.perf_counter()
    version = graph_version(session, filters.municipality)
    graph = build_graph(session, filters)
    done_layout = done_metrics = False
    method = ""
    community = None
    if graph.number_of_nodes() >= maps.CACHE_METRICS_FROM:
        mkey = metrics_key(filters)
        if force or not _current(session, mkey, version):
            payload = compute_metrics_payload(graph)
            cache.store(session, mkey, version, payload)
            method = payload["summary"]["betweenness_method"]["method"]
            done_metrics = True
            community = {n: m["community"] for n, m in payload["nodes"]}
    lkey = layout_key(filters)
    if force or not _current(session, lkey, version):
        placed = compute_layout_payload(session, filters, graph, community)
        cache.store(session, lkey, version, placed)
        done_layout = True
    return Recomputed(
        filters,
        version,
        graph.number_of_nodes(),
        graph.number_of_edges(),
        done_layout,
        done_metrics,
        method,
        time.perf_counter() - start,
    )


def _current(session: Session, key: str, version: str) -> bool:
    entry = cache.read_entry(session, key)
    return entry is not None and entry[0] == version and not entry[1].get("provisional")


def run(engine: Engine, filters: GraphFilters) -> Recomputed:
    """Recompute the map of `filters` in a transaction of its own, unless it is current."""
    with unit_of_work(engine) as session:
        return recompute(session, filters, force=False)


def filters_data(filters: GraphFilters) -> dict[str, Any]:
    """Return `filters` as plain data a queue can carry."""
    return {
        "municipality": filters.municipality,
        "as_of": filters.as_of.isoformat() if filters.as_of else None,
        "forms": sorted(filters.forms),
        "kinds": sorted(filters.kinds),
        "sectors": sorted(filters.sectors),
    }


def filters_from(data: dict[str, Any]) -> GraphFilters:
    """Return the filters `filters_data` gave."""
    return GraphFilters(
        municipality=data["municipality"],
        as_of=date.fromisoformat(data["as_of"]) if data["as_of"] else None,
        forms=frozenset(data["forms"]),
        kinds=frozenset(data["kinds"]),
        sectors=frozenset(data["sectors"]),
    )


def job_id(filters: GraphFilters, version: str) -> str:
    """Return the RQ job id of the map of `filters` at `version`."""
    digest = hashlib.sha256(f"{filters.key()}#{version}".encode()).hexdigest()[:32]
    return f"brobyg-map-{digest}"


class ThreadScheduler:
    """Run map jobs one after another in a daemon thread of this process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._jobs: queue.Queue[tuple[GraphFilters, str]] = queue.Queue()
        self._held: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __call__(self, filters: GraphFilters, version: str) -> None:
        """Schedule the map of `filters` unless a job for it and `version` is held."""
        with self._lock:
            if (filters.key(), version) in self._held:
                return
            self._held.add((filters.key(), version))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="brobyg-maps", daemon=True)
                self._thread.start()
        self._jobs.put((filters, version))

    def _work(self) -> None:
        while True:
            filters, version = self._jobs.get()
            try:
                run(self.engine, filters)
            except Exception:  # a failed job must not stop the ones after it
                log.exception("Could not compute the map %s", filters.key())
            finally:
                with self._lock:
                    self._held.discard((filters.key(), version))
                self._jobs.task_done()

    def wait(self) -> None:
        """Wait until every scheduled job has run."""
        self._jobs.join()


class RQScheduler:
    """Put map jobs on an RQ queue in Redis, for `brobyg worker` processes."""

    def __init__(self, redis_url: str, queue_name: str = QUEUE) -> None:
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(redis_url)
        self.queue = Queue(queue_name, connection=self.connection)

    def __call__(self, filters: GraphFilters, version: str) -> None:
        """Enqueue the map of `filters` unless its job for `version` is waiting or running."""
        from redis.exceptions import RedisError
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        wanted = job_id(filters, version)
        try:
            try:
                status = Job.fetch(wanted, connection=self.connection).get_status()
            except NoSuchJobError:
                status = None
            if status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED):
                return
            self.queue.enqueue_call(
                run_job,
                args=(filters_data(filters),),
                job_id=wanted,
                timeout=JOB_TIMEOUT,
                result_ttl=60,
                failure_ttl=3600,
                description=f"map {filters.key()}",
            )
        except RedisError as error:  # the stale map stays; the next request tries again
            log.warning("Could not queue the map %s: %s", filters.key(), error)


_WORKER: dict[str, Engine] = {}


def run_job(data: dict[str, Any]) -> str:
    """Recompute one map in an RQ worker (started by `work`); return what was done."""
    done = run(_WORKER["engine"], filters_from(data))
    return f"{done.filters.key()} {done.version} layout={done.layout} metrics={done.metrics}"


def work(engine: Engine, redis_url: str, queue_name: str = QUEUE, *, burst: bool = False) -> None:
    """Run an RQ worker for map jobs on `engine`; with `burst`, stop when the queue is empty.

    A SimpleWorker runs each job in this process: a forked work horse would share the
    engine's open database connections with its parent."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    _WORKER["engine"] = engine
    connection = Redis.from_url(redis_url)
    worker = SimpleWorker([Queue(queue_name, connection=connection)], connection=connection)
    worker.work(burst=burst)


_SCHEDULERS: dict[tuple[int, str], Schedule] = {}
_SCHEDULERS_LOCK = threading.Lock()


def scheduler_for(engine: Engine, redis_url: str = "", queue_name: str = QUEUE) -> Schedule:
    """Return this process's scheduler: RQ when `redis_url` is set, else a worker thread."""
    with _SCHEDULERS_LOCK:
        key = (id(engine), f"{redis_url}#{queue_name}")
        if key not in _SCHEDULERS:
            _SCHEDULERS[key] = (
                RQScheduler(redis_url, queue_name) if redis_url else ThreadScheduler(engine)
            )
        return _SCHEDULERS[key]
