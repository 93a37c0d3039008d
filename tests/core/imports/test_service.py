"""Bulk lead import: accepted at once, processed by batches, every row accounted for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from leadline.core.contacts.service import find_or_create_contact
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.imports import service as imports
from leadline.core.leads.service import create_lead
from leadline.db.engine import Database
from leadline.db.models import (
    BulkImportBatch,
    BulkImportRow,
    Contact,
    Lead,
    LeadPhone,
    Phone,
)
from tests.core.imports.conftest import accept, status
from tests.factories import make_world


async def test_good_and_bad_rows_become_leads_and_row_errors(db: Database) -> None:
    world = await make_world(db)
    other = await make_world(db, name="Other")
    list_id = world.lead_list.id
    async with db.transaction() as session:
        known, _ = await find_or_create_contact(
            session, account_id=world.account.id, number="+447911123001"
        )
        existing = await create_lead(
            session, lead_list=world.lead_list, contact=known, phones=["+447911123001"]
        )
    rows: list[dict[str, object]] = [
        # 0: national format, account region GB; every optional field set
        {
            "listId": list_id,
            "customerKey": "K-0",
            "phone1": "07911 123100",
            "phone2": "+447911123101",
            "timezone": "Europe/Dublin",
            "nextAttemptTimestamp": "2030-01-02T10:00:00",
            "leadData": {"source": "fair"},
            "statusCode": 2,
            "agentId": world.agent.id,
        },
        {"listId": list_id, "phone1": "+447911123200"},  # 1: minimal
        {"phone1": "+447911123300"},  # 2: no list
        {"listId": other.lead_list.id, "phone1": "+447911123301"},  # 3: another account's list
        {"listId": list_id, "phone1": "not a phone"},  # 4
        {"listId": list_id},  # 5: no phone at all
        {"listId": list_id, "phone1": "+447911123302", "phone3": "12"},  # 6
        {"listId": list_id, "phone1": "+447911123303", "timezone": "Mars/Base"},  # 7
        {"listId": list_id, "phone1": "+447911123304", "nextAttemptTimestamp": "soon"},  # 8
        {"listId": list_id, "phone1": "+447911123305", "leadData": {"x": "y" * 17_000}},  # 9
        {"listId": list_id, "phone1": "+447911123306", "leadData": [1]},  # 10
        {"listId": list_id, "phone1": "+447911123307", "statusCode": 99},  # 11
        {"listId": list_id, "phone1": "+447911123308", "agentId": world.admin.id},  # 12
        {"listId": list_id, "phone1": "+447911123309", "colour": "red"},  # 13
        {"listId": list_id, "customerKey": "K-0", "phone1": "+447911123310"},  # 14: key again
        {"listId": list_id, "phone1": "+447911123200"},  # 15: same person as row 1
        {"listId": list_id, "phone1": "+447911123001"},  # 16: person with an open lead
    ]
    uuid = await accept(db, world.account.id, rows)
    assert (await status(db, world.account.id, uuid)).status == "pending"

    assert await imports.process_pending(db, "worker-a") == 1

    result = await status(db, world.account.id, uuid)
    assert (result.status, result.total, result.processed) == ("completed", 17, 17)
    assert (result.created, result.failed) == (2, 15)
    async with db.read_session() as session:
        page = await imports.error_page(session, world.account.id, uuid, 1, 100)
        leads = list(
            await session.scalars(
                select(Lead).where(Lead.account_id == world.account.id).order_by(Lead.id)
            )
        )
        first = leads[1]
        first_phones = list(
            await session.scalars(
                select(LeadPhone.number)
                .where(LeadPhone.lead_id == first.id)
                .order_by(LeadPhone.phone_index)
            )
        )
        second_owner = await session.scalar(
            select(Phone.contact_id).where(Phone.number == "+447911123200")
        )
    lead_of_row_1 = leads[2]
    assert page.errors == {
        "2": {"listId": "required"},
        "3": {"listId": f"unknown list {other.lead_list.id}"},
        "4": {"phone1": page.errors["4"]["phone1"]},
        "5": {"phone1": "at least one phone is required"},
        "6": {"phone3": "not a valid phone number"},
        "7": {"timezone": "unknown time zone 'Mars/Base'"},
        "8": {"nextAttemptTimestamp": "not an ISO 8601 timestamp"},
        "9": {"leadData": "larger than 16 KiB"},
        "10": {"leadData": "must be an object"},
        "11": {"statusCode": "unknown status code 99"},
        "12": {"agentId": f"unknown agent {world.admin.id}"},
        "13": {"colour": "unknown field"},
        "14": {"customerKey": "customer key 'K-0' already exists in this list"},
        "15": {"phone1": f"open lead {lead_of_row_1.id}"},
        "16": {"phone1": f"open lead {existing.id}"},
    }
    assert page.errors["4"]["phone1"]
    assert (page.total_pages, page.next_page_no) == (1, None)
    assert [lead.id for lead in leads] == [existing.id, first.id, lead_of_row_1.id]
    assert first_phones == ["+447911123100", "+447911123101"]
    assert first.customer_key == "K-0"
    assert first.timezone == "Europe/Dublin"
    assert first.status_code == 2
    assert first.assigned_agent_id == world.agent.id
    assert first.data == {"source": "fair"}
    # No offset: the account's zone (Europe/London, GMT in January).
    assert first.next_attempt_at == datetime(2030, 1, 2, 10, 0, tzinfo=UTC)
    assert lead_of_row_1.contact_id == second_owner


async def test_the_person_is_the_existing_contact_with_phone1(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        known, _ = await find_or_create_contact(
            session, account_id=world.account.id, number="+447911123001"
        )
    uuid = await accept(
        db, world.account.id, [{"listId": world.lead_list.id, "phone1": "07911123001"}]
    )
    await imports.process_pending(db, "w")
    assert (await status(db, world.account.id, uuid)).created == 1
    async with db.read_session() as session:
        lead = await session.scalar(select(Lead))
        contacts = await session.scalar(select(func.count()).select_from(Contact))
    assert lead is not None and lead.contact_id == known.id
    assert contacts == 1


async def test_errors_are_paged(db: Database) -> None:
    world = await make_world(db)
    uuid = await accept(db, world.account.id, [{"listId": world.lead_list.id}] * 7)
    await imports.process_pending(db, "w")
    async with db.read_session() as session:
        first = await imports.error_page(session, world.account.id, uuid, 1, 3)
        last = await imports.error_page(session, world.account.id, uuid, 3, 3)
    assert (list(first.errors), first.total_pages, first.next_page_no) == (["0", "1", "2"], 3, 2)
    assert (list(last.errors), last.next_page_no) == (["6"], None)


async def test_another_accounts_import_is_not_found(db: Database) -> None:
    world = await make_world(db)
    other = await make_world(db, name="Other")
    uuid = await accept(db, world.account.id, [{"listId": world.lead_list.id}])
    async with db.read_session() as session:
        with pytest.raises(NotFound):
            await imports.import_status(session, other.account.id, uuid)
        with pytest.raises(NotFound):
            await imports.error_page(session, other.account.id, uuid)


@pytest.mark.parametrize(
    "rows", [{"listId": 1}, [], [1, 2], [{"listId": 1}] * (imports.MAX_BULK_ROWS + 1)]
)
async def test_the_envelope_is_checked_when_accepting(db: Database, rows: object) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await imports.create_import(session, world.account.id, rows)
    assert "leads" in caught.value.errors


async def test_a_large_request_is_staged_in_batches(db: Database) -> None:
    world = await make_world(db)
    rows = [{"listId": world.lead_list.id, "phone1": "x"}] * imports.MAX_BULK_ROWS
    uuid = await accept(db, world.account.id, rows)
    async with db.read_session() as session:
        staged = await session.scalar(select(func.count()).select_from(BulkImportRow))
        batches = await session.scalar(select(func.count()).select_from(BulkImportBatch))
    assert staged == imports.MAX_BULK_ROWS
    assert batches == imports.MAX_BULK_ROWS // imports.BATCH_SIZE
    assert (await status(db, world.account.id, uuid)).total == imports.MAX_BULK_ROWS
