"""Who this process is, in leases and claims: host and process id."""

from __future__ import annotations

import os
import socket


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
