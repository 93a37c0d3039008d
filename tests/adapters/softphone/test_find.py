"""typereq=find: tolerant matching across contacts, leads and companies, escaping, limits."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from leadline.core.activities import service as activities
from leadline.core.contacts import service as contacts
from leadline.core.leads import service as leads
from leadline.db.engine import Database
from tests.adapters.softphone.conftest import rest
from tests.factories import World

# One mobile number written five different ways (and a sixth: '+' sent unencoded).
SAME_NUMBER = [
    "+447911123456",
    "07911 123456",
    "0044 7911 123 456",
    "(07911) 123-456",
    "7911123456",
    " 447911123456",
]


async def _contact(db: Database, world: World, number: str, name: str, **fields: object) -> int:
    async with db.transaction() as session:
        contact = await contacts.create_contact(
            session, account_id=world.account.id, number=number, name=name, **fields
        )
        return contact.id


@pytest.mark.parametrize("written", SAME_NUMBER)
async def test_a_number_is_found_however_it_is_written(
    client: httpx.AsyncClient, db: Database, world: World, written: str
) -> None:
    contact_id = await _contact(db, world, "+447911123456", "Olivia")
    answer = await rest(client, world, typereq="find", phone=written)
    assert answer.total == 1
    assert answer.items == [
        {
            "id": str(contact_id),
            "typecont": "contact",
            "name": "Olivia",
            "company": "",
            "description": "",
        }
    ]


async def test_a_different_tenth_digit_is_not_the_same_number(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    await _contact(db, world, "+447911123456", "Olivia")
    # Same last nine digits (911123456), different tenth: not the same number.
    answer = await rest(client, world, typereq="find", phone="8911123456")
    assert answer.total == 0
    assert answer.items == []


async def test_no_match_answers_total_zero_only(client: httpx.AsyncClient, world: World) -> None:
    answer = await rest(client, world, typereq="find", phone="+393451234567")
    assert [child.tag for child in answer.root] == ["total"]
    assert answer.total == 0


async def test_missing_phone_is_an_error(client: httpx.AsyncClient, world: World) -> None:
    answer = await rest(client, world, typereq="find")
    assert (answer.result, answer.description) == ("error", "Не указан номер телефона")


async def test_names_with_markup_and_cyrillic_are_escaped(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    name = 'Ваня <b>&amp; "Co" </script>'
    await _contact(db, world, "+447911123456", name, email=None)
    answer = await rest(client, world, typereq="find", phone="+447911123456")
    assert answer.items[0]["name"] == name


async def test_leads_and_companies_are_found_with_their_own_ids(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    async with db.transaction() as session:
        person, _ = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number="+447700900123", name="Jack"
        )
        lead = await leads.create_lead(
            session, lead_list=world.lead_list, contact=person, phones=["+447700900999"]
        )
        company = await contacts.create_company(
            session, account_id=world.account.id, name="Jones & Sons", number="+447700900999"
        )
    answer = await rest(client, world, typereq="find", phone="07700 900999")
    assert answer.total == 2
    found = {(item["typecont"], item["id"]) for item in answer.items}
    assert found == {("lead", str(lead.id)), ("company", str(company.id))}
    by_kind = {item["typecont"]: item for item in answer.items}
    assert by_kind["lead"]["name"] == "Jack"
    assert by_kind["company"]["name"] == "Jones & Sons"


async def test_most_recently_active_first_then_newest(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    first = await _contact(db, world, "+447911123456", "First")
    second = await _contact(db, world, "+447911123456", "Second")
    third = await _contact(db, world, "+447911123456", "Third")
    async with db.transaction() as session:
        await activities.record(
            session,
            account_id=world.account.id,
            activity_type=activities.CALL_INBOUND,
            contact_id=first,
        )
    answer = await rest(client, world, typereq="find", phone="+447911123456")
    assert [int(item["id"]) for item in answer.items] == [first, third, second]


async def test_at_most_fifty_listed_and_total_counts_all(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    async with db.transaction() as session:
        for index in range(53):
            await contacts.create_contact(
                session, account_id=world.account.id, number="+447911123456", name=f"P{index}"
            )
        await contacts.create_company(
            session, account_id=world.account.id, name="Co", number="+447911123456"
        )
    answer = await rest(client, world, typereq="find", phone="+447911123456")
    assert answer.total == 54
    assert len(answer.items) == 50


async def test_another_accounts_records_are_never_found(
    client: httpx.AsyncClient, db: Database, world: World, other_world: World
) -> None:
    await _contact(db, other_world, "+447911123456", "Theirs")
    answer = await rest(client, world, typereq="find", phone="+447911123456")
    assert answer.total == 0


async def test_concurrent_finds_all_answer(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    await _contact(db, world, "+447911123456", "Olivia")
    answers = await asyncio.gather(
        *(rest(client, world, typereq="find", phone="07911123456") for _ in range(8))
    )
    assert [answer.total for answer in answers] == [1] * 8
