"""Delivering the webhook outbox: claim due deliveries under a lease, POST them signed,
record the answer (the lease, retry and back-off rules are :mod:`leadline.core.outbox`'s).

In order per ordering key: a delivery waits while an earlier delivery of the same
subscription and key is pending.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

import httpx
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from leadline.core import clock, outbox
from leadline.core.outbox import BATCH, PENDING, Now, Outcome
from leadline.core.webhooks.service import iso
from leadline.db.engine import Database
from leadline.db.models import WebhookDelivery, WebhookEvent, WebhookSubscription

TIMEOUT_SECONDS = 10.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``<timestamp>.<body>``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def body_of(event: WebhookEvent) -> bytes:
    envelope = {
        "id": event.uuid,
        "type": event.type,
        "occurredAt": iso(event.occurred_at),
        "accountId": event.account_id,
        "data": event.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


async def claim_due(db: Database, holder: str, *, now: datetime, limit: int = BATCH) -> list[int]:
    """Lease up to ``limit`` due deliveries to ``holder``, none that waits for an earlier
    one of its subscription and ordering key."""
    earlier = aliased(WebhookDelivery)
    blocked = exists().where(
        earlier.subscription_id == WebhookDelivery.subscription_id,
        earlier.ordering_key == WebhookDelivery.ordering_key,
        earlier.state == PENDING,
        earlier.event_id < WebhookDelivery.event_id,
    )
    return await outbox.claim_due(
        db, WebhookDelivery, holder, now=now, limit=limit, blocked=blocked
    )


def http_outcome(status: int | None, error: str | None) -> Outcome:
    """A 2xx delivers; a 3xx or 4xx refuses for good; no answer, a 5xx or a 1xx is tried
    again."""
    if status is None:
        return Outcome(None, error, delivered=False)
    return Outcome(
        status,
        error,
        delivered=200 <= status < 300,
        permanent=300 <= status < 500,
    )


async def _post(
    client: httpx.AsyncClient, subscription: WebhookSubscription, event: WebhookEvent, now: datetime
) -> Outcome:
    body = body_of(event)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "Leadline-Event-Id": event.uuid,
        "Leadline-Timestamp": timestamp,
        "Leadline-Signature": sign(subscription.secret, timestamp, body),
    }
    try:
        response = await client.post(subscription.url, content=body, headers=headers)
    except httpx.TimeoutException:
        return http_outcome(None, "timeout")
    except httpx.HTTPError as exc:
        return http_outcome(None, f"{type(exc).__name__}: {exc}"[:500])
    error = None if response.is_success else response.text[:500]
    return http_outcome(response.status_code, error)


async def attempt(
    db: Database, delivery_id: int, holder: str, client: httpx.AsyncClient, *, now: Now
) -> str:
    """Send one claimed delivery and record what came of it; the new state."""
    async with db.read_session() as session:
        row = (
            await session.execute(
                select(WebhookDelivery, WebhookEvent, WebhookSubscription)
                .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
                .join(
                    WebhookSubscription,
                    WebhookSubscription.id == WebhookDelivery.subscription_id,
                )
                .where(WebhookDelivery.id == delivery_id)
            )
        ).one()
        delivery, event, subscription = row
    outcome = await _post(client, subscription, event, now())
    values = outbox.settled(outcome, delivery.attempts + 1, since=event.occurred_at, at=now())
    return await outbox.record(db, WebhookDelivery, delivery_id, holder, values)


async def deliver_due(
    db: Database,
    holder: str,
    *,
    now: Now = clock.now,
    client: httpx.AsyncClient | None = None,
    limit: int = BATCH,
) -> int:
    """Claim and send what is due; the number of deliveries attempted."""
    claimed = await claim_due(db, holder, now=now(), limit=limit)
    if not claimed:
        return 0
    own_client = client is None
    http = client or httpx.AsyncClient(timeout=TIMEOUT_SECONDS)
    try:
        for delivery_id in claimed:
            await attempt(db, delivery_id, holder, http, now=now)
    finally:
        if own_client:
            await http.aclose()
    return len(claimed)
