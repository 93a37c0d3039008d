"""``POST /portal/{token}/contact``: the spec's e-mail/form lead example and its kin."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from leadline.core.contacts import service as contacts
from leadline.db.engine import Database
from leadline.db.models import Activity, Contact, InboxEvent, Lead
from tests.adapters.portal.conftest import (
    SUCCESS,
    PortalWorld,
    counts,
    example,
    fixture,
    post_json,
)


async def test_spec_example_answers_success(client: httpx.AsyncClient, portal: PortalWorld) -> None:
    response = await post_json(client, portal.contact_url, example())
    assert (response.status_code, response.json()) == (200, SUCCESS)


async def test_spec_example_records_the_push_keyed_by_lead_uuid(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.contact_url, example())
    async with db.read_session() as session:
        event = (await session.scalars(select(InboxEvent))).one()
    assert (event.kind, event.partner_id) == ("contact", "744c54b7-41cd-5c8c-9b39-1069c6abfc5b")
    assert event.accepted and event.response_body == SUCCESS
    assert (event.phone, event.email_lower) == ("+393441234567", "who@tardis.net")


async def test_spec_example_creates_the_contact_from_the_national_phone(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.contact_url, example())
    async with db.read_session() as session:
        contact = (await session.scalars(select(Contact))).one()
        emails = await contacts.emails_of(session, contact.id)
        phones = [phone.number for phone in await contacts.phones_of(session, contact.id)]
    assert contact.name == "Doctor Who"
    assert emails == ["who@tardis.net"]
    assert phones == ["+393441234567"]


async def test_spec_example_records_a_web_lead_activity(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.contact_url, example())
    async with db.read_session() as session:
        activity = (await session.scalars(select(Activity))).one()
    assert activity.activity_type == "web.lead"
    assert activity.started_at == datetime(2021, 3, 18, 15, 11, 4, tzinfo=UTC)
    assert (activity.agency_id, activity.listing_id) == (portal.agency.id, portal.listing.id)
    assert activity.source == "immobiliare.it"
    assert activity.description and activity.description.startswith("I am interested")
    data = activity.data
    assert data["type"] == "VISIT_REQUEST"
    assert data["message"] == activity.description
    assert data["referrer"] == "https://www.immobiliare.it/annunci/87654321/"
    assert data["remote_ip"] == "0.0.0.0"
    assert data["visit"] == {
        "type": "on-site",
        "at_any_time": False,
        "as_soon_as_possible": False,
        "days": ["2025-02-11", "2025-02-15"],
        "timetables": ["9-12", "15-18"],
    }
    assert "price_proposal" not in data


async def test_every_email_lead_makes_a_call_back(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.contact_url, example())
    async with db.read_session() as session:
        lead = (await session.scalars(select(Lead).where(Lead.status_code == 2))).one()
        activity = (await session.scalars(select(Activity))).one()
    assert lead.campaign_id == portal.callbacks.id and activity.lead_id == lead.id
    assert lead.data["listing"]["external_id"] == "ES-RIF-001"  # type: ignore[index]


async def test_price_proposal_is_kept(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    body = example(
        type="PRICE_PROPOSAL",
        priceProposal=245000,
        visit_type=None,
        atAnyTime=None,
        asSoonAsPossible=None,
        visitDays=None,
        visitTimetables=None,
    )
    assert (await post_json(client, portal.contact_url, body)).json() == SUCCESS
    async with db.read_session() as session:
        activity = (await session.scalars(select(Activity))).one()
    assert activity.data["price_proposal"] == 245000
    assert "visit" not in activity.data


async def test_lead_id_is_the_key_when_there_is_no_uuid(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    body = example()
    del body["leadUUID"]
    assert (await post_json(client, portal.contact_url, body)).json() == SUCCESS
    assert (await post_json(client, portal.contact_url, body)).json() == SUCCESS
    async with db.read_session() as session:
        event = (await session.scalars(select(InboxEvent))).one()
    assert event.partner_id == "98765432"


async def test_a_phone_call_and_an_email_lead_share_one_call_back(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    phone = {**fixture("phone_seed.json"), "callFrom": "+393441234567"}
    await post_json(client, portal.phone_url, phone)
    await post_json(client, portal.contact_url, example())
    assert await counts(db) == {"accepted": 2, "refused": 0, "activities": 2, "leads": 1}


async def test_fifty_concurrent_copies_leave_one_lead(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    responses = await asyncio.gather(
        *(post_json(client, portal.contact_url, example()) for _ in range(50))
    )
    assert [(r.status_code, r.json()) for r in responses] == [(200, SUCCESS)] * 50
    assert await counts(db) == {"accepted": 1, "refused": 0, "activities": 1, "leads": 1}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": "CALLBACK"}, "type"),
        ({"phone": "12"}, "phone"),
        ({"phone": None}, "phone"),
        ({"leadUUID": None, "leadId": None}, "leadUUID or leadId"),
        ({"priceProposal": "cheap"}, "priceProposal"),
        ({"priceProposal": -1}, "priceProposal"),
        ({"visit_type": "virtual"}, "visit_type"),
        ({"atAnyTime": "no"}, "atAnyTime"),
        ({"visitDays": ["2025-02-30"]}, "visitDays"),
        ({"visitDays": "2025-02-11"}, "visitDays"),
        ({"email": 42}, "email"),
        ({"date": "yesterday"}, "date"),
    ],
)
async def test_bad_contact_fields_answer_4500(
    client: httpx.AsyncClient, portal: PortalWorld, changes: dict[str, object], field: str
) -> None:
    response = await post_json(client, portal.contact_url, example(**changes))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 4500 and field in body["message"]


async def test_not_a_number_price_answers_4500(
    client: httpx.AsyncClient, portal: PortalWorld
) -> None:
    text = json.dumps(example()).replace('"priceProposal": null', '"priceProposal": NaN')
    assert "NaN" in text
    response = await client.post(portal.contact_url, content=text)
    assert (response.status_code, response.json()["code"]) == (400, 4500)
