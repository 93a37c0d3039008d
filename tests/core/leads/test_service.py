from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from leadline.core.contacts import service as contacts
from leadline.core.errors import DuplicateCustomerKey, DuplicateOpenLead
from leadline.core.leads import service as leads
from leadline.core.vocabulary import LeadStatus
from leadline.db.engine import Database
from leadline.db.models import Contact, Lead, LeadPhone
from tests.factories import World, make_world

NUMBER = "+447840258823"


async def _lead(db: Database, world: World, number: str = NUMBER, **fields: object) -> int:
    async with db.transaction() as session:
        contact, _ = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number=number, name="John Doe"
        )
        lead = await leads.create_lead(
            session,
            lead_list=world.lead_list,
            contact=contact,
            phones=[number],
            **fields,  # type: ignore[arg-type]
        )
        return lead.id


async def test_a_lead_keeps_its_phones_in_order(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        contact, _ = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number=NUMBER
        )
        lead = await leads.create_lead(
            session,
            lead_list=world.lead_list,
            contact=contact,
            phones=[NUMBER, "+442079460123"],
        )
    async with db.read_session() as session:
        rows = await leads.phones_of(session, lead.id)
    assert [(p.phone_index, p.number, p.tail) for p in rows] == [
        (1, NUMBER, "840258823"),
        (2, "+442079460123", "079460123"),
    ]


async def test_a_new_lead_is_the_session_s_own_and_later_changes_are_saved(
    db: Database,
) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        contact, _ = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number=NUMBER
        )
        lead = await leads.create_lead(
            session, lead_list=world.lead_list, contact=contact, phones=[NUMBER]
        )
        assert await session.get(Lead, lead.id) is lead
        assert lead.created_at is not None and lead.completed_at is None
        lead.priority = 7
    async with db.read_session() as session:
        stored = await session.get(Lead, lead.id)
    assert stored is not None
    assert (stored.priority, stored.contact_id, stored.campaign_id) == (
        7,
        contact.id,
        world.campaign.id,
    )


async def test_a_second_open_lead_for_one_person_in_one_campaign_is_refused(db: Database) -> None:
    world = await make_world(db)
    first = await _lead(db, world)
    with pytest.raises(DuplicateOpenLead) as caught:
        await _lead(db, world)
    assert caught.value.lead_id == first


async def test_a_completed_lead_makes_room_for_a_new_one(db: Database) -> None:
    world = await make_world(db)
    first = await _lead(db, world)
    async with db.transaction() as session:
        await leads.complete(
            session, await leads.get_lead(session, world.account.id, first), LeadStatus.CANCELLED
        )
    second = await _lead(db, world)
    assert second != first


async def test_concurrent_creates_for_one_person_make_one_lead(db: Database) -> None:
    world = await make_world(db)
    results = await asyncio.gather(*(_lead(db, world) for _ in range(20)), return_exceptions=True)
    created = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, DuplicateOpenLead)]
    assert len(created) == 1
    assert len(refused) == 19
    assert all(r.lead_id == created[0] for r in refused)
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Lead)) == 1
        assert await session.scalar(select(func.count()).select_from(Contact)) == 1
        assert await session.scalar(select(func.count()).select_from(LeadPhone)) == 1


async def test_a_customer_key_is_unique_within_its_list(db: Database) -> None:
    world = await make_world(db)
    await _lead(db, world, customer_key="K-1")
    with pytest.raises(DuplicateCustomerKey):
        await _lead(db, world, number="+442079460123", customer_key="K-1")


async def test_leads_of_another_account_are_not_found(db: Database) -> None:
    world = await make_world(db)
    other = await make_world(db, name="Other")
    lead_id = await _lead(db, world)
    async with db.read_session() as session:
        with pytest.raises(Exception, match="not found"):
            await leads.get_lead(session, other.account.id, lead_id)


async def test_cancel_and_claim_race_for_a_lead_and_exactly_one_wins(db: Database) -> None:
    from datetime import timedelta

    from leadline.core import clock

    world = await make_world(db)
    for _round in range(5):
        async with db.transaction() as session:
            contact, _ = await contacts.find_or_create_contact(
                session, account_id=world.account.id, number=f"+4479111234{_round:02d}"
            )
            lead = await leads.create_lead(
                session,
                lead_list=world.lead_list,
                contact=contact,
                phones=[f"+4479111234{_round:02d}"],
            )

        async def claim(lead_id: int = lead.id) -> bool:
            async with db.transaction() as session:
                return await leads.claim_for_dialling(
                    session, lead_id, "worker-1", clock.now() + timedelta(minutes=5)
                )

        async def cancel(lead_id: int = lead.id) -> bool:
            async with db.transaction() as session:
                return await leads.cancel_if_untouched(session, lead_id)

        outcomes = await asyncio.gather(claim(), cancel())
        assert outcomes.count(True) == 1, outcomes
