"""Media retention: recordings and voicemails older than the configured days lose their
audio (the metadata stays, marked deleted with the reason ``retention``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.erasure.service import mark_media_deleted
from leadline.db.models import Media

RETENTION_REASON = "retention"
_CHUNK = 1000


async def purge_expired_media(session: AsyncSession, older_than: datetime) -> list[str]:
    """Mark every live media row created before ``older_than`` deleted; the storage keys
    of their files, for the caller to remove once this is committed."""
    rows = (
        await session.execute(
            select(Media.id, Media.storage_key).where(
                Media.created_at < older_than, Media.deleted_at.is_(None)
            )
        )
    ).all()
    ids = [media_id for media_id, _ in rows]
    for start in range(0, len(ids), _CHUNK):
        await mark_media_deleted(session, ids[start : start + _CHUNK], RETENTION_REASON)
    return [key for _, key in rows if key]
