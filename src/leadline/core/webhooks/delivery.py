"""Delivering the outbox: claim due deliveries under a lease, POST them signed, record
the answer.

At-least-once: a delivery stays pending until a 2xx is recorded, and a worker that dies
holding one lets its lease run out for another worker to take. In order per ordering key:
a delivery waits while an earlier delivery of the same subscription and key is pending.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from leadline.core import clock
from leadline.core.webhooks.service import DELIVERED, FAILED, PENDING, iso
from leadline.db.engine import Database
from leadline.db.models import WebhookDelivery, WebhookEvent, WebhookSubscription

TIMEOUT_SECONDS = 10.0
LEASE = timedelta(seconds=60)
FIRST_RETRY = timedelta(seconds=10)
MAX_RETRY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)

Now = Callable[[], datetime]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``<timestamp>.<body>``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def retry_delay(attempts: int) -> timedelta:
    """10 s after the first failure, doubling, at most an hour."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 16)), MAX_RETRY)


def body_of(event: WebhookEvent) -> bytes:
    envelope = {
        "id": event.uuid,
        "type": event.type,
        "occurredAt": iso(event.occurred_at),
        "accountId": event.account_id,
        "data": event.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


async def claim_due(db: Database, holder: str, *, now: datetime, limit: int = 20) -> list[int]:
    """Lease up to ``limit`` due deliveries to ``holder``.

    PostgreSQL skips rows other workers have locked; on SQLite (one writer at a time) the
    conditional update is what makes a claim exclusive.
    """
    earlier = aliased(WebhookDelivery)
    blocked = exists().where(
        earlier.subscription_id == WebhookDelivery.subscription_id,
        earlier.ordering_key == WebhookDelivery.ordering_key,
        earlier.state == PENDING,
        earlier.event_id < WebhookDelivery.event_id,
    )
    free = or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until <= now)
    due = and_(WebhookDelivery.state == PENDING, WebhookDelivery.next_attempt_at <= now, free)
    claimed: list[int] = []
    async with db.transaction() as session:
        candidates = list(
            await session.scalars(
                select(WebhookDelivery.id)
                .where(due, ~blocked)
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for delivery_id in candidates:
            result = await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id, due)
                .values(lease_holder=holder, lease_until=now + LEASE)
            )
            if getattr(result, "rowcount", 0) == 1:
                claimed.append(delivery_id)
    return claimed


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status >= 500 or self.status < 200


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
        return Outcome(None, "timeout")
    except httpx.HTTPError as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500])
    return Outcome(response.status_code, None if response.is_success else response.text[:500])


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
    finished = now()
    attempts = delivery.attempts + 1
    values: dict[str, object] = {
        "attempts": attempts,
        "last_status": outcome.status,
        "last_error": outcome.error,
        "lease_holder": None,
        "lease_until": None,
    }
    if outcome.delivered:
        values.update(state=DELIVERED, delivered_at=finished)
    elif not outcome.retryable:
        values.update(state=FAILED)
    else:
        retry_at = finished + retry_delay(attempts)
        if retry_at > event.occurred_at + GIVE_UP_AFTER:
            values.update(state=FAILED)
        else:
            values.update(next_attempt_at=retry_at)
    async with db.transaction() as session:
        # Only the holder records: a worker whose lease ran out leaves it to the next one.
        await session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.lease_holder == holder,
                WebhookDelivery.state == PENDING,
            )
            .values(**values)
        )
    return str(values.get("state", PENDING))


async def deliver_due(
    db: Database,
    holder: str,
    *,
    now: Now = clock.now,
    client: httpx.AsyncClient | None = None,
    limit: int = 20,
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
