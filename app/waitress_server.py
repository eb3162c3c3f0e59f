"""`brobyg serve` in one process: waitress, with a graceful stop on SIGTERM.

Waitress runs everywhere (Windows too), so it serves the single-process default. Its own
loop stops at once on a signal; this one stops listening, lets the requests in flight
finish within a bound, and only then ends.
"""

import signal
import time
from typing import Any

from flask import Flask
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server

DRAIN_POLL_SECONDS = 0.2


def _busy(channel: HTTPChannel) -> bool:
    """Tell whether a connection is in the middle of a request or its answer."""
    return bool(channel.requests or channel.request is not None or channel.total_outbufs_len)


def _channels(server: Any) -> list[HTTPChannel]:
    return [c for c in list(server._map.values()) if isinstance(c, HTTPChannel)]


class _StopNow(Exception):
    """Ctrl+C, or a second SIGTERM while draining: stop without waiting."""


def run(
    app: Flask, *, host: str, port: int, threads: int, graceful_timeout: int, **kw: Any
) -> None:
    """Serve `app` until SIGTERM, then drain for at most `graceful_timeout` seconds;
    SIGINT (Ctrl+C) stops at once, as under gunicorn."""
    server: Any = create_server(app, host=host, port=port, threads=threads, **kw)
    signals: list[int] = []

    def _stop(signum: int, _frame: Any) -> None:
        if signum == signal.SIGINT or signals:
            raise _StopNow
        signals.append(signum)  # only a flag: the loop acts on it between two polls

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    adj = server.adj
    deadline = time.monotonic()
    try:
        while not signals:
            wasyncore.loop(
                timeout=adj.asyncore_loop_timeout,
                map=server._map,
                use_poll=adj.asyncore_use_poll,
                count=1,
            )
        # Stop listening (new connections are refused), but keep the trigger the worker
        # threads use to hand their answers to this loop.
        wasyncore.dispatcher.close(server)
        deadline = time.monotonic() + graceful_timeout
        while time.monotonic() < deadline:
            channels = _channels(server)
            for channel in channels:
                if not _busy(channel):
                    channel.handle_close()  # an idle kept-alive connection
            if not any(_busy(c) for c in channels):
                break
            wasyncore.loop(
                timeout=DRAIN_POLL_SECONDS, map=server._map, use_poll=adj.asyncore_use_poll, count=1
            )
    except _StopNow:
        deadline = time.monotonic()
    finally:
        server.task_dispatcher.shutdown(timeout=max(deadline - time.monotonic(), 0) + 1)
        wasyncore.close_all(server._map)
