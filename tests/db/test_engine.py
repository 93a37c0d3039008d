from __future__ import annotations

import asyncio

from sqlalchemy import func, select, text

from leadline.db.engine import Database
from leadline.db.models import AuthFailure


async def test_concurrent_writers_queue_instead_of_failing(db: Database) -> None:
    async def write(n: int) -> None:
        async with db.transaction() as session:
            # Read first, then write: the pattern that fails with "database is locked"
            # on SQLite when transactions begin deferred.
            await session.scalar(select(func.count()).select_from(AuthFailure))
            session.add(AuthFailure(realm="test", login=f"user{n}", ip="127.0.0.1"))

    await asyncio.gather(*(write(n) for n in range(30)))
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(AuthFailure)) == 30


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(db: Database) -> None:
    if not db.is_sqlite:
        return
    async with db.read_session() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await session.execute(text("PRAGMA busy_timeout"))).scalar() == 30_000


async def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    try:
        async with db.transaction() as session:
            session.add(AuthFailure(realm="test", login="ghost", ip="127.0.0.1"))
            await session.flush()
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(AuthFailure)) == 0


async def test_a_connection_the_server_closed_is_replaced_on_checkout(db: Database) -> None:
    if not db.is_postgres:
        return
    pooled = Database(db.url)  # a pool of its own, so the connection below is the pooled one
    try:
        async with pooled.read_session() as session:
            pid = await session.scalar(text("SELECT pg_backend_pid()"))
        async with db.transaction() as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await asyncio.sleep(0.2)  # the driver learns of the close on the event loop
        async with pooled.read_session() as session:
            assert await session.scalar(text("SELECT pg_backend_pid()")) != pid
    finally:
        await pooled.dispose()
