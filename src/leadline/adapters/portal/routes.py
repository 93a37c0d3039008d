"""``POST /portal/{hook_token}/phone`` and ``/contact``.

Checks run in the contract's order: token and auth, then the body's shape, then the agency
and the listing. Every answer is ``{code, message}`` with an HTTP status in harmony with
the code (a 2xx is success to the portal, so an error never gets one), and it is sent
only after the push and its answer are committed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.adapters.portal import mapping
from leadline.adapters.portal.mapping import Answer, WireError
from leadline.core.errors import AuthenticationFailed
from leadline.core.portal import directory, pushes
from leadline.core.portal.pushes import Push
from leadline.db.models import InboxEvent, PortalHook
from leadline.http.deps import request_ip, services
from leadline.http.shapes import PARTNER_BODY_LIMIT, InterfaceShape, Problem, ShapeRegistry

PREFIX = "/portal/"

router = APIRouter(prefix="/portal", tags=["portal"])

_PROBLEM_ANSWERS: dict[Problem, Answer] = {
    Problem.TOO_LARGE: mapping.TOO_LARGE,
    Problem.SERVER_ERROR: mapping.SERVER_ERROR,
    Problem.UNAVAILABLE: mapping.UNAVAILABLE,
    Problem.RATE_LIMITED: mapping.RATE_LIMITED,
    Problem.BAD_REQUEST: mapping.invalid("bad request"),
    Problem.NOT_FOUND: mapping.NOT_FOUND,
    Problem.METHOD_NOT_ALLOWED: mapping.METHOD_NOT_ALLOWED,
}


def respond(answer: Answer) -> JSONResponse:
    return JSONResponse(answer.body, status_code=answer.status)


def render_problem(problem: Problem) -> Response:
    return respond(_PROBLEM_ANSWERS[problem])


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        user, separator, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (user, password) if separator else None


ToPush = Callable[..., Push]


async def _hook(session: AsyncSession, request: Request, token: str) -> PortalHook | None:
    try:
        return await directory.authenticate_hook(
            session,
            services(request).keyring,
            token,
            ip=request_ip(request),
            basic=_basic_credentials(request),
        )
    except AuthenticationFailed:
        return None


def _read(raw: bytes, hook: PortalHook, to_push: ToPush) -> tuple[Any, Push | WireError]:
    """The parsed document (when it is JSON) and the push, or why it cannot be read."""
    document: Any = None
    try:
        document = mapping.decode(raw)
        return document, to_push(document, timezone=hook.timezone, region=hook.phone_region)
    except WireError as error:
        return document, error


async def _receive(
    request: Request, hook_token: str, kind: str, to_push: ToPush, id_fields: tuple[str, ...]
) -> JSONResponse:
    found = services(request)
    raw = await request.body()
    # A retry of an accepted push is answered from a read, which on SQLite never queues
    # for the single writer; everything else is judged again in the write transaction.
    async with found.db.read_session() as session:
        hook = await _hook(session, request, hook_token)
        if hook is None:
            return respond(mapping.UNAUTHORIZED)  # nothing is stored for a stranger
        _document, read = _read(raw, hook, to_push)
        if not isinstance(read, WireError) and await pushes.accepted_event(
            session, hook.account_id, kind, read.partner, read.partner_id
        ):
            return respond(mapping.SUCCESS)
    ip = request_ip(request)
    payload = mapping.printable_payload(raw)
    async with found.db.transaction() as session:
        hook = await _hook(session, request, hook_token)
        if hook is None:
            return respond(mapping.UNAUTHORIZED)  # revoked meanwhile
        event: InboxEvent | None
        document, read = _read(raw, hook, to_push)
        if isinstance(read, WireError):
            answer = mapping.invalid(read.what)
            partner, partner_id = mapping.partner_keys(document, id_fields)
            event = await pushes.record_refused(
                session,
                hook,
                kind=kind,
                raw=payload,
                source_ip=ip,
                outcome=pushes.Outcome.INVALID,
                partner=partner,
                partner_id=partner_id,
            )
        else:
            receipt = await pushes.receive(session, hook, read, raw=payload, source_ip=ip)
            answer = mapping.OUTCOME_ANSWERS[receipt.outcome]
            event = receipt.event
        await pushes.record_answer(session, event, answer.status, answer.body)
    return respond(answer)


@router.post("/{hook_token}/phone", summary="A phone-call lead (Indomio phones service)")
async def phone(request: Request, hook_token: str) -> JSONResponse:
    return await _receive(
        request, hook_token, pushes.KIND_PHONE, mapping.to_call_push, ("phoneCallId",)
    )


@router.post("/{hook_token}/contact", summary="An e-mail/form lead (Indomio leads service)")
async def contact(request: Request, hook_token: str) -> JSONResponse:
    return await _receive(
        request, hook_token, pushes.KIND_CONTACT, mapping.to_web_lead_push, ("leadUUID", "leadId")
    )


def mount(app: FastAPI, shapes: ShapeRegistry) -> None:
    shapes.register(
        InterfaceShape(
            name="portal", prefix=PREFIX, body_limit=PARTNER_BODY_LIMIT, render=render_problem
        )
    )
    app.include_router(router)
