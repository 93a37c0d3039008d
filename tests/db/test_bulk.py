from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, select

from leadline.core.contacts.service import find_or_create_contacts
from leadline.db.bulk import insert_rows, one_of, value_chunks
from leadline.db.engine import Database
from leadline.db.models import Lead
from tests.factories import World, make_world

LEADS = cast(Table, Lead.__table__)


def _lead(world: World, contact_id: int, key: str, **extra: object) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "account_id": world.account.id,
        "campaign_id": world.campaign.id,
        "list_id": world.lead_list.id,
        "contact_id": contact_id,
        "customer_key": key,
        "created_at": now,
        "updated_at": now,
        **extra,
    }


async def _contacts(db: Database, world: World, *numbers: str) -> list[int]:
    async with db.transaction() as session:
        found = await find_or_create_contacts(session, account_id=world.account.id, numbers=numbers)
    return [found[number] for number in numbers]


async def test_rows_get_the_models_defaults_and_column_conversions(db: Database) -> None:
    world = await make_world(db)
    (contact,) = await _contacts(db, world, "+447911000001")
    due = datetime(2030, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    async with db.transaction() as session:
        await insert_rows(
            session, LEADS, [_lead(world, contact, "K1", next_attempt_at=due, data={"a": [1]})]
        )
    async with db.read_session() as session:
        lead = await session.scalar(select(Lead).where(Lead.customer_key == "K1"))
    assert lead is not None
    assert (lead.priority, lead.attempts, lead.next_phone_index, lead.status_code) == (0, 0, 1, 1)
    assert lead.cost == Decimal("0")
    assert lead.data == {"a": [1]}
    assert lead.next_attempt_at == due
    assert lead.next_attempt_at.tzinfo is not None


async def test_a_missing_json_column_gets_its_empty_default(db: Database) -> None:
    world = await make_world(db)
    (contact,) = await _contacts(db, world, "+447911000002")
    async with db.transaction() as session:
        await insert_rows(session, LEADS, [_lead(world, contact, "K2")])
    async with db.read_session() as session:
        data = await session.scalar(select(Lead.data).where(Lead.customer_key == "K2"))
    assert data == {}


async def test_refused_rows_are_skipped_and_the_first_of_a_clash_wins(db: Database) -> None:
    world = await make_world(db)
    first, second = await _contacts(db, world, "+447911000003", "+447911000004")
    rows = [
        _lead(world, first, "A"),
        # The same person in the same campaign: the open-lead index refuses it.
        _lead(world, first, "B"),
        _lead(world, second, "C"),
    ]
    async with db.transaction() as session:
        written = await insert_rows(
            session, LEADS, rows, skip_conflicts=True, returning=("customer_key", "contact_id")
        )
    assert [tuple(row) for row in written] == [("A", first), ("C", second)]
    async with db.read_session() as session:
        keys = sorted(await session.scalars(select(Lead.customer_key)))
    assert keys == ["A", "C"]


async def test_one_of_matches_exactly_the_values_given(db: Database) -> None:
    world = await make_world(db)
    contacts = await _contacts(db, world, "+447911000005", "+447911000006", "+447911000007")
    async with db.transaction() as session:
        await insert_rows(
            session, LEADS, [_lead(world, c, f"K{n}") for n, c in enumerate(contacts)]
        )
    wanted = ["K0", "K2", "nobody"]
    async with db.read_session() as session:
        found: list[str | None] = []
        for chunk in value_chunks(session, wanted):
            found += await session.scalars(
                select(Lead.customer_key).where(one_of(session, Lead.customer_key, chunk))
            )
    assert sorted(key for key in found if key is not None) == ["K0", "K2"]
