"""The console's pages: sign-in, sign-out, a record's card and the phone search (the
softphone opens ``/card`` and ``/search``). Server-rendered with jinja2; htmx for the
search-as-you-type."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from leadline.core import clock
from leadline.core.crm.card import load_card, media_of_account
from leadline.core.errors import NotFound
from leadline.core.lookup.service import RecordKind, find_by_phone
from leadline.core.phones import international_format, restore_plus
from leadline.core.users import service as users
from leadline.core.users.signin import Outcome, verify
from leadline.db.models import User
from leadline.http.deps import Services, request_ip, services
from leadline.http.shapes import PARTNER_BODY_LIMIT, InterfaceShape, Problem, ShapeRegistry
from leadline.web import auth

TEMPLATES = Jinja2Templates(directory=str(files("leadline.web").joinpath("templates")))
PAGE_PREFIXES = ("/login", "/logout", "/card", "/search", "/console")
_PROBLEM_TEXT = {
    Problem.TOO_LARGE: "The request is too large.",
    Problem.SERVER_ERROR: "Something went wrong on our side. Please try again.",
    Problem.UNAVAILABLE: "The service is unavailable for a moment. Please try again.",
    Problem.RATE_LIMITED: "Too many requests. Please wait a moment.",
    Problem.BAD_REQUEST: "The request could not be read.",
}
_STATUS = {
    Problem.TOO_LARGE: 413,
    Problem.SERVER_ERROR: 500,
    Problem.UNAVAILABLE: 503,
    Problem.RATE_LIMITED: 429,
    Problem.BAD_REQUEST: 400,
}


def telf_href(number: str) -> str:
    """``telf:`` followed by the number the softphone should dial."""
    return f"telf:{number}"


def phone_text(number: str) -> str:
    return international_format(number) if number.startswith("+") else number


def when(moment: datetime | None, zone: str = "UTC") -> str:
    if moment is None:
        return ""
    return moment.astimezone(clock.zone(zone)).strftime("%d %b %Y, %H:%M")


def duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


TEMPLATES.env.filters.update(
    telf=telf_href, phone=phone_text, when=when, duration=duration, money=money
)


def _page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    context.setdefault("viewer", None)
    context["csrf_token"] = auth.csrf_token(request)
    response = TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_found(request: Request, viewer: auth.Viewer) -> HTMLResponse:
    return _page(request, "not_found.html", {"viewer": viewer}, status_code=404)


def render_problem(problem: Problem) -> Response:
    body = (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Leadline</title>'
        '<link rel="stylesheet" href="/static/console.css">'
        f'<main class="page narrow"><h1>Sorry</h1><p>{_PROBLEM_TEXT[problem]}</p>'
        '<p><a href="/search">Back to search</a></p></main></html>'
    )
    return HTMLResponse(body, status_code=_STATUS[problem])


def _media_file(media_dir: Path, storage_key: str) -> Path | None:
    """The stored file, when it exists inside the media directory (never outside it)."""
    root = media_dir.resolve()
    path = (root / storage_key).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def home(request: Request) -> Response:
        return RedirectResponse("/search", status_code=303)

    @router.get("/login")
    async def login_page(request: Request, next: str = "/search") -> Response:
        if await auth.viewer(request) is not None:
            return RedirectResponse(auth.safe_next(next), status_code=303)
        return _page(request, "login.html", {"next": auth.safe_next(next), "error": None})

    @router.post("/login")
    async def login_submit(request: Request) -> Response:
        form = await request.form()
        login = str(form.get("login") or "").strip()
        password = str(form.get("password") or "")
        target = auth.safe_next(form.get("next"))
        context: dict[str, Any] = {"next": target, "login": login}
        if not auth.csrf_valid(request, form.get("csrf_token")):
            context["error"] = "Your session expired. Please sign in again."
            return _page(request, "login.html", context, status_code=400)
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
        return _page(request, "login.html", context, status_code=401)

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        form = await request.form()
        if auth.csrf_valid(request, form.get("csrf_token")):
            auth.sign_out(request)
        return RedirectResponse("/login", status_code=303)

    @router.get("/search")
    async def search(request: Request, phone: str = "") -> Response:
        viewer = await auth.viewer(request)
        if viewer is None:
            return RedirectResponse(auth.login_url(request), status_code=303)
        phone = restore_plus(phone)
        result = None
        if phone:
            async with services(request).db.read_session() as session:
                result = await find_by_phone(
                    session,
                    account_id=viewer.account.id,
                    region=viewer.account.phone_region,
                    phone=phone,
                )
        template = "search_results.html" if request.headers.get("hx-request") else "search.html"
        return _page(request, template, {"viewer": viewer, "phone": phone, "result": result})

    @router.get("/card")
    async def card(request: Request, id: str = "", typecont: str = "contact") -> Response:
        viewer = await auth.viewer(request)
        if viewer is None:
            return RedirectResponse(auth.login_url(request), status_code=303)
        kind = RecordKind.from_word(typecont or "contact")
        if kind is None or not id.isascii() or not id.isdigit() or len(id) > 18:
            return _not_found(request, viewer)
        try:
            async with services(request).db.read_session() as session:
                record = await load_card(
                    session, account_id=viewer.account.id, kind=kind, record_id=int(id)
                )
        except NotFound:
            return _not_found(request, viewer)
        return _page(
            request,
            "card.html",
            {"viewer": viewer, "card": record, "zone": viewer.account.timezone},
        )

    @router.get("/console/media/{media_id}")
    async def media(request: Request, media_id: str) -> Response:
        viewer = await auth.viewer(request)
        if viewer is None:
            return RedirectResponse(auth.login_url(request), status_code=303)
        if not media_id.isascii() or not media_id.isdigit() or len(media_id) > 18:
            return _not_found(request, viewer)
        async with services(request).db.read_session() as session:
            found = await media_of_account(session, viewer.account.id, int(media_id))
        path = None
        if found is not None and found.storage_key:
            media_dir = services(request).settings.resolved_media_dir
            path = await run_in_threadpool(_media_file, media_dir, found.storage_key)
        if found is None or path is None:
            return _not_found(request, viewer)
        return FileResponse(path, media_type=found.content_type)

    return router


def mount(app: FastAPI, shapes: ShapeRegistry) -> None:
    found: Services = app.state.services
    app.include_router(build_router())
    app.add_middleware(
        SessionMiddleware,
        secret_key=found.keyring.derive("console-session", 32),
        session_cookie=auth.SESSION_COOKIE,
        max_age=auth.SESSION_MAX_AGE,
        same_site="lax",
        https_only=found.settings.public_url.startswith("https://"),
    )
    for prefix in PAGE_PREFIXES:
        shapes.register(
            InterfaceShape(
                name="console", prefix=prefix, body_limit=PARTNER_BODY_LIMIT, render=render_problem
            )
        )
