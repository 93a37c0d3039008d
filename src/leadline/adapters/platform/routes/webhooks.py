"""Outbound webhooks: ``GET, POST /webhooks``, ``DELETE /webhooks/{webhookId}``.
Administration: account tokens and admins only. The secret is answered once, on creation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import CallerDep
from leadline.adapters.platform.paging import CursorParam, LimitParam, envelope, resolve
from leadline.adapters.platform.posting import IdempotencyKey, create
from leadline.adapters.platform.routes.common import ERROR_RESPONSES, path_id
from leadline.core.audit import service as audit
from leadline.core.pagination import DEFAULT_LIMIT
from leadline.core.webhooks import service as webhooks
from leadline.http.deps import services

router = APIRouter(tags=["administration"], responses=ERROR_RESPONSES)


@router.get("/webhooks", response_model=wire.Envelope[wire.WebhookOut], summary="Webhooks")
async def list_webhooks(
    request: Request,
    caller: CallerDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> wire.Envelope[wire.WebhookOut]:
    caller.viewer.require_everything()
    query = resolve(request, "webhooks", cursor, limit, {})
    async with services(request).db.read_session() as session:
        page = await webhooks.page_subscriptions(
            session, caller.account_id, after=query.after, limit=query.limit
        )
    return envelope(
        request, query, page, [mapping.webhook_out(each, caller.zone) for each in page.items]
    )


@router.post(
    "/webhooks",
    status_code=201,
    response_model=wire.WebhookCreated,
    summary="Subscribe a URL to events (the signing secret is in this answer only)",
)
async def create_webhook(
    request: Request,
    caller: CallerDep,
    payload: wire.CreateWebhook,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    caller.viewer.require_everything()

    async def act(session: AsyncSession) -> wire.WebhookCreated:
        made = await webhooks.subscribe(
            session, caller.account_id, url=payload.url, event_types=payload.events
        )
        await audit.record(
            session,
            account_id=caller.account_id,
            action="webhook.create",
            target_type="webhook",
            target_id=str(made.id),
            actor_credential_id=caller.credential_id,
        )
        shown = mapping.webhook_out(made, caller.zone)
        return wire.WebhookCreated(**shown.model_dump(), secret=made.secret)

    return await create(request, caller, idempotency_key, payload, 201, act)


@router.delete(
    "/webhooks/{webhookId}",
    status_code=204,
    response_class=Response,
    summary="Deactivate a webhook (its pending deliveries are dropped)",
)
async def delete_webhook(
    request: Request,
    caller: CallerDep,
    webhookId: Annotated[int, path_id("Webhook id")],
) -> Response:
    caller.viewer.require_everything()
    async with services(request).db.transaction() as session:
        await webhooks.deactivate(session, caller.account_id, webhookId)
        await audit.record(
            session,
            account_id=caller.account_id,
            action="webhook.deactivate",
            target_type="webhook",
            target_id=str(webhookId),
            actor_credential_id=caller.credential_id,
        )
    return Response(status_code=204)
