"""Running Brobyg as real processes in tests: its CLI, and `brobyg serve` on a free port."""

import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def brobyg(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    """Run a `brobyg` command in its own process; fail the test if it fails."""
    subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=300,
    )


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """Start `brobyg serve` on a free port and return the process and its address once it
    answers `/healthz`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2).close()
            return server, url
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("brobyg serve did not start")
            time.sleep(0.2)


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a server started by `serve`."""
    server.terminate()
    server.wait(timeout=10)
