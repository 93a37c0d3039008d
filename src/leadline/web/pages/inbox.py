"""``/inbox`` (admins): what was saved but not processed — refused dialler submissions
and portal pushes — with routing into a campaign, retry and dismissal."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from leadline.adapters.dialler_api import wire
from leadline.core.errors import NotFound
from leadline.core.submissions import inbox
from leadline.core.submissions.service import AddOutcome, LeadSubmission
from leadline.db.models import InboxEvent, User
from leadline.http.deps import services
from leadline.web import flash
from leadline.web.auth import Viewer
from leadline.web.choices import list_options
from leadline.web.guard import admin, checked_form, record_id
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

#: How each outcome reads in the inbox.
OUTCOME_TEXT = {
    AddOutcome.UNKNOWN_TYPE.value: "Unknown Type",
    AddOutcome.DNC.value: "Do Not Call",
    AddOutcome.DUPLICATE.value: "Another call already scheduled",
    AddOutcome.EXISTING_CONTACT.value: "Existing Contact",
    "agency_not_found": "Agency not found",
    "agency_disabled": "Agency disabled",
    "listing_not_found": "Listing not found",
    "listing_disabled": "Listing disabled",
    "invalid": "Invalid push",
    inbox.ROUTED: "Routed",
    inbox.DISMISSED: "Dismissed",
    AddOutcome.PROCESSED.value: "Processed",
}


def submission_in(event: InboxEvent, region: str) -> LeadSubmission | None:
    """The dialler submission an event holds, read as the dialler API read it."""
    if inbox.kind_of(event) is not inbox.InboxKind.SUBMISSION:
        return None
    try:
        read = wire.read_add(wire.parse_body(event.payload.encode()), region)
    except wire.BadBody:
        return None
    return None if isinstance(read, dict) else read.submission


def _payload_text(event: InboxEvent) -> str:
    try:
        return json.dumps(json.loads(event.payload), ensure_ascii=False, indent=2)
    except ValueError:
        return event.payload


@router.get("/inbox")
async def inbox_page(
    request: Request, outcome: str = "", kind: str = "", before: str = ""
) -> Response:
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    wanted_outcome = outcome if outcome in inbox.outcomes() else None
    wanted_kind = inbox.InboxKind(kind) if kind in {k.value for k in inbox.InboxKind} else None
    async with services(request).db.read_session() as session:
        found = await inbox.page_inbox(
            session,
            viewer.account.id,
            outcome=wanted_outcome,
            kind=wanted_kind,
            before=record_id(before) if before else None,
        )
    submissions = {
        event.id: submission_in(event, viewer.account.phone_region) for event in found.items
    }
    filters = {"outcome": wanted_outcome or "", "kind": wanted_kind.value if wanted_kind else ""}
    next_href = ""
    if found.next_before is not None:
        next_href = "/inbox?" + urlencode({**filters, "before": found.next_before})
    message, message_kind = flash.pop(request)
    return page(
        request,
        "inbox.html",
        {
            "viewer": viewer,
            "events": found.items,
            "submissions": submissions,
            "filters": filters,
            "outcomes": [(value, OUTCOME_TEXT.get(value, value)) for value in inbox.outcomes()],
            "outcome_text": OUTCOME_TEXT,
            "next_href": next_href,
            "first_href": "/inbox?" + urlencode(filters) if before else "",
            "zone": viewer.account.timezone,
            "flash": message,
            "flash_kind": message_kind,
        },
    )


async def _event(session: AsyncSession, viewer: Viewer, ident: str) -> InboxEvent | None:
    wanted = record_id(ident)
    if wanted is None:
        return None
    try:
        return await inbox.get_event(session, viewer.account.id, wanted)
    except NotFound:
        return None


async def _show(
    request: Request, viewer: Viewer, event_id: str, errors: dict[str, str], status_code: int
) -> Response:
    async with services(request).db.read_session() as session:
        event = await _event(session, viewer, event_id)
        if event is None:
            return not_found(request, viewer)
        options = await list_options(session, viewer.account.id)
        handler = (
            await session.get(User, event.handled_by_user_id) if event.handled_by_user_id else None
        )
    message, message_kind = flash.pop(request)
    return page(
        request,
        "inbox_event.html",
        {
            "viewer": viewer,
            "event": event,
            "kind": inbox.kind_of(event).value,
            "submission": submission_in(event, viewer.account.phone_region),
            "payload": _payload_text(event),
            "handler": handler,
            "waiting": event.status not in inbox.HANDLED,
            "list_options": options,
            "outcome_text": OUTCOME_TEXT,
            "errors": errors,
            "zone": viewer.account.timezone,
            "flash": message,
            "flash_kind": message_kind,
        },
        status_code=status_code,
    )


@router.get("/inbox/{event_id}")
async def inbox_event(request: Request, event_id: str) -> Response:
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    return await _show(request, viewer, event_id, {}, 200)


def _back(event_id: str) -> Response:
    return RedirectResponse(f"/inbox/{event_id}", status_code=303)


@router.post("/inbox/{event_id}/{action}")
async def inbox_action(request: Request, event_id: str, action: str) -> Response:
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    if action not in ("route", "retry", "dismiss"):
        return not_found(request, viewer)
    form = await checked_form(request)
    if form is None:
        flash.push(request, "The form had expired; please try again.", flash.ALERT)
        return await _show(request, viewer, event_id, {}, 400)
    list_id = record_id(str(form.get("list_id") or ""))
    if action == "route" and list_id is None:
        return await _show(request, viewer, event_id, {"list_id": "Choose a list."}, 400)
    try:
        async with services(request).db.transaction() as session:
            event = await _event(session, viewer, event_id)
            if event is None:
                return not_found(request, viewer)
            text = await _act(session, viewer, event, action, list_id)
    except NotFound:
        return await _show(request, viewer, event_id, {"list_id": "Choose a list."}, 400)
    except inbox.InboxRefused as refused:
        # Nothing of the attempt is kept (the transaction rolled back).
        flash.push(request, f"Refused: {refused.message}", flash.ALERT)
        return _back(event_id)
    flash.push(request, text)
    return _back(event_id)


async def _act(
    session: AsyncSession, viewer: Viewer, event: InboxEvent, action: str, list_id: int | None
) -> str:
    """Do ``action`` on the event; the message for the page (InboxRefused: refused)."""
    submission = submission_in(event, viewer.account.phone_region)
    if action == "dismiss":
        await inbox.dismiss(session, event, user_id=viewer.user.id)
        return "Dismissed."
    if action == "retry":
        if submission is None:
            raise inbox.InboxRefused("Only a dialler submission can be retried.")
        result = await inbox.retry(session, event, submission, user_id=viewer.user.id)
        if result.outcome is AddOutcome.PROCESSED:
            return f"Processed: lead #{result.lead_id} was made."
        return "Still not processed: " + inbox.refusal_text(result.outcome)
    assert list_id is not None
    made = await inbox.route(
        session,
        event,
        submission or inbox.submission_of(event),
        list_id=list_id,
        user_id=viewer.user.id,
    )
    return f"Routed: lead #{made.lead_id} was made."
