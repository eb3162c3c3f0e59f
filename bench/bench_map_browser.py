"""Time the map in headless Chromium against the real server, at 500, 5,000 and 20,000 actors.

Run: .venv/bin/python bench/bench_map_browser.py [--sizes 500,5000,20000] [--chromium]
Builds a fresh SQLite database in a temporary folder, adds each synthetic municipality
(network.scale), then times: building the graph, the metrics, the layout, the whole map
cold (nothing cached) and warm (layout and metrics cached), and the standalone HTML and its
size. With --chromium it also serves the database with `brobyg serve` and, in headless
Chromium, times the map page of each municipality against that real server: page load to
first draw (the page fetches `/kort/data.json`, the map opens clustered above 1,000
actors), then a zoom answered (the next frame drawn), then the largest group opened;
and it opens each standalone file (no network) and times until vis-network has drawn.
The server is warmed with one request first: the browser figures leave out the server's
cold computation (the "map cold" column). Not part of the test suite.
"""

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harvest.db import make_engine, open_session, upgrade  # noqa: E402
from network import metrics, render  # noqa: E402
from network.graph import GraphFilters, build_graph, simple_graph  # noqa: E402
from network.layout import compute_layout  # noqa: E402
from network.maps import prepare_map  # noqa: E402
from network.scale import add_synthetic_municipality, slug_for  # noqa: E402


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def _draw_time(path: Path) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context()
        context.route("http*://**/*", lambda route: route.abort())
        page = context.new_page()
        start = time.perf_counter()
        page.goto(path.as_uri(), timeout=600_000)
        page.wait_for_selector("#map[data-drawn] canvas", timeout=120_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        elapsed = time.perf_counter() - start
        browser.close()
    return elapsed


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
ZOOM = """() => new Promise(resolve => {
  const network = window.brobygMap;
  const start = performance.now();
  network.once("afterDrawing", () => resolve(performance.now() - start));
  network.moveTo({scale: network.getScale() * 1.6});
})"""
PHASES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const data = performance.getEntriesByType("resource").find(r => r.name.includes("data.json"));
  const mark = name => performance.getEntriesByName("brobyg-map-" + name)[0].startTime;
  return {page: nav.responseEnd, data: data.responseEnd - data.startTime,
          client: mark("drawn") - mark("data")};
}"""
OPEN_GROUP = """() => new Promise(resolve => {
  const network = window.brobygMap;
  const start = performance.now();
  const button = document.querySelector(".map-clusters button");
  if (!button) { resolve(null); return; }
  network.once("afterDrawing", () => resolve(performance.now() - start));
  button.click();
})"""


def _serve(database: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "BROBYG_DATABASE_URL": f"sqlite:///{database}",
        "BROBYG_SECRET_KEY": "bench",
    }
    server = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2).close()  # noqa: S310 - our server
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("brobyg serve did not start")


def _page_times(url: str) -> dict[str, float | None]:
    """Time the map page in Chromium against the real server: drawn, zoom, open a group."""
    from playwright.sync_api import sync_playwright

    request = urllib.request.Request(  # noqa: S310 - our server
        url.replace("/kort/?", "/kort/data.json?"), headers={"Accept-Encoding": "gzip"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as answer:  # noqa: S310 - warm our server
        zipped = answer.read()
    warm_up = time.perf_counter() - started
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("#map[data-drawn] canvas", timeout=300_000)
        drawn = time.perf_counter() - start
        phases = page.evaluate(PHASES)
        zoom = page.evaluate(ZOOM) / 1000
        opened = page.evaluate(OPEN_GROUP)
        browser.close()
    return {
        "first": warm_up,
        "json_mb": len(zipped) / 1e6,
        "raw_mb": len(gzip.decompress(zipped)) / 1e6,
        "page": phases["page"] / 1000,
        "data": phases["data"] / 1000,
        "client": phases["client"] / 1000,
        "drawn": drawn,
        "zoom": zoom,
        "usable": drawn + zoom,
        "open": None if opened is None else opened / 1000,
    }


def _browser_table(database: Path, sizes: list[int]) -> None:
    server, base = _serve(database)
    try:
        print(
            "\n| actors | first JSON s | JSON gz MB | JSON MB | page s | data.json s | "
            "JSON to drawn s | page to drawn s | zoom s | drawn + zoom s | open a group s |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            t = _page_times(f"{base}/kort/?municipality={slug_for(size)}")
            opened = "–" if t["open"] is None else f"{t['open']:.2f}"
            print(
                f"| {size:,} | {t['first']:.1f} | {t['json_mb']:.2f} | {t['raw_mb']:.1f} | "
                f"{t['page']:.2f} | {t['data']:.2f} | {t['client']:.2f} | "
                f"{t['drawn']:.2f} | {t['zoom']:.2f} | {t['usable']:.2f} | {opened} |",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,5000,20000")
    parser.add_argument("--chromium", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="brobyg-bench-"))
    database = folder / "bench.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    print(
        "| actors | ties | insert s | graph s | metrics s | layout s | map cold s | "
        "map warm s | HTML s | HTML MB | draw s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        with open_session(engine) as session:
            _report, insert_s = _timed(add_synthetic_municipality, session, size)
            session.commit()
        filters = GraphFilters(slug_for(size))
        with open_session(engine) as session:
            graph, graph_s = _timed(build_graph, session, filters)
            _m, metrics_s = _timed(metrics.node_metrics, graph)
            _l, layout_s = _timed(compute_layout, simple_graph(graph))
            view, cold_s = _timed(prepare_map, session, filters)
            session.commit()
        with open_session(engine) as session:
            view, warm_s = _timed(prepare_map, session, filters)
            html, html_s = _timed(
                render.standalone_html, view, render.Labels(), title=f"{size} aktører"
            )
        path = folder / f"map-{size}.html"
        path.write_text(html, encoding="utf-8")
        draw = f"{_draw_time(path):.1f}" if args.chromium else "–"
        print(
            f"| {size:,} | {graph.number_of_edges():,} | {insert_s:.1f} | {graph_s:.2f} | "
            f"{metrics_s:.2f} | {layout_s:.2f} | {cold_s:.2f} | {warm_s:.2f} | {html_s:.2f} | "
            f"{len(html.encode()) / 1e6:.1f} | {draw} |",
            flush=True,
        )
    if args.chromium:
        engine.dispose()
        _browser_table(database, sizes)
    print(f"\nfiles in {folder}")


if __name__ == "__main__":
    main()
