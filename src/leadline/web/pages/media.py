"""``/console/media/{id}``: a recording or voicemail of the viewer's account, to play."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from leadline.core.crm.card import media_of_account
from leadline.http.deps import services
from leadline.web.guard import record_id, signed_in
from leadline.web.rendering import not_found

router = APIRouter(include_in_schema=False)


def _media_file(media_dir: Path, storage_key: str) -> Path | None:
    """The stored file, when it exists inside the media directory (never outside it)."""
    root = media_dir.resolve()
    path = (root / storage_key).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


@router.get("/console/media/{media_id}")
async def media(request: Request, media_id: str) -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    wanted = record_id(media_id)
    if wanted is None:
        return not_found(request, viewer)
    async with services(request).db.read_session() as session:
        found = await media_of_account(session, viewer.account.id, wanted)
    path = None
    if found is not None and found.storage_key:
        media_dir = services(request).settings.resolved_media_dir
        path = await run_in_threadpool(_media_file, media_dir, found.storage_key)
    if found is None or path is None:
        return not_found(request, viewer)
    return FileResponse(path, media_type=found.content_type)
