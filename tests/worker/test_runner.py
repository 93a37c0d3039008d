from __future__ import annotations

import asyncio

from sqlalchemy import select

from leadline.config import Settings
from leadline.core.security import Keyring
from leadline.db.engine import Database
from leadline.db.models import Lease
from leadline.http.deps import Services
from leadline.http.ratelimit import RateLimiter
from leadline.worker.jobs import JOBS, Job
from leadline.worker.runner import Worker


def _services(settings: Settings, db: Database, keyring: Keyring) -> Services:
    return Services(settings=settings, db=db, keyring=keyring, rate_limiter=RateLimiter())


async def test_a_failing_job_does_not_stop_the_others_and_stops_are_called(
    settings: Settings, db: Database, keyring: Keyring
) -> None:
    ran: list[str] = []
    stopped: list[str] = []

    async def failing(_services: Services) -> None:
        ran.append("failing")
        raise RuntimeError("boom")

    enough = asyncio.Event()

    async def working(_services: Services) -> None:
        ran.append("working")
        if ran.count("working") >= 3 and ran.count("failing") >= 3:
            enough.set()

    async def stop(_services: Services) -> None:
        stopped.append("working")

    worker = Worker(
        _services(settings, db, keyring),
        jobs=[Job("failing", 0.01, failing), Job("working", 0.01, working, stop=stop)],
    )
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(enough.wait(), timeout=30)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert stopped == ["working"]


async def test_stopping_the_worker_hands_back_the_sqlite_dialler_lease(
    settings: Settings, db: Database, keyring: Keyring
) -> None:
    if not db.is_sqlite:
        return  # PostgreSQL workers share campaigns without an engine lease
    dialler_job = next(job for job in JOBS if job.name == "dialler-engine")
    worker = Worker(
        _services(settings.model_copy(update={"dialler": "on"}), db, keyring), jobs=[dialler_job]
    )
    task = asyncio.create_task(worker.run())

    async def holders() -> list[str]:
        async with db.read_session() as session:
            return list(await session.scalars(select(Lease.holder)))

    for _ in range(500):
        if await holders():
            break
        await asyncio.sleep(0.02)
    assert await holders() == [worker.identity]
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert await holders() == []
