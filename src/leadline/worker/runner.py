"""Runs every enabled job on its interval until cancelled; a failing job is logged and
retried on its next turn, never allowed to stop the others."""

from __future__ import annotations

import asyncio
import contextlib

from leadline.http.deps import Services
from leadline.logging import get_logger
from leadline.worker.identity import worker_identity
from leadline.worker.jobs import JOBS, Job

log = get_logger("leadline.worker")


class Worker:
    def __init__(self, services: Services, jobs: list[Job] | None = None) -> None:
        self.services = services
        self.jobs = [job for job in (jobs or JOBS) if job.enabled(services.settings)]
        self.identity = worker_identity()

    async def _loop(self, job: Job) -> None:
        while True:
            try:
                await job.run(self.services)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.error("job failed", job=job.name, exc_info=True)
            await asyncio.sleep(job.interval_seconds)

    async def run(self) -> None:
        log.info("worker started", identity=self.identity, jobs=[job.name for job in self.jobs])
        tasks = [asyncio.create_task(self._loop(job), name=f"job:{job.name}") for job in self.jobs]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self._stop_jobs()
            log.info("worker stopped", identity=self.identity)

    async def _stop_jobs(self) -> None:
        for job in self.jobs:
            if job.stop is None:
                continue
            try:
                # Shielded: shutdown cancels us, and the hand-back must still reach the store.
                await asyncio.shield(job.stop(self.services))
            except Exception:
                log.warning("job did not stop cleanly", job=job.name, exc_info=True)
