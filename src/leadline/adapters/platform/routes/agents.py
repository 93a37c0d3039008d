"""Agents at work: a preview agent's next lead and the wrap-up of a call (the dialler
engine's rules in ``core.dialling.agents``). An agent's token acts only for itself."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import CallerDep
from leadline.adapters.platform.routes.common import ERROR_RESPONSES, AgentId, AttemptId
from leadline.core.dialling import agents
from leadline.core.leads import queries as lead_queries
from leadline.core.users import service as users
from leadline.http.deps import services

router = APIRouter(tags=["agents"], responses=ERROR_RESPONSES)


@router.post(
    "/agents/{agentId}/next-lead",
    response_model=wire.LeadDetails,
    responses={204: {"description": "No lead is due for this agent"}},
    summary="Reserve the next lead for a preview agent",
)
async def next_lead(request: Request, caller: CallerDep, agentId: AgentId) -> Any:
    caller.viewer.require_acting_as(agentId)
    async with services(request).db.transaction() as session:
        agent = await users.get_user(session, caller.account_id, agentId)
        reservation = await agents.reserve_next_lead(session, agent)
        if reservation is None:
            result = None
        else:
            context = await lead_queries.lead_context(
                session, caller.account_id, [reservation.lead]
            )
            result = mapping.lead_out(reservation.lead, context, caller.zone)
    if result is None:
        return Response(status_code=204)
    return result


@router.post(
    "/dialler/calls/{attemptId}/wrap",
    response_model=wire.WrappedUp,
    summary="Wrap up an answered call",
)
async def wrap_call(
    request: Request, caller: CallerDep, attemptId: AttemptId, payload: wire.WrapUp
) -> wire.WrappedUp:
    call_back_at = mapping.maybe_parse(payload.callBackAt, caller.zone, "callBackAt")
    async with services(request).db.transaction() as session:
        attempt = await agents.get_attempt(session, caller.account_id, attemptId)
        caller.viewer.require_acting_as(attempt.agent_id)
        lead = await agents.wrap_up(
            session, attempt, payload.statusCode, payload.wrapCode, payload.notes, call_back_at
        )
        lead_out = None
        if lead is not None:
            context = await lead_queries.lead_context(session, caller.account_id, [lead])
            lead_out = mapping.lead_out(lead, context, caller.zone)
        assert attempt.wrapped_at is not None
        result = wire.WrappedUp(
            attemptId=attempt.id,
            wrapCode=attempt.wrap_code,
            wrapped=mapping.stamp(attempt.wrapped_at, caller.zone),
            lead=lead_out,
        )
    return result
