"""Where one ``POST /lead/add`` spends its time: round trips and CPU per new lead.

Runs Leadline's endpoint and the ``statements`` baseline (``dialler_api_baselines.py``)
in this process through httpx's ASGI transport (no network, no uvicorn), one request at a
time, each in a fresh migrated PostgreSQL database with the demo account. Every request
is a new lead. It prints, for Leadline, the database round trips of one request (SQL
statements, BEGIN/COMMIT, savepoints and pool pings, counted with SQLAlchemy's event
hooks) and, for both, the process CPU time per request: the cost of our layers without
the machine's other load in the way.

    .venv/bin/python bench/profile_lead_add.py [--requests 300] [--show-sql] [--profile]

``--profile`` prints a cProfile of Leadline's requests (process CPU time), sorted by
cumulative time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from leadline.app import create_app
from leadline.config import Settings
from leadline.db.engine import Database
from leadline.logging import configure_logging

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import dialler_api_baselines
from bench.bench_dialler_api import (
    SECRET_KEY,
    _admin,
    _body,
    _demo_key,
    _fresh_database,
)


class RoundTrips:
    """Counts what one request sends to the database, by kind."""

    def __init__(self, database: Database) -> None:
        self.counts: Counter[str] = Counter()
        self.show_sql = False
        engine = database.write_engine.sync_engine
        for name in ("begin", "commit", "rollback"):
            event.listen(engine, name, self._counter(name))
        event.listen(engine, "before_cursor_execute", self._statement)
        dialect = engine.dialect
        ping = dialect.do_ping

        def counted_ping(dbapi_connection: Any) -> bool:
            self.counts["pre-ping (BEGIN; ; ROLLBACK)"] += 3
            return bool(ping(dbapi_connection))

        dialect.do_ping = counted_ping  # type: ignore[method-assign]

    def _counter(self, name: str) -> Callable[..., None]:
        def count(*_args: Any) -> None:
            self.counts[name] += 1

        return count

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.counts["statements"] += 1
        if self.show_sql:
            print(
                "   ",
                " ".join(statement.split())[: None if os.environ.get("BENCH_FULL_SQL") else 160],
            )

    def take(self) -> Counter[str]:
        taken = self.counts
        self.counts = Counter()
        return taken


async def _run(
    http: httpx.AsyncClient, key: str, requests: int, offset: int, profiler: cProfile.Profile | None
) -> list[float]:
    costs: list[float] = []
    for index in range(requests):
        started = time.process_time()
        if profiler:
            profiler.enable()
        answer = await http.post("/lead/add", params={"key": key}, json=_body(offset + index))
        if profiler:
            profiler.disable()
        costs.append(time.process_time() - started)
        assert answer.json() == {"saved": True, "processed": True}, answer.text
    return costs


async def leadline(url: str, key: str, args: argparse.Namespace) -> list[float]:
    database = Database(url)
    counter = RoundTrips(database)
    app = create_app(Settings(database_url=url, secret_key=SECRET_KEY), database=database)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    profiler = cProfile.Profile(time.process_time) if args.profile == "cprofile" else None
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            await _run(http, key, 30, 900_000, None)  # warm: pool, caches, compiled SQL
            counter.take()
            if args.show_sql:
                print("SQL of one new lead (leadline):")
                counter.show_sql = True
            await _run(http, key, 1, 800_000, None)
            counter.show_sql = False
            one = counter.take()
            print("round trips of one new lead (leadline):", dict(one), "=", sum(one.values()))
            if args.profile == "pyinstrument":
                from pyinstrument import Profiler

                sampler = Profiler(interval=0.0002, async_mode="enabled")
                with sampler:
                    costs = await _run(http, key, args.requests, 0, None)
                print(sampler.output_text(show_all=False, short_mode=False, color=False))
                return costs
            return await _run(http, key, args.requests, 0, profiler)
    finally:
        await database.dispose()
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats(os.environ.get("BENCH_PROFILE_SORT", "tottime")).print_stats(
                os.environ.get("BENCH_PROFILE_FILTER", ""), 45
            )


async def statements(url: str, key: str, args: argparse.Namespace) -> list[float]:
    os.environ.update(BENCH_MODE="statements", BENCH_DATABASE_URL=url, BENCH_SECRET_KEY=SECRET_KEY)
    app = dialler_api_baselines.create()
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as http,
    ):
        await _run(http, key, 30, 900_000, None)
        return await _run(http, key, args.requests, 0, None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--profile", choices=["cprofile", "pyinstrument"])
    args = parser.parse_args()
    configure_logging("WARNING", "json")
    results: dict[str, list[float]] = {}
    for name, run in (("leadline", leadline), ("statements", statements)):
        database = f"bench_profile_lead_add_{name}"
        url = _fresh_database(database)
        try:
            results[name] = asyncio.run(run(url, _demo_key(url), args))
        finally:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    print(f"\nCPU per new lead, {args.requests} sequential requests in process (ms):")
    for name, costs in results.items():
        ordered = sorted(costs)
        print(
            f"  {name:10} median {statistics.median(costs) * 1000:6.2f}"
            f"  p90 {ordered[int(0.9 * len(ordered))] * 1000:6.2f}"
            f"  mean {statistics.fmean(costs) * 1000:6.2f}"
        )
    ratio = statistics.median(results["statements"]) / statistics.median(results["leadline"])
    print(f"statements / leadline CPU per request: {ratio:.2f}")
    print(f"\nreproduce: .venv/bin/python bench/profile_lead_add.py --requests {args.requests}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
