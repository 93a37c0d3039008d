"""Server time of the console's leads table (``GET /leads``) with a million leads.

Each request goes through the whole app in process (httpx's ASGI transport: routing, the
signed session cookie, the page handler with its queries — one keyset page of 50, the
count capped at 10,001 rows, the names and phones of the page — and the HTML); the
network is left out, so the time measured is the server's. Pages measured: the first
page, a later page, a filtered page (campaign + status), a rare filtered page (source),
a prefix search on the name, one on the customer key, a phone search by trailing digits,
and an agent's first page (their campaign only). Besides the wall time, it prints the
app process's CPU time per request (Python only: the database server's work is not in
it), which a busy shared machine inflates far less than wall time.

    .venv/bin/python bench/bench_console_leads.py --backend sqlite --leads 1000000
    .venv/bin/python bench/bench_console_leads.py --backend postgresql --leads 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shlex
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factories import make_world
from tests.web.conftest import sign_in

from leadline.app import create_app
from leadline.config import Settings
from leadline.core.campaigns import service as campaigns
from leadline.db.engine import Database
from leadline.db.migrate import upgrade
from leadline.db.models import Campaign
from leadline.logging import configure_logging

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
BATCH = 50_000
FIRST = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Noah", "Oliver", "George", "Leo", "Arthur"]
FIRST += ["Freya", "Lily", "Grace", "Jack", "Harry", "Oscar", "Theo", "Ella", "Ivy", "Rosie"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel"]
LAST += ["Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green"]
SOURCES = ["web"] * 50 + ["portal"] * 35 + ["import"] * 14 + ["referral"]
STATUSES = [1] * 60 + [4] * 15 + [5] * 5 + [2] * 3 + [6] * 7 + [7] * 10


def _rows(
    count: int, account_id: int, lists: list[tuple[int, int]], seed: int
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]]:
    """(contact, email, lead, phone) rows; ids start at 1000 to stay clear of the set-up."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    for index in range(count):
        ident = index + 1000
        first, last = rng.choice(FIRST), rng.choice(LAST)
        campaign_id, list_id = lists[index % len(lists)]
        status = rng.choice(STATUSES)
        completed = now - timedelta(days=rng.randrange(30)) if status in (6, 7) else None
        due = None if completed else now + timedelta(hours=rng.randrange(-240, 48))
        national = f"7{rng.randrange(10**9):09d}"
        yield (
            (ident, account_id, f"{first} {last}", now),
            (ident, account_id, ident, f"{first}.{last}{index}@example.com".lower()),
            (
                ident,
                account_id,
                campaign_id,
                list_id,
                ident,
                f"CRM-{index:07d}",
                status,
                due,
                due,
                completed,
                rng.choice(SOURCES),
                now,
            ),
            (ident, account_id, ident, "+44" + national, national[-9:]),
        )


_LEAD_COLUMNS = [
    "id",
    "account_id",
    "campaign_id",
    "list_id",
    "contact_id",
    "customer_key",
    "status_code",
    "next_attempt_at",
    "dialable_at",
    "completed_at",
    "source",
    "created_at",
]


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _fill_sqlite(path: Path, rows: Iterator[Any]) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            while chunk := [row for _, row in zip(range(BATCH), rows, strict=False)]:
                connection.executemany(
                    "INSERT INTO contacts (id, account_id, name, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    ((c[0], c[1], c[2], _stamp(c[3]), _stamp(c[3])) for c, _, _, _ in chunk),
                )
                connection.executemany(
                    "INSERT INTO contact_emails (id, account_id, contact_id, address,"
                    " address_lower) VALUES (?, ?, ?, ?, ?)",
                    ((e[0], e[1], e[2], e[3], e[3]) for _, e, _, _ in chunk),
                )
                connection.executemany(
                    f"INSERT INTO leads ({', '.join(_LEAD_COLUMNS)}, updated_at, data, priority,"
                    " attempts, next_phone_index, cost)"
                    f" VALUES ({', '.join('?' * len(_LEAD_COLUMNS))}, ?, '{{}}', 0, 0, 1, 0)",
                    (
                        (
                            *lead[:7],
                            _stamp(lead[7]),
                            _stamp(lead[8]),
                            _stamp(lead[9]),
                            lead[10],
                            _stamp(lead[11]),
                            _stamp(lead[11]),
                        )
                        for _, _, lead, _ in chunk
                    ),
                )
                connection.executemany(
                    "INSERT INTO lead_phones (id, account_id, lead_id, phone_index, number, tail,"
                    " attempts) VALUES (?, ?, ?, 1, ?, ?, 0)",
                    (p for _, _, _, p in chunk),
                )
        connection.execute("ANALYZE")
    finally:
        connection.close()


async def _fill_postgres(url: str, rows: Iterator[Any]) -> None:
    connection = await _pg_connect(url)
    try:
        while chunk := [row for _, row in zip(range(BATCH), rows, strict=False)]:
            await connection.copy_records_to_table(
                "contacts",
                records=((c[0], c[1], c[2], c[3], c[3]) for c, _, _, _ in chunk),
                columns=["id", "account_id", "name", "created_at", "updated_at"],
            )
            await connection.copy_records_to_table(
                "contact_emails",
                records=((e[0], e[1], e[2], e[3], e[3]) for _, e, _, _ in chunk),
                columns=["id", "account_id", "contact_id", "address", "address_lower"],
            )
            await connection.copy_records_to_table(
                "leads",
                records=((*lead, lead[11], "{}", 0, 0, 1, 0) for _, _, lead, _ in chunk),
                columns=[
                    *_LEAD_COLUMNS,
                    "updated_at",
                    "data",
                    "priority",
                    "attempts",
                    "next_phone_index",
                    "cost",
                ],
            )
            await connection.copy_records_to_table(
                "lead_phones",
                records=((p[0], p[1], p[2], 1, p[3], p[4], 0) for _, _, _, p in chunk),
                columns=[
                    "id",
                    "account_id",
                    "lead_id",
                    "phone_index",
                    "number",
                    "tail",
                    "attempts",
                ],
            )
        for table in ("contacts", "contact_emails", "leads", "lead_phones"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
        # What autovacuum does to a freshly loaded table in service: statistics, and the
        # visibility map that lets the capped count read its index alone.
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def _world(url: str) -> tuple[int, list[tuple[int, int]], str, str, int]:
    """The account, its four campaigns' (campaign, list) ids, the two logins and the
    agent's campaign."""
    database = Database(url)
    try:
        world = await make_world(database, name="Bench")
        lists = [(world.campaign.id, world.lead_list.id)]
        async with database.transaction() as session:
            account = world.account
            for name in ("Renewals", "Spring", "Referrals"):
                campaign: Campaign = await campaigns.create_campaign(
                    session, account=account, name=name
                )
                lead_list = await campaigns.default_list(session, campaign)
                lists.append((campaign.id, lead_list.id))
        return world.account.id, lists, world.admin.login, world.agent.login, world.campaign.id
    finally:
        await database.dispose()


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def _measure(
    settings: Settings, admin: str, agent: str, campaign_id: int, leads: int, repeats: int
) -> dict[str, dict[str, float]]:
    database = Database(settings.async_database_url)
    app = create_app(settings, database=database)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    cases: list[tuple[str, str, dict[str, str]]] = [
        ("first page", admin, {}),
        ("later page", admin, {"after": str(1000 + leads // 2)}),
        ("campaign + status", admin, {"campaign": str(campaign_id), "status": "2"}),
        ("rare source", admin, {"source": "referral"}),
        ("name prefix 'olivia sm'", admin, {"q": "olivia sm"}),
        ("customer key prefix", admin, {"q": "CRM-00123"}),
        ("phone tail", admin, {"phone": "PHONE"}),
        ("agent's first page", agent, {}),
    ]
    results: dict[str, dict[str, float]] = {}
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://bench") as as_admin,
        httpx.AsyncClient(transport=transport, base_url="http://bench") as as_agent,
    ):
        await sign_in(as_admin, admin, "admin-pass")
        await sign_in(as_agent, agent, "agent-pass")
        # A number that exists, to look up by its last nine digits.
        page = await as_admin.get("/leads", params={"q": f"CRM-{leads // 2:07d}"})
        phone = page.text.split('href="telf:', 1)[1].split('"', 1)[0]
        for name, who, params in cases:
            client = as_admin if who == admin else as_agent
            params = {k: (phone[-9:] if v == "PHONE" else v) for k, v in params.items()}
            samples: list[float] = []
            cpu: list[float] = []
            for _ in range(repeats):
                started, cpu_started = time.perf_counter(), time.process_time()
                response = await client.get("/leads", params=params)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                assert response.status_code == 200, (name, response.status_code)
            count = response.text.split('class="muted lead-count"', 1)[-1]
            count = count.split(">", 1)[-1].split("<", 1)[0]
            results[name] = {
                "p50": statistics.median(samples),
                "p90": _percentile(samples, 0.9),
                "max": max(samples),
                "cpu_p50": statistics.median(cpu),
            }
            got = results[name]
            print(
                f"{name:28} p50 {got['p50']:7.1f} ms  p90 {got['p90']:7.1f} ms"
                f"  max {got['max']:7.1f} ms  app CPU p50 {got['cpu_p50']:6.1f} ms"
                f"  ({count.strip()})",
                flush=True,
            )
    await database.dispose()
    print(f"load average while measuring: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return results


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


def run(backend: str, leads: int, repeats: int, seed: int) -> dict[str, dict[str, float]]:
    print(f"\n--- {backend}: {leads:,} leads, {repeats} requests per page ---", flush=True)
    with tempfile.TemporaryDirectory(prefix="leadline-bench-") as scratch:
        pg_admin_url = ""
        if backend == "sqlite":
            path = Path(scratch) / "bench.db"
            url = f"sqlite:///{path}"
        else:
            pg_admin_url = os.environ.get("LEADLINE_BENCH_POSTGRES_URL", PG_DEFAULT)
            name = f"leadline_bench_console_{os.getpid()}"
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
            account_id, lists, admin, agent, campaign_id = asyncio.run(
                _world(settings.async_database_url)
            )
            started = time.perf_counter()
            rows = _rows(leads, account_id, lists, seed)
            if backend == "sqlite":
                _fill_sqlite(path, rows)
            else:
                asyncio.run(_fill_postgres(url, rows))
            print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)
            return asyncio.run(_measure(settings, admin, agent, campaign_id, leads, repeats))
        finally:
            if pg_admin_url:
                asyncio.run(
                    _pg_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    configure_logging("WARNING", "json")
    print("command:", shlex.join([sys.executable, *sys.argv]))
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {b: run(b, args.leads, args.repeats, args.seed) for b in backends}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
