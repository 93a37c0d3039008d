"""A live ``leadline serve`` for Playwright, and the browser's settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from leadline.config import Settings
from tests.conftest import TEST_SECRET

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Screenshots kept as test artefacts (the convention of tests/web/test_browser.py).
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(settings: Settings, *, worker: bool = False) -> dict[str, str]:
    """The environment of a ``leadline`` command run against the test database."""
    return {
        **os.environ,
        "LEADLINE_DATABASE_URL": settings.database_url,
        "LEADLINE_VAR_DIR": str(settings.var_dir),
        "LEADLINE_MEDIA_DIR": str(settings.resolved_media_dir),
        "LEADLINE_SECRET_KEY": TEST_SECRET,
        "LEADLINE_DIALLER": "off",
        "LEADLINE_RUN_WORKER": "true" if worker else "false",
    }


@contextmanager
def live_server(settings: Settings, *, worker: bool = False) -> Iterator[str]:
    """``leadline serve`` on a free port against the test database (with the background
    worker's jobs when ``worker``); yields its base URL."""
    env = server_env(settings, worker=worker)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "leadline.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)
