"""``/setup``: the list of setup sections."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadline.web.guard import admin
from leadline.web.pages.setup import forms
from leadline.web.rendering import page

router = APIRouter(include_in_schema=False)

#: (path, name, what it is for), in the order shown.
SECTIONS: list[tuple[str, str, str]] = [
    ("/setup/campaigns", "Campaigns", "Mode, calling hours, retries, agents and lists."),
    ("/setup/lead-types", "Lead types", "Supplier codes: campaign, list, duplicates, subtypes."),
    ("/setup/credentials", "API keys", "Keys for the APIs: scopes, IP and endpoint rules."),
    ("/setup/users", "Users and roles", "Who may sign in, as admin or agent; passwords."),
    ("/setup/dnc", "Do-not-call list", "Numbers never dialled: add, remove, import a CSV."),
    ("/setup/wrap-codes", "Wrap codes", "What agents pick after a call, and the status it sets."),
    ("/setup/portal", "Portal hooks", "Portal URLs, their agencies and listings."),
    ("/setup/webhooks", "Webhooks", "Signed event subscriptions and their deliveries."),
]


@router.get("/setup")
async def index(request: Request) -> Response:
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    return page(
        request,
        "setup/index.html",
        {"viewer": viewer, "sections": SECTIONS, "flash": forms.take_flash(request), "alert": ""},
    )
