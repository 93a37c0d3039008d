"""Delivering webhooks to a real receiver on loopback, time driven through ``now``."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from leadline.core import clock
from leadline.core.leads.service import get_lead, update_lead
from leadline.core.webhooks import service
from leadline.core.webhooks.delivery import claim_due, deliver_due
from leadline.db.engine import Database
from leadline.db.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from tests.core.webhooks.conftest import Receiver, add_lead, add_lead_in
from tests.factories import make_world


async def _subscribe(db: Database, account_id: int, url: str) -> WebhookSubscription:
    async with db.transaction() as session:
        return await service.subscribe(
            session,
            account_id,
            url=url,
            event_types=[service.LEAD_CREATED, service.LEAD_UPDATED],
            secret="s3cret",
        )


async def _states(db: Database) -> list[tuple[str, int]]:
    async with db.read_session() as session:
        rows = await session.execute(
            select(WebhookDelivery.state, WebhookDelivery.attempts).order_by(WebhookDelivery.id)
        )
        return [(state, attempts) for state, attempts in rows.all()]


def _at(moment: datetime):  # type: ignore[no-untyped-def]
    return lambda: moment


@pytest.fixture
def quick() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=0.5)


async def test_delivery_is_signed_and_carries_the_envelope(
    db: Database, receiver: Receiver, quick: httpx.AsyncClient
) -> None:
    world = await make_world(db)
    await _subscribe(db, world.account.id, receiver.url)
    lead = await add_lead(db, world)

    assert await deliver_due(db, "w1", client=quick) == 1

    [got] = receiver.received
    timestamp = got.headers["leadline-timestamp"]
    expected = hmac.new(b"s3cret", timestamp.encode() + b"." + got.body, hashlib.sha256)
    assert got.headers["leadline-signature"] == "v1=" + expected.hexdigest()
    envelope = got.envelope
    assert envelope["type"] == "lead.created"
    assert envelope["id"] == got.headers["leadline-event-id"]
    assert envelope["accountId"] == world.account.id
    assert envelope["occurredAt"].endswith("Z")
    assert envelope["data"]["leadId"] == lead.id
    assert await _states(db) == [("delivered", 1)]


async def test_failures_are_retried_with_back_off_until_the_receiver_recovers(
    db: Database, receiver: Receiver, quick: httpx.AsyncClient
) -> None:
    world = await make_world(db)
    await _subscribe(db, world.account.id, receiver.url)
    await add_lead(db, world)
    receiver.plan = [500, "hang", 200]
    start = clock.now()

    assert await deliver_due(db, "w1", now=_at(start), client=quick) == 1
    assert await _states(db) == [("pending", 1)]
    # Not due again before 10 s.
    assert await deliver_due(db, "w1", now=_at(start + timedelta(seconds=9)), client=quick) == 0
    assert await deliver_due(db, "w1", now=_at(start + timedelta(seconds=10)), client=quick) == 1
    assert await _states(db) == [("pending", 2)]
    # The second failure (a timeout) doubles the wait: 20 s.
    later = start + timedelta(seconds=29)
    assert await deliver_due(db, "w1", now=_at(later), client=quick) == 0
    later = start + timedelta(seconds=30)
    assert await deliver_due(db, "w1", now=_at(later), client=quick) == 1
    assert await _states(db) == [("delivered", 3)]
    assert len({got.headers["leadline-event-id"] for got in receiver.received}) == 1
    async with db.read_session() as session:
        delivery = await session.scalar(select(WebhookDelivery))
    assert delivery is not None and delivery.last_status == 200


async def test_retries_stop_24_hours_after_the_event(
    db: Database, receiver: Receiver, quick: httpx.AsyncClient
) -> None:
    world = await make_world(db)
    await _subscribe(db, world.account.id, receiver.url)
    await add_lead(db, world)
    receiver.plan = [503]
    late = clock.now() + timedelta(hours=24)

    assert await deliver_due(db, "w1", now=_at(late), client=quick) == 1
    assert await _states(db) == [("failed", 1)]


async def test_a_4xx_fails_at_once(
    db: Database, receiver: Receiver, quick: httpx.AsyncClient
) -> None:
    world = await make_world(db)
    await _subscribe(db, world.account.id, receiver.url)
    await add_lead(db, world)
    receiver.plan = [410]
    start = clock.now()

    assert await deliver_due(db, "w1", now=_at(start), client=quick) == 1
    assert await deliver_due(db, "w1", now=_at(start + timedelta(hours=2)), client=quick) == 0
    assert await _states(db) == [("failed", 1)]
    assert len(receiver.received) == 1


async def test_events_of_one_lead_arrive_in_order(
    db: Database, receiver: Receiver, quick: httpx.AsyncClient
) -> None:
    world = await make_world(db)
    await _subscribe(db, world.account.id, receiver.url)
    lead = await add_lead(db, world)
    other = await add_lead(db, world, "+447700900456")
    async with db.transaction() as session:
        await update_lead(
            session, await get_lead(session, world.account.id, lead.id), {"data": {"a": 1}}
        )
    receiver.plan = [500]
    start = clock.now()

    # The first event of the lead fails: its update waits; the other lead goes out.
    assert await deliver_due(db, "w1", now=_at(start), client=quick) == 2
    sent = [(got.envelope["type"], got.envelope["data"]["leadId"]) for got in receiver.received]
    assert sorted(sent) == sorted([("lead.created", lead.id), ("lead.created", other.id)])
    assert await deliver_due(db, "w1", now=_at(start + timedelta(seconds=5)), client=quick) == 0

    later = start + timedelta(seconds=10)
    assert await deliver_due(db, "w1", now=_at(later), client=quick) == 1
    assert await deliver_due(db, "w1", now=_at(later), client=quick) == 1
    of_lead = [
        got.envelope["type"]
        for got in receiver.received
        if got.envelope["data"]["leadId"] == lead.id
    ]
    assert of_lead == ["lead.created", "lead.created", "lead.updated"]


async def test_a_claim_whose_lease_ran_out_is_delivered_by_another_worker(
    db: Database, receiver: Receiver, quick: httpx.AsyncClient
) -> None:
    world = await make_world(db)
    await _subscribe(db, world.account.id, receiver.url)
    await add_lead(db, world)
    start = clock.now()

    # Worker 1 claims and dies before sending.
    assert len(await claim_due(db, "w1", now=start)) == 1
    assert await deliver_due(db, "w2", now=_at(start + timedelta(seconds=30)), client=quick) == 0
    later = start + timedelta(seconds=61)
    assert await deliver_due(db, "w2", now=_at(later), client=quick) == 1
    assert await _states(db) == [("delivered", 1)]
    assert len(receiver.received) == 1


async def test_an_event_exists_only_if_its_change_committed(
    db: Database, receiver: Receiver
) -> None:
    world = await make_world(db)
    await _subscribe(db, world.account.id, receiver.url)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon):
        async with db.transaction() as session:
            lead = await add_lead_in(session, world, "+447700900999")
            assert lead.id is not None
            raise Abandon
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
        assert await session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0

    await add_lead(db, world)
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(WebhookEvent)) == 1


async def test_no_event_without_a_matching_active_subscription(
    db: Database, receiver: Receiver
) -> None:
    world = await make_world(db)
    subscription = await _subscribe(db, world.account.id, receiver.url)
    async with db.transaction() as session:
        await service.deactivate(session, world.account.id, subscription.id)
    await add_lead(db, world)
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


async def test_concurrent_workers_send_each_delivery_once(db: Database, receiver: Receiver) -> None:
    world = await make_world(db)
    await _subscribe(db, world.account.id, receiver.url)
    for index in range(6):
        await add_lead(db, world, f"+44770090020{index}")

    # A patient client: under a loaded CI host a 0.5 s time-out made an attempt that never
    # reached the receiver, which this test would count as a lost delivery.
    async with httpx.AsyncClient(timeout=30) as patient:
        sent = await asyncio.gather(
            *(deliver_due(db, f"w{index}", client=patient, limit=2) for index in range(4))
        )

    assert sum(sent) == len(receiver.received)
    ids = [got.headers["leadline-event-id"] for got in receiver.received]
    assert len(ids) == len(set(ids))
    while await deliver_due(db, "w9"):
        pass
    assert await _states(db) == [("delivered", 1)] * 6
