"""Portal pushes per second against a real ``leadline serve``, on SQLite and PostgreSQL.

For each store: migrate a fresh database, build the demo, start ``leadline serve`` on a
free port, then post the seed's phone push to the demo hook:

* fresh: N pushes, each a new call (new ``phoneCallId``) from a new caller, so each one
  stores the push, creates a contact, a call activity and a call-back lead;
* retries: the same N pushes again, each answered from the idempotency record.

Every answer must be ``200 {"code":2000}``; the script fails otherwise.

    .venv/bin/python bench/bench_portal.py --pushes 2000 --concurrency 16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

LEADLINE = str(Path(sys.executable).parent / "leadline")
PG_URL = os.environ.get("LEADLINE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PG_DATABASE = "leadline_bench_portal"
SEED = {
    "agencyEmail": "nobody@nowhere.net",
    "agencyExternalId": "1234",
    "agencyId": 5678,
    "callFrom": "+393451234567",
    "callTo": "+39061234567",
    "date": "2021-03-05 01:25:02",
    "duration": 0,
    "listingId": 87654321,
    "listingExternalId": "ES-RIF-001",
    "outcome": "ABORTED",
    "phoneCallId": 10000001,
    "src": "immobiliare.it",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def pg_admin(sql: str) -> None:
    import asyncpg

    url = make_url(PG_URL)
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def pushes(count: int) -> list[bytes]:
    return [
        json.dumps(
            {**SEED, "phoneCallId": 20_000_000 + i, "callFrom": f"+39345{1_000_000 + i:07d}"}
        ).encode()
        for i in range(count)
    ]


async def drive(url: str, bodies: list[bytes], concurrency: int) -> tuple[float, list[float]]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    latencies: list[float] = []
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            body = queue.get_nowait()
            started = time.perf_counter()
            response = await client.post(url, content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200 or response.json().get("code") != 2000:
                raise RuntimeError(f"unexpected answer {response.status_code} {response.text}")

    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies


def report(label: str, elapsed: float, latencies: list[float]) -> None:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(
        f"  {label:8} {len(latencies):6d} pushes  {len(latencies) / elapsed:8.1f} pushes/s  "
        f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms",
        flush=True,
    )


def run_store(backend: str, args: argparse.Namespace, workdir: Path) -> None:
    env = {
        **os.environ,
        "LEADLINE_VAR_DIR": str(workdir / backend),
        "LEADLINE_SECRET_KEY": "bench-portal-secret",
        "LEADLINE_LOG_LEVEL": "WARNING",
    }
    if backend == "postgresql":
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        asyncio.run(pg_admin(f'CREATE DATABASE "{PG_DATABASE}"'))
        env["LEADLINE_DATABASE_URL"] = (
            make_url(PG_URL).set(database=PG_DATABASE).render_as_string(hide_password=False)
        )
    else:
        env.pop("LEADLINE_DATABASE_URL", None)
    subprocess.run([LEADLINE, "db", "upgrade"], env=env, check=True, capture_output=True)
    demo = subprocess.run(
        [LEADLINE, "demo", "--json"], env=env, check=True, capture_output=True, text=True
    )
    token = json.loads(demo.stdout)["portal_hook_token"]
    port = free_port()
    log_path = workdir / f"serve-{backend}.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [LEADLINE, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("leadline serve did not start")
        url = f"{base}/portal/{token}/phone"
        bodies = pushes(args.pushes)
        asyncio.run(drive(url, [json.dumps(SEED).encode()], 1))  # warm up
        print(f"{backend}: {args.workers} server process(es), concurrency {args.concurrency}")
        report("fresh", *asyncio.run(drive(url, bodies, args.concurrency)))
        report("retries", *asyncio.run(drive(url, bodies, args.concurrency)))
    except Exception:
        print(log_path.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        server.terminate()
        log.close()
        server.wait(timeout=30)
        if backend == "postgresql":
            asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pushes", type=int, default=2000, help="pushes per phase")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--backend", choices=["sqlite", "postgresql", "both"], default="both", help="store"
    )
    args = parser.parse_args()
    print(
        "command: .venv/bin/python bench/bench_portal.py "
        f"--pushes {args.pushes} --concurrency {args.concurrency} --workers {args.workers} "
        f"--backend {args.backend}"
    )
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    workdir = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    try:
        for backend in backends:
            run_store(backend, args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
