"""`brobyg serve` runs the real WSGI server (waitress)."""

import os
import socket
import subprocess
import sys
import urllib.request

from tests.processes import SAFETY_NET, free_port, serve, stop


def test_serve_answers_health_checks(database_url):
    server, url = serve({**os.environ, "BROBYG_DATABASE_URL": database_url})
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=SAFETY_NET) as answer:
            assert answer.status == 200
            assert answer.headers["Server"] == "brobyg"
    finally:
        stop(server)


def test_the_server_refuses_a_huge_body_before_reading_it(database_url):
    server, url = serve({**os.environ, "BROBYG_DATABASE_URL": database_url})
    try:
        with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1]))) as conn:
            # Only the head and a few bytes are ever sent: an answer at all means the server
            # did not wait for the 120 MB it was promised. The bound is only a safety net.
            conn.settimeout(SAFETY_NET)
            conn.sendall(
                b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                + f"Content-Length: {120 * 1024 * 1024}\r\n\r\n".encode()
                + b"email=x"
            )
            answer = conn.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413")
    finally:
        stop(server)


def test_serving_beyond_this_machine_needs_a_base_url(database_url):
    env = {**os.environ, "BROBYG_DATABASE_URL": database_url, "BROBYG_LANG": "en"}
    env.pop("BROBYG_BASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=SAFETY_NET,
    )
    assert done.returncode == 1
    assert "BROBYG_BASE_URL" in done.stderr and "Traceback" not in done.stderr
