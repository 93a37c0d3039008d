"""What the resource routers share: the error responses they declare, path ids, the
media storage."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from starlette.requests import Request

from leadline.adapters.platform import wire
from leadline.core.media.storage import LocalMediaStorage, MediaStorage
from leadline.http.deps import services

_ERRORS = {
    400: "Malformed request (JSON that does not parse)",
    401: "Missing or invalid token",
    403: "The token may not do this",
    404: "No such record in this account",
    409: "Conflicts with the current state",
    413: "Request body over 1 MiB",
    422: "Validation failed (also unknown fields)",
    429: "Over the token's rate limit (see Retry-After)",
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": wire.ErrorBody, "description": text} for status, text in _ERRORS.items()
}


def path_id(description: str) -> Any:
    return Path(ge=1, le=wire.MAX_ID, description=description)


ActivityId = Annotated[int, path_id("Activity id")]
CampaignId = Annotated[int, path_id("Campaign id")]
ListId = Annotated[int, path_id("List id")]
LeadId = Annotated[int, path_id("Lead id")]
AttemptId = Annotated[int, path_id("Dial attempt id")]
AgencyId = Annotated[int, path_id("Agency id")]
ListingId = Annotated[int, path_id("Listing id")]
AgentId = Annotated[int, path_id("Agent (user) id")]
MediaId = Annotated[int, path_id("Media id")]


def media_storage(request: Request) -> MediaStorage:
    return LocalMediaStorage(services(request).settings.resolved_media_dir)
