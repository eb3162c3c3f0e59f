"""Time the lists and searches on a database made by `brobyg demo --scale N`.

Run against an existing database (it only reads):

    BROBYG_DATABASE_URL=sqlite:////tmp/brobyg5000.sqlite3 .venv/bin/python bench/bench_lists.py

Each page is requested through Flask's test client (the whole request: queries and
rendering, no network) `--runs` times after one warm-up; the median is printed, in ms.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, col, select  # noqa: E402

from app import create_app  # noqa: E402
from harvest import directory, search  # noqa: E402
from harvest.models import Actor, Municipality  # noqa: E402


def _median(run: Callable[[], Any], runs: int) -> float:
    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    """Print the median time of each list, search and page."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rare", default="læsekreds", help="a word in about one outcome")
    parser.add_argument("--common", default="forandring", help="a word in every outcome")
    args = parser.parse_args()
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    engine = app.extensions["brobyg.engine"]
    with Session(engine) as session:
        synthetic = session.scalars(
            select(Municipality.id).where(col(Municipality.slug).startswith("syntetisk-"))
        ).first()
        actor_id = session.scalars(
            select(Actor.id).where(col(Actor.municipality_id) == synthetic).order_by(col(Actor.id))
        ).first()
        outcomes = search.find_outcomes(
            session, search.OutcomeFilters(), viewer=None, member_of=set()
        )
        actors = directory.find_actors(session, directory.DirectoryFilters())
    print(f"database: {os.environ.get('BROBYG_DATABASE_URL', '(default)')}")
    print(f"outcomes shown to the public: {outcomes.total}, more: {outcomes.more}")
    print(f"actors: {actors.total}, more: {actors.more}")
    pages = {
        "outcome list": "/outcomes",
        f"search 1 hit ({args.rare})": f"/outcomes?q={args.rare}",
        f"search every ({args.common})": f"/outcomes?q={args.common}",
        f"search every, page 3 ({args.common})": f"/outcomes?q={args.common}&page=3",
        "directory": "/aktoerer/",
        "directory search (syntetisk)": "/aktoerer/?q=syntetisk",
        "actor page": f"/aktoerer/{actor_id}",
    }
    for name, url in pages.items():

        def get(url: str = url) -> None:
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)

        print(f"{name:45} {_median(get, args.runs):8.1f} ms")
    with Session(engine) as session:
        services: dict[str, Callable[[], Any]] = {
            "service: find_outcomes": lambda: search.find_outcomes(
                session, search.OutcomeFilters(), viewer=None, member_of=set()
            ),
            f"service: find_outcomes q={args.common}": lambda: search.find_outcomes(
                session, search.OutcomeFilters(q=args.common), viewer=None, member_of=set()
            ),
            f"service: find_outcomes q={args.rare}": lambda: search.find_outcomes(
                session, search.OutcomeFilters(q=args.rare), viewer=None, member_of=set()
            ),
            "service: directory.facets": lambda: directory.facets(session),
            "service: directory.find_actors": lambda: directory.find_actors(
                session, directory.DirectoryFilters()
            ),
        }
        for name, run in services.items():
            print(f"{name:45} {_median(run, args.runs):8.1f} ms")


if __name__ == "__main__":
    main()
