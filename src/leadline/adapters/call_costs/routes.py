"""``POST /api/ingress/calls/inbound/billable[/{did}[/{cid}]]``: what a billable call cost,
from Ringba pixels, Retreaver webhooks and anything else speaking TLDialer's API."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from leadline.adapters.call_costs import mapping, wire
from leadline.core.costs import service as costs
from leadline.core.costs.inputs import BadCostInput
from leadline.core.credentials import service as credentials
from leadline.core.errors import AuthenticationFailed
from leadline.core.vocabulary import Scope
from leadline.db.models import Account, ApiCredential
from leadline.http.deps import request_ip, services
from leadline.http.ratelimit import RateLimiter
from leadline.http.shapes import PARTNER_BODY_LIMIT, STATUS, InterfaceShape, Problem, ShapeRegistry

PREFIX = "/api/ingress/"

_PROBLEM_TEXT = {
    Problem.TOO_LARGE: mapping.TOO_LARGE,
    Problem.SERVER_ERROR: mapping.CONNECTION_ERROR,
    Problem.UNAVAILABLE: mapping.CONNECTION_ERROR,
    Problem.RATE_LIMITED: mapping.TOO_MANY,
    Problem.BAD_REQUEST: "Bad Request",
    Problem.NOT_FOUND: "Not Found",
    Problem.METHOD_NOT_ALLOWED: "Method Not Allowed",
}

router = APIRouter(tags=["call costs"])


def error(status: int, text: str) -> JSONResponse:
    return JSONResponse({"error": text}, status_code=status)


def render(problem: Problem) -> Response:
    return error(STATUS[problem], _PROBLEM_TEXT[problem])


async def billable(request: Request) -> Response:
    """Record what a call cost and attribute it to the call and its lead."""
    found = services(request)
    body = await wire.read_body(request)
    sent = wire.read_sent(request.headers, body, wire.read_query(request), request.path_params)
    if not sent.api_id:
        return error(401, mapping.NO_API_ID)
    if not sent.api_key:
        return error(401, mapping.NO_API_KEY)
    async with found.db.read_session() as session:
        try:
            credential = await credentials.authenticate_pair(
                session, found.keyring, sent.api_id, sent.api_key, Scope.CALL_COSTS
            )
        except AuthenticationFailed:
            return error(401, mapping.INVALID_CREDENTIALS)
        account = await session.get(Account, credential.account_id)
    assert account is not None  # the credential's foreign key
    wait = found.rate_limiter.check(
        f"call-costs:{credential.id}",
        credential.rate_limit_per_second,
        credential.rate_limit_burst,
    )
    if wait is not None:
        limited = render(Problem.RATE_LIMITED)
        limited.headers["Retry-After"] = RateLimiter.retry_after_header(wait)
        return limited
    ip_address = request_ip(request)
    if not credentials.ip_allowed(credential, ip_address):
        return error(403, mapping.IP_NOT_ALLOWED)
    if not credentials.endpoint_allowed(credential, request.url.path):
        return error(403, mapping.ENDPOINT_NOT_ALLOWED)
    if not (account.active and account.call_cost_ingress):
        return error(403, mapping.NOT_ENABLED)
    if not account.call_log:
        return error(403, mapping.NO_CALL_LOG)
    try:
        post = mapping.to_post(sent, account, credential, ip_address)
    except BadCostInput as exc:
        return error(400, mapping.input_error(exc))
    async with found.db.transaction() as session:
        repeat = await costs.find_repeat(session, post)
        if repeat is not None and repeat.response is not None:
            answer = mapping.in_wire_order(repeat.response)
        else:
            recorded = await costs.record(session, post)
            answer = mapping.success_body(sent, recorded, account, credential)
            await costs.remember_response(session, recorded.cost, answer)
        used = await session.get(ApiCredential, credential.id)
        if used is not None:
            await credentials.touch(session, used)
    return JSONResponse(answer)


for path in (wire.PATH, f"{wire.PATH}/{{did}}", f"{wire.PATH}/{{did}}/{{cid}}"):
    router.add_api_route(
        path,
        billable,
        methods=["POST"],
        include_in_schema=path.endswith("{cid}"),
        summary="Record a billable call's cost",
    )


def mount(app: FastAPI, shapes: ShapeRegistry) -> None:
    shapes.register(
        InterfaceShape(
            name="call_costs", prefix=PREFIX, body_limit=PARTNER_BODY_LIMIT, render=render
        )
    )
    app.include_router(router)
