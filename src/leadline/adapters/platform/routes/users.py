"""Users (``GET /users``) and agent presence (``PUT /availability``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.requests import Request

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import CallerDep
from leadline.adapters.platform.paging import CursorParam, LimitParam, envelope, resolve
from leadline.adapters.platform.routes.common import ERROR_RESPONSES
from leadline.core.audit import service as audit
from leadline.core.errors import NotFound
from leadline.core.pagination import DEFAULT_LIMIT
from leadline.core.users import queries
from leadline.core.users import service as users
from leadline.http.deps import services

router = APIRouter(tags=["users"], responses=ERROR_RESPONSES)


@router.get("/users", response_model=wire.Envelope[wire.UserOut], summary="List of users")
async def list_users(
    request: Request,
    caller: CallerDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
    userType: Annotated[Literal["agent", "user"] | None, Query()] = None,
    accountActive: Annotated[bool | None, Query()] = None,
) -> wire.Envelope[wire.UserOut]:
    query = resolve(
        request, "users", cursor, limit, {"userType": userType, "accountActive": accountActive}
    )
    async with services(request).db.read_session() as session:
        page = await queries.page_users(
            session,
            caller.viewer,
            after=query.after,
            limit=query.limit,
            user_type=query.filters.get("userType"),
            active=query.filters.get("accountActive"),
        )
    return envelope(request, query, page, [mapping.user_out(user) for user in page.items])


@router.put(
    "/availability",
    response_model=wire.AvailabilityOut,
    tags=["availability"],
    summary="Update agent presence",
)
async def put_availability(
    request: Request, caller: CallerDep, payload: wire.Availability
) -> wire.AvailabilityOut:
    viewer = caller.viewer
    if not viewer.sees_everything and payload.agentId != viewer.user_id:
        raise NotFound("agent", payload.agentId)
    async with services(request).db.transaction() as session:
        agent = await users.get_user(session, caller.account_id, payload.agentId)
        await users.set_availability(session, agent, payload.available)
        await audit.record(
            session,
            account_id=caller.account_id,
            action="agent.availability",
            target_type="user",
            target_id=agent.id,
            actor_credential_id=caller.credential_id,
            details={"available": payload.available},
        )
    return wire.AvailabilityOut(agentId=agent.id, available=agent.available)
