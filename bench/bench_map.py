"""Time the social-capital map at scale: synthetic municipalities of 500, 5,000 and 20,000 actors.

Run: .venv/bin/python bench/bench_map.py [--sizes 500,5000,20000] [--database-url URL] [--cpu]
Builds a fresh SQLite database in a temporary folder (or uses the database given by URL,
where a synthetic municipality already there is reused and its stored maps forgotten), adds
each synthetic municipality (network.scale), then times: the graph version, building the
graph (filtered in SQL), the metrics (exact betweenness where the background affords it),
the layout, the first request on a map nothing was computed for (quick estimate, job
scheduled), the background job that makes the map current (*ready*: layout and exact metrics
stored), the map JSON warm (`prepare_map` with everything cached plus `render.vis_data`), a
request right after an edit (served stale), and the job that replaces it. Not part of the
test suite.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from harvest import ties  # noqa: E402
from harvest.db import make_engine, open_session, upgrade  # noqa: E402
from harvest.models import Actor, ComputedResult, Tie  # noqa: E402
from network import cache, jobs, metrics, render  # noqa: E402
from network.graph import GraphFilters, build_graph, graph_version, simple_graph  # noqa: E402
from network.layout import compute_layout  # noqa: E402
from network.maps import layout_key, metrics_key, prepare_map  # noqa: E402
from network.scale import add_synthetic_municipality, slug_for  # noqa: E402

WARM_RUNS = 5
CLOCK = {"now": time.perf_counter}


def _timed(fn, *args, **kwargs):
    start = CLOCK["now"]()
    result = fn(*args, **kwargs)
    return result, CLOCK["now"]() - start


def _forget_computed(engine, filters):
    """Delete the stored layout and metrics of `filters`, so the next request is cold."""
    with open_session(engine) as session:
        session.execute(
            delete(ComputedResult).where(
                col(ComputedResult.key).in_([layout_key(filters), metrics_key(filters)])
            )
        )
        session.commit()


class Recorder:
    """A schedule that only notes what was asked, so the bench runs the job itself."""

    def __init__(self):
        self.asked = []

    def __call__(self, filters, version):
        self.asked.append((filters, version))


def _request(engine, filters, schedule):
    """Serve the map JSON as a GET does: prepare_map, store aside, vis data; no commit."""
    with open_session(engine) as session:
        view = prepare_map(session, filters, keep=cache.store_aside(engine), schedule=schedule)
        data = render.vis_data(view, render.Labels())
        session.rollback()
    return view, data


def _edit_one_tie(engine, municipality_slug):
    with open_session(engine) as session:
        tie = session.scalars(
            select(Tie)
            .join(Actor, col(Actor.id) == col(Tie.source_id))
            .where(col(Actor.slug).startswith(f"syn-{municipality_slug.split('-')[1]}-"))
            .order_by(col(Tie.id))
        ).first()
        kind = "referral" if tie.kind != "referral" else "collaboration"
        ties.update_tie(session, tie, {"kind": kind, "version": tie.version}, by=None)
        session.commit()


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,5000,20000")
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--cpu", action="store_true", help="time this process's CPU, not the wall clock"
    )
    args = parser.parse_args()
    if args.cpu:  # on a loaded machine; with SQLite the database works in this process too
        CLOCK["now"] = time.process_time
    if args.database_url:
        url = args.database_url
    else:
        folder = Path(tempfile.mkdtemp(prefix="brobyg-bench-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    print(
        "| actors | ties | insert s | version ms | graph s | metrics s | layout s | "
        "first request s | ready s | warm JSON ms | JSON MB | stale request s | "
        "ready again s | method |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for size in [int(s) for s in args.sizes.split(",")]:
        with open_session(engine) as session:
            _report, insert_s = _timed(add_synthetic_municipality, session, size)
            session.commit()
        filters = GraphFilters(slug_for(size))
        _forget_computed(engine, filters)
        with open_session(engine) as session:
            _v, version_s = _timed(graph_version, session, filters.municipality)
            graph, graph_s = _timed(build_graph, session, filters)
            _m, metrics_s = _timed(metrics.node_metrics, graph)
            _l, layout_s = _timed(compute_layout, simple_graph(graph))
            session.rollback()
        recorder = Recorder()
        (_view, _data), first_s = _timed(_request, engine, filters, recorder)
        assert recorder.asked, "a large cold map schedules its job"
        done, ready_s = _timed(jobs.run, engine, filters)
        warm = []
        for _ in range(WARM_RUNS):
            (view, data), warm_s = _timed(_request, engine, filters, recorder)
            assert not view.stale and not view.computing
            warm.append(warm_s)
        size_mb = len(json.dumps(data, default=str).encode()) / 1e6
        _edit_one_tie(engine, filters.municipality)
        (stale_view, _data), stale_s = _timed(_request, engine, filters, recorder)
        assert stale_view.stale
        _done, again_s = _timed(jobs.run, engine, filters)
        print(
            f"| {size:,} | {graph.number_of_edges():,} | {insert_s:.1f} | "
            f"{version_s * 1000:.0f} | {graph_s:.2f} | {metrics_s:.2f} | {layout_s:.2f} | "
            f"{first_s:.2f} | {ready_s:.2f} | {statistics.median(warm) * 1000:.0f} | "
            f"{size_mb:.1f} | {stale_s:.2f} | {again_s:.2f} | {done.method} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
