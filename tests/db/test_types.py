from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from leadline.db.engine import Database
from leadline.db.models import CallCost
from tests.factories import make_world


async def _cost(db: Database, account_id: int, amount: str, when: datetime) -> int:
    async with db.transaction() as session:
        row = CallCost(
            account_id=account_id,
            cost=Decimal(amount),
            date_billed=when,
            call_date=when,
            is_current=False,
        )
        session.add(row)
        await session.flush()
        return row.id


async def test_money_is_exact_to_four_places_and_sums_exactly(db: Database) -> None:
    world = await make_world(db)
    now = datetime.now(UTC)
    for amount in ("0.1", "0.2", "12.5", "0.0450", "3"):
        await _cost(db, world.account.id, amount, now)
    async with db.read_session() as session:
        values = sorted(await session.scalars(select(CallCost.cost)))
        total = await session.scalar(select(func.sum(CallCost.cost)))
    assert values == [
        Decimal("0.0450"),
        Decimal("0.1000"),
        Decimal("0.2000"),
        Decimal("3.0000"),
        Decimal("12.5000"),
    ]
    # Summed as integers of 1/10,000 in SQL, so no float error creeps in.
    assert total == Decimal("15.8450")


async def test_money_refuses_a_fifth_decimal(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(Exception, match="decimal places"):
        await _cost(db, world.account.id, "0.00001", datetime.now(UTC))


async def test_datetimes_come_back_aware_in_utc(db: Database) -> None:
    world = await make_world(db)
    rome = timezone(timedelta(hours=1))
    sent = datetime(2021, 3, 5, 1, 25, 2, tzinfo=rome)
    cost_id = await _cost(db, world.account.id, "1", sent)
    async with db.read_session() as session:
        row = await session.get(CallCost, cost_id)
    assert row is not None
    assert row.call_date == sent
    assert row.call_date.tzinfo is not None
    assert row.call_date.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(Exception, match="naive"):
        await _cost(db, world.account.id, "1", datetime(2021, 1, 1))
