"""``/setup/webhooks``: outbound webhook subscriptions (URL, event types, signing secret
shown once, deactivate) and the recent deliveries with their attempts and a replay button
— through ``core.webhooks.service``."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadline.core.audit import service as audit
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.webhooks import service as webhooks
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.pages.setup import forms
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

RECENT_DELIVERIES = 50
MAX_URL = 2000


async def _index(
    request: Request,
    viewer: auth.Viewer,
    *,
    values: dict[str, object] | None = None,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    async with services(request).db.read_session() as session:
        subscriptions = await webhooks.list_subscriptions(session, viewer.account.id)
        recent = await webhooks.deliveries(session, viewer.account.id, limit=RECENT_DELIVERIES)
    return page(
        request,
        "setup/webhooks.html",
        {
            "viewer": viewer,
            "subscriptions": subscriptions,
            "deliveries": recent,
            "event_types": webhooks.EVENT_TYPES,
            "values": values or {"events": []},
            "errors": errors or {},
            "secret": forms.take_secret(request),
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


@router.get("/setup/webhooks")
async def index(request: Request) -> Response:
    return await forms.section_get(request, _index)


@router.post("/setup/webhooks")
async def subscribe(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    errors: forms.Errors = {}
    url = forms.bounded_text(form, "url", errors, limit=MAX_URL)
    events = forms.texts(form, "events")
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                subscription = await webhooks.subscribe(
                    session, viewer.account.id, url=url, event_types=events
                )
                await audit.record(
                    session,
                    account_id=viewer.account.id,
                    action="webhook.create",
                    target_type="webhook",
                    target_id=subscription.id,
                    actor_user_id=viewer.user.id,
                )
        except ValidationFailed as error:
            errors = forms.field_errors(error)
    if errors:
        values: dict[str, object] = {"url": url, "events": events}
        return await _index(request, viewer, values=values, errors=errors, status_code=400)
    forms.keep_secret(request, f"webhook {subscription.id}", subscription.secret)
    return forms.done(
        request,
        "/setup/webhooks",
        f"Webhook {subscription.id} created. Copy its signing secret now: it is shown only once.",
    )


@router.post("/setup/webhooks/{webhook_id}/deactivate")
async def deactivate(request: Request, webhook_id: str) -> Response:
    async def again(
        request: Request,
        viewer: auth.Viewer,
        ident: int,
        /,
        *,
        alert: str = "",
        status_code: int = 200,
    ) -> Response:
        return await _index(request, viewer, alert=alert, status_code=status_code)

    got = await forms.record_post(request, webhook_id, again)
    if isinstance(got, Response):
        return got
    viewer, ident, _ = got
    try:
        async with services(request).db.transaction() as session:
            await webhooks.deactivate(session, viewer.account.id, ident)
            await audit.record(
                session,
                account_id=viewer.account.id,
                action="webhook.deactivate",
                target_type="webhook",
                target_id=ident,
                actor_user_id=viewer.user.id,
            )
    except NotFound:
        return not_found(request, viewer)
    return forms.done(request, "/setup/webhooks", f"Webhook {ident} deactivated.")


@router.post("/setup/webhooks/replay")
async def replay(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    event_uuid = forms.text(form, "event")[:36]
    try:
        async with services(request).db.transaction() as session:
            count = await webhooks.replay(session, event_uuid, account_id=viewer.account.id)
            await audit.record(
                session,
                account_id=viewer.account.id,
                action="webhook.replay",
                target_type="event",
                target_id=event_uuid,
                actor_user_id=viewer.user.id,
            )
    except NotFound:
        return not_found(request, viewer)
    return forms.done(
        request, "/setup/webhooks", f"Event {event_uuid} queued again for {count} webhook(s)."
    )
