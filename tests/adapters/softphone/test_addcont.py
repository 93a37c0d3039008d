"""typereq=addcont: contacts, leads and companies, unverified caller ids, attribution."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select

from leadline.core.accounts import service as accounts
from leadline.db.engine import Database
from leadline.db.models import Company, Contact, Lead, LeadPhone, Phone
from tests.adapters.softphone.conftest import rest, rest_post
from tests.factories import World


async def test_contact_with_a_valid_number_is_stored_as_e164_verified(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await rest(client, world, typereq="addcont", phone="07911 123456", name="Olivia Smith")
    assert (answer.result, answer.text("typecont")) == ("ok", "contact")
    async with db.read_session() as session:
        contact = await session.get(Contact, int(answer.text("id") or 0))
        phone = await session.scalar(select(Phone).where(Phone.contact_id == contact.id))  # type: ignore[union-attr]
    assert contact is not None and contact.name == "Olivia Smith"
    assert contact.created_by_user_id == world.agent.id
    assert phone is not None and (phone.number, phone.verified) == ("+447911123456", True)


async def test_without_a_name_the_number_is_the_name(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await rest(client, world, typereq="addcont", phone="07911 123456")
    async with db.read_session() as session:
        contact = await session.get(Contact, int(answer.text("id") or 0))
    assert contact is not None and contact.name == "07911 123456"


async def test_a_known_number_still_gets_a_new_contact(
    client: httpx.AsyncClient, world: World
) -> None:
    first = await rest(client, world, typereq="addcont", phone="+447911123456", name="A")
    second = await rest(client, world, typereq="addcont", phone="+447911123456", name="B")
    assert first.text("id") != second.text("id")
    assert (await rest(client, world, typereq="find", phone="+447911123456")).total == 2


@pytest.mark.parametrize("word", ["lead", "Лид", "ЛИД", "лид"])
async def test_lead_goes_to_the_default_inbound_campaign(
    client: httpx.AsyncClient, db: Database, world: World, word: str
) -> None:
    answer = await rest(
        client, world, typereq="addcont", typecont=word, phone="+447911123456", name="Leah"
    )
    assert (answer.result, answer.text("typecont")) == ("ok", "lead")
    assert answer.description == "Лид добавлен"
    async with db.read_session() as session:
        lead = await session.get(Lead, int(answer.text("id") or 0))
        inbound = await accounts.default_inbound_campaign(session, world.account.id)
        phones = list(
            await session.scalars(select(LeadPhone.number).where(LeadPhone.lead_id == lead.id))
        )  # type: ignore[union-attr]
        contact = await session.get(Contact, lead.contact_id)  # type: ignore[union-attr]
    assert lead is not None and lead.is_open and lead.campaign_id == inbound.id
    assert phones == ["+447911123456"]
    assert contact is not None and contact.created_by_user_id == world.agent.id


async def test_second_lead_for_the_same_person_reuses_the_open_lead(
    client: httpx.AsyncClient, world: World
) -> None:
    first = await rest(client, world, typereq="addcont", typecont="lead", phone="+447911123456")
    second = await rest(client, world, typereq="addcont", typecont="lead", phone="07911123456")
    assert first.text("id") == second.text("id")


async def test_concurrent_leads_for_one_number_make_one_lead(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answers = await asyncio.gather(
        *(
            rest(client, world, typereq="addcont", typecont="lead", phone="+447911123456")
            for _ in range(5)
        )
    )
    assert {answer.result for answer in answers} == {"ok"}
    assert len({answer.text("id") for answer in answers}) == 1
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Lead)) == 1


@pytest.mark.parametrize("word", ["company", "Компания", "КОМПАНИЯ"])
async def test_company_is_created_with_the_phone(
    client: httpx.AsyncClient, db: Database, world: World, word: str
) -> None:
    answer = await rest(
        client, world, typereq="addcont", typecont=word, phone="+442079460000", name="ООО Ромашка"
    )
    assert (answer.text("typecont"), answer.description) == ("company", "Компания добавлена")
    async with db.read_session() as session:
        company = await session.get(Company, int(answer.text("id") or 0))
    assert company is not None and company.name == "ООО Ромашка"
    assert company.created_by_user_id == world.agent.id
    found = await rest(client, world, typereq="find", phone="020 7946 0000")
    assert found.items[0]["typecont"] == "company"


@pytest.mark.parametrize("word", ["контакт", "Контакт", "CONTACT"])
async def test_russian_contact_synonyms(client: httpx.AsyncClient, world: World, word: str) -> None:
    answer = await rest(client, world, typereq="addcont", typecont=word, phone="+447911123456")
    assert (answer.result, answer.text("typecont")) == ("ok", "contact")


async def test_unknown_typecont_is_an_error(client: httpx.AsyncClient, world: World) -> None:
    answer = await rest(client, world, typereq="addcont", typecont="deal", phone="+447911123456")
    assert (answer.result, answer.description) == ("error", "Неизвестный тип контакта")


@pytest.mark.parametrize("phone", ["1234", "12-34", "1234567890123456", "abc"])
async def test_too_few_or_too_many_digits_is_an_invalid_number(
    client: httpx.AsyncClient, world: World, phone: str
) -> None:
    answer = await rest(client, world, typereq="addcont", phone=phone)
    assert (answer.result, answer.description) == ("error", "Неверный номер телефона")


async def test_unverified_caller_id_is_kept_as_digits_and_found(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await rest(client, world, typereq="addcont", phone="012-34", name="Short")
    async with db.read_session() as session:
        phone = await session.scalar(
            select(Phone).where(Phone.contact_id == int(answer.text("id") or 0))
        )
    assert phone is not None and (phone.number, phone.verified) == ("01234", False)
    assert (await rest(client, world, typereq="find", phone="01234")).total == 1


async def test_post_multipart_is_accepted(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        "/rest",
        files={"name": (None, "Мария <&>")},
        data={
            "typereq": "addcont",
            "phone": "+447911123456",
            "login": world.agent.login,
            "password": "agent-pass",
        },
    )
    from tests.adapters.softphone.conftest import parse

    assert parse(response).result == "ok"
    found = await rest(client, world, typereq="find", phone="+447911123456")
    assert found.items[0]["name"] == "Мария <&>"


async def test_post_form_and_query_string_mix(client: httpx.AsyncClient, world: World) -> None:
    answer = await rest_post(client, world, typereq="addcont", phone="+447911123456")
    assert answer.result == "ok"
