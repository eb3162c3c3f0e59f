"""`brobyg serve` runs the real WSGI server (waitress)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_health_checks(database_url):
    port = _free_port()
    env = {**os.environ, "BROBYG_DATABASE_URL": database_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    assert r.headers["Server"] == "brobyg"
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
        server.stderr.close()


def _start(database_url: str, *args: str, **env_extra: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, "BROBYG_DATABASE_URL": database_url, **env_extra}
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server, port
        except OSError:
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=10)
    server.stdout.close()
    server.stderr.close()


def test_the_server_refuses_a_huge_body_before_reading_it(database_url):
    server, port = _start(database_url)
    try:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(
                b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                + f"Content-Length: {120 * 1024 * 1024}\r\n\r\n".encode()
                + b"email=x"
            )
            answer = conn.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413")
        assert time.monotonic() - started < 3
    finally:
        _stop(server)


def test_serving_beyond_this_machine_needs_a_base_url(database_url):
    env = {**os.environ, "BROBYG_DATABASE_URL": database_url, "BROBYG_LANG": "en"}
    env.pop("BROBYG_BASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--host", "0.0.0.0", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert "BROBYG_BASE_URL" in done.stderr and "Traceback" not in done.stderr
