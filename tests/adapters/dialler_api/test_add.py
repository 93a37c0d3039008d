from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from leadline.core import clock
from leadline.core.compliance import dnc
from leadline.core.contacts import service as contacts
from leadline.core.leads import service as leads
from leadline.core.submissions import lead_types
from leadline.core.vocabulary import LeadStatus
from leadline.core.webhooks import service as webhooks
from leadline.db.engine import Database
from leadline.db.models import InboxEvent, Lead, WebhookEvent
from tests.adapters.dialler_api.conftest import MOBILE, Dialler, fixture

SCHEDULED = {"saved": True, "processed": False, "error": "Another call is already scheduled"}


async def _leads(db: Database) -> list[Lead]:
    async with db.read_session() as session:
        return list(await session.scalars(select(Lead).order_by(Lead.id)))


async def _events(db: Database) -> list[InboxEvent]:
    async with db.read_session() as session:
        return list(await session.scalars(select(InboxEvent).order_by(InboxEvent.id)))


async def test_the_seed_example_makes_a_lead(db: Database, dialler: Dialler) -> None:
    before = clock.now()
    answer = await dialler.add(fixture("add_seed.json"))
    assert answer.status_code == 200
    assert answer.json() == {"saved": True, "processed": True}
    [lead] = await _leads(db)
    assert lead.lead_type_id == dialler.lead_type.id
    assert lead.subtype == "valeter"
    assert lead.list_id == dialler.valeters.id
    assert lead.campaign_id == dialler.world.campaign.id
    assert lead.data == {"vehicle_make": "Ford", "addresss": "123 Greenacre Road"}
    assert lead.next_attempt_at is not None
    assert before + timedelta(seconds=600) <= lead.next_attempt_at
    assert lead.next_attempt_at <= clock.now() + timedelta(seconds=600)
    async with db.read_session() as session:
        contact = await contacts.get_contact(session, dialler.world.account.id, lead.contact_id)
        assert (contact.first_name, contact.last_name) == ("John", "Doe")
        assert await contacts.emails_of(session, contact.id) == ["john.doe@example.com"]
        assert [p.number for p in await leads.phones_of(session, lead.id)] == [MOBILE]


async def test_every_submission_is_kept_with_its_outcome(db: Database, dialler: Dialler) -> None:
    await dialler.add(fixture("add_seed.json"))
    [event] = await _events(db)
    [lead] = await _leads(db)
    assert (event.source, event.kind, event.status) == ("dialler-api", "lead.add", "processed")
    assert event.lead_id == lead.id
    assert event.contact_id == lead.contact_id
    assert event.phone == MOBILE
    assert event.email_lower == "john.doe@example.com"
    assert event.credential_id is not None
    assert event.accepted
    assert '"vehicle_make' in event.payload  # the raw body, as sent


async def test_the_seed_test_example_stores_nothing(db: Database, dialler: Dialler) -> None:
    answer = await dialler.add(fixture("add_test_seed.json"))
    assert answer.status_code == 200
    assert answer.json() == {"test": "ok"}
    assert await _leads(db) == []
    assert await _events(db) == []


async def test_a_test_with_an_unknown_type_is_refused(db: Database, dialler: Dialler) -> None:
    answer = await dialler.add({**fixture("add_test_seed.json"), "test": "true", "type": "boats"})
    assert answer.status_code == 400
    assert answer.json() == {"type": {"0": "Unknown Type"}}
    assert await _events(db) == []


async def test_test_false_is_a_real_submission(db: Database, dialler: Dialler) -> None:
    answer = await dialler.add({**fixture("add_test_seed.json"), "test": "false"})
    assert answer.json() == {"saved": True, "processed": True}


async def test_an_unknown_type_is_saved_for_an_operator(db: Database, dialler: Dialler) -> None:
    answer = await dialler.add({**fixture("add_seed.json"), "type": "boats"})
    assert answer.status_code == 200
    assert answer.json() == {"saved": True, "processed": False, "error": "Unknown Type"}
    assert await _leads(db) == []
    [event] = await _events(db)
    assert (event.status, event.lead_id, event.accepted) == ("unknown_type", None, False)


async def test_a_number_on_the_do_not_call_list(db: Database, dialler: Dialler) -> None:
    async with db.transaction() as session:
        await dnc.add(session, account_id=dialler.world.account.id, number=MOBILE)
    answer = await dialler.add(fixture("add_seed.json"))
    assert answer.json() == {"saved": True, "processed": False, "error": "Do Not Call"}
    assert await _leads(db) == []
    assert [e.status for e in await _events(db)] == ["dnc"]


async def test_a_second_post_finds_the_call_scheduled(db: Database, dialler: Dialler) -> None:
    await dialler.add(fixture("add_seed.json"))
    answer = await dialler.add(fixture("add_seed.json"))
    assert answer.json() == SCHEDULED
    [lead] = await _leads(db)
    events = await _events(db)
    assert [(e.status, e.lead_id) for e in events] == [
        ("processed", lead.id),
        ("duplicate", lead.id),
    ]


async def test_an_open_lead_of_another_type_in_the_campaign_counts(
    db: Database, dialler: Dialler
) -> None:
    async with db.transaction() as session:
        await lead_types.create_type(
            session,
            account_id=dialler.world.account.id,
            code="van-trade",
            campaign_id=dialler.world.campaign.id,
        )
    await dialler.add(fixture("add_seed.json"))
    answer = await dialler.add({**fixture("add_seed.json"), "type": "van-trade"})
    assert answer.json() == SCHEDULED
    [lead] = await _leads(db)
    assert (await _events(db))[-1].lead_id == lead.id


async def _complete_first_lead(db: Database, status: int, days_ago: float) -> Lead:
    async with db.transaction() as session:
        lead = await session.scalar(select(Lead).order_by(Lead.id))
        assert lead is not None
        await leads.complete(session, lead, status, at=clock.now() - timedelta(days=days_ago))
        return lead


async def test_a_lead_completed_within_the_window_is_an_existing_contact(
    db: Database, dialler: Dialler
) -> None:
    await dialler.add(fixture("add_seed.json"))
    lead = await _complete_first_lead(db, LeadStatus.ANSWERED_NOT_INTERESTED, days_ago=29)
    answer = await dialler.add(fixture("add_seed.json"))
    assert answer.json() == {"saved": True, "processed": False, "error": "Existing Contact"}
    assert len(await _leads(db)) == 1
    assert [(e.status, e.lead_id) for e in await _events(db)][-1] == ("existing_contact", lead.id)


async def test_a_lead_completed_before_the_window_allows_a_new_one(
    db: Database, dialler: Dialler
) -> None:
    await dialler.add(fixture("add_seed.json"))
    await _complete_first_lead(db, LeadStatus.ANSWERED_NOT_INTERESTED, days_ago=31)
    answer = await dialler.add(fixture("add_seed.json"))
    assert answer.json() == {"saved": True, "processed": True}
    assert len(await _leads(db)) == 2


async def test_a_cancelled_lead_is_no_existing_contact(db: Database, dialler: Dialler) -> None:
    await dialler.add(fixture("add_seed.json"))
    await _complete_first_lead(db, LeadStatus.CANCELLED, days_ago=1)
    answer = await dialler.add(fixture("add_seed.json"))
    assert answer.json() == {"saved": True, "processed": True}


async def test_a_window_of_zero_turns_the_rule_off(db: Database, dialler: Dialler) -> None:
    async with db.transaction() as session:
        lead_type = await lead_types.get_type(session, dialler.world.account.id, "motor-trade")
        await lead_types.update_type(session, lead_type, duplicate_window_days=0)
    await dialler.add(fixture("add_seed.json"))
    await _complete_first_lead(db, LeadStatus.ANSWERED_NOT_INTERESTED, days_ago=0)
    answer = await dialler.add(fixture("add_seed.json"))
    assert answer.json() == {"saved": True, "processed": True}


async def test_other_phone_is_the_second_phone(db: Database, dialler: Dialler) -> None:
    body = {**fixture("add_seed.json"), "other_phone": "020 7946 0123", "delays": "0"}
    answer = await dialler.add(body)
    assert answer.json() == {"saved": True, "processed": True}
    [lead] = await _leads(db)
    async with db.read_session() as session:
        numbers = [p.number for p in await leads.phones_of(session, lead.id)]
    assert numbers == [MOBILE, "+442079460123"]


async def test_data_as_an_object_and_no_subtype(db: Database, dialler: Dialler) -> None:
    body = {**fixture("add_seed.json"), "data": {"vehicle_make": "Ford"}}
    del body["subtype"]
    assert (await dialler.add(body)).json() == {"saved": True, "processed": True}
    [lead] = await _leads(db)
    assert lead.data == {"vehicle_make": "Ford"}
    assert lead.subtype is None
    assert lead.list_id == dialler.world.lead_list.id


async def test_a_plain_text_body_holding_json_is_read(db: Database, dialler: Dialler) -> None:
    answer = await dialler.http.post(
        "/lead/add",
        params={"key": dialler.key},
        content=(
            b'{"first_name":"John","surname":"Doe","mobile":"07840258823",'
            b'"email":"john.doe@example.com","type":"motor-trade"}'
        ),
        headers={"Content-Type": "text/plain"},
    )
    assert answer.json() == {"saved": True, "processed": True}


async def test_twenty_identical_posts_at_once_make_one_lead(db: Database, dialler: Dialler) -> None:
    answers = await asyncio.gather(*(dialler.add(fixture("add_seed.json")) for _ in range(20)))
    bodies = [answer.json() for answer in answers]
    assert bodies.count({"saved": True, "processed": True}) == 1
    assert bodies.count(SCHEDULED) == 19
    [lead] = await _leads(db)
    async with db.read_session() as session:
        statuses = (
            await session.execute(
                select(InboxEvent.status, func.count())
                .where(InboxEvent.lead_id == lead.id)
                .group_by(InboxEvent.status)
            )
        ).all()
    assert dict(statuses) == {"processed": 1, "duplicate": 19}


async def test_a_new_lead_is_told_to_webhook_subscribers(db: Database, dialler: Dialler) -> None:
    async with db.transaction() as session:
        await webhooks.subscribe(
            session,
            dialler.world.account.id,
            url="https://x.test/in",
            event_types=[webhooks.LEAD_CREATED],
        )
    answer = await dialler.add(fixture("add_seed.json"))
    assert answer.json() == {"saved": True, "processed": True}
    (lead,) = await _leads(db)
    async with db.read_session() as session:
        told = list(await session.scalars(select(WebhookEvent)))
    assert [(event.type, event.payload["leadId"]) for event in told] == [
        (webhooks.LEAD_CREATED, lead.id)
    ]


async def test_without_subscribers_no_webhook_event_is_written(
    db: Database, dialler: Dialler
) -> None:
    answer = await dialler.add(fixture("add_seed.json"))
    assert answer.json() == {"saved": True, "processed": True}
    async with db.read_session() as session:
        assert list(await session.scalars(select(WebhookEvent))) == []
