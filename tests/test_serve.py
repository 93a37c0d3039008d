"""`leadline db upgrade && leadline demo && leadline serve` as a user runs them, on each store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from leadline.config import Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_on_the_configured_store(settings: Settings, db: object) -> None:
    env = {
        **os.environ,
        "LEADLINE_DATABASE_URL": settings.database_url,
        "LEADLINE_VAR_DIR": str(settings.var_dir),
        "LEADLINE_SECRET_KEY": "serve-secret",
        "LEADLINE_DIALLER": "off",
    }
    demo = subprocess.run(
        [sys.executable, "-m", "leadline.cli", "demo", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "leadline.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        ready = None
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                time.sleep(0.2)
        assert ready is not None and ready.status_code == 200
        expected = "sqlite" if settings.database_url.startswith("sqlite") else "postgresql"
        assert ready.json()["database"] == expected
    finally:
        server.terminate()
        server.wait(timeout=15)
