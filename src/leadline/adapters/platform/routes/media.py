"""Recordings and voicemails: the audio itself (with HTTP ranges), their metadata, and
deleting the audio while the metadata stays (``core.media.service``)."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Header
from starlette.requests import Request
from starlette.responses import Response

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import CallerDep
from leadline.adapters.platform.errors import error_response
from leadline.adapters.platform.routes.common import ERROR_RESPONSES, MediaId, media_storage
from leadline.core.errors import NotFound
from leadline.core.media import service as media_service
from leadline.http.deps import services

router = APIRouter(tags=["media"], responses=ERROR_RESPONSES)

_AUDIO = {
    "audio/wav": {"schema": {"type": "string", "format": "binary"}},
    "audio/mpeg": {"schema": {"type": "string", "format": "binary"}},
}
_GONE = {"model": wire.ErrorBody, "description": "The audio was deleted (its metadata stays)"}

RangeHeader = Annotated[
    str | None,
    Header(
        alias="Range",
        max_length=200,
        description="One byte range: `bytes=0-99`, `bytes=100-`, `bytes=-100`",
    ),
]


@router.get(
    "/media/{mediaId}",
    response_class=Response,
    responses={
        200: {"content": _AUDIO, "description": "The whole audio file"},
        206: {"content": _AUDIO, "description": "The range asked for (see Content-Range)"},
        410: _GONE,
        416: {"model": wire.ErrorBody, "description": "The range lies past the end"},
    },
    summary="Download a recording or voicemail",
)
async def download_media(
    request: Request, caller: CallerDep, mediaId: MediaId, range_header: RangeHeader = None
) -> Response:
    async with services(request).db.read_session() as session:
        media = await media_service.visible_media(session, caller.viewer, mediaId)
    if media.deleted_at is not None:
        return error_response(410, "Gone", {"media": [f"media {mediaId} was deleted"]})
    storage = media_storage(request)
    key = media.storage_key
    if key is None or not await anyio.to_thread.run_sync(storage.exists, key):
        raise NotFound("media", mediaId)
    data = await anyio.to_thread.run_sync(storage.get, key)
    size = len(data)
    headers = {"Accept-Ranges": "bytes"}
    try:
        wanted = mapping.byte_range(range_header, size)
    except mapping.UnsatisfiableRange:
        return error_response(
            416,
            "Range not satisfiable",
            {"Range": [f"the file has {size} bytes"]},
            headers={**headers, "Content-Range": f"bytes */{size}"},
        )
    if wanted is None:
        return Response(data, media_type=media.content_type, headers=headers)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    return Response(
        data[first : last + 1], status_code=206, media_type=media.content_type, headers=headers
    )


@router.get(
    "/media/{mediaId}/voicemail",
    response_model=wire.VoicemailMetadata,
    summary="A voicemail's metadata",
)
async def get_voicemail(
    request: Request, caller: CallerDep, mediaId: MediaId
) -> wire.VoicemailMetadata:
    async with services(request).db.read_session() as session:
        media = await media_service.visible_media(session, caller.viewer, mediaId)
    if media.kind != "voicemail":
        raise NotFound("voicemail", mediaId)
    return mapping.voicemail_out(media)


@router.get(
    "/media/{mediaId}/recording",
    response_model=wire.MediaDetails,
    summary="A recording's metadata (also once its audio is deleted)",
)
async def get_recording(request: Request, caller: CallerDep, mediaId: MediaId) -> wire.MediaDetails:
    async with services(request).db.read_session() as session:
        media = await media_service.visible_media(session, caller.viewer, mediaId)
    if media.kind != "recording":
        raise NotFound("recording", mediaId)
    return mapping.media_out(media, caller.zone)


@router.delete(
    "/media/{mediaId}",
    response_model=wire.MediaDetails,
    summary="Delete the audio, keeping its metadata with who, when and why",
)
async def delete_media(
    request: Request, caller: CallerDep, mediaId: MediaId, payload: wire.DeleteMedia
) -> wire.MediaDetails:
    caller.viewer.require_everything()
    async with services(request).db.transaction() as session:
        media = await media_service.visible_media(session, caller.viewer, mediaId)
        key = await media_service.delete_media(
            session,
            media,
            payload.reason,
            actor_user_id=caller.viewer.user_id,
            actor_credential_id=caller.credential_id,
        )
        result = mapping.media_out(media, caller.zone)
    # The file goes only once the deletion is committed.
    if key is not None:
        await media_service.remove_files(media_storage(request), [key])
    return result
