"""Bulk lead import throughput: N worker processes turning an accepted import into leads,
beside a raw baseline of the same rows written into a plain table.

    .venv/bin/python bench/bench_bulk_import.py --rows 200000 --workers 2 --backend both

PostgreSQL: ``LEADLINE_BENCH_POSTGRES_URL`` (default postgresql://postgres@127.0.0.1:5432/test),
in a database of its own, created and dropped. SQLite: a temporary file.
Raw baseline: PostgreSQL COPY, SQLite executemany, of the same rows (phone, key, data).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import queue as queue_module
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from leadline.config import Settings  # noqa: E402
from leadline.core.accounts import service as accounts  # noqa: E402
from leadline.core.campaigns import service as campaigns  # noqa: E402
from leadline.core.imports import service as imports  # noqa: E402
from leadline.db.engine import Database  # noqa: E402
from leadline.db.migrate import upgrade  # noqa: E402
from leadline.db.models import BulkImport, Lead  # noqa: E402
from leadline.runtime import tune_gc  # noqa: E402

PG_URL = os.environ.get("LEADLINE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BENCH_DB = "leadline_bench_bulk"


def make_rows(count: int, list_id: int) -> list[dict[str, object]]:
    """Distinct UK mobiles written nationally (so each is parsed for real), a key each,
    a little lead data. 07123 to 07139: ranges libphonenumber holds valid for all six
    following digits (much of 07911 3xxxxx and above is not allocated, so invalid)."""
    return [
        {
            "listId": list_id,
            "customerKey": f"K{n}",
            "phone1": f"07{123 + n // 1_000_000} {n % 1_000_000:06d}",
            "leadData": {"n": n, "city": "Leeds"},
        }
        for n in range(count)
    ]


async def _pg_connect(database_url: str):  # type: ignore[no-untyped-def]
    import asyncpg

    url = make_url(database_url)
    return await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username,
        password=url.password, database=url.database,
    )  # fmt: skip


async def _pg_admin(sql: str) -> None:
    connection = await _pg_connect(PG_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _worker(url: str, holder: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    # As `leadline worker` starts (LEADLINE_GC_THRESHOLD, 0 for Python's default).
    tune_gc(Settings().gc_threshold)

    async def work() -> int:
        db = Database(url, pool_size=2)
        try:
            return await imports.process_pending(db, holder)
        finally:
            await db.dispose()

    queue.put(asyncio.run(work()))


def _results(processes: list, queue: multiprocessing.Queue) -> list[int]:  # type: ignore[type-arg]
    """Each worker's batch count; a worker that died (its traceback is above) stops the
    run instead of leaving it waiting for an answer that never comes."""
    answers: list[int] = []
    while len(answers) < len(processes):
        try:
            answers.append(queue.get(timeout=1))
        except queue_module.Empty:
            failed = [process.exitcode for process in processes if process.exitcode]
            if failed:
                raise RuntimeError(f"a worker process failed (exit code {failed[0]})") from None
    return answers


async def _prepare(url: str) -> tuple[int, int]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            account = await accounts.create_account(
                session, name="Bench", phone_region="GB", timezone="Europe/London"
            )
            campaign = await campaigns.create_campaign(session, account=account, name="Bulk")
            lead_list = await campaigns.default_list(session, campaign)
        return account.id, lead_list.id
    finally:
        await db.dispose()


async def _accept(url: str, account_id: int, rows: list[dict[str, object]]) -> str:
    db = Database(url)
    try:
        async with db.transaction() as session:
            header = await imports.create_import(session, account_id, rows, max_rows=None)
        return header.uuid
    finally:
        await db.dispose()


async def _outcome(url: str, uuid: str) -> tuple[str, int, int, int]:
    db = Database(url)
    try:
        async with db.read_session() as session:
            header = await session.scalar(select(BulkImport).where(BulkImport.uuid == uuid))
            leads = await session.scalar(select(func.count()).select_from(Lead))
        assert header is not None
        return header.status, header.created, header.failed, int(leads or 0)
    finally:
        await db.dispose()


async def _raw_baseline(url: str, rows: list[dict[str, object]]) -> float:
    """The same rows into a plain table, the fastest way the store offers."""
    records = [
        (str(row["phone1"]), str(row["customerKey"]), json.dumps(row["leadData"])) for row in rows
    ]
    if url.startswith("sqlite"):
        path = make_url(url).database
        assert path
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE raw_leads (phone TEXT, customer_key TEXT, data TEXT)")
        started = time.perf_counter()
        with connection:
            connection.executemany("INSERT INTO raw_leads VALUES (?, ?, ?)", records)
        elapsed = time.perf_counter() - started
        connection.close()
        return elapsed
    connection = await _pg_connect(url)
    try:
        await connection.execute(
            "CREATE TABLE raw_leads (phone text, customer_key text, data jsonb)"
        )
        started = time.perf_counter()
        await connection.copy_records_to_table("raw_leads", records=records)
        return time.perf_counter() - started
    finally:
        await connection.close()


def run_backend(backend: str, count: int, workers: int) -> dict[str, object]:
    if backend == "postgresql":
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        asyncio.run(_pg_admin(f'CREATE DATABASE "{BENCH_DB}"'))
        url = make_url(PG_URL).set(database=BENCH_DB).render_as_string(hide_password=False)
        scratch = None
    else:
        scratch = tempfile.TemporaryDirectory(prefix="bench-bulk-")
        url = f"sqlite:///{Path(scratch.name) / 'bench.db'}"
    try:
        upgrade(url)
        account_id, list_id = asyncio.run(_prepare(url))
        rows = make_rows(count, list_id)

        started = time.perf_counter()
        uuid = asyncio.run(_accept(url, account_id, rows))
        accept_seconds = time.perf_counter() - started

        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        started = time.perf_counter()
        processes = [
            context.Process(target=_worker, args=(url, f"bench-{n}", queue)) for n in range(workers)
        ]
        for process in processes:
            process.start()
        batches = _results(processes, queue)
        for process in processes:
            process.join()
        process_seconds = time.perf_counter() - started

        status, created, failed, leads = asyncio.run(_outcome(url, uuid))
        assert (status, created, failed, leads) == ("completed", count, 0, count), (
            status, created, failed, leads,
        )  # fmt: skip
        raw_seconds = asyncio.run(_raw_baseline(url, rows))
        return {
            "backend": backend,
            "rows": count,
            "workers": workers,
            "batches_per_worker": batches,
            "accept_s": round(accept_seconds, 2),
            "process_s": round(process_seconds, 2),
            "leads_per_s": round(count / process_seconds),
            "end_to_end_leads_per_s": round(count / (accept_seconds + process_seconds)),
            "raw_baseline_s": round(raw_seconds, 2),
            "raw_rows_per_s": round(count / raw_seconds),
        }
    finally:
        if backend == "postgresql":
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        if scratch is not None:
            scratch.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    args = parser.parse_args()
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    print(
        "command: .venv/bin/python bench/bench_bulk_import.py "
        f"--rows {args.rows} --workers {args.workers} --backend {args.backend}"
    )
    for backend in backends:
        result = run_backend(backend, args.rows, args.workers)
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
