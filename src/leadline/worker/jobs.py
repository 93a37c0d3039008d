"""The background jobs. Each feature adds its job to ``JOBS``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete

from leadline.adapters.mail.delivery import send_due_mail
from leadline.config import Settings
from leadline.core import clock
from leadline.core.erasure.retention import purge_expired_media
from leadline.core.imports.service import process_pending
from leadline.core.media.service import remove_files
from leadline.core.media.storage import LocalMediaStorage
from leadline.core.outbox import BATCH, drain
from leadline.core.webhooks.delivery import deliver_due
from leadline.db.models import AuthFailure, IdempotencyRecord
from leadline.http.deps import Services
from leadline.worker.identity import worker_identity


@dataclass(frozen=True)
class Job:
    name: str
    interval_seconds: float
    run: Callable[[Services], Awaitable[object]]
    enabled: Callable[[Settings], bool] = lambda _settings: True
    #: Called once when the worker stops, to hand back what the job holds (leases).
    stop: Callable[[Services], Awaitable[object]] | None = None


async def prune_expired_records(services: Services) -> int:
    """Forget failed sign-ins past the lock-out window and idempotency records past 24 h."""
    now = clock.now()
    async with services.db.transaction() as session:
        failures = await session.execute(
            delete(AuthFailure).where(AuthFailure.failed_at < now - timedelta(hours=1))
        )
        records = await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.created_at < now - timedelta(hours=25)
            )
        )
    return int(getattr(failures, "rowcount", 0) or 0) + int(getattr(records, "rowcount", 0) or 0)


async def dialler_tick(services: Services) -> object:
    """One tick of this process's dialler engine (see ``leadline.dialler.engine``)."""
    from leadline.dialler.engine import engine_for

    return await engine_for(services.settings, services.db, worker_identity()).tick()


async def release_dialler_lease(services: Services) -> None:
    """Hang up the engine's calls and hand the SQLite engine lease back at shutdown, so a
    restart dials at once instead of waiting for the lease to expire."""
    from leadline.dialler.engine import engine_for

    await engine_for(services.settings, services.db, worker_identity()).shutdown()


async def process_bulk_imports(services: Services) -> int:
    """Work through waiting bulk-import batches (any number of workers share them)."""
    return await process_pending(services.db, worker_identity())


async def purge_expired_media_job(services: Services) -> int:
    """Delete the audio of media older than ``media_retention_days`` (metadata stays)."""
    settings = services.settings
    older_than = clock.now() - timedelta(days=settings.media_retention_days)
    async with services.db.transaction() as session:
        keys = await purge_expired_media(session, older_than)
    # Files go only once the rows say so: a crash in between leaves a file without a
    # live row, never a live row without its file.
    await remove_files(LocalMediaStorage(settings.resolved_media_dir), keys)
    return len(keys)


async def deliver_webhooks(services: Services) -> int:
    """Send the due webhook deliveries (any number of workers share them)."""
    return await drain(lambda: deliver_due(services.db, worker_identity()), batch=BATCH)


async def deliver_mail(services: Services) -> int:
    """Send the due agency e-mails (any number of workers share them)."""
    settings, db = services.settings, services.db
    return await drain(lambda: send_due_mail(settings, db, worker_identity()), batch=BATCH)


JOBS: list[Job] = [
    Job("prune-expired-records", 3600, prune_expired_records),
    Job(
        "dialler-engine",
        1.0,
        dialler_tick,
        enabled=lambda settings: settings.dialler == "on",
        stop=release_dialler_lease,
    ),
    Job("bulk-imports", 1, process_bulk_imports),
    Job(
        "media-retention",
        86400,
        purge_expired_media_job,
        enabled=lambda settings: settings.media_retention_days > 0,
    ),
    Job("webhooks", 1, deliver_webhooks),
    # Messages wait in the outbox until an SMTP server is configured.
    Job("mail", 1, deliver_mail, enabled=lambda settings: bool(settings.smtp_host)),
]
