"""The seed's own example requests, sent verbatim to the demo account."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from leadline.core.activities import service as activities
from leadline.db.engine import Database
from leadline.db.models import Activity, Contact, Phone, User
from tests.adapters.softphone.conftest import parse

FIND = "/rest?typereq=find&phone=0123456789&login=12345&password=999999"
ADDCONT = (
    "/rest?typereq=addcont&typecont=contact&phone=0123456789&name=Имя%20контакта"
    "&login=12345&password=999999&x_pstn=+79012222222"
)


async def test_find_answers_the_seeds_two_contacts(
    client: httpx.AsyncClient, demo: dict[str, object]
) -> None:
    answer = parse(await client.get(FIND))
    assert answer.total == 2
    assert answer.result is None
    by_name = {item["name"]: item for item in answer.items}
    assert by_name == {
        "Василий Петрович": {
            "id": by_name["Василий Петрович"]["id"],
            "typecont": "contact",
            "name": "Василий Петрович",
            "company": "ООО Резюме",
            "description": "Компания по трудоустройству",
        },
        "Иван Павлович": {
            "id": by_name["Иван Павлович"]["id"],
            "typecont": "contact",
            "name": "Иван Павлович",
            "company": "ООО Невидимка",
            "description": "Компания по охране",
        },
    }
    assert sorted(int(item["id"]) for item in answer.items) == sorted(
        demo["softphone_contact_ids"]  # type: ignore[arg-type]
    )
    assert [child.tag for child in answer.root][-1] == "total"


async def test_addcont_creates_the_contact_attributed_to_the_user(
    client: httpx.AsyncClient, db: Database, demo: dict[str, object]
) -> None:
    answer = parse(await client.get(ADDCONT))
    assert answer.result == "ok"
    assert answer.text("typecont") == "contact"
    assert answer.description == "Контакт добавлен"
    contact_id = int(answer.text("id") or "0")
    async with db.read_session() as session:
        contact = await session.get(Contact, contact_id)
        assert contact is not None
        user = await session.get(User, contact.created_by_user_id)
        phones = list(await session.scalars(select(Phone).where(Phone.contact_id == contact_id)))
    assert contact.name == "Имя контакта"
    # The unencoded '+' of x_pstn arrived as a space and is read back as '+'.
    assert contact.source == "+79012222222"
    assert user is not None and user.login == "12345"
    assert [(phone.number, phone.verified) for phone in phones] == [("0123456789", False)]
    # The seed's find now sees three records on the number.
    assert parse(await client.get(FIND)).total == 3


async def test_addevent_post_adds_an_event_created_by_the_user(
    client: httpx.AsyncClient, db: Database, demo: dict[str, object]
) -> None:
    contact_id = demo["softphone_contact_ids"][0]  # type: ignore[index]
    body = (
        f"typereq=addevent\n&id={contact_id}\n&typecont=contact\n&subj=Входящий%20Звонок"
        "\n&desc=Длительность%203:54\n&login=12345\n&password=999999"
    ).replace("\n", "")
    response = await client.post(
        "/rest",
        content=body.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    answer = parse(response)
    assert answer.result == "ok"
    assert answer.description == "Событие добавлено"
    async with db.read_session() as session:
        event = await session.get(Activity, int(answer.text("idev") or "0"))
        assert event is not None
        creator = await session.get(User, event.created_by_user_id)
    assert event.activity_type == activities.CRM_EVENT
    assert event.contact_id == contact_id
    assert event.subject == "Входящий Звонок"
    assert event.description == "Длительность 3:54"
    assert creator is not None and creator.login == "12345"


async def test_the_seeds_error_examples(client: httpx.AsyncClient, demo: dict[str, object]) -> None:
    wrong = parse(await client.get(FIND.replace("999999", "999998")))
    assert (wrong.result, wrong.description) == ("error", "Неправильный логин или пароль")
    no_phone = parse(
        await client.get("/rest?typereq=addcont&typecont=contact&login=12345&password=999999")
    )
    assert (no_phone.result, no_phone.description) == ("error", "Не указан номер телефона")
    no_id = parse(
        await client.post(
            "/rest",
            data={"typereq": "addevent", "subj": "x", "login": "12345", "password": "999999"},
        )
    )
    assert (no_id.result, no_id.description) == ("error", "Не указано id-контакта")
