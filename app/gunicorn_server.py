"""`brobyg serve --workers N`: gunicorn's master and N worker processes of threads each.

Gunicorn forks, so it runs on Linux and macOS but not on Windows (there `brobyg serve`
runs one waitress process). Imported only when several workers are asked for.
"""

from typing import Any

import gunicorn.http.wsgi
from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

KEEPALIVE_SECONDS = 75  # longer than a proxy's upstream keep-alive (nginx: 60 s), as waitress

# Answer `Server: brobyg`, as the single-process server does: no version to fingerprint.
gunicorn.http.wsgi.SERVER = "brobyg"  # type: ignore[attr-defined]


class DrainingWorker(ThreadWorker):
    """A threaded worker that closes its listening sockets as soon as it is told to stop,
    so that new connections are refused (a load balancer tries another process) while
    the requests in flight finish."""

    def handle_exit(self, sig: int, frame: Any) -> None:
        if self.alive and self.poller is not None:
            self.set_accept_enabled(False)
            for listener in self.sockets:
                listener.close()
            self.sockets = []
        super().handle_exit(sig, frame)


class BrobygServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn run from `brobyg serve` with the app already made and checked."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # a setting older gunicorns lack is left out
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def run(
    app: Flask, *, host: str, port: int, workers: int, threads: int, graceful_timeout: int
) -> None:
    """Serve `app` with `workers` processes until SIGTERM, which drains them gracefully."""
    engine = app.extensions["brobyg.engine"]
    engine.dispose()  # no connection of the master's may be shared by the forked workers

    def _post_fork(_arbiter: Any, _worker: Any) -> None:
        engine.dispose(close=False)

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": DrainingWorker,
        "graceful_timeout": graceful_timeout,
        # Idle keep-alive connections wait in the poller, not a thread; gunicorn's 2 s closed
        # them while clients (and proxies) were sending the next request on them.
        "keepalive": KEEPALIVE_SECONDS,
        "proc_name": "brobyg",
        "accesslog": None,  # Brobyg writes its own access log (app/operations.py)
        "errorlog": "-",
        # The scheme and address come from BROBYG_PROXY_HOPS (ProxyFix) only.
        "secure_scheme_headers": {},
        "post_fork": _post_fork,
        # No control socket: it lives in one file per user, shared by every server on the machine.
        "control_socket_disable": True,
    }
    BrobygServer(app, options).run()
