"""Subscriptions and the outbox.

:func:`emit` writes the event and its deliveries in the caller's transaction, so an event
exists exactly when the change it tells of was committed.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Exists, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock, outbox
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.outbox import FAILED, PENDING
from leadline.core.ownership import get_owned
from leadline.core.pagination import Page, keyset_page
from leadline.db.models import WebhookDelivery, WebhookEvent, WebhookSubscription

LEAD_CREATED = "lead.created"
LEAD_UPDATED = "lead.updated"
LEAD_COMPLETED = "lead.completed"
CALL_INBOUND = "call.inbound"
CALL_OUTBOUND = "call.outbound"
CALL_COST = "call.cost"
SUBMISSION_UNPROCESSED = "submission.unprocessed"

EVENT_TYPES: tuple[str, ...] = (
    LEAD_CREATED,
    LEAD_UPDATED,
    LEAD_COMPLETED,
    CALL_INBOUND,
    CALL_OUTBOUND,
    CALL_COST,
    SUBMISSION_UNPROCESSED,
)

#: Where ``session.info`` keeps the account's active subscriptions for the transaction.
_CACHE_KEY = "leadline.webhooks.active"


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, the one timestamp form payloads use."""
    if moment is None:
        return None
    return moment.astimezone(clock.now().tzinfo).isoformat().replace("+00:00", "Z")


def _check_url(url: str) -> str:
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
        raise ValidationFailed.single("url", "an http(s) URL of at most 2000 characters")
    return url


def _check_events(event_types: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(event_types))
    if not chosen:
        raise ValidationFailed.single("events", "at least one event type")
    unknown = [name for name in chosen if name not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed.single("events", f"unknown event type {unknown[0]!r}")
    return chosen


async def subscribe(
    session: AsyncSession,
    account_id: int,
    *,
    url: str,
    event_types: Sequence[str],
    secret: str | None = None,
) -> WebhookSubscription:
    """A new active subscription; the secret (made here unless given) is the caller's
    to show once."""
    subscription = WebhookSubscription(
        account_id=account_id,
        url=_check_url(url),
        event_types=_check_events(event_types),
        secret=secret or secrets.token_hex(32),
        active=True,
        created_at=clock.now(),
    )
    session.add(subscription)
    await session.flush()
    _forget_active(session)
    return subscription


async def list_subscriptions(
    session: AsyncSession, account_id: int, *, active_only: bool = False
) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).where(WebhookSubscription.account_id == account_id)
    if active_only:
        query = query.where(WebhookSubscription.active.is_(True))
    return list(await session.scalars(query.order_by(WebhookSubscription.id)))


async def page_subscriptions(
    session: AsyncSession, account_id: int, *, after: int | None, limit: int
) -> Page[WebhookSubscription]:
    statement = select(WebhookSubscription).where(WebhookSubscription.account_id == account_id)
    return await keyset_page(session, statement, WebhookSubscription.id, after=after, limit=limit)


async def get_subscription(
    session: AsyncSession, account_id: int, subscription_id: int
) -> WebhookSubscription:
    return await get_owned(session, WebhookSubscription, account_id, subscription_id, "webhook")


async def deactivate(
    session: AsyncSession, account_id: int, subscription_id: int
) -> WebhookSubscription:
    """Stop sending: pending deliveries of the subscription are dropped as failed."""
    subscription = await get_subscription(session, account_id, subscription_id)
    subscription.active = False
    _forget_active(session)
    await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.state == PENDING,
        )
        .values(state=FAILED, last_error="subscription deactivated")
    )
    await session.flush()
    return subscription


def _forget_active(session: AsyncSession) -> None:
    session.info.pop(_CACHE_KEY, None)


def _active_cache(session: AsyncSession) -> dict[int, list[WebhookSubscription]]:
    """Active subscriptions by account, for this transaction only: the next one reads
    afresh."""
    transaction = session.sync_session.get_transaction()
    cached = session.info.get(_CACHE_KEY)
    if cached is None or cached[0] is not transaction:
        cached = (transaction, {})
        session.info[_CACHE_KEY] = cached
    by_account: dict[int, list[WebhookSubscription]] = cached[1]
    return by_account


async def _active(session: AsyncSession, account_id: int) -> list[WebhookSubscription]:
    """The account's active subscriptions, read once per transaction: a request that
    changes several records emits several events and asks the database once."""
    by_account = _active_cache(session)
    if account_id not in by_account:
        by_account[account_id] = await list_subscriptions(session, account_id, active_only=True)
    return by_account[account_id]


def anyone_listening(account_id: Any) -> Exists:
    """True when the account has an active subscription: for a read that asks it
    alongside other questions (``account_id`` may be a bind parameter)."""
    return exists().where(
        WebhookSubscription.account_id == account_id, WebhookSubscription.active.is_(True)
    )


def nobody_listens(session: AsyncSession, account_id: int) -> None:
    """Note that a read earlier in this transaction found no active subscription of the
    account (:func:`anyone_listening`): events emitted later in the same transaction are
    dropped without looking again. A subscription made in the transaction undoes it."""
    _active_cache(session)[account_id] = []


async def listening(
    session: AsyncSession, account_id: int, event_type: str
) -> list[WebhookSubscription]:
    """The active subscriptions of the account that want ``event_type``."""
    assert event_type in EVENT_TYPES, event_type
    return [
        subscription
        for subscription in await _active(session, account_id)
        if event_type in subscription.event_types
    ]


async def emit(
    session: AsyncSession,
    account_id: int,
    event_type: str,
    payload: Mapping[str, Any],
    ordering_key: str | None = None,
) -> WebhookEvent | None:
    """Write the event and one pending delivery per matching active subscription, in the
    caller's transaction. Nothing is written when nobody listens."""
    written = await emit_many(session, account_id, event_type, [(payload, ordering_key)])
    return written[0] if written else None


async def emit_many(
    session: AsyncSession,
    account_id: int,
    event_type: str,
    events: Sequence[tuple[Mapping[str, Any], str | None]],
    *,
    subscriptions: Sequence[WebhookSubscription] | None = None,
) -> list[WebhookEvent]:
    """:func:`emit` for many events of one type (payload, ordering key), in order."""
    if subscriptions is None:
        subscriptions = await listening(session, account_id, event_type)
    if not subscriptions or not events:
        return []
    now = clock.now()
    written = [
        WebhookEvent(
            uuid=str(uuid.uuid4()),
            account_id=account_id,
            type=event_type,
            occurred_at=now,
            payload=dict(payload),
            ordering_key=ordering_key,
        )
        for payload, ordering_key in events
    ]
    session.add_all(written)
    await session.flush()
    session.add_all(
        WebhookDelivery(
            event_id=event.id,
            subscription_id=subscription.id,
            ordering_key=event.ordering_key,
            state=PENDING,
            attempts=0,
            next_attempt_at=now,
        )
        for event in written
        for subscription in subscriptions
    )
    await session.flush()
    return written


async def deliveries(
    session: AsyncSession, account_id: int, *, limit: int = 100
) -> list[tuple[WebhookDelivery, WebhookEvent]]:
    rows = await session.execute(
        select(WebhookDelivery, WebhookEvent)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookEvent.account_id == account_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return [(delivery, event) for delivery, event in rows.all()]


async def replay(session: AsyncSession, event_uuid: str, *, account_id: int | None = None) -> int:
    """Send the event again to every subscription it went to (still active ones): the
    deliveries go back to pending, due now, with a fresh retry window. With
    ``account_id``, another account's event is not found."""
    event = await session.scalar(select(WebhookEvent).where(WebhookEvent.uuid == event_uuid))
    if event is None or (account_id is not None and event.account_id != account_id):
        raise NotFound("event", event_uuid)
    active = select(WebhookSubscription.id).where(WebhookSubscription.active.is_(True))
    return await outbox.requeue(
        session,
        WebhookDelivery,
        WebhookDelivery.event_id == event.id,
        WebhookDelivery.subscription_id.in_(active),
    )
