"""Run Brobyg's load test: prepare a database, start the real server, run locust, check writes.

    .venv/bin/python bench/run_load.py                       # SQLite, demo data, one process
    .venv/bin/python bench/run_load.py --scale 500 --workers 2 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load

Steps: `brobyg db upgrade`, `brobyg demo [--scale N]`, an evaluator's API token, then
`brobyg serve [--workers N]` as a subprocess (one process, said clearly, when this
Brobyg's serve has no --workers), locust headless for a bounded time, SIGTERM to the
server. Afterwards it compares every acknowledged write with what the database holds
(no lost and no duplicated outcomes; every actor's acknowledged versions distinct and
its stored value the one of its highest acknowledged version), counts 5xx answers, prints
p50/p95/p99 per request type and writes bench/results/load-<label>-<time>.json and .csv.
Exit status 1 when a write is lost or duplicated or any answer is 5xx. Not a test.
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS = Path(__file__).resolve().parent / "results"
EVALUATOR = "evaluator@brobyg.example.dk"
SEARCH_WORD = "forandring"  # in every synthetic outcome's title


def _brobyg(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own console script
        [str(BIN / "brobyg"), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"brobyg {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _has_workers(env: dict[str, str]) -> bool:
    return "--workers" in _brobyg(env, "serve", "--help")


def _wait_ready(url: str, server: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped with exit status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the server did not answer {url}/healthz within {seconds:.0f} s")


def _setup(env: dict[str, str], scale: int | None) -> dict[str, str]:
    """Migrate, load the demo (and synthetic) data, and return what the locust users need."""
    sys.path.insert(0, str(ROOT))
    from sqlmodel import col, select  # noqa: PLC0415

    from harvest import accounts  # noqa: PLC0415
    from harvest.db import make_engine, unit_of_work  # noqa: PLC0415
    from harvest.models import Actor, Harvest, Municipality  # noqa: PLC0415
    from network.scale import slug_for  # noqa: PLC0415

    _brobyg(env, "db", "upgrade")
    print(_brobyg(env, "demo", *(["--scale", str(scale)] if scale else [])).strip())
    municipality = slug_for(scale) if scale else "helsingor"
    engine = make_engine(env["BROBYG_DATABASE_URL"])
    with unit_of_work(engine) as session:
        token = accounts.create_token(session, accounts.user_by_email(session, EVALUATOR))
        place = session.scalars(
            select(Municipality).where(col(Municipality.slug) == municipality)
        ).one()
        harvest = session.scalars(
            select(Harvest).where(col(Harvest.municipality_id) == place.id)
        ).first()
        actor_ids = session.scalars(
            select(Actor.id).where(col(Actor.municipality_id) == place.id).order_by(Actor.id)
        ).all()[:200]
    engine.dispose()
    return {
        "BENCH_TOKEN": token,
        "BENCH_HARVEST": harvest.slug if harvest else "helsingor-2024-26",
        "BENCH_MUNICIPALITY": municipality,
        "BENCH_ACTORS": ",".join(str(a) for a in actor_ids),
        "BENCH_SEARCH_ONE": f"Syntetisk forandring {scale * 10 + 7}" if scale else "Grib",
        "BENCH_SEARCH_ALL": SEARCH_WORD,
    }


def _verify(url: str, out: Path, prefix: str) -> dict[str, object]:
    """Compare the acknowledged writes in `out`/acks.jsonl with the database at `url`."""
    from sqlmodel import col, func, select  # noqa: PLC0415

    from harvest.db import make_engine, open_session  # noqa: PLC0415
    from harvest.models import Actor, Outcome  # noqa: PLC0415

    acks = [json.loads(line) for line in (out / "acks.jsonl").read_text().splitlines() if line]
    outcomes = {a["title"]: a["id"] for a in acks if a["kind"] == "outcome"}
    edits: dict[int, list[dict[str, object]]] = {}
    for ack in acks:
        if ack["kind"] == "actor":
            edits.setdefault(ack["id"], []).append(ack)
    engine = make_engine(url)
    with open_session(engine) as session:
        stored = session.execute(
            select(Outcome.title, func.count(), func.min(Outcome.id))
            .where(col(Outcome.title).like(f"{prefix}%"))
            .group_by(Outcome.title)
        ).all()
        actors = {
            a.id: a for a in session.scalars(select(Actor).where(col(Actor.id).in_(list(edits))))
        }
        by_title = {title: (count, first) for title, count, first in stored}
        lost_outcomes = [t for t, oid in outcomes.items() if by_title.get(t, (0, 0))[1] != oid]
        duplicated = [t for t, (count, _first) in by_title.items() if count > 1]
        unacknowledged = [t for t in by_title if t not in outcomes]
        lost_edits, repeated_versions, unacknowledged_edits = [], [], []
        for actor_id, done in edits.items():
            versions = [int(str(a["version"])) for a in done]
            if len(set(versions)) != len(versions):
                repeated_versions.append(actor_id)
            last = max(done, key=lambda a: int(str(a["version"])))
            stored_version, acknowledged = actors[actor_id].version, int(str(last["version"]))
            same = stored_version == acknowledged and actors[actor_id].address == last["value"]
            if stored_version < acknowledged or (stored_version == acknowledged and not same):
                lost_edits.append(actor_id)
            elif stored_version > acknowledged:
                unacknowledged_edits.append(actor_id)
    engine.dispose()
    return {
        "outcomes_acknowledged": len(outcomes),
        "outcomes_stored": sum(count for count, _first in by_title.values()),
        "outcomes_lost": len(lost_outcomes),
        "outcomes_duplicated": len(duplicated),
        "outcomes_stored_unacknowledged": len(unacknowledged),
        "outcome_refusals": sum(1 for a in acks if a["kind"] == "outcome-refused"),
        "actor_edits_acknowledged": sum(len(v) for v in edits.values()),
        "actor_conflicts_retried": sum(1 for a in acks if a["kind"] == "actor-conflict"),
        "actor_edits_gave_up": sum(1 for a in acks if a["kind"] == "actor-gave-up"),
        "actor_edits_lost": len(lost_edits),
        "actor_versions_repeated": len(repeated_versions),
        "actors_with_unacknowledged_edit": len(unacknowledged_edits),
    }


def _latencies(csv_prefix: Path) -> list[dict[str, str]]:
    with open(f"{csv_prefix}_stats.csv", newline="") as f:
        return [
            {
                "request": f"{row['Type']} {row['Name']}".strip(),
                "count": row["Request Count"],
                "failures": row["Failure Count"],
                "p50_ms": row["50%"],
                "p95_ms": row["95%"],
                "p99_ms": row["99%"],
                "max_ms": row["Max Response Time"],
                "rps": f"{float(row['Requests/s']):.1f}",
            }
            for row in csv.DictReader(f)
        ]


def main() -> None:
    """Prepare, serve, load, verify and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument("--scale", type=int, default=None, help="also add N synthetic actors")
    parser.add_argument("--workers", type=int, default=None, help="brobyg serve --workers N")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--time", default="2m", help="locust --run-time (bounded)")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--label", default=None, help="name of the result files")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="brobyg-load-"))
    url = args.database_url or f"sqlite:///{folder / 'brobyg.db'}"
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    env = {
        **os.environ,
        "BROBYG_DATABASE_URL": url,
        "BROBYG_SECRET_KEY": os.environ.get("BROBYG_SECRET_KEY", uuid.uuid4().hex),
        "BROBYG_LIMIT_API_TOKEN": "1000000 per minute",  # one token stands for 50 people
    }
    workers = args.workers
    if workers and not _has_workers(env):
        print(f"brobyg serve has no --workers option here: serving with ONE process, not {workers}")
        workers = None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    label = args.label or f"{backend}-{args.scale or 'demo'}-w{workers or 1}"
    run = uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))  # no digits
    out = folder / "locust"
    env.update(_setup(env, args.scale), BENCH_OUT=str(out), BENCH_RUN=run)

    host = f"http://127.0.0.1:{args.port}"
    serve = ["serve", "--host", "127.0.0.1", "--port", str(args.port)]
    serve += ["--workers", str(workers)] if workers else []
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "brobyg"), *serve], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_ready(host, server)
        csv_prefix = folder / "locust"
        locust = [
            str(BIN / "locust"), "-f", str(Path(__file__).with_name("loadtest.py")),
            "--headless", "-u", str(args.users), "-r", str(args.spawn_rate),
            "-t", args.time, "--stop-timeout", "30", "--host", host,
            "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING",
        ]  # fmt: skip
        subprocess.run(locust, env=env, check=False)  # noqa: S603
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    statuses = json.loads((out / "statuses.json").read_text())
    server_errors = sum(n for key, n in statuses.items() if key.rsplit(" ", 1)[1].startswith("5"))
    no_answer = sum(n for key, n in statuses.items() if key.rsplit(" ", 1)[1] == "0")
    checks = _verify(url, out, f"Belastningstest {run}")
    rows = _latencies(csv_prefix)
    summary = {
        "label": label,
        "when": stamp,
        "backend": backend,
        "scale": args.scale,
        "workers": workers or 1,
        "users": args.users,
        "run_time": args.time,
        "answers_5xx": server_errors,
        "no_answer": no_answer,
        "statuses": statuses,
        "writes": checks,
        "latency": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    base = RESULTS / f"load-{label}-{stamp}"
    base.with_suffix(".json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    with base.with_suffix(".csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    print(f"\n{label}: {args.users} users for {args.time}, server log {folder / 'server.log'}")
    print(f"{'request':<34}{'count':>7}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}")
    for r in rows:
        print(
            f"{r['request'][:33]:<34}{r['count']:>7}{r['failures']:>6}{r['p50_ms']:>7}"
            f"{r['p95_ms']:>7}{r['p99_ms']:>7}{float(r['max_ms']):>8.0f}"
        )
    print(f"5xx answers: {server_errors}; no answer: {no_answer}")
    print("writes: " + ", ".join(f"{k} {v}" for k, v in checks.items()))
    print(f"written {base}.json and .csv")
    bad = server_errors or checks["outcomes_lost"] or checks["outcomes_duplicated"]
    bad = bad or checks["actor_edits_lost"] or checks["actor_versions_repeated"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
