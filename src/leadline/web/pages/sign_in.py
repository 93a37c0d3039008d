"""Sign-in and sign-out, with the console realm's lock-out after repeated failures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from leadline.core import clock
from leadline.core.users import service as users
from leadline.core.users.signin import Outcome, verify
from leadline.db.models import User
from leadline.http.deps import Services, request_ip, services
from leadline.web import auth
from leadline.web.rendering import page

router = APIRouter(include_in_schema=False)


@router.get("/login")
async def login_page(request: Request, next: str = "/") -> Response:
    if await auth.viewer(request) is not None:
        return RedirectResponse(auth.safe_next(next), status_code=303)
    return page(request, "login.html", {"next": auth.safe_next(next), "error": None})


@router.post("/login")
async def login_submit(request: Request) -> Response:
    form = await request.form()
    login = str(form.get("login") or "").strip()
    password = str(form.get("password") or "")
    target = auth.safe_next(form.get("next"))
    context: dict[str, Any] = {"next": target, "login": login}
    if not auth.csrf_valid(request, form.get("csrf_token")):
        context["error"] = "Your session expired. Please sign in again."
        return page(request, "login.html", context, status_code=400)
    found: Services = services(request)
    ip = request_ip(request)
    async with found.db.read_session() as session:
        result = await verify(session, realm=auth.REALM, login=login, secret=password, ip=ip)
    if result.outcome is Outcome.SIGNED_IN and result.user is not None:
        async with found.db.transaction() as session:
            user = await session.get(User, result.user.id)
            assert user is not None
            user.logged_in_at = clock.now()
            await users.clear_failures(session, auth.REALM, login, ip)
        auth.sign_in(request, result.user)
        return RedirectResponse(target, status_code=303)
    if result.outcome is Outcome.REFUSED and login:
        async with found.db.transaction() as session:
            await users.record_failure(session, auth.REALM, login, ip)
    context["error"] = (
        "Too many failed attempts. Try again in 15 minutes."
        if result.outcome is Outcome.LOCKED_OUT
        else "Wrong login or password."
    )
    return page(request, "login.html", context, status_code=401)


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    if auth.csrf_valid(request, form.get("csrf_token")):
        auth.sign_out(request)
    return RedirectResponse("/login", status_code=303)
