"""Running Brobyg as real processes in tests: its CLI, and `brobyg serve` on a free port.

Nothing here has a deadline that a slow machine can miss: a command runs until it ends and
a server is waited for until it answers or exits. `SAFETY_NET` seconds only stop a hung
process from hanging the whole run."""

import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import IO

import pytest

SAFETY_NET = 600  # seconds: far beyond any healthy start, even on a machine under load


class Server(subprocess.Popen[bytes]):
    """A `brobyg serve` process whose output goes to a file (a pipe nobody reads could fill
    up and stall it), shown when it fails."""

    output: IO[bytes]

    def said(self) -> str:
        """Return what the server wrote to its stdout and stderr so far."""
        self.output.seek(0)
        return self.output.read().decode(errors="replace")


def brobyg(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run a `brobyg` command in its own process and return its output; fail the test if it
    fails."""
    done = subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        input=stdin,
        text=True,
        capture_output=True,
        timeout=SAFETY_NET,
    )
    if done.returncode != 0:
        pytest.fail(f"brobyg {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(env: dict[str, str], *args: str) -> tuple[Server, str]:
    """Start `brobyg serve` on a free port (with extra `args`); return the process and its
    address once it answers `/healthz`. Fail the test, with its output, if it exits first."""
    port = free_port()
    output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
    server = Server(
        [sys.executable, "-m", "app", "serve", "--port", str(port), *args],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    server.output = output
    url = f"http://127.0.0.1:{port}"
    bound = time.monotonic() + SAFETY_NET
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=SAFETY_NET):
                return server, url
        except urllib.error.HTTPError:  # it answers: up, if not well (the test will see)
            return server, url
        except OSError:
            if server.poll() is not None:
                said = server.said()
                stop(server)
                pytest.fail(f"brobyg serve exited ({server.returncode}) before answering:\n{said}")
            if time.monotonic() > bound:
                stop(server)
                pytest.fail("brobyg serve neither answered nor exited")
            time.sleep(0.1)


def stop(server: Server) -> None:
    """Stop a server started by `serve`, and wait until it has ended."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=SAFETY_NET)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    server.output.close()
