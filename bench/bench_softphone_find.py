"""Latency of the softphone's ``/rest?typereq=find`` with a million contacts in the store.

Each request goes through the whole app in process (httpx's ASGI transport: routing,
middleware, authentication with the ten-minute verified-login cache, the tolerant lookup,
the XML answer); the network is left out. Numbers are looked up written several ways
(E.164, national, ``00``-prefixed, last ten digits) plus unknown numbers, which take both
matching rounds (E.164, then trailing digits). The first request (the argon2id check that
fills the cache) is reported on its own.

    .venv/bin/python bench/bench_softphone_find.py --backend sqlite --contacts 1000000
    .venv/bin/python bench/bench_softphone_find.py --backend postgresql --contacts 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shlex
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from leadline.app import create_app
from leadline.config import Settings
from leadline.core.accounts import service as accounts
from leadline.core.users import service as users
from leadline.db.engine import Database
from leadline.db.migrate import upgrade
from leadline.logging import configure_logging

LOGIN = "bench-softphone"
PASSWORD = "bench-password"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
BATCH = 50_000


def _number(rng: random.Random) -> tuple[str, str, bool]:
    """(stored number, its tail, verified): UK mobiles, one in twenty an unverified caller
    id kept as bare digits."""
    national = f"7{rng.randrange(10**9):09d}"
    if rng.random() < 0.05:
        digits = "0" + national
        return digits, digits[-9:], False
    return "+44" + national, national[-9:], True


def _rows(count: int, account_id: int, seed: int) -> tuple[list[tuple[object, ...]], list[str]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    phones: list[tuple[object, ...]] = []
    numbers: list[str] = []
    for index in range(count):
        number, tail, verified = _number(rng)
        phones.append((index + 1, account_id, index + 1, number, tail, verified, now))
        numbers.append(number)
    return phones, numbers


def _fill_sqlite(path: Path, count: int, account_id: int, seed: int) -> list[str]:
    phones, numbers = _rows(count, account_id, seed)
    stamp = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    connection = sqlite3.connect(path)
    try:
        with connection:
            for start in range(0, count, BATCH):
                chunk = phones[start : start + BATCH]
                connection.executemany(
                    "INSERT INTO contacts (id, account_id, name, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    ((row[0] + 1000, row[1], f"Contact {row[0]}", stamp, stamp) for row in chunk),
                )
                connection.executemany(
                    "INSERT INTO phones (id, account_id, contact_id, number, tail, verified)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    ((r[0] + 1000, r[1], r[2] + 1000, r[3], r[4], r[5]) for r in chunk),
                )
        connection.execute("ANALYZE")
    finally:
        connection.close()
    return numbers


async def _fill_postgres(url: str, count: int, account_id: int, seed: int) -> list[str]:
    phones, numbers = _rows(count, account_id, seed)
    connection = await _pg_connect(url)
    try:
        await connection.copy_records_to_table(
            "contacts",
            records=((r[0] + 1000, r[1], f"Contact {r[0]}", r[6], r[6]) for r in phones),
            columns=["id", "account_id", "name", "created_at", "updated_at"],
        )
        await connection.copy_records_to_table(
            "phones",
            records=((r[0] + 1000, r[1], r[2] + 1000, r[3], r[4], r[5]) for r in phones),
            columns=["id", "account_id", "contact_id", "number", "tail", "verified"],
        )
        for table in ("contacts", "phones"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return numbers


def _written(number: str, rng: random.Random) -> str:
    digits = number.lstrip("+")
    if not number.startswith("+"):
        return number
    style = rng.randrange(4)
    if style == 0:
        return number
    if style == 1:
        return "0" + digits[2:]
    if style == 2:
        return "00" + digits
    return digits[-10:]


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def _measure(settings: Settings, numbers: list[str], requests: int, seed: int) -> None:
    database = Database(settings.async_database_url)
    app = create_app(settings, database=database)
    rng = random.Random(seed + 1)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        started = time.perf_counter()
        first = await client.get(
            "/rest",
            params={"typereq": "find", "phone": numbers[0], "login": LOGIN, "password": PASSWORD},
        )
        cold = (time.perf_counter() - started) * 1000
        assert "<total>" in first.text, first.text
        samples: list[float] = []
        cpu: list[float] = []
        found = 0
        for index in range(requests):
            if index % 5 == 4:
                phone = f"+4479{rng.randrange(10**8):08d}"  # most likely nobody's
            else:
                phone = _written(numbers[rng.randrange(len(numbers))], rng)
            started, cpu_started = time.perf_counter(), time.process_time()
            response = await client.get(
                "/rest",
                params={"typereq": "find", "phone": phone, "login": LOGIN, "password": PASSWORD},
            )
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            found += "<total>0</total>" not in response.text
    await database.dispose()
    print(f"first request (argon2id check, then cached): {cold:.1f} ms")
    print(
        f"find x{requests}: p50 {statistics.median(samples):.2f} ms, "
        f"p90 {_percentile(samples, 0.90):.2f} ms, p99 {_percentile(samples, 0.99):.2f} ms, "
        f"max {max(samples):.2f} ms; {found} answers with matches"
    )
    print(
        f"CPU time per find (all threads of the process): p50 {statistics.median(cpu):.2f} ms,"
        f" p99 {_percentile(cpu, 0.99):.2f} ms"
    )
    print(f"load average while measuring: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")


async def _account(url: str) -> int:
    database = Database(url)
    try:
        async with database.transaction() as session:
            account = await accounts.create_account(session, name="Bench", phone_region="GB")
            await users.create_user(session, account_id=account.id, login=LOGIN, password=PASSWORD)
            return account.id
    finally:
        await database.dispose()


async def _pg_connect(url: str) -> Any:
    import asyncpg

    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
    )


async def _pg_admin(url: str, sql: str) -> None:
    connection = await _pg_connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def run(backend: str, contacts: int, requests: int, seed: int) -> None:
    print(f"\n--- {backend}: {contacts:,} contacts, {requests:,} requests ---", flush=True)
    with tempfile.TemporaryDirectory(prefix="leadline-bench-") as scratch:
        pg_admin_url = ""
        if backend == "sqlite":
            path = Path(scratch) / "bench.db"
            url = f"sqlite:///{path}"
        else:
            pg_admin_url = os.environ.get("LEADLINE_BENCH_POSTGRES_URL", PG_DEFAULT)
            name = f"leadline_bench_softphone_{os.getpid()}"
            asyncio.run(_pg_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}"'))
            asyncio.run(_pg_admin(pg_admin_url, f'CREATE DATABASE "{name}"'))
            url = make_url(pg_admin_url).set(database=name).render_as_string(False)
        try:
            upgrade(url)
            settings = Settings(
                database_url=url,
                var_dir=Path(scratch),
                secret_key="bench-secret",
                run_worker=False,
                dialler="off",
                log_level="WARNING",
            )
            account_id = asyncio.run(_account(settings.async_database_url))
            started = time.perf_counter()
            if backend == "sqlite":
                numbers = _fill_sqlite(path, contacts, account_id, seed)
            else:
                numbers = asyncio.run(_fill_postgres(url, contacts, account_id, seed))
            print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)
            asyncio.run(_measure(settings, numbers, requests, seed))
        finally:
            if pg_admin_url:
                asyncio.run(
                    _pg_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    configure_logging("WARNING", "json")
    print("command:", shlex.join([sys.executable, *sys.argv]))
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        run(backend, args.contacts, args.requests, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
