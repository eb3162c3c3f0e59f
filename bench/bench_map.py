"""Time the social-capital map at scale: synthetic municipalities of 500, 5,000 and 20,000 actors.

Run: .venv/bin/python bench/bench_map.py [--sizes 500,5000,20000] [--chromium]
Builds a fresh SQLite database in a temporary folder, adds each synthetic municipality
(network.scale), then times: building the graph, the metrics, the layout, the whole map
cold (nothing cached) and warm (layout and metrics cached), and the standalone HTML and its
size. With --chromium it opens each standalone file in headless Chromium (no network) and
times until vis-network has drawn. Not part of the test suite.
"""

import argparse
import sys
import tempfile
import time
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
        page.goto(path.as_uri())
        page.wait_for_selector("#map[data-drawn] canvas", timeout=120_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        elapsed = time.perf_counter() - start
        browser.close()
    return elapsed


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,5000,20000")
    parser.add_argument("--chromium", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="brobyg-bench-"))
    engine = make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
    upgrade(engine)
    print(
        "| actors | ties | insert s | graph s | metrics s | layout s | map cold s | "
        "map warm s | HTML s | HTML MB | draw s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in [int(s) for s in args.sizes.split(",")]:
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
    print(f"\nfiles in {folder}")


if __name__ == "__main__":
    main()
