"""typereq=addevent: an event on a contact, lead or company of the user's account."""

from __future__ import annotations

import httpx
import pytest

from leadline.core.contacts import service as contacts
from leadline.core.leads import service as leads
from leadline.db.engine import Database
from leadline.db.models import Activity
from tests.adapters.softphone.conftest import rest, rest_post
from tests.factories import World


async def _person(db: Database, world: World) -> tuple[int, int, int]:
    async with db.transaction() as session:
        contact, _ = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number="+447911123456", name="Olivia"
        )
        lead = await leads.create_lead(
            session, lead_list=world.lead_list, contact=contact, phones=["+447911123456"]
        )
        company = await contacts.create_company(
            session, account_id=world.account.id, name="Co", number="+442079460000"
        )
    return contact.id, lead.id, company.id


@pytest.mark.parametrize("kind", ["contact", "lead", "company"])
async def test_event_lands_on_the_named_record(
    client: httpx.AsyncClient, db: Database, world: World, kind: str
) -> None:
    contact_id, lead_id, company_id = await _person(db, world)
    record_id = {"contact": contact_id, "lead": lead_id, "company": company_id}[kind]
    answer = await rest_post(
        client,
        world,
        typereq="addevent",
        id=str(record_id),
        typecont=kind,
        subj="SMS",
        desc="Перезвоню <завтра> & позже",
    )
    assert (answer.result, answer.description) == ("ok", "Событие добавлено")
    async with db.read_session() as session:
        event = await session.get(Activity, int(answer.text("idev") or 0))
    assert event is not None
    assert event.created_by_user_id == world.agent.id
    assert event.description == "Перезвоню <завтра> & позже"
    if kind == "company":
        assert (event.company_id, event.contact_id) == (company_id, None)
    else:
        assert event.contact_id == contact_id
        assert event.lead_id == (lead_id if kind == "lead" else None)


async def test_russian_typecont_names_the_lead_id_space(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    _, lead_id, _ = await _person(db, world)
    answer = await rest(
        client, world, typereq="addevent", id=str(lead_id), typecont="Лид", subj="x"
    )
    assert answer.result == "ok"


async def test_another_accounts_id_is_not_found(
    client: httpx.AsyncClient, db: Database, world: World, other_world: World
) -> None:
    theirs, their_lead, their_company = await _person(db, other_world)
    for kind, record_id in (("contact", theirs), ("lead", their_lead), ("company", their_company)):
        answer = await rest(
            client, world, typereq="addevent", id=str(record_id), typecont=kind, subj="x"
        )
        assert (answer.result, answer.description) == ("error", "Контакт не найден")


@pytest.mark.parametrize("record_id", ["999999", "abc", "-1", "1e3", "٣", "9" * 40])
async def test_unknown_or_malformed_id_is_not_found(
    client: httpx.AsyncClient, world: World, record_id: str
) -> None:
    answer = await rest(client, world, typereq="addevent", id=record_id, subj="x")
    assert (answer.result, answer.description) == ("error", "Контакт не найден")


async def test_missing_subject_is_an_error(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    contact_id, _, _ = await _person(db, world)
    answer = await rest(client, world, typereq="addevent", id=str(contact_id), desc="no subj")
    assert (answer.result, answer.description) == ("error", "Не указана тема события")


async def test_missing_id_is_an_error(client: httpx.AsyncClient, world: World) -> None:
    answer = await rest(client, world, typereq="addevent", subj="x")
    assert (answer.result, answer.description) == ("error", "Не указано id-контакта")


async def test_bad_typecont_is_an_error(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    contact_id, _, _ = await _person(db, world)
    answer = await rest(
        client, world, typereq="addevent", id=str(contact_id), typecont="deal", subj="x"
    )
    assert (answer.result, answer.description) == ("error", "Неизвестный тип контакта")
