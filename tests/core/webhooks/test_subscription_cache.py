"""``emit`` reads the account's subscriptions once per transaction, not once per event."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from leadline.core.webhooks import service
from leadline.db.engine import Database
from tests.core.webhooks.conftest import add_lead_in
from tests.factories import make_world


@contextmanager
def subscription_reads(db: Database) -> Iterator[list[str]]:
    """The statements that read ``webhook_subscriptions`` while the block runs."""
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "webhook_subscriptions" in statement:
            seen.append(statement)

    event.listen(db.write_engine.sync_engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.write_engine.sync_engine, "before_cursor_execute", before)


async def test_several_events_in_one_transaction_read_the_subscriptions_once(
    db: Database,
) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        await service.subscribe(
            session, world.account.id, url="https://x.test/in", event_types=[service.LEAD_CREATED]
        )

    with subscription_reads(db) as reads:
        async with db.transaction() as session:
            for number in ("+447700900121", "+447700900122", "+447700900123"):
                await add_lead_in(session, world, number)

    assert len(reads) == 1
    async with db.read_session() as session:
        assert len(await service.deliveries(session, world.account.id)) == 3


async def test_the_next_transaction_of_the_same_session_reads_afresh(db: Database) -> None:
    world = await make_world(db)
    async with db.session() as session:
        async with session.begin():
            await add_lead_in(session, world, "+447700900121")
        # Another process subscribes between the two transactions.
        async with db.transaction() as other:
            await service.subscribe(
                other, world.account.id, url="https://x.test/in", event_types=[service.LEAD_CREATED]
            )
        async with session.begin():
            await add_lead_in(session, world, "+447700900122")

    async with db.read_session() as session:
        assert len(await service.deliveries(session, world.account.id)) == 1


async def test_a_subscription_made_in_the_transaction_hears_its_later_events(
    db: Database,
) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        await add_lead_in(session, world, "+447700900121")
        await service.subscribe(
            session, world.account.id, url="https://x.test/in", event_types=[service.LEAD_CREATED]
        )
        await add_lead_in(session, world, "+447700900122")

    async with db.read_session() as session:
        assert len(await service.deliveries(session, world.account.id)) == 1
