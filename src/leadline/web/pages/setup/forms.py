"""What every setup form shares: the admin-and-CSRF gate of a POST, reading typed fields
out of a form with an error per field, core errors turned into field errors, and the
message carried over the redirect after a successful write (post/redirect/get)."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Protocol

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from leadline.core.errors import ValidationFailed
from leadline.web import auth, flash
from leadline.web.guard import admin, checked_form, record_id
from leadline.web.rendering import not_found

EXPIRED = (
    "This form had expired or did not come from this page, so nothing was changed. "
    "Please try again."
)
MAX_TEXT = 2000  # no setup field is longer; longer input is refused before the core sees it
_SECRET = "setup_secret"  # noqa: S105 - a session key's name, not a secret

Errors = dict[str, str]


async def admin_post(request: Request) -> tuple[auth.Viewer, FormData | None] | Response:
    """For a POST: the admin viewer and the form (None when its CSRF token is wrong), or
    the answer to give (sign in / 403) — the role is checked before anything is read."""
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    return viewer, await checked_form(request)


class SectionPage(Protocol):
    """Shows a section's index page (with an alert and status after a refused form)."""

    def __call__(
        self, request: Request, viewer: auth.Viewer, /, *, alert: str = "", status_code: int = 200
    ) -> Awaitable[Response]: ...


async def section_get(request: Request, show: SectionPage) -> Response:
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    return await show(request, viewer)


async def section_post(
    request: Request, show: SectionPage
) -> tuple[auth.Viewer, FormData] | Response:
    """The start of a POST to a section's index: admin, and a form with a valid CSRF token
    (else the section's page again, with the reason, as 400)."""
    got = await admin_post(request)
    if isinstance(got, Response):
        return got
    viewer, form = got
    if form is None:
        return await show(request, viewer, alert=EXPIRED, status_code=400)
    return viewer, form


class RecordPage(Protocol):
    """Shows a record's page (with an alert and status after a refused form)."""

    def __call__(
        self,
        request: Request,
        viewer: auth.Viewer,
        ident: int,
        /,
        *,
        alert: str = "",
        status_code: int = 200,
    ) -> Awaitable[Response]: ...


async def record_get(request: Request, raw_id: str, show: RecordPage) -> Response:
    """GET of a record's page: admins only, and an id that is not one is not found."""
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    ident = record_id(raw_id)
    if ident is None:
        return not_found(request, viewer)
    return await show(request, viewer, ident)


async def record_post(
    request: Request, raw_id: str, show: RecordPage
) -> tuple[auth.Viewer, int, FormData] | Response:
    """The start of a POST about one record: admin, a real id, a form with a valid CSRF
    token (else the record's page again, with the reason, as 400)."""
    got = await admin_post(request)
    if isinstance(got, Response):
        return got
    viewer, form = got
    ident = record_id(raw_id)
    if ident is None:
        return not_found(request, viewer)
    if form is None:
        return await show(request, viewer, ident, alert=EXPIRED, status_code=400)
    return viewer, ident, form


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def texts(form: FormData, name: str) -> list[str]:
    return [value.strip() for value in form.getlist(name) if isinstance(value, str)]


def checked(form: FormData, name: str) -> bool:
    return text(form, name) in {"on", "1", "true", "yes"}


def bounded_text(form: FormData, name: str, errors: Errors, limit: int = MAX_TEXT) -> str:
    value = text(form, name)
    if len(value) > limit:
        errors[name] = f"at most {limit} characters"
    return value


def integer(
    form: FormData, name: str, errors: Errors, *, low: int, high: int, default: int | None = None
) -> int | None:
    """A whole number within [low, high]; an error next to ``name`` otherwise."""
    raw = text(form, name)
    if not raw and default is not None:
        return default
    if raw.isascii() and raw.lstrip("-").isdigit() and len(raw) <= 12:
        number = int(raw)
        if low <= number <= high:
            return number
    errors[name] = f"a whole number from {low} to {high}"
    return None


def field_errors(error: ValidationFailed, names: Mapping[str, str] | None = None) -> Errors:
    """The core's field errors under the form's field names (``names`` maps core → form)."""
    names = names or {}
    return {names.get(key, key): "; ".join(problems) for key, problems in error.errors.items()}


def done(request: Request, url: str, message: str) -> RedirectResponse:
    """Redirect to ``url`` after a committed write; its page shows ``message`` once."""
    flash.push(request, message)
    return RedirectResponse(url, status_code=303)


def take_flash(request: Request) -> str:
    message, _kind = flash.pop(request)
    return message


def keep_secret(request: Request, label: str, secret: str) -> None:
    """Hold a new secret for the next page view only (it is never stored readable)."""
    request.session[_SECRET] = {"label": label, "secret": secret}


def take_secret(request: Request) -> dict[str, str] | None:
    held = request.session.pop(_SECRET, None)
    return held if isinstance(held, dict) else None
