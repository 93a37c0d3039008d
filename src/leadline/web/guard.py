"""Who may open a console page: signed in (else to the sign-in page, coming back after),
an admin for account-wide pages (else 403), and forms that carry the session's CSRF token."""

from __future__ import annotations

from datetime import datetime

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from leadline.core.leads.fields import parse_timestamp
from leadline.web import auth
from leadline.web.rendering import forbidden


async def signed_in(request: Request) -> auth.Viewer | Response:
    """The viewer, or the redirect to sign in that the page should answer with."""
    viewer = await auth.viewer(request)
    if viewer is None:
        return RedirectResponse(auth.login_url(request), status_code=303)
    return viewer


async def admin(request: Request) -> auth.Viewer | Response:
    """The viewer when they are an admin of their account; otherwise the answer to give."""
    found = await signed_in(request)
    if isinstance(found, Response):
        return found
    if found.user.role != "admin":
        return forbidden(request, found)
    return found


async def checked_form(request: Request) -> FormData | None:
    """The posted form when its CSRF token matches the session's, else None."""
    form = await request.form()
    return form if auth.csrf_valid(request, form.get("csrf_token")) else None


def record_id(text: str) -> int | None:
    """A record id from a path or query (digits only, bounded), or None."""
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 18 else None


def code_number(text: str) -> int | None:
    """A small code from a form or query (a status code: digits only, bounded), or None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def local_moment(text: str, zone: str) -> datetime | None:
    """A date and time typed in a form (``datetime-local``, in the account's ``zone``
    unless it carries an offset), or None when it cannot be read or is absurdly far off
    (years outside 2000–2200 would only overflow the scheduling arithmetic)."""
    try:
        moment = parse_timestamp(text, zone)
    except ValueError:
        return None
    return moment if 2000 <= moment.year <= 2200 else None
