"""Dial attempts (``GET /dialler/calls/{attemptId}``, ``GET /dialler/calls``) and the
account's wrap codes. The agents' own endpoints (next lead, wrap-up) are in ``agents``."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import CallerDep
from leadline.adapters.platform.paging import (
    CursorParam,
    IdFilter,
    LimitParam,
    TimestampFilter,
    envelope,
    resolve,
)
from leadline.adapters.platform.routes.common import ERROR_RESPONSES, AttemptId
from leadline.core.activities import queries
from leadline.core.campaigns import queries as campaign_queries
from leadline.core.pagination import DEFAULT_LIMIT
from leadline.http.deps import services

router = APIRouter(tags=["dialler"], responses=ERROR_RESPONSES)


@router.get(
    "/dialler/calls/{attemptId}", response_model=wire.DialAttemptOut, summary="One dial attempt"
)
async def get_attempt(
    request: Request, caller: CallerDep, attemptId: AttemptId
) -> wire.DialAttemptOut:
    async with services(request).db.read_session() as session:
        attempt = await queries.visible_attempt(session, caller.viewer, attemptId)
        context = await queries.call_context(session, caller.account_id, attempts=[attempt])
    return mapping.attempt_out(attempt, context, caller.zone)


@router.get(
    "/dialler/calls",
    response_model=wire.Envelope[wire.DialAttemptOut],
    summary="List of the dialler calls",
)
async def list_attempts(
    request: Request,
    caller: CallerDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
    campaignId: IdFilter = None,
    leadId: IdFilter = None,
    dialledTimestampFrom: TimestampFilter = None,
    dialledTimestampTo: TimestampFilter = None,
) -> wire.Envelope[wire.DialAttemptOut]:
    query = resolve(
        request,
        "dialler/calls",
        cursor,
        limit,
        {
            "campaignId": campaignId,
            "leadId": leadId,
            "dialledTimestampFrom": dialledTimestampFrom,
            "dialledTimestampTo": dialledTimestampTo,
        },
    )
    f = query.filters
    async with services(request).db.read_session() as session:
        page = await queries.page_attempts(
            session,
            caller.viewer,
            after=query.after,
            limit=query.limit,
            campaign_id=f.get("campaignId"),
            lead_id=f.get("leadId"),
            dialled_from=query.moment("dialledTimestampFrom", caller.zone),
            dialled_to=query.moment("dialledTimestampTo", caller.zone),
        )
        context = await queries.call_context(session, caller.account_id, attempts=page.items)
    items = [mapping.attempt_out(item, context, caller.zone) for item in page.items]
    return envelope(request, query, page, items)


@router.get("/wrap-codes", response_model=wire.WrapCodes, summary="The account's wrap codes")
async def list_wrap_codes(request: Request, caller: CallerDep) -> wire.WrapCodes:
    async with services(request).db.read_session() as session:
        codes = await campaign_queries.wrap_codes(session, caller.account_id)
    return wire.WrapCodes(items=[mapping.wrap_code_out(code) for code in codes])
