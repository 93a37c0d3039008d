"""Media retention: old audio goes, its metadata stays marked."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from leadline.config import Settings
from leadline.core import clock
from leadline.core.erasure.retention import purge_expired_media
from leadline.core.media.storage import LocalMediaStorage
from leadline.core.security import Keyring
from leadline.db.engine import Database
from leadline.db.models import Media
from leadline.http.deps import Services
from leadline.http.ratelimit import RateLimiter
from leadline.worker.jobs import JOBS, purge_expired_media_job
from tests.factories import make_world


async def add_media(db: Database, account_id: int, key: str, age_days: int) -> int:
    async with db.transaction() as session:
        media = Media(
            account_id=account_id,
            storage_key=key,
            created_at=clock.now() - timedelta(days=age_days),
        )
        session.add(media)
        await session.flush()
        return media.id


async def test_purge_marks_old_media_deleted_and_returns_their_keys(db: Database) -> None:
    world = await make_world(db)
    old = await add_media(db, world.account.id, "a/old.wav", 40)
    new = await add_media(db, world.account.id, "a/new.wav", 5)

    async with db.transaction() as session:
        keys = await purge_expired_media(session, clock.now() - timedelta(days=30))
    async with db.transaction() as session:
        again = await purge_expired_media(session, clock.now() - timedelta(days=30))

    assert keys == ["a/old.wav"]
    assert again == []
    async with db.read_session() as session:
        purged = await session.get(Media, old)
        kept = await session.get(Media, new)
    assert purged is not None and purged.deletion_reason == "retention"
    assert purged.deleted_at is not None
    assert kept is not None and kept.deleted_at is None


async def test_the_daily_job_removes_the_files(
    db: Database, settings: Settings, keyring: Keyring
) -> None:
    world = await make_world(db)
    media_dir = settings.resolved_media_dir
    (media_dir / "rec").mkdir(parents=True)
    (media_dir / "rec" / "old.wav").write_bytes(b"RIFF")
    (media_dir / "rec" / "new.wav").write_bytes(b"RIFF")
    await add_media(db, world.account.id, "rec/old.wav", 40)
    await add_media(db, world.account.id, "rec/new.wav", 1)
    configured = settings.model_copy(update={"media_retention_days": 30})
    services = Services(settings=configured, db=db, keyring=keyring, rate_limiter=RateLimiter())

    assert await purge_expired_media_job(services) == 1

    assert not (media_dir / "rec" / "old.wav").exists()
    assert (media_dir / "rec" / "new.wav").exists()
    job = next(job for job in JOBS if job.name == "media-retention")
    assert job.enabled(configured) and not job.enabled(settings)
    async with db.read_session() as session:
        live = list(
            await session.scalars(select(Media.storage_key).where(Media.deleted_at.is_(None)))
        )
    assert live == ["rec/new.wav"]


def test_a_storage_key_outside_the_media_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("x")
    media_dir = tmp_path / "media"
    media_dir.mkdir()
    storage = LocalMediaStorage(media_dir)
    with pytest.raises(ValueError):
        storage.delete("../secret")
    assert (tmp_path / "secret").exists()
    assert storage.delete("missing.wav") is False
