"""``POST /portal/{token}/phone``: the seed's example, its effects, and its retries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from leadline.core.campaigns import service as campaigns
from leadline.core.portal import directory
from leadline.core.security import Keyring
from leadline.db.engine import Database
from leadline.db.models import Activity, Contact, InboxEvent, Lead, LeadPhone, Phone
from tests.adapters.portal.conftest import (
    SUCCESS,
    PortalWorld,
    count,
    counts,
    make_portal_world,
    post_json,
    seed,
)


async def test_seed_example_answers_success(client: httpx.AsyncClient, portal: PortalWorld) -> None:
    response = await post_json(client, portal.phone_url, seed())
    assert response.status_code == 200
    assert response.json() == SUCCESS
    assert response.headers["content-type"].startswith("application/json")


async def test_seed_example_records_the_raw_push_with_its_answer(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    body = (portal.phone_url, seed())
    await post_json(client, *body)
    async with db.read_session() as session:
        event = (await session.scalars(select(InboxEvent))).one()
    assert (event.source, event.kind, event.partner, event.partner_id) == (
        "portal",
        "phone",
        "immobiliare.it",
        "10000001",
    )
    assert event.accepted and event.status == "processed"
    assert event.hook_id == portal.hook.id
    assert event.source_ip == "203.0.113.10"
    assert event.response_status == 200 and event.response_body == SUCCESS
    assert '"phoneCallId": 10000001' in event.payload
    assert event.phone == "+393451234567"
    assert event.contact_id is not None and event.lead_id is not None


async def test_seed_example_records_an_inbound_call(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.phone_url, seed())
    async with db.read_session() as session:
        call = (await session.scalars(select(Activity))).one()
        event = (await session.scalars(select(InboxEvent))).one()
        contact = await session.get(Contact, call.contact_id)
        phones = list(await session.scalars(select(Phone.number)))
    assert call.activity_type == "call.inbound"
    assert (call.from_number, call.to_number) == ("+393451234567", "+39061234567")
    # 01:25:02 in Rome (UTC+1 in March) is 00:25:02 UTC.
    assert call.started_at == datetime(2021, 3, 5, 0, 25, 2, tzinfo=UTC)
    assert call.duration_seconds == 0
    assert call.status == "Abandoned"
    assert (call.agency_id, call.listing_id) == (portal.agency.id, portal.listing.id)
    assert (call.source, call.source_ref) == ("immobiliare.it", "10000001")
    assert call.inbox_event_id == event.id
    assert contact is not None and contact.id == event.contact_id
    assert phones == ["+393451234567"]


async def test_unanswered_call_makes_a_call_back_lead_due_now(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    before = datetime.now(UTC)
    await post_json(client, portal.phone_url, seed())
    async with db.read_session() as session:
        lead = (await session.scalars(select(Lead).where(Lead.campaign_id.is_not(None)))).one()
        call = (await session.scalars(select(Activity))).one()
        numbers = list(await session.scalars(select(LeadPhone.number)))
        default_list = await campaigns.default_list(session, portal.callbacks)
    assert lead.campaign_id == portal.callbacks.id and lead.list_id == default_list.id
    assert lead.status_code == 2 and lead.completed_at is None
    assert lead.priority > 0  # ahead of new leads (priority 0)
    assert lead.next_attempt_at is not None and before <= lead.next_attempt_at
    assert lead.contact_id == call.contact_id and call.lead_id == lead.id
    assert numbers == ["+393451234567"]
    assert lead.data["listing"] == {
        "id": portal.listing.id,
        "external_id": "ES-RIF-001",
        "portal_id": 87654321,
        "title": "",
    }
    push = lead.data["portal"]
    assert isinstance(push, dict)
    assert push["partner_id"] == "10000001" and push["kind"] == "phone"


async def test_a_retry_answers_success_and_changes_nothing(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.phone_url, seed())
    first = await counts(db)
    again = await post_json(client, portal.phone_url, seed())
    assert (again.status_code, again.json()) == (200, SUCCESS)
    assert await counts(db) == first == {"accepted": 1, "refused": 0, "activities": 1, "leads": 1}


async def test_two_portals_of_the_group_may_reuse_a_call_id(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.phone_url, seed())
    other_portal = await post_json(
        client, portal.phone_url, seed(src="indomio.es", callFrom="+393451234568")
    )
    assert (other_portal.status_code, other_portal.json()) == (200, SUCCESS)
    assert (await counts(db))["accepted"] == 2
    assert (await counts(db))["activities"] == 2


async def test_outcomes_map_to_call_statuses(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    outcomes = {"ANSWER": "Answered", "ABORTED": "Abandoned", "LOST_CALL": "No Answer"}
    outcomes["BUSY"] = "Busy"
    for number, outcome in enumerate(outcomes, start=1):
        response = await post_json(
            client, portal.phone_url, seed(outcome=outcome, phoneCallId=number)
        )
        assert response.status_code == 200
    async with db.read_session() as session:
        statuses = {
            call.source_ref: call.status for call in await session.scalars(select(Activity))
        }
    assert statuses == {str(n): status for n, status in enumerate(outcomes.values(), start=1)}


async def test_answered_call_makes_no_call_back(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    response = await post_json(client, portal.phone_url, seed(outcome="ANSWER", duration=95))
    assert response.json() == SUCCESS
    assert await count(db, Lead, Lead.campaign_id == portal.callbacks.id) == 0
    async with db.read_session() as session:
        call = (await session.scalars(select(Activity))).one()
    assert call.duration_seconds == 95 and call.answered_at == call.started_at


async def test_answered_call_completes_the_open_call_back(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.phone_url, seed(outcome="LOST_CALL", phoneCallId=1))
    await post_json(client, portal.phone_url, seed(outcome="ANSWER", phoneCallId=2))
    async with db.read_session() as session:
        lead = await session.scalars(select(Lead).where(Lead.campaign_id == portal.callbacks.id))
        only = lead.one()
        answered = await session.scalar(select(Activity).where(Activity.source_ref == "2"))
    assert only.status_code == 6 and only.completed_at is not None
    assert answered is not None and answered.lead_id == only.id


async def test_second_missed_call_joins_the_open_call_back(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.phone_url, seed(phoneCallId=1))
    await post_json(client, portal.phone_url, seed(phoneCallId=2, outcome="BUSY"))
    async with db.read_session() as session:
        lead = await session.scalars(select(Lead).where(Lead.campaign_id == portal.callbacks.id))
        only = lead.one()
        calls = list(await session.scalars(select(Activity).order_by(Activity.id)))
    assert [call.lead_id for call in calls] == [only.id, only.id]
    assert await count(db, InboxEvent, InboxEvent.accepted.is_(True)) == 2


async def test_agency_campaign_wins_over_the_hook_campaign(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    async with db.transaction() as session:
        account = portal.world.account
        own = await campaigns.create_campaign(session, account=account, name="Agency own")
        agency = await directory.get_agency(session, account.id, portal.agency.id)
        await directory.update_agency(session, agency, callback_campaign_id=own.id)
    await post_json(client, portal.phone_url, seed())
    async with db.read_session() as session:
        lead = (await session.scalars(select(Lead).where(Lead.status_code == 2))).one()
    assert lead.campaign_id == own.id


async def test_no_call_back_campaign_records_the_call_only(
    client: httpx.AsyncClient, db: Database, keyring: Keyring
) -> None:
    world = await make_portal_world(db, keyring, callback_campaign_id=None)
    response = await post_json(client, world.phone_url, seed())
    assert response.json() == SUCCESS
    assert await counts(db) == {"accepted": 1, "refused": 0, "activities": 1, "leads": 0}


async def test_iso_date_with_an_offset_is_accepted(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.phone_url, seed(date="2021-03-05T01:25:02+03:00"))
    async with db.read_session() as session:
        call = (await session.scalars(select(Activity))).one()
    assert call.started_at == datetime(2021, 3, 4, 22, 25, 2, tzinfo=UTC)


async def test_date_is_read_in_the_hook_timezone(
    client: httpx.AsyncClient, db: Database, keyring: Keyring
) -> None:
    world = await make_portal_world(db, keyring, timezone="Europe/Athens")
    await post_json(client, world.phone_url, seed(date="2021-07-01 12:00:00"))
    async with db.read_session() as session:
        call = (await session.scalars(select(Activity))).one()
    assert call.started_at == datetime(2021, 7, 1, 9, 0, tzinfo=UTC)


async def test_agency_and_listing_are_found_by_portal_ids(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    body = seed()
    del body["agencyExternalId"], body["listingExternalId"]
    response = await post_json(client, portal.phone_url, body)
    assert response.json() == SUCCESS
    async with db.read_session() as session:
        call = (await session.scalars(select(Activity))).one()
    assert (call.agency_id, call.listing_id) == (portal.agency.id, portal.listing.id)


async def test_unknown_external_id_falls_back_to_the_portal_agency_id(
    client: httpx.AsyncClient, portal: PortalWorld
) -> None:
    response = await post_json(client, portal.phone_url, seed(agencyExternalId="elsewhere"))
    assert response.json() == SUCCESS


async def test_fifty_concurrent_copies_leave_one_call_and_one_call_back(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    responses = await asyncio.gather(
        *(post_json(client, portal.phone_url, seed()) for _ in range(50))
    )
    assert [(r.status_code, r.json()) for r in responses] == [(200, SUCCESS)] * 50
    assert await counts(db) == {"accepted": 1, "refused": 0, "activities": 1, "leads": 1}
    assert await count(db, Contact) == 1


async def test_concurrent_different_calls_from_one_person_share_one_call_back(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    responses = await asyncio.gather(
        *(post_json(client, portal.phone_url, seed(phoneCallId=n)) for n in range(1, 21))
    )
    assert {r.status_code for r in responses} == {200}
    assert await counts(db) == {"accepted": 20, "refused": 0, "activities": 20, "leads": 1}
    assert await count(db, Contact) == 1
