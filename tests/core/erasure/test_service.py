"""GDPR erasure: after it, nothing in the store names the person; nobody else is touched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from leadline.core.activities import service as activities
from leadline.core.compliance import dnc
from leadline.core.contacts.service import add_company_phone, find_or_create_contact
from leadline.core.erasure.service import erase_customer, request_fingerprint
from leadline.core.errors import ValidationFailed
from leadline.core.leads.service import create_lead
from leadline.db.base import Base
from leadline.db.engine import Database
from leadline.db.models import (
    Activity,
    AuditLog,
    CallCost,
    Company,
    Contact,
    DialAttempt,
    InboxEvent,
    Lead,
    Media,
)
from tests.factories import World, make_world

NUMBER = "+447911123456"
NATIONAL_DIGITS = "7911123456"
EMAIL = "Jane.Doe@Example.com"


@dataclass
class Person:
    contact_id: int
    lead_id: int
    activity_id: int
    media_key: str


async def make_person(db: Database, world: World, number: str, email: str) -> Person:
    """A person with everything that can carry their phone or e-mail."""
    async with db.transaction() as session:
        account_id = world.account.id
        contact, _ = await find_or_create_contact(
            session, account_id=account_id, number=number, name="Jane Doe", email=email
        )
        lead = await create_lead(
            session,
            lead_list=world.lead_list,
            contact=contact,
            phones=[number],
            data={"note": f"call {number} or mail {email}"},
        )
        activity = await activities.record(
            session,
            account_id=account_id,
            activity_type=activities.CALL_INBOUND,
            from_number=number,
            to_number="+442079460000",
            contact_id=contact.id,
            lead_id=lead.id,
            subject=f"Call from {number}",
            description=f"Jane ({email}) asked for a call back",
            data={"source": number},
            duration_seconds=42,
        )
        media = Media(
            account_id=account_id, activity_id=activity.id, storage_key=f"rec/{activity.id}.wav"
        )
        session.add(media)
        session.add(
            CallCost(
                account_id=account_id,
                activity_id=activity.id,
                lead_id=lead.id,
                cost=Decimal("0.1200"),
                date_billed=datetime(2026, 1, 1, tzinfo=UTC),
                call_date=datetime(2026, 1, 1, tzinfo=UTC),
                call_from=number,
                call_to="+442079460000",
                notes=f"cid {number}",
            )
        )
        session.add(
            DialAttempt(
                account_id=account_id,
                lead_id=lead.id,
                phone_index=1,
                phone_number=number,
                notes=f"rang {number}",
            )
        )
        session.add(
            InboxEvent(
                account_id=account_id,
                source="portal",
                kind="lead",
                payload=f'{{"phone": "{number}", "email": "{email}"}}',
                status="processed",
                phone=number,
                email_lower=email.lower(),
            )
        )
        await session.flush()
        return Person(contact.id, lead.id, activity.id, str(media.storage_key))


async def traces(db: Database, account_id: int, *needles: str) -> list[str]:
    """Every table.column of the account's rows whose text holds one of the needles."""
    found = []
    async with db.read_session() as session:
        for table in Base.metadata.sorted_tables:
            if "account_id" not in table.c:
                continue
            rows = await session.execute(select(table).where(table.c.account_id == account_id))
            for row in rows.mappings():
                for column, value in row.items():
                    if value is not None and any(
                        needle.lower() in str(value).lower() for needle in needles
                    ):
                        found.append(f"{table.name}.{column}")
    return found


async def test_erasing_by_phone_leaves_no_trace_and_touches_nobody_else(db: Database) -> None:
    world = await make_world(db)
    other = await make_world(db, name="Other")
    target = await make_person(db, world, NUMBER, EMAIL)
    bystander = await make_person(db, world, "+447911123457", "other@example.com")
    elsewhere = await make_person(db, other, NUMBER, EMAIL)
    async with db.transaction() as session:
        company = Company(account_id=world.account.id, name="Doe Ltd")
        session.add(company)
        await session.flush()
        await add_company_phone(session, company, NUMBER)
    before_elsewhere = await traces(db, other.account.id, NUMBER, EMAIL)
    deleted_files: list[str] = []

    async with db.transaction() as session:
        result = await erase_customer(
            session, world.account.id, phone="07911 123456", delete_file=deleted_files.append
        )

    assert (result.contacts_erased, result.leads_deleted) == (1, 1)
    assert (result.activities_erased, result.recordings_deleted) == (1, 1)
    assert deleted_files == result.storage_keys == [target.media_key]
    assert await traces(db, world.account.id, NUMBER, NATIONAL_DIGITS, EMAIL) == []
    async with db.read_session() as session:
        kept = await session.get(Activity, target.activity_id)
        media = await session.scalar(select(Media).where(Media.activity_id == target.activity_id))
        cost = await session.scalar(select(CallCost).where(CallCost.activity_id == kept.id))
        audit = await session.scalar(select(AuditLog).where(AuditLog.action == "customer.erased"))
        assert await session.get(Contact, target.contact_id) is None
        assert await session.get(Lead, target.lead_id) is None
        assert not await dnc.is_listed(session, world.account.id, NUMBER)
        # Everyone else as they were.
        assert await session.get(Contact, bystander.contact_id) is not None
        assert await session.get(Lead, bystander.lead_id) is not None
        other_activity = await session.get(Activity, bystander.activity_id)
        assert await session.get(Contact, elsewhere.contact_id) is not None
        assert await session.get(Lead, elsewhere.lead_id) is not None
    # The erased call still counts: type, time and duration stay; what named them goes.
    assert kept is not None and kept.duration_seconds == 42 and kept.contact_id is None
    assert media is not None and media.deleted_at is not None
    assert media.deletion_reason == "erasure"
    assert cost is not None and cost.cost == Decimal("0.1200") and cost.call_from is None
    assert audit is not None and audit.details["sha256"] == request_fingerprint(NUMBER, None)
    assert other_activity is not None and other_activity.subject == "Call from +447911123457"
    assert await traces(db, other.account.id, NUMBER, EMAIL) == before_elsewhere != []


async def test_erasing_by_email_ignores_case_and_can_add_the_number_to_dnc(db: Database) -> None:
    world = await make_world(db)
    target = await make_person(db, world, NUMBER, EMAIL)

    async with db.transaction() as session:
        result = await erase_customer(
            session,
            world.account.id,
            phone=NUMBER,
            email="JANE.DOE@example.COM",
            add_to_dnc=True,
        )

    assert (result.contacts_erased, result.leads_deleted) == (1, 1)
    remaining = await traces(db, world.account.id, NUMBER, EMAIL)
    assert set(remaining) == {"dnc_entries.number"}
    async with db.read_session() as session:
        assert await dnc.is_listed(session, world.account.id, NUMBER)
        assert await session.get(Lead, target.lead_id) is None


async def test_erasing_by_email_alone_finds_the_contact(db: Database) -> None:
    world = await make_world(db)
    target = await make_person(db, world, NUMBER, EMAIL)
    async with db.transaction() as session:
        result = await erase_customer(session, world.account.id, email="jane.doe@example.com")
    assert result.contacts_erased == 1
    assert await traces(db, world.account.id, EMAIL, NUMBER) == []
    async with db.read_session() as session:
        assert await session.get(Contact, target.contact_id) is None


@pytest.mark.parametrize(
    ("phone", "email", "field"),
    [(None, None, "phoneNumber"), ("  ", "", "emailAddress"), ("12", None, "phoneNumber")],
)
async def test_a_request_without_a_usable_parameter_is_refused(
    db: Database, phone: str | None, email: str | None, field: str
) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await erase_customer(session, world.account.id, phone=phone, email=email)
    assert field in caught.value.errors


async def test_nothing_matching_erases_nothing(db: Database) -> None:
    world = await make_world(db)
    await make_person(db, world, "+447911123457", "other@example.com")
    async with db.transaction() as session:
        result = await erase_customer(session, world.account.id, phone=NUMBER, email=EMAIL)
    assert (result.contacts_erased, result.leads_deleted, result.activities_erased) == (0, 0, 0)
    async with db.read_session() as session:
        count = await session.scalar(text("SELECT count(*) FROM leads"))
    assert count == 1
