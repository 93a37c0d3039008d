"""``POST /lead/add`` throughput and latency on PostgreSQL, next to two baselines.

Three servers, one after the other, each with ``--workers`` uvicorn processes and a fresh
database (migrated, with the demo account):

* ``leadline``   — ``leadline serve --no-worker``: the real endpoint.
* ``statements`` — a minimal FastAPI endpoint validating the same body and running the same
  SQL statements with the same driver (asyncpg), no ORM: what our layers cost.
* ``floor``      — an endpoint inserting a single row: the least a kept submission costs.

The load generator (httpx, async, bounded concurrency, a bounded number of requests) runs
on loopback; every request is a new lead (a new mobile), so each one does the full work.

    .venv/bin/python bench/bench_dialler_api.py [--requests 3000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET_KEY = "bench-secret-key"
ADMIN_URL = os.environ.get(
    "LEADLINE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    failures: int
    # Why requests failed: HTTP status, or the transport error (ReadTimeout, ReadError…).
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _admin(sql: str, url: str = ADMIN_URL) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _fresh_database(name: str) -> str:
    """A new migrated database with the demo account; returns its URL."""
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    env = {**os.environ, "LEADLINE_DATABASE_URL": url, "LEADLINE_SECRET_KEY": SECRET_KEY}
    subprocess.run([BIN / "leadline", "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([BIN / "leadline", "demo"], env=env, check=True, capture_output=True)
    # The demo key allows 50 requests a second per server process; the bench measures
    # the cost of a lead, not the limiter (still consulted on every request), and the
    # baselines have none, so the limit is lifted out of reach.
    asyncio.run(
        _admin(
            "UPDATE api_credentials SET rate_limit_per_second = 1000000, "
            "rate_limit_burst = 1000000",
            url,
        )
    )
    return url


def _demo_key(url: str) -> str:
    env = {**os.environ, "LEADLINE_DATABASE_URL": url, "LEADLINE_SECRET_KEY": SECRET_KEY}
    out = subprocess.run(
        [BIN / "leadline", "demo", "--json"], env=env, check=True, capture_output=True, text=True
    ).stdout
    import json

    return str(json.loads(out)["dialler_key"])


def _start(name: str, url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LEADLINE_DATABASE_URL": url,
        "LEADLINE_SECRET_KEY": SECRET_KEY,
        "LEADLINE_RUN_WORKER": "false",
        "LEADLINE_DIALLER": "off",
        "BENCH_DATABASE_URL": url,
        "BENCH_SECRET_KEY": SECRET_KEY,
        "BENCH_MODE": name,
    }
    if name == "leadline":
        command = [
            str(BIN / "leadline"),
            "serve",
            "--no-worker",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    else:
        command = [
            str(BIN / "uvicorn"),
            "--factory",
            "dialler_api_baselines:create",
            "--app-dir",
            str(ROOT / "bench"),
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _wait_up(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(1200):  # a loaded machine starts two workers slowly
            try:
                await http.post("/lead/add", json={})
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"server at {base} did not start")


def _body(index: int) -> dict[str, object]:
    return {
        "first_name": "John",
        "surname": "Doe",
        "mobile": f"07840{index:06d}",
        "email": f"john.doe+{index}@example.com",
        "type": "motor-trade",
        "subtype": "valeter",
        "delays": 600,
        "data": '{"vehicle_make":"Ford","addresss":"123 Greenacre Road"}',
    }


async def _load(
    name: str, base: str, key: str, requests: int, concurrency: int, offset: int
) -> Result:
    latencies: list[float] = []
    failures = 0
    reasons: Counter[str] = Counter()
    next_index = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:

        async def worker() -> None:
            nonlocal next_index, failures
            while next_index < requests:
                index = next_index
                next_index += 1
                started = time.perf_counter()
                try:
                    answer = await http.post(
                        "/lead/add", params={"key": key}, json=_body(offset + index)
                    )
                except httpx.TransportError as exc:  # counted, not fatal: a loaded host stalls
                    latencies.append(time.perf_counter() - started)
                    failures += 1
                    reasons[type(exc).__name__] += 1
                    continue
                latencies.append(time.perf_counter() - started)
                if answer.status_code != 200 or answer.json() != {
                    "saved": True,
                    "processed": True,
                }:
                    failures += 1
                    reasons[str(answer.status_code)] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return Result(name, requests, seconds, latencies, failures, reasons)


def run_one(name: str, args: argparse.Namespace) -> Result:
    database = f"bench_dialler_api_{name}"
    url = _fresh_database(database)
    key = _demo_key(url)
    port = _free_port()
    server = _start(name, url, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        if server.poll() is not None:
            raise RuntimeError(server.stderr.read().decode() if server.stderr else name)
        asyncio.run(_wait_up(base))
        asyncio.run(_load(name, base, key, args.warmup, args.concurrency, offset=900_000))
        return asyncio.run(_load(name, base, key, args.requests, args.concurrency, offset=0))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def _print_round(results: dict[str, Result]) -> dict[str, float]:
    print(f"{'server':12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}")
    for name in ("leadline", "statements", "floor"):
        result = results.get(name)
        if result is None:
            continue
        print(
            f"{result.name:12} {result.throughput:8.1f} {result.percentile(0.50):8.1f} "
            f"{result.percentile(0.99):8.1f} {result.failures:7d}"
            + (f"  {dict(result.reasons)}" if result.reasons else "")
        )
    ratios: dict[str, float] = {}
    ours = results.get("leadline")
    for baseline in ("statements", "floor"):
        if ours and baseline in results:
            ratios[baseline] = ours.throughput / results[baseline].throughput
            print(f"leadline / {baseline}: {ratios[baseline]:.2f} of the throughput")
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the servers this many times, each round in a rotated order, and report "
        "the median ratio (one server's turn falling on a busy minute weighs less)",
    )
    parser.add_argument(
        "--only", choices=["leadline", "statements", "floor"], action="append", default=None
    )
    args = parser.parse_args()
    names = args.only or ["leadline", "statements", "floor"]
    print(
        f"/lead/add, {args.requests} new leads (+{args.warmup} warm-up), concurrency "
        f"{args.concurrency}, {args.workers} server workers, PostgreSQL, loopback"
    )
    per_round: list[dict[str, float]] = []
    failed = False
    for number in range(args.rounds):
        order = names[number % len(names) :] + names[: number % len(names)]
        results = {name: run_one(name, args) for name in order}
        print(f"\nround {number + 1} of {args.rounds} (order: {', '.join(order)})")
        per_round.append(_print_round(results))
        failed = failed or any(result.failures for result in results.values())
    if args.rounds > 1:
        for baseline in ("statements", "floor"):
            ratios = [ratios[baseline] for ratios in per_round if baseline in ratios]
            if ratios:
                listed = ", ".join(f"{ratio:.2f}" for ratio in ratios)
                print(
                    f"\nmedian leadline / {baseline} over {len(ratios)} rounds: "
                    f"{statistics.median(ratios):.2f} ({listed})"
                )
    print(
        "\nreproduce: LEADLINE_BENCH_POSTGRES_URL=... .venv/bin/python bench/bench_dialler_api.py"
        f" --requests {args.requests} --warmup {args.warmup} --concurrency {args.concurrency}"
        f" --workers {args.workers} --rounds {args.rounds}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
