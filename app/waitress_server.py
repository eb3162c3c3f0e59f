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


def run(
    app: Flask, *, host: str, port: int, threads: int, graceful_timeout: int, **kw: Any
) -> None:
    """Serve `app` until SIGTERM or SIGINT, then drain for at most `graceful_timeout` seconds."""
    server: Any = create_server(app, host=host, port=port, threads=threads, **kw)
    signals: list[int] = []

    def _stop(signum: int, _frame: Any) -> None:
        if signals:  # a second signal: stop without waiting
            raise SystemExit(1)
        signals.append(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop)
    adj = server.adj
    while not signals:
        # The signal only sets a flag; the loop notices it within one poll timeout.
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
    try:
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
    finally:
        server.task_dispatcher.shutdown(timeout=max(deadline - time.monotonic(), 0) + 1)
        wasyncore.close_all(server._map)
