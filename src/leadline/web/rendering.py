"""How console pages are rendered: the jinja2 environment, its filters, the page helper and
the console's answers to problems raised outside a page (too large, server error, …)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from importlib.resources import files
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.templating import Jinja2Templates

from leadline.core import clock
from leadline.core.phones import international_format
from leadline.http.shapes import Problem
from leadline.web import auth
from leadline.web.navigation import menu_for

TEMPLATES = Jinja2Templates(directory=str(files("leadline.web").joinpath("templates")))

_PROBLEM_TEXT = {
    Problem.TOO_LARGE: "The request is too large.",
    Problem.SERVER_ERROR: "Something went wrong on our side. Please try again.",
    Problem.UNAVAILABLE: "The service is unavailable for a moment. Please try again.",
    Problem.RATE_LIMITED: "Too many requests. Please wait a moment.",
    Problem.BAD_REQUEST: "The request could not be read.",
    Problem.NOT_FOUND: "There is no such page.",
    Problem.METHOD_NOT_ALLOWED: "This page cannot be used that way.",
}
_STATUS = {
    Problem.TOO_LARGE: 413,
    Problem.SERVER_ERROR: 500,
    Problem.UNAVAILABLE: 503,
    Problem.RATE_LIMITED: 429,
    Problem.BAD_REQUEST: 400,
    Problem.NOT_FOUND: 404,
    Problem.METHOD_NOT_ALLOWED: 405,
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


def page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A console page (or htmx fragment): every page gets the CSRF token for its forms and
    the navigation the viewer may use; none is cached."""
    viewer = context.setdefault("viewer", None)
    context["csrf_token"] = auth.csrf_token(request)
    context["menu"] = menu_for(viewer)
    response = TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found(request: Request, viewer: auth.Viewer | None) -> HTMLResponse:
    return page(request, "not_found.html", {"viewer": viewer}, status_code=404)


def forbidden(request: Request, viewer: auth.Viewer) -> HTMLResponse:
    return page(request, "forbidden.html", {"viewer": viewer}, status_code=403)


def render_problem(problem: Problem) -> Response:
    body = (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Leadline</title>'
        '<link rel="stylesheet" href="/static/console.css">'
        f'<main class="page narrow"><h1>Sorry</h1><p>{_PROBLEM_TEXT[problem]}</p>'
        '<p><a href="/">Back to the console</a></p></main></html>'
    )
    return HTMLResponse(body, status_code=_STATUS[problem])
