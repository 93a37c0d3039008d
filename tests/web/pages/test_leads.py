"""``/leads`` and ``/leads/{id}`` over HTTP, on SQLite and PostgreSQL: filters, the capped
count, what each role sees, CSRF, 404s and bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from leadline.core import clock
from leadline.core.leads import browse
from leadline.core.vocabulary import LeadStatus
from leadline.db.engine import Database
from leadline.db.models import Contact, Lead, LeadPhone
from tests.factories import World
from tests.web.conftest import csrf_of, sign_in
from tests.web.pages.conftest import Floor, add_lead, form_csrf

ROW = re.compile(r'<a href="/leads/(\d+)">#')


def rows(html: str) -> list[int]:
    return [int(found) for found in ROW.findall(html)]


async def _get_lead(db: Database, lead_id: int) -> Lead:
    async with db.read_session() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        return lead


async def test_filters_by_campaign_status_state_and_source(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    world = floor.world
    first = await add_lead(db, world.lead_list, "+447700900001", source="web")
    second = await add_lead(
        db, world.lead_list, "+447700900002", status_code=int(LeadStatus.CALL_BACK)
    )
    other = await add_lead(db, floor.other_list, "+447700900003", source="web")
    later = await add_lead(
        db, floor.other_list, "+447700900004", next_attempt_at=clock.now() + timedelta(days=2)
    )
    await sign_in(client, world.admin.login, "admin-pass")
    assert rows((await client.get("/leads")).text) == [first, second, other, later]
    by_campaign = await client.get("/leads", params={"campaign": world.campaign.id})
    assert rows(by_campaign.text) == [first, second]
    assert rows((await client.get("/leads", params={"status": "2"})).text) == [second]
    assert rows((await client.get("/leads", params={"source": "web"})).text) == [first, other]
    assert rows((await client.get("/leads", params={"state": "completed"})).text) == []
    due_now = await client.get("/leads", params={"due": "now"})
    assert rows(due_now.text) == [first, second, other]
    assert rows((await client.get("/leads", params={"due": "later"})).text) == [later]


async def test_prefix_search_on_name_email_and_customer_key(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    world = floor.world
    mario = await add_lead(db, world.lead_list, "+447700900001", name="Mario Rossi")
    anna = await add_lead(
        db, world.lead_list, "+447700900002", name="Anna", email="Anna.Bianchi@example.com"
    )
    keyed = await add_lead(db, world.lead_list, "+447700900003", customer_key="CRM-42_x")
    await add_lead(db, world.lead_list, "+447700900004", name="Luigi Mario")
    await sign_in(client, world.admin.login, "admin-pass")
    assert rows((await client.get("/leads", params={"q": "mar"})).text) == [mario]
    assert rows((await client.get("/leads", params={"q": "anna.b"})).text) == [anna]
    assert rows((await client.get("/leads", params={"q": "CRM-42"})).text) == [keyed]
    # A LIKE wildcard typed by someone is a plain character.
    assert rows((await client.get("/leads", params={"q": "CRM%"})).text) == []
    assert rows((await client.get("/leads", params={"q": "CRM-42_"})).text) == [keyed]


async def test_phone_search_by_trailing_digits(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    world = floor.world
    wanted = await add_lead(db, world.lead_list, "+447700900123")
    await add_lead(db, world.lead_list, "+447700900456")
    await sign_in(client, world.admin.login, "admin-pass")
    for typed in ("07700 900123", "+44 7700 900123", "700900123"):
        assert rows((await client.get("/leads", params={"phone": typed})).text) == [wanted]
    assert rows((await client.get("/leads", params={"phone": "900999"})).text) == []


async def test_keyset_pages_walk_every_lead_once(
    client: httpx.AsyncClient, db: Database, floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leadline.web.pages import leads as page

    monkeypatch.setattr(page, "PAGE_SIZE", 2)
    made = [await add_lead(db, floor.world.lead_list, f"+44770090010{i}") for i in range(5)]
    await sign_in(client, floor.world.admin.login, "admin-pass")
    seen: list[int] = []
    url = "/leads"
    while url:
        html = (await client.get(url)).text
        seen += rows(html)
        found = re.search(r'href="([^"]+)" rel="next"', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert seen == made


async def test_count_is_capped(
    client: httpx.AsyncClient, db: Database, floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browse, "COUNT_CAP", 3)
    for i in range(3):
        await add_lead(db, floor.world.lead_list, f"+44770090020{i}")
    await sign_in(client, floor.world.admin.login, "admin-pass")
    assert "3 leads" in (await client.get("/leads")).text
    await add_lead(db, floor.world.lead_list, "+447700900209")
    assert "3+ leads" in (await client.get("/leads")).text


async def test_agent_sees_only_leads_of_their_campaigns(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    mine = await add_lead(db, floor.world.lead_list, "+447700900001")
    theirs = await add_lead(db, floor.other_list, "+447700900002")
    await sign_in(client, floor.world.agent.login, "agent-pass")
    assert rows((await client.get("/leads")).text) == [mine]
    assert (await client.get(f"/leads/{mine}")).status_code == 200
    refused = await client.get(f"/leads/{theirs}")
    assert refused.status_code == 404
    assert "+44 7700 900002" not in refused.text


async def test_another_accounts_lead_and_bad_ids_are_404(
    client: httpx.AsyncClient, db: Database, floor: Floor, rival: World
) -> None:
    theirs = await add_lead(db, rival.lead_list, "+447700900001", name="Secret Rival")
    await sign_in(client, floor.world.admin.login, "admin-pass")
    page = await client.get(f"/leads/{theirs}")
    assert page.status_code == 404
    assert "Secret Rival" not in page.text
    assert theirs not in rows((await client.get("/leads")).text)
    for bad in ("/leads/abc", "/leads/0", "/leads/99999999999999999999", "/leads/-1"):
        assert (await client.get(bad)).status_code == 404
    token = csrf_of((await client.get("/leads")).text)
    posted = await client.post(f"/leads/{theirs}", data={"csrf_token": token, "name": "Mine"})
    assert posted.status_code == 404
    async with db.read_session() as session:
        lead = await session.get(Lead, theirs)
        assert lead is not None
        contact = await session.get(Contact, lead.contact_id)
        assert contact is not None and contact.name == "Secret Rival"


async def test_bad_filters_are_field_errors(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    await sign_in(client, floor.world.admin.login, "admin-pass")
    for params, field in (
        ({"campaign": "abc"}, "campaign"),
        ({"status": "x1"}, "status"),
        ({"due": "yesterday"}, "due"),
        ({"state": "maybe"}, "state"),
        ({"phone": "no digits"}, "phone"),
        ({"q": "x" * 300}, "q"),
    ):
        page = await client.get("/leads", params=params)
        assert page.status_code == 400, params
        assert f'id="f-{field}-error"' in page.text, params
    # The last character there is: searched by LIKE alone, still an answer.
    assert (await client.get("/leads", params={"q": "a\U0010ffff"})).status_code == 200


async def test_edit_changes_name_email_phones_and_data(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    lead_id = await add_lead(
        db, floor.world.lead_list, "+447700900001", name="Old", data={"budget": "100"}
    )
    await sign_in(client, floor.world.admin.login, "admin-pass")
    token = form_csrf((await client.get(f"/leads/{lead_id}")).text, f"/leads/{lead_id}")
    saved = await client.post(
        f"/leads/{lead_id}",
        data={
            "csrf_token": token,
            "name": "New Name",
            "email": "new@example.com",
            "phone1": "07840 258555",
            "phone2": "",
            "phone3": "",
            "data.budget": "250",
            "new_key": "area",
            "new_value": "Leeds",
        },
    )
    assert saved.status_code == 303, re.findall(
        r'(?:field-error|flash-alert)"[^>]*>([^<]*)<', saved.text
    )
    assert saved.headers["location"] == f"/leads/{lead_id}?done=edit"
    page = (await client.get(saved.headers["location"])).text
    assert "New Name" in page and "new@example.com" in page and "Saved." in page
    lead = await _get_lead(db, lead_id)
    assert lead.data == {"budget": "250", "area": "Leeds"}
    async with db.read_session() as session:
        numbers = list(
            await session.scalars(select_numbers(lead_id))  # type: ignore[arg-type]
        )
    assert numbers == ["+447840258555"]


def select_numbers(lead_id: int) -> object:
    from sqlalchemy import select

    return select(LeadPhone.number).where(LeadPhone.lead_id == lead_id)


async def test_edit_with_a_bad_phone_or_email_is_a_field_error(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    lead_id = await add_lead(db, floor.world.lead_list, "+447700900001", name="Kept")
    await sign_in(client, floor.world.admin.login, "admin-pass")
    token = csrf_of((await client.get(f"/leads/{lead_id}")).text)
    for data, field in (
        ({"name": "X", "phone1": "not a phone"}, "phone1"),
        ({"name": "X", "email": "nobody at all"}, "email"),
    ):
        page = await client.post(f"/leads/{lead_id}", data={"csrf_token": token, **data})
        assert page.status_code == 400
        assert f'id="f-{field}-error"' in page.text
    async with db.read_session() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        contact = await session.get(Contact, lead.contact_id)
        assert contact is not None and contact.name == "Kept"


async def test_post_without_csrf_is_refused(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    lead_id = await add_lead(db, floor.world.lead_list, "+447700900001", name="Kept")
    await sign_in(client, floor.world.admin.login, "admin-pass")
    for action, data in (
        ("", {"name": "Changed"}),
        ("/complete", {"status": "6"}),
        ("/callback", {"at": "2030-01-01T10:00"}),
    ):
        refused = await client.post(f"/leads/{lead_id}{action}", data=data)
        assert refused.status_code == 400
        assert "session expired" in refused.text
    lead = await _get_lead(db, lead_id)
    assert lead.completed_at is None and lead.status_code == int(LeadStatus.NEW)


async def test_call_back_reschedules_in_the_accounts_zone(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    lead_id = await add_lead(db, floor.world.lead_list, "+447700900001")
    await sign_in(client, floor.world.admin.login, "admin-pass")
    token = form_csrf((await client.get(f"/leads/{lead_id}")).text, f"/leads/{lead_id}/callback")
    # 1 July 2031 10:30 in London is 09:30 UTC (summer time).
    done = await client.post(
        f"/leads/{lead_id}/callback", data={"csrf_token": token, "at": "2031-07-01T10:30"}
    )
    assert done.status_code == 303
    lead = await _get_lead(db, lead_id)
    assert lead.next_attempt_at is not None
    assert lead.next_attempt_at.isoformat() == "2031-07-01T09:30:00+00:00"
    assert lead.status_code == int(LeadStatus.CALL_BACK)
    for bad in ("", "tomorrow", "2031-13-45T10:00", "0001-01-01T00:00", "9999-12-31T23:59"):
        page = await client.post(
            f"/leads/{lead_id}/callback", data={"csrf_token": token, "at": bad}
        )
        assert page.status_code == 400
        assert 'id="f-at-error"' in page.text


async def test_complete_closes_the_lead_once(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    lead_id = await add_lead(db, floor.world.lead_list, "+447700900001")
    await sign_in(client, floor.world.admin.login, "admin-pass")
    token = form_csrf((await client.get(f"/leads/{lead_id}")).text, f"/leads/{lead_id}/complete")
    bad = await client.post(
        f"/leads/{lead_id}/complete", data={"csrf_token": token, "status": "999"}
    )
    assert bad.status_code == 400 and 'id="f-status-error"' in bad.text
    done = await client.post(
        f"/leads/{lead_id}/complete", data={"csrf_token": token, "status": "6"}
    )
    assert done.status_code == 303
    lead = await _get_lead(db, lead_id)
    assert lead.completed_at is not None and lead.status_code == 6
    again = await client.post(
        f"/leads/{lead_id}/complete", data={"csrf_token": token, "status": "6"}
    )
    assert again.status_code == 400


async def test_admin_assigns_an_agent_and_an_agent_may_not(
    client: httpx.AsyncClient, db: Database, floor: Floor, rival: World
) -> None:
    lead_id = await add_lead(db, floor.world.lead_list, "+447700900001")
    await sign_in(client, floor.world.admin.login, "admin-pass")
    token = form_csrf((await client.get(f"/leads/{lead_id}")).text, f"/leads/{lead_id}/assign")
    stranger = await client.post(
        f"/leads/{lead_id}/assign", data={"csrf_token": token, "agent": str(rival.agent.id)}
    )
    assert stranger.status_code == 400 and 'id="f-agent-error"' in stranger.text
    done = await client.post(
        f"/leads/{lead_id}/assign", data={"csrf_token": token, "agent": str(floor.world.agent.id)}
    )
    assert done.status_code == 303
    assert (await _get_lead(db, lead_id)).assigned_agent_id == floor.world.agent.id

    agent = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with agent:
        await sign_in(agent, floor.world.agent.login, "agent-pass")
        token = csrf_of((await agent.get(f"/leads/{lead_id}")).text)
        refused = await agent.post(
            f"/leads/{lead_id}/assign", data={"csrf_token": token, "agent": ""}
        )
        assert refused.status_code == 403
    assert (await _get_lead(db, lead_id)).assigned_agent_id == floor.world.agent.id
