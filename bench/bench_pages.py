"""Time the server side of Brobyg's busiest pages at two scales and compare them.

    .venv/bin/python bench/bench_pages.py                          # SQLite, N=500 and 5000
    .venv/bin/python bench/bench_pages.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_pages  # PostgreSQL (made afresh)

For each N it makes a fresh database (a temporary SQLite file, or the PostgreSQL database
`<name>_<N>` dropped and created again), runs `brobyg db upgrade` and
`brobyg demo --scale N` (timed), then asks the app through Flask's test client, as a
visitor who is not signed in, for each page `--runs` times after one warm-up request and
keeps the median: the time the app takes to answer, without network or browser. Prints a
table with the ratio of the largest N to the smallest and writes
bench/results/pages-<backend>-<time>.json. Not part of the test suite.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = Path(__file__).resolve().parent / "results"
GOAL_MS = 50.0
MAP_GOAL_MS = 200.0
MAX_RATIO = 1.5


def _fresh_database(base: str | None, size: int, folder: Path) -> str:
    if not base:
        return f"sqlite:///{folder / f'pages-{size}.db'}"
    from sqlalchemy import create_engine, text  # noqa: PLC0415
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    url = make_url(base)
    name = f"{url.database}_{size}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _load(url: str, size: int) -> float:
    env = {**os.environ, "BROBYG_DATABASE_URL": url}
    brobyg = str(ROOT / ".venv" / "bin" / "brobyg")
    subprocess.run([brobyg, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    start = time.perf_counter()
    subprocess.run(  # noqa: S603
        [brobyg, "demo", "--scale", str(size)], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - start


def _samples(url: str, size: int) -> dict[str, str]:
    """Return the address of each page to time, for the synthetic municipality of `size`."""
    from sqlmodel import col, select  # noqa: PLC0415

    from harvest.db import make_engine, open_session  # noqa: PLC0415
    from harvest.models import Actor, Municipality, Outcome  # noqa: PLC0415
    from network.scale import slug_for  # noqa: PLC0415

    engine = make_engine(url)
    slug = slug_for(size)
    with open_session(engine) as session:
        place = session.scalars(select(Municipality).where(col(Municipality.slug) == slug)).one()
        actor = session.scalars(
            select(Actor.id).where(col(Actor.municipality_id) == place.id).order_by(Actor.id)
        ).all()[size // 2]
        # one visible outcome whose number no other number starts with: exactly one hit
        title = (
            session.scalars(
                select(Outcome.title).where(
                    col(Outcome.status) == "final",
                    col(Outcome.ref) == f"syn-{size}-{size * 10 + 7}",
                )
            ).first()
            or session.scalars(
                select(Outcome.title)
                .where(col(Outcome.status) == "final")
                .order_by(Outcome.id.desc())
            ).first()
        )
    engine.dispose()
    return {
        "outcome list": "/outcomes",
        "search 1 hit": f"/outcomes?q={title}",
        "search every outcome": "/outcomes?q=forandring",
        "directory": "/aktoerer/",
        "directory search": "/aktoerer/?q=syntetisk",
        "actor page": f"/aktoerer/{actor}",
        "map JSON (warm)": f"/kort/data.json?municipality={slug}",
        "map page": f"/kort/?municipality={slug}",
    }


def _time_pages(
    url: str, pages: dict[str, str], runs: int, cap: float
) -> dict[str, dict[str, Any]]:
    os.environ["BROBYG_DATABASE_URL"] = url
    from app import create_app  # noqa: PLC0415

    app = create_app({"RATELIMIT_ENABLED": False})
    client = app.test_client()
    timings: dict[str, dict[str, Any]] = {}
    for name, path in pages.items():
        first = time.perf_counter()
        answer = client.get(path)
        cold = time.perf_counter() - first
        if answer.status_code == 404 and "data.json" in path:
            timings[name] = {"status": 404, "note": "not on this branch"}
            continue
        if cold > cap:  # one slow answer says enough; repeating it would take minutes
            timings[name] = {
                "status": answer.status_code,
                "first_ms": round(cold * 1000, 1),
                "note": f"first answer over the {cap:.0f} s cap: not repeated",
            }
            continue
        samples = []
        for _run in range(runs):
            start = time.perf_counter()
            answer = client.get(path)
            samples.append(time.perf_counter() - start)
        timings[name] = {
            "status": answer.status_code,
            "first_ms": round(cold * 1000, 1),
            "median_ms": round(statistics.median(samples) * 1000, 1),
            "min_ms": round(min(samples) * 1000, 1),
            "max_ms": round(max(samples) * 1000, 1),
            "bytes": len(answer.data),
        }
    return timings


def _one_size(base: str | None, size: int, runs: int, cap: float, folder: Path) -> dict[str, Any]:
    """Measure one size in a child process, so each app and engine starts afresh."""
    url = _fresh_database(base, size, folder)
    load = _load(url, size)
    child = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child", url, "--sizes", str(size), "--runs", str(runs)]
        + ["--cap", str(cap)],
        check=True,
        capture_output=True,
        text=True,
    )
    return {"demo_scale_s": round(load, 1), "pages": json.loads(child.stdout)}


def _cell(timing: dict[str, Any]) -> str:
    if "median_ms" in timing:
        return str(timing["median_ms"])
    return f">{timing['first_ms']:.0f}" if "first_ms" in timing else "-"


def _goal(name: str, small: dict[str, Any], large: dict[str, Any]) -> str:
    if "median_ms" not in large:
        return "missed" if "first_ms" in large else "absent"
    limit = MAP_GOAL_MS if name.startswith("map JSON") else GOAL_MS
    if name == "map page" or name == "directory search":
        return "-"
    ratio_ok = name.startswith("map JSON") or large["median_ms"] <= MAX_RATIO * small["median_ms"]
    return "met" if large["median_ms"] < limit and ratio_ok else "missed"


def main() -> None:
    """Measure each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", help="PostgreSQL base URL; default SQLite files")
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cap", type=float, default=10.0, help="seconds; slower pages once")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        pages = _samples(args.child, sizes[0])
        print(json.dumps(_time_pages(args.child, pages, args.runs, args.cap)))
        return
    backend = "postgresql" if args.database_url else "sqlite"
    with tempfile.TemporaryDirectory(prefix="brobyg-pages-") as tmp:
        results = {
            n: _one_size(args.database_url, n, args.runs, args.cap, Path(tmp)) for n in sizes
        }
    small, large = results[sizes[0]]["pages"], results[sizes[-1]]["pages"]
    print(f"\n{backend}: median server ms over {args.runs} runs (after one warm-up request)")
    head = "".join(f"{f'N={n}':>10}" for n in sizes)
    print(f"{'page':<24}{head}{'ratio':>8}{'goal':>8}")
    for name in small:
        cells = "".join(f"{_cell(results[n]['pages'][name]):>10}" for n in sizes)
        s, big = small[name].get("median_ms"), large[name].get("median_ms")
        ratio = f"{big / s:.2f}" if s and big else "-"
        print(f"{name:<24}{cells}{ratio:>8}{_goal(name, small[name], large[name]):>8}")
    print("demo --scale s: " + ", ".join(f"N={n} {results[n]['demo_scale_s']}" for n in sizes))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"pages-{backend}-{stamp}.json"
    path.write_text(json.dumps({"backend": backend, "runs": args.runs, "sizes": results}, indent=1))
    print(f"written {path}")


if __name__ == "__main__":
    main()
