"""Creating things: one write transaction per request, honouring ``Idempotency-Key``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Header
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse

from leadline.adapters.platform.auth import Caller
from leadline.core.idempotency import service as idempotency
from leadline.http.deps import services

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=idempotency.MAX_KEY_LENGTH,
        description="Repeat a POST safely: the same key and body within 24 hours answers "
        "the first response again; the same key with another body is a 409.",
    ),
]

Action = Callable[[AsyncSession], Awaitable[BaseModel]]


async def create(
    request: Request,
    caller: Caller,
    key: str | None,
    payload: BaseModel,
    status: int,
    act: Action,
) -> JSONResponse:
    """Run ``act`` in a write transaction and answer ``status`` with its result, once per
    idempotency key; the answer is sent only after the commit."""
    replayed = False
    async with services(request).db.transaction() as session:
        record = None
        if key is not None:
            fingerprint = idempotency.request_fingerprint(
                request.method,
                request.url.path,
                payload.model_dump(mode="json", exclude_unset=True),
            )
            claimed = await idempotency.claim(
                session,
                account_id=caller.account_id,
                credential_id=caller.credential_id,
                key=key,
                fingerprint=fingerprint,
            )
            if isinstance(claimed, idempotency.StoredAnswer):
                replayed = True
                status, body = claimed.status, claimed.body
            else:
                record = claimed
        if not replayed:
            result = await act(session)
            body = result.model_dump(mode="json")
            if record is not None:
                await idempotency.store(session, record, status, body)
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(body, status_code=status, headers=headers)
