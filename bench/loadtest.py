"""Locust users for Brobyg's load test: public pages and API reads, API writes with versions.

Run through bench/run_load.py, which prepares the database and the server and passes:
BENCH_TOKEN (an evaluator's API token), BENCH_HARVEST (harvest slug to write outcomes to),
BENCH_MUNICIPALITY (municipality slug for the map), BENCH_ACTORS (comma-separated actor ids
that reads and PATCHes use), BENCH_SEARCH_ONE (a query with one hit), BENCH_SEARCH_ALL (a
word in every outcome) and BENCH_OUT (a folder: acknowledged writes go to acks.jsonl,
answers by status to statuses.json). Not part of the test suite.
"""

import json
import os
import random
import threading
import uuid
from collections import Counter
from pathlib import Path

from locust import HttpUser, between, events, task

TOKEN = os.environ.get("BENCH_TOKEN", "")
HARVEST = os.environ.get("BENCH_HARVEST", "helsingor-2024-26")
MUNICIPALITY = os.environ.get("BENCH_MUNICIPALITY", "helsingor")
ACTORS = [int(a) for a in os.environ.get("BENCH_ACTORS", "1").split(",") if a]
SEARCH_ONE = os.environ.get("BENCH_SEARCH_ONE", "Syntetisk forandring 4711")
SEARCH_ALL = os.environ.get("BENCH_SEARCH_ALL", "forandring")
OUT = Path(os.environ.get("BENCH_OUT", "bench/results/latest"))
RUN = os.environ.get("BENCH_RUN", "x")
TITLE_PREFIX = f"Belastningstest {RUN}"
RETRIES = 8
# letters only: a run of hex digits can look like a phone number, which Brobyg questions
LETTERS = str.maketrans("0123456789", "ghijklmnop")
pick = random.Random().choice  # noqa: S311 - a mix of requests, not a secret

_lock = threading.Lock()
_statuses: Counter[str] = Counter()
_acks: list[dict] = []


@events.request.add_listener
def _count(name, response=None, exception=None, **_kw):
    status = getattr(response, "status_code", 0) or 0
    with _lock:
        _statuses[f"{name} {status}"] += 1


@events.quitting.add_listener
def _write(**_kw):
    OUT.mkdir(parents=True, exist_ok=True)
    with _lock:
        (OUT / "statuses.json").write_text(json.dumps(dict(sorted(_statuses.items())), indent=1))
        with (OUT / "acks.jsonl").open("w") as f:
            for ack in _acks:
                f.write(json.dumps(ack) + "\n")


def _ack(**record):
    with _lock:
        _acks.append(record)


class Visitor(HttpUser):
    """One person: mostly reads pages and the API, sometimes writes through the API."""

    wait_time = between(0.5, 2)
    map_data = True

    def on_start(self):
        self.api = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}

    def _get(self, path, name, **kw):
        with self.client.get(path, name=name, catch_response=True, **kw) as response:
            if response.status_code >= 400 or response.status_code == 0:
                response.failure(f"{response.status_code}")
            else:
                response.success()
            return response

    # --- reads ---------------------------------------------------------------------

    @task(6)
    def outcome_list(self):
        self._get("/outcomes", "outcome list")

    @task(3)
    def search_one(self):
        self._get("/outcomes", "search 1 hit", params={"q": SEARCH_ONE})

    @task(2)
    def search_every(self):
        self._get("/outcomes", "search every outcome", params={"q": SEARCH_ALL})

    @task(4)
    def directory(self):
        self._get("/aktoerer/", "directory")

    @task(4)
    def actor_page(self):
        self._get(f"/aktoerer/{pick(ACTORS)}", "actor page")

    @task(1)
    def map_page(self):
        self._get("/kort/", "map page", params={"municipality": MUNICIPALITY})

    @task(2)
    def map_json(self):
        if not Visitor.map_data:
            return
        with self.client.get(
            "/kort/data.json",
            name="map data",
            params={"municipality": MUNICIPALITY},
            catch_response=True,
        ) as response:
            if response.status_code == 404:  # not built yet on this branch: stop asking
                Visitor.map_data = False
                response.success()
            elif response.status_code >= 400:
                response.failure(f"{response.status_code}")

    @task(4)
    def api_reads(self):
        self._get("/api/v1/outcomes", "api outcomes", params={"per_page": 20}, headers=self.api)
        self._get(f"/api/v1/actors/{pick(ACTORS)}", "api actor", headers=self.api)

    # --- writes --------------------------------------------------------------------

    @task(2)
    def create_outcome(self):
        title = f"{TITLE_PREFIX} {uuid.uuid4().hex[:12].translate(LETTERS)}"
        body = {
            "harvest": HARVEST,
            "title": title,
            "changed_actor_id": pick(ACTORS),
            "change": "Aktøren gør noget nyt (belastningstest).",
            "when": "2025-03-01",
        }
        with self.client.post(
            "/api/v1/outcomes",
            json=body,
            headers=self.api,
            name="api create outcome",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                record = response.json()
                _ack(kind="outcome", id=record["id"], version=record["version"], title=title)
                response.success()
            else:
                _ack(
                    kind="outcome-refused",
                    status=response.status_code,
                    title=title,
                    answer=response.text[:300],
                )
                response.failure(f"{response.status_code}")

    @task(2)
    def patch_actor(self):
        actor_id = pick(ACTORS[:5])  # few actors, so that edits collide
        value = f"{TITLE_PREFIX} {uuid.uuid4().hex[:12].translate(LETTERS)}"
        response = self._get(f"/api/v1/actors/{actor_id}", "api actor (to edit)", headers=self.api)
        if response.status_code != 200:
            return
        version = response.json()["version"]
        for _attempt in range(RETRIES):
            with self.client.patch(
                f"/api/v1/actors/{actor_id}",
                json={"version": version, "address": value},
                headers=self.api,
                name="api patch actor",
                catch_response=True,
            ) as answer:
                if answer.status_code == 200:
                    record = answer.json()
                    _ack(kind="actor", id=actor_id, version=record["version"], value=value)
                    answer.success()
                    return
                if answer.status_code == 409:  # someone else saved first: re-read and retry
                    answer.success()
                    current = answer.json().get("current") or {}
                    version = current.get("version", version)
                    _ack(kind="actor-conflict", id=actor_id)
                    continue
                answer.failure(f"{answer.status_code}")
                _ack(kind="actor-refused", id=actor_id, status=answer.status_code)
                return
        _ack(kind="actor-gave-up", id=actor_id)
