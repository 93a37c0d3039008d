"""Recordings and voicemails as the API sees them: who may see one, and deleting its
audio while its metadata stays (when, by whom, why), with an audit entry."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.access.service import Viewer
from leadline.core.activities.queries import visible_activity
from leadline.core.audit.service import record
from leadline.core.erasure.service import delete_files, mark_media_deleted
from leadline.core.errors import Conflict, NotFound, ValidationFailed
from leadline.core.media.storage import MediaStorage
from leadline.db.models import Media

MAX_REASON_LENGTH = 500


async def visible_media(session: AsyncSession, viewer: Viewer, media_id: int) -> Media:
    """The media row, when the viewer sees it: in its account, and for a limited viewer
    only when it sees the activity the file belongs to."""
    media = viewer.require(await session.get(Media, media_id), "media", media_id, lambda _: True)
    if not viewer.sees_everything:
        if media.activity_id is None:
            raise NotFound("media", media_id)
        try:
            await visible_activity(session, viewer, media.activity_id)
        except NotFound:
            raise NotFound("media", media_id) from None
    return media


async def delete_media(
    session: AsyncSession,
    media: Media,
    reason: str,
    *,
    actor_user_id: int | None,
    actor_credential_id: int | None,
) -> str | None:
    """Mark the file deleted (the row stays, saying when, by whom and why) and audit it;
    the storage key of the file, to remove with :func:`remove_files` after the commit."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed.single("reason", f"from 1 to {MAX_REASON_LENGTH} characters")
    if media.deleted_at is not None:
        raise Conflict(f"media {media.id} is already deleted")
    await mark_media_deleted(session, [media.id], reason, actor_user_id)
    await record(
        session,
        account_id=media.account_id,
        action="media.delete",
        target_type="media",
        target_id=media.id,
        actor_user_id=actor_user_id,
        actor_credential_id=actor_credential_id,
        details={"kind": media.kind},
        note=reason,
    )
    await session.flush()
    await session.refresh(media)
    return media.storage_key


async def remove_files(storage: MediaStorage, keys: list[str]) -> None:
    """Remove committed deletions' files from the storage (a file already gone is fine)."""
    await delete_files(keys, storage.delete)
