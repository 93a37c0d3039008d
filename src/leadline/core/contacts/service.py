"""Contacts and companies, found by their phones and e-mails."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    Insert,
    Select,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.errors import ValidationFailed
from leadline.core.ownership import get_owned
from leadline.core.phones import tail
from leadline.db.bulk import insert_rows
from leadline.db.ids import reserve_ids
from leadline.db.locks import lock_key, lock_keys
from leadline.db.models import Company, Contact, ContactEmail, Phone

#: Values per ``IN (...)`` list: far below every driver's limit on bound parameters.
_IN_CHUNK = 1000
# The tables themselves: bulk writes go through Core, not the ORM's unit of work.
_CONTACTS = cast(Table, Contact.__table__)
_PHONES = cast(Table, Phone.__table__)
_EMAILS = cast(Table, ContactEmail.__table__)


@dataclass(frozen=True)
class ContactRef:
    """A contact known by its id, without loading it as an ORM object."""

    id: int
    account_id: int


async def contacts_with_number(
    session: AsyncSession, account_id: int, number: str
) -> list[Contact]:
    """Contacts having exactly this (E.164) number, oldest first."""
    return list(
        await session.scalars(
            select(Contact)
            .join(Phone, Phone.contact_id == Contact.id)
            .where(Phone.account_id == account_id, Phone.number == number)
            .order_by(Contact.id)
        )
    )


def number_lock(account_id: int, number: str) -> tuple[object, ...]:
    """The lock key that serialises creating contacts for one number of an account."""
    return ("contact-phone", account_id, number)


async def find_or_create_contact(
    session: AsyncSession,
    *,
    account_id: int,
    number: str,
    name: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    source: str | None = None,
    created_by_user_id: int | None = None,
    verified: bool = True,
    locked: bool = False,
) -> tuple[Contact, bool]:
    """The oldest contact with this E.164 number, or a new one; fills a blank name and
    adds the e-mail when given. Concurrent calls for one number find one contact: each
    holds the number's lock (:func:`number_lock`), taken here unless ``locked`` says an
    earlier statement of this transaction took it already."""
    if not locked:
        await lock_key(session, *number_lock(account_id, number))
    existing = await contacts_with_number(session, account_id, number)
    if existing:
        contact = existing[0]
        if name and not contact.name:
            contact.name = name
        if first_name and not contact.first_name:
            contact.first_name = first_name
        if last_name and not contact.last_name:
            contact.last_name = last_name
        if email:
            await add_email(session, contact, email)
        return contact, False
    contact = await create_contact(
        session,
        account_id=account_id,
        number=number,
        name=name,
        first_name=first_name,
        last_name=last_name,
        email=email,
        source=source,
        created_by_user_id=created_by_user_id,
        verified=verified,
    )
    return contact, True


@functools.cache
def _oldest_with_number() -> Select[Any]:
    """The oldest contact with ``:number``, as plain columns. Built once."""
    return (
        select(_CONTACTS.c.id, _CONTACTS.c.name, _CONTACTS.c.first_name, _CONTACTS.c.last_name)
        .join(_PHONES, _PHONES.c.contact_id == _CONTACTS.c.id)
        .where(
            _PHONES.c.account_id == bindparam("account_id"),
            _PHONES.c.number == bindparam("number"),
        )
        .order_by(_CONTACTS.c.id)
        .limit(1)
    )


@functools.cache
def _insert_contact() -> Insert:
    return insert(_CONTACTS).returning(_CONTACTS.c.id)


async def find_or_create_contact_ref(
    session: AsyncSession,
    *,
    account_id: int,
    number: str,
    name: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    source: str | None = None,
    locked: bool = False,
) -> tuple[ContactRef, bool]:
    """:func:`find_or_create_contact` with Core statements (no ORM objects, no unit of
    work): the same rows, lock and rules, for the lead submission path, where the ORM's
    per-statement cost was most of the request. Columns the caller does not give keep
    the model's defaults (the timestamps, ``verified``)."""
    if not locked:
        await lock_key(session, *number_lock(account_id, number))
    found = (
        await session.execute(_oldest_with_number(), {"account_id": account_id, "number": number})
    ).first()
    if found is not None:
        contact = ContactRef(found.id, account_id)
        blanks = {
            column: value
            for column, value, current in (
                ("name", name, found.name),
                ("first_name", first_name, found.first_name),
                ("last_name", last_name, found.last_name),
            )
            if value and not current
        }
        if blanks:  # updated_at follows through the column's onupdate, as with the ORM
            await session.execute(
                update(_CONTACTS).where(_CONTACTS.c.id == contact.id).values(blanks)
            )
        if email:
            await add_email(session, contact, email)
        return contact, False
    contact_id = await session.scalar(
        _insert_contact(),
        {
            "account_id": account_id,
            "name": name or " ".join(part for part in (first_name, last_name) if part) or "",
            "first_name": first_name,
            "last_name": last_name,
            "source": source,
        },
    )
    assert contact_id is not None
    contact = ContactRef(int(contact_id), account_id)
    # A contact made just now has no phone or e-mail yet: add them without looking first.
    await session.execute(
        insert(_PHONES),
        {
            "account_id": account_id,
            "contact_id": contact.id,
            "number": number,
            "tail": tail(number),
            "verified": True,
        },
    )
    address = (email or "").strip()
    if address:
        await session.execute(
            insert(_EMAILS),
            {
                "account_id": account_id,
                "contact_id": contact.id,
                "address": address,
                "address_lower": address.lower(),
            },
        )
    return contact, True


async def create_contact(
    session: AsyncSession,
    *,
    account_id: int,
    number: str,
    name: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    source: str | None = None,
    created_by_user_id: int | None = None,
    verified: bool = True,
) -> Contact:
    """A new contact with this phone, even when another contact already has it (the
    softphone creates a record on the agent's request). ``verified=False`` keeps a
    caller id libphonenumber rejects, as bare digits."""
    contact = Contact(
        account_id=account_id,
        name=name or " ".join(part for part in (first_name, last_name) if part) or "",
        first_name=first_name,
        last_name=last_name,
        source=source,
        created_by_user_id=created_by_user_id,
    )
    session.add(contact)
    await session.flush()
    # A contact made just now has no phone or e-mail yet: add them without looking first.
    session.add(
        Phone(
            account_id=account_id,
            contact_id=contact.id,
            number=number,
            tail=tail(number),
            verified=verified,
        )
    )
    address = (email or "").strip()
    if address:
        session.add(
            ContactEmail(
                account_id=account_id,
                contact_id=contact.id,
                address=address,
                address_lower=address.lower(),
            )
        )
    await session.flush()
    return contact


async def create_company(
    session: AsyncSession,
    *,
    account_id: int,
    name: str,
    number: str | None = None,
    verified: bool = True,
    source: str | None = None,
    created_by_user_id: int | None = None,
) -> Company:
    company = Company(
        account_id=account_id, name=name, source=source, created_by_user_id=created_by_user_id
    )
    session.add(company)
    await session.flush()
    if number is not None:
        await add_company_phone(session, company, number, verified=verified)
    return company


async def add_phone(
    session: AsyncSession,
    contact: Contact,
    number: str,
    *,
    verified: bool = True,
    label: str | None = None,
) -> Phone:
    phone = await session.scalar(
        select(Phone).where(Phone.contact_id == contact.id, Phone.number == number)
    )
    if phone is not None:
        return phone
    phone = Phone(
        account_id=contact.account_id,
        contact_id=contact.id,
        number=number,
        tail=tail(number),
        verified=verified,
        label=label,
    )
    session.add(phone)
    await session.flush()
    return phone


async def add_company_phone(
    session: AsyncSession, company: Company, number: str, *, verified: bool = True
) -> Phone:
    phone = Phone(
        account_id=company.account_id,
        company_id=company.id,
        number=number,
        tail=tail(number),
        verified=verified,
    )
    session.add(phone)
    await session.flush()
    return phone


async def add_email(session: AsyncSession, contact: Contact | ContactRef, address: str) -> None:
    address = address.strip()
    if not address:
        return
    lowered = address.lower()
    exists = await session.scalar(
        select(ContactEmail.id).where(
            ContactEmail.contact_id == contact.id, ContactEmail.address_lower == lowered
        )
    )
    if exists is None:
        try:
            async with session.begin_nested():
                session.add(
                    ContactEmail(
                        account_id=contact.account_id,
                        contact_id=contact.id,
                        address=address,
                        address_lower=lowered,
                    )
                )
        except IntegrityError:
            pass  # added meanwhile by a concurrent request: the outcome is the same


async def change_details(
    session: AsyncSession, contact: Contact, *, name: str, email: str | None
) -> None:
    """A person's name and main e-mail as someone corrected them: the name replaces the
    old one; a new e-mail becomes the first (older ones stay, the CRM may know them)."""
    name, email = name.strip(), (email or "").strip()
    if len(name) > 200:
        raise ValidationFailed.single("name", "at most 200 characters")
    if email and (len(email) > 254 or email.count("@") != 1 or any(c.isspace() for c in email)):
        raise ValidationFailed.single("email", "not an e-mail address")
    contact.name = name
    if email:
        lowered = email.strip().lower()
        first = await session.scalar(
            select(ContactEmail)
            .where(ContactEmail.contact_id == contact.id)
            .order_by(ContactEmail.id)
            .limit(1)
        )
        if first is None:
            await add_email(session, contact, email)
        elif first.address_lower != lowered:
            other = await session.scalar(
                select(ContactEmail).where(
                    ContactEmail.contact_id == contact.id, ContactEmail.address_lower == lowered
                )
            )
            if other is not None:
                await session.delete(other)
                await session.flush()
            first.address = email.strip()
            first.address_lower = lowered
    await session.flush()


async def get_contact(session: AsyncSession, account_id: int, contact_id: int) -> Contact:
    return await get_owned(session, Contact, account_id, contact_id, "contact")


async def get_company(session: AsyncSession, account_id: int, company_id: int) -> Company:
    return await get_owned(session, Company, account_id, company_id, "company")


async def phones_of(session: AsyncSession, contact_id: int) -> list[Phone]:
    return list(
        await session.scalars(
            select(Phone).where(Phone.contact_id == contact_id).order_by(Phone.id)
        )
    )


async def names_of(session: AsyncSession, contact_ids: list[int]) -> dict[int, str]:
    if not contact_ids:
        return {}
    rows = await session.execute(
        select(Contact.id, Contact.name).where(Contact.id.in_(sorted(set(contact_ids))))
    )
    return {row.id: row.name for row in rows}


async def emails_of(session: AsyncSession, contact_id: int) -> list[str]:
    return list(
        await session.scalars(
            select(ContactEmail.address)
            .where(ContactEmail.contact_id == contact_id)
            .order_by(ContactEmail.id)
        )
    )


async def touch_activity(session: AsyncSession, contact: Contact) -> None:
    contact.last_activity_at = clock.now()
    await session.flush()


async def _owners(session: AsyncSession, account_id: int, numbers: list[str]) -> dict[str, int]:
    """The oldest contact with each of ``numbers`` that has one."""
    found: dict[str, int] = {}
    if session.get_bind().dialect.name == "postgresql":
        # Driven from the numbers, one probe of ix_phones_number each: however many phones
        # the account has, and even before the planner has statistics of a table a bulk
        # import is filling fast (with none it scans the account's phones instead).
        wanted = (
            func.unnest(sql_cast(numbers, ARRAY(String))).table_valued("number").render_derived()
        )
        owner = (
            select(func.min(Phone.contact_id))
            .where(
                Phone.account_id == account_id,
                Phone.number == wanted.c.number,
                Phone.contact_id.is_not(None),
            )
            .scalar_subquery()
        )
        rows = await session.execute(select(wanted.c.number, owner))
        return {number: int(contact) for number, contact in rows.all() if contact is not None}
    for start in range(0, len(numbers), _IN_CHUNK):
        chunk = numbers[start : start + _IN_CHUNK]
        rows = await session.execute(
            select(Phone.number, func.min(Phone.contact_id))
            .where(
                Phone.account_id == account_id,
                Phone.number.in_(chunk),
                Phone.contact_id.is_not(None),
            )
            .group_by(Phone.number)
        )
        found.update({number: int(owner) for number, owner in rows.all() if owner is not None})
    return found


async def find_or_create_contacts(
    session: AsyncSession, *, account_id: int, numbers: Iterable[str], source: str | None = None
) -> dict[str, int]:
    """:func:`find_or_create_contact` for many E.164 numbers at once, in a few statements:
    the id of the oldest contact with each number, new contacts for the numbers nobody has.

    Takes the same per-number locks as :func:`find_or_create_contact` (all of them, in one
    statement, in a fixed order), so it and single creates never make two contacts for one
    number.
    """
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    await lock_keys(session, (number_lock(account_id, number) for number in wanted))
    found = await _owners(session, account_id, wanted)
    missing = [number for number in wanted if number not in found]
    if missing:
        now = clock.now()
        new_ids = await reserve_ids(session, _CONTACTS, len(missing))
        await insert_rows(
            session,
            _CONTACTS,
            [
                {
                    "id": contact_id,
                    "account_id": account_id,
                    "name": "",
                    "source": source,
                    "created_at": now,
                    "updated_at": now,
                }
                for contact_id in new_ids
            ],
        )
        found.update(zip(missing, new_ids, strict=True))
        await insert_rows(
            session,
            _PHONES,
            [
                {
                    "account_id": account_id,
                    "contact_id": found[number],
                    "number": number,
                    "tail": tail(number),
                    "verified": True,
                }
                for number in missing
            ],
        )
    return found
