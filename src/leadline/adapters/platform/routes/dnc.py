"""The account's do-not-call list: ``GET, POST /dnc``, ``DELETE /dnc/{phoneNumber}``.
Administration: account tokens and admins only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import Caller, CallerDep
from leadline.adapters.platform.paging import CursorParam, LimitParam, envelope, resolve
from leadline.adapters.platform.posting import IdempotencyKey, create
from leadline.adapters.platform.routes.common import ERROR_RESPONSES
from leadline.core import phones
from leadline.core.audit import service as audit
from leadline.core.compliance import dnc
from leadline.core.errors import InvalidPhone, NotFound, ValidationFailed
from leadline.core.pagination import DEFAULT_LIMIT
from leadline.http.deps import services

router = APIRouter(tags=["administration"], responses=ERROR_RESPONSES)


def _number(caller: Caller, raw: str, field: str) -> str:
    try:
        return phones.parse(raw, caller.account.phone_region)
    except InvalidPhone as exc:
        raise ValidationFailed.single(field, exc.reason) from None


@router.get("/dnc", response_model=wire.Envelope[wire.DncEntryOut], summary="Do-not-call list")
async def list_dnc(
    request: Request,
    caller: CallerDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> wire.Envelope[wire.DncEntryOut]:
    caller.viewer.require_everything()
    query = resolve(request, "dnc", cursor, limit, {})
    async with services(request).db.read_session() as session:
        page = await dnc.page_entries(
            session, caller.account_id, after=query.after, limit=query.limit
        )
    return envelope(request, query, page, [mapping.dnc_out(e, caller.zone) for e in page.items])


@router.post(
    "/dnc",
    status_code=201,
    response_model=wire.DncEntryOut,
    summary="Put a number on the do-not-call list (adding it twice keeps the first entry)",
)
async def add_dnc(
    request: Request,
    caller: CallerDep,
    payload: wire.CreateDncEntry,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    caller.viewer.require_everything()
    number = _number(caller, payload.phoneNumber, "phoneNumber")

    async def act(session: AsyncSession) -> wire.DncEntryOut:
        entry = await dnc.add(
            session,
            account_id=caller.account_id,
            number=number,
            reason=payload.reason,
            added_by_user_id=caller.viewer.user_id,
            source="platform-api",
        )
        await audit.record(
            session,
            account_id=caller.account_id,
            action="dnc.add",
            target_type="dnc",
            target_id=number,
            actor_credential_id=caller.credential_id,
        )
        return mapping.dnc_out(entry, caller.zone)

    return await create(request, caller, idempotency_key, payload, 201, act)


@router.delete(
    "/dnc/{phoneNumber}",
    status_code=204,
    response_class=Response,
    summary="Take a number off the do-not-call list",
)
async def remove_dnc(
    request: Request,
    caller: CallerDep,
    phoneNumber: Annotated[str, Path(max_length=64, description="The number (E.164 or national)")],
) -> Response:
    caller.viewer.require_everything()
    number = _number(caller, phoneNumber, "phoneNumber")
    async with services(request).db.transaction() as session:
        if not await dnc.remove(session, caller.account_id, number):
            raise NotFound("number", number)
        await audit.record(
            session,
            account_id=caller.account_id,
            action="dnc.remove",
            target_type="dnc",
            target_id=number,
            actor_credential_id=caller.credential_id,
        )
    return Response(status_code=204)
