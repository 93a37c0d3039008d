"""Webhook delivery throughput: N worker processes sending a backlog of events to a
receiver on loopback, as the worker's ``webhooks`` job does (claim a batch under a lease,
POST each signed, record the answer, next batch while batches come back full).

    .venv/bin/python bench/bench_webhooks.py --events 2000 --workers 1 2 --backend both

Each event is ``lead.created`` for a different lead (its own ordering key), so nothing
waits for an earlier delivery. The receiver answers every POST ``200`` at once on a
kept-alive connection; the script checks that every event arrived exactly once.
PostgreSQL: ``LEADLINE_BENCH_POSTGRES_URL`` (default postgresql://postgres@127.0.0.1:5432/test),
in a database of its own, created and dropped. SQLite: a temporary file.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from leadline.core.accounts import service as accounts  # noqa: E402
from leadline.core.webhooks import service  # noqa: E402
from leadline.core.webhooks.delivery import deliver_due  # noqa: E402
from leadline.db.engine import Database  # noqa: E402
from leadline.db.migrate import upgrade  # noqa: E402
from leadline.db.models import WebhookDelivery  # noqa: E402

PG_URL = os.environ.get("LEADLINE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BENCH_DB = "leadline_bench_webhooks"
CHUNK = 1000


class Receiver:
    """A loopback HTTP/1.1 server in its own thread: 200 to every POST, keep-alive, and
    a count of the event ids it got."""

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()
        self.port = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = dict(
                    line.split(":", 1) for line in head.decode().split("\r\n")[1:] if ":" in line
                )
                lowered = {name.strip().lower(): value.strip() for name, value in headers.items()}
                await reader.readexactly(int(lowered.get("content-length", "0")))
                self.received[lowered.get("leadline-event-id", "")] += 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def _pg_admin(sql: str) -> None:
    import asyncpg

    url = make_url(PG_URL)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username,
        password=url.password, database=url.database,
    )  # fmt: skip
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _prepare(url: str, receiver_url: str, events: int) -> None:
    db = Database(url)
    try:
        async with db.transaction() as session:
            account = await accounts.create_account(
                session, name="Bench", phone_region="GB", timezone="Europe/London"
            )
            subscription = await service.subscribe(
                session, account.id, url=receiver_url, event_types=[service.LEAD_CREATED]
            )
        for start in range(0, events, CHUNK):
            chunk = range(start, min(events, start + CHUNK))
            async with db.transaction() as session:
                await service.emit_many(
                    session,
                    account.id,
                    service.LEAD_CREATED,
                    [({"leadId": i}, f"lead:{i}") for i in chunk],
                    subscriptions=[subscription],
                )
    finally:
        await db.dispose()


def _worker(url: str, holder: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    async def work() -> int:
        db = Database(url, pool_size=2)
        sent = 0
        try:
            while done := await deliver_due(db, holder):
                sent += done
            return sent
        finally:
            await db.dispose()

    queue.put(asyncio.run(work()))


async def _delivered(url: str) -> int:
    db = Database(url)
    try:
        async with db.read_session() as session:
            found = await session.scalar(
                select(func.count())
                .select_from(WebhookDelivery)
                .where(WebhookDelivery.state == "delivered")
            )
        return int(found or 0)
    finally:
        await db.dispose()


def _run(backend: str, events: int, workers: int, receiver: Receiver) -> float:
    receiver.received.clear()
    with tempfile.TemporaryDirectory() as folder:
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
        else:
            asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {BENCH_DB}"))
            asyncio.run(_pg_admin(f"CREATE DATABASE {BENCH_DB}"))
            url = str(make_url(PG_URL).set(drivername="postgresql+asyncpg", database=BENCH_DB))
        try:
            upgrade(url.replace("+aiosqlite", "").replace("+asyncpg", ""))
            asyncio.run(_prepare(url, f"http://127.0.0.1:{receiver.port}/in", events))
            context = multiprocessing.get_context("spawn")
            queue = context.Queue()
            processes = [
                context.Process(target=_worker, args=(url, f"bench-{n}", queue))
                for n in range(workers)
            ]
            started = time.perf_counter()
            for process in processes:
                process.start()
            sent = sum(queue.get() for _ in processes)
            elapsed = time.perf_counter() - started
            for process in processes:
                process.join()
            delivered = asyncio.run(_delivered(url))
        finally:
            if backend == "postgres":
                asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {BENCH_DB}"))
    twice = sum(1 for count in receiver.received.values() if count > 1)
    if not (sent == delivered == events == len(receiver.received)) or twice:
        raise SystemExit(
            f"{backend}: sent {sent}, delivered {delivered}, received "
            f"{len(receiver.received)} distinct ({twice} more than once), expected {events}"
        )
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    receiver = Receiver()
    receiver.start()
    print(f"{args.events} lead.created events, one subscription, loopback receiver")
    print(f"{'backend':<10} {'workers':>7} {'seconds':>9} {'events/s':>10}")
    for backend in backends:
        for workers in args.workers:
            elapsed = _run(backend, args.events, workers, receiver)
            print(f"{backend:<10} {workers:>7} {elapsed:>9.2f} {args.events / elapsed:>10.0f}")
    workers_shown = " ".join(str(n) for n in args.workers)
    print(
        "\nreproduce: .venv/bin/python bench/bench_webhooks.py "
        f"--events {args.events} --workers {workers_shown} --backend {args.backend}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
