"""``POST /lead/add`` and ``POST /lead/cancel``: the dialler lead API (seed 001)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import JSONResponse, Response

from leadline.adapters.dialler_api import mapping, wire
from leadline.adapters.dialler_api.keys import KeyHolder, VerifiedKeys
from leadline.core import clock
from leadline.core.credentials import service as credentials
from leadline.core.errors import AuthenticationFailed
from leadline.core.submissions import service as submissions
from leadline.core.vocabulary import Scope
from leadline.db.models import Account
from leadline.http.deps import Services, request_ip, services
from leadline.http.ratelimit import RateLimiter
from leadline.http.shapes import (
    PARTNER_BODY_LIMIT,
    STATUS,
    InterfaceShape,
    Problem,
    ShapeRegistry,
)
from leadline.logging import get_logger

log = get_logger("leadline.dialler_api")
PREFIX = "/lead/"
T = TypeVar("T")

_PROBLEMS = {
    Problem.TOO_LARGE: ("request", "Request body too large."),
    Problem.SERVER_ERROR: (
        "request",
        "Internal server error. If you believe your request is valid, please contact us.",
    ),
    Problem.UNAVAILABLE: ("request", "Service temporarily unavailable. Please try again."),
    Problem.RATE_LIMITED: ("key", "Too many requests for this API key."),
    Problem.BAD_REQUEST: ("request", wire.BODY_MESSAGE),
    Problem.NOT_FOUND: ("request", "No such endpoint: use /lead/add or /lead/cancel."),
    Problem.METHOD_NOT_ALLOWED: ("request", "Method not allowed: use POST."),
}


def render(problem: Problem) -> Response:
    name, message = _PROBLEMS[problem]
    return JSONResponse(wire.error_map({name: message}), status_code=STATUS[problem])


def _invalid(errors: wire.Errors) -> Response:
    return JSONResponse(errors, status_code=400)


def _invalid_key() -> Response:
    return JSONResponse(wire.error_map({"key": wire.KEY_MESSAGE}), status_code=401)


router = APIRouter(tags=["dialler lead API"])


def _keys(request: Request) -> VerifiedKeys:
    found: VerifiedKeys = request.app.state.dialler_api_keys
    return found


async def _verify(session: AsyncSession, found: Services, token: str) -> KeyHolder | Response:
    """The key's holder: from the short-lived cache, or checked against the store."""
    try:
        credential = await credentials.authenticate_token(
            session, found.keyring, token, Scope.DIALLER_LEADS
        )
    except AuthenticationFailed:
        return _invalid_key()
    account = await session.get(Account, credential.account_id)
    if account is None or not account.active:
        return _invalid_key()
    return KeyHolder.of(credential, account)


async def _authorise(
    session: AsyncSession, found: Services, request: Request
) -> KeyHolder | Response:
    """The key's holder, or the answer that refuses the request."""
    token = request.query_params.get("key", "")
    if not token:
        return _invalid_key()
    keys = _keys(request)
    holder = keys.holder(token)
    if holder is None:
        verified = await _verify(session, found, token)
        if isinstance(verified, Response):
            return verified
        holder = verified
        keys.remember(token, holder)
    if not credentials.ip_in_rules(holder.allowed_ips, request_ip(request)) or not (
        credentials.endpoint_in_rules(holder.allowed_endpoints, request.url.path)
    ):
        return JSONResponse(
            wire.error_map({"key": "This API key may not be used from here."}), status_code=403
        )
    wait = found.rate_limiter.check(
        f"credential:{holder.credential_id}",
        holder.rate_limit_per_second,
        holder.rate_limit_burst,
    )
    if wait is not None:
        limited = render(Problem.RATE_LIMITED)
        limited.headers["Retry-After"] = RateLimiter.retry_after_header(wait)
        return limited
    now = clock.now()
    if credentials.use_to_record(holder.last_used_at, now):
        await credentials.record_use(session, holder.credential_id, now)
        keys.used(token, now)
    return holder


def _received(request: Request, holder: KeyHolder, raw: bytes) -> submissions.Received:
    return submissions.Received(
        account_id=holder.account_id,
        payload=raw.decode("utf-8", errors="replace"),
        credential_id=holder.credential_id,
        source_ip=request_ip(request),
    )


async def _accept(
    session: AsyncSession,
    found: Services,
    request: Request,
    raw: bytes,
    read: Callable[[dict[str, Any], str], T | wire.Errors],
) -> tuple[KeyHolder, T] | Response:
    """The key checked, then the body read: what to act on, or the refusal."""
    holder = await _authorise(session, found, request)
    if isinstance(holder, Response):
        return holder
    try:
        body = wire.parse_body(raw)
    except wire.BadBody:
        return render(Problem.BAD_REQUEST)
    parsed = read(body, holder.phone_region)
    if isinstance(parsed, dict):
        return _invalid(parsed)
    return holder, parsed


@router.post("/lead/add", summary="Submit a lead to the dialler")
async def add_lead(request: Request) -> Response:
    found = services(request)
    raw = await request.body()
    async with found.db.transaction() as session:
        accepted = await _accept(session, found, request, raw, wire.read_add)
        if isinstance(accepted, Response):
            return accepted
        holder, parsed = accepted
        if parsed.test:
            # A test stores nothing: it only says whether a real post would be taken.
            if await submissions.type_exists(
                session, holder.account_id, parsed.submission.type_code
            ):
                return JSONResponse({"test": "ok"})
            return _invalid(wire.error_map({"type": wire.UNKNOWN_TYPE}))
        result = await submissions.add_lead(
            session, parsed.submission, _received(request, holder, raw)
        )
    # Answered only now, after the commit.
    return JSONResponse(mapping.add_answer(result.outcome))


@router.post("/lead/cancel", summary="Take a lead out of the dialler before it is called")
async def cancel_lead(request: Request) -> Response:
    found = services(request)
    raw = await request.body()
    try:
        async with found.db.transaction() as session:
            accepted = await _accept(session, found, request, raw, wire.read_cancel)
            if isinstance(accepted, Response):
                return accepted
            holder, parsed = accepted
            outcome, _lead_id = await submissions.cancel_lead(
                session, parsed.type_code, parsed.mobile, _received(request, holder, raw)
            )
    except SQLAlchemyError:
        log.error("cancel not saved", exc_info=True)
        return JSONResponse(mapping.save_failed_answer(), status_code=500)
    return JSONResponse(mapping.cancel_answer(outcome))


def mount(app: FastAPI, shapes: ShapeRegistry) -> None:
    found: Services = app.state.services
    app.state.dialler_api_keys = VerifiedKeys(found.keyring)
    shapes.register(
        InterfaceShape(
            name="dialler-api", prefix=PREFIX, body_limit=PARTNER_BODY_LIMIT, render=render
        )
    )
    app.include_router(router)
