from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from leadline.core.contacts import service as contacts
from leadline.db.engine import Database
from leadline.db.models import Contact
from tests.factories import make_world


async def test_find_or_create_reuses_the_contact_and_fills_blanks(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        first, created = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number="+393451234567"
        )
    async with db.transaction() as session:
        again, created_again = await contacts.find_or_create_contact(
            session,
            account_id=world.account.id,
            number="+393451234567",
            name="Doctor Who",
            email="Who@Tardis.net",
        )
        emails = await contacts.emails_of(session, again.id)
    assert created and not created_again
    assert again.id == first.id
    assert again.name == "Doctor Who"
    assert emails == ["Who@Tardis.net"]


async def test_concurrent_first_calls_make_one_contact(db: Database) -> None:
    world = await make_world(db)

    async def find() -> int:
        async with db.transaction() as session:
            contact, _ = await contacts.find_or_create_contact(
                session, account_id=world.account.id, number="+447840258823"
            )
            return contact.id

    ids = await asyncio.gather(*(find() for _ in range(15)))
    assert len(set(ids)) == 1
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Contact)) == 1


async def test_accounts_do_not_share_contacts(db: Database) -> None:
    one = await make_world(db)
    two = await make_world(db, name="Other")
    async with db.transaction() as session:
        a, _ = await contacts.find_or_create_contact(
            session, account_id=one.account.id, number="+447840258823"
        )
        b, created = await contacts.find_or_create_contact(
            session, account_id=two.account.id, number="+447840258823"
        )
    assert created and a.id != b.id


async def test_change_details_renames_and_replaces_the_first_email(db: Database) -> None:
    from leadline.core.errors import ValidationFailed

    world = await make_world(db, name="Details")
    async with db.transaction() as session:
        contact, _ = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number="+447840258801", email="a@example.com"
        )
        await contacts.change_details(session, contact, name=" Anna ", email="B@example.com")
        assert contact.name == "Anna"
        assert await contacts.emails_of(session, contact.id) == ["B@example.com"]
        with pytest.raises(ValidationFailed):
            await contacts.change_details(session, contact, name="Anna", email="not an email")


async def test_lean_find_or_create_writes_what_the_orm_path_writes(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        made, created = await contacts.find_or_create_contact_ref(
            session,
            account_id=world.account.id,
            number="+447840258823",
            first_name="Rose",
            last_name="Tyler",
            email=" Rose@Example.org ",
            source="dialler-api",
        )
    async with db.read_session() as session:
        contact = await contacts.get_contact(session, world.account.id, made.id)
        phones = await contacts.phones_of(session, made.id)
        emails = await contacts.emails_of(session, made.id)
    assert created
    assert (contact.name, contact.first_name, contact.last_name, contact.source) == (
        "Rose Tyler",
        "Rose",
        "Tyler",
        "dialler-api",
    )
    assert contact.created_at is not None and contact.updated_at is not None
    assert [(p.number, p.tail, p.verified) for p in phones] == [
        ("+447840258823", "840258823", True)
    ]
    assert emails == ["Rose@Example.org"]


async def test_lean_find_or_create_reuses_the_contact_and_fills_blanks(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        first, _ = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number="+393451234567"
        )
    async with db.transaction() as session:
        again, created = await contacts.find_or_create_contact_ref(
            session,
            account_id=world.account.id,
            number="+393451234567",
            name="Doctor Who",
            last_name="Who",
            email="Who@Tardis.net",
        )
    async with db.read_session() as session:
        contact = await contacts.get_contact(session, world.account.id, first.id)
        emails = await contacts.emails_of(session, first.id)
    assert not created and again.id == first.id
    assert (contact.name, contact.first_name, contact.last_name) == ("Doctor Who", None, "Who")
    assert emails == ["Who@Tardis.net"]


async def test_lean_concurrent_first_calls_make_one_contact(db: Database) -> None:
    world = await make_world(db)

    async def find() -> int:
        async with db.transaction() as session:
            contact, _ = await contacts.find_or_create_contact_ref(
                session, account_id=world.account.id, number="+447840258823"
            )
            return contact.id

    ids = await asyncio.gather(*(find() for _ in range(15)))
    assert len(set(ids)) == 1
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Contact)) == 1
