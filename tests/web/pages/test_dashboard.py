"""``/`` (the dashboard) over HTTP, on SQLite and PostgreSQL: live campaign statistics in
a refreshing fragment, and who may change whose availability."""

from __future__ import annotations

import re

import httpx

from leadline.db.engine import Database
from leadline.db.models import User
from tests.factories import World
from tests.web.conftest import csrf_of, sign_in
from tests.web.pages.conftest import Floor, add_lead, form_csrf


async def _available(db: Database, user_id: int) -> bool:
    async with db.read_session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user.available


def _remaining(html: str, campaign_id: int) -> str:
    row = html.split(f'data-campaign="{campaign_id}"', 1)[1]
    found = re.search(r'class="num remaining">([^<]*)<', row)
    assert found
    return found.group(1)


async def test_dashboard_shows_each_campaign_with_live_statistics(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    for i in range(3):
        await add_lead(db, floor.world.lead_list, f"+44770090000{i}")
    await add_lead(db, floor.other_list, "+447700900009")
    await sign_in(client, floor.world.admin.login, "admin-pass")
    page = await client.get("/")
    assert page.status_code == 200
    assert 'hx-get="/dashboard/live" hx-trigger="every 5s"' in page.text
    assert _remaining(page.text, floor.world.campaign.id) == "3"
    assert _remaining(page.text, floor.other_campaign.id) == "1"
    await add_lead(db, floor.world.lead_list, "+447700900008")
    live = await client.get("/dashboard/live", headers={"HX-Request": "true"})
    assert "<html" not in live.text
    assert _remaining(live.text, floor.world.campaign.id) == "4"


async def test_an_agent_sees_only_their_campaigns(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    await sign_in(client, floor.world.agent.login, "agent-pass")
    page = (await client.get("/")).text
    assert f'data-campaign="{floor.world.campaign.id}"' in page
    assert f'data-campaign="{floor.other_campaign.id}"' not in page


async def test_an_agent_toggles_their_own_availability(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    agent = floor.world.agent
    await sign_in(client, agent.login, "agent-pass")
    token = form_csrf((await client.get("/")).text, f"/dashboard/availability/{agent.id}")
    done = await client.post(
        f"/dashboard/availability/{agent.id}",
        data={"csrf_token": token, "available": "0", "back": "/agent"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/agent?done=away"
    assert not await _available(db, agent.id)
    await client.post(
        f"/dashboard/availability/{agent.id}", data={"csrf_token": token, "available": "1"}
    )
    assert await _available(db, agent.id)


async def test_an_agent_may_not_toggle_someone_else(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    await sign_in(client, floor.world.agent.login, "agent-pass")
    token = csrf_of((await client.get("/")).text)
    refused = await client.post(
        f"/dashboard/availability/{floor.world.admin.id}",
        data={"csrf_token": token, "available": "1"},
    )
    assert refused.status_code == 404
    assert not await _available(db, floor.world.admin.id)


async def test_an_admin_toggles_anyone_of_their_account_only(
    client: httpx.AsyncClient, db: Database, floor: Floor, rival: World
) -> None:
    await sign_in(client, floor.world.admin.login, "admin-pass")
    page = (await client.get("/")).text
    assert floor.world.agent.login in page
    token = csrf_of(page)
    done = await client.post(
        f"/dashboard/availability/{floor.world.agent.id}",
        data={"csrf_token": token, "available": "0"},
    )
    assert done.status_code == 303
    assert not await _available(db, floor.world.agent.id)
    foreign = await client.post(
        f"/dashboard/availability/{rival.agent.id}", data={"csrf_token": token, "available": "0"}
    )
    assert foreign.status_code == 404
    assert await _available(db, rival.agent.id)
    for bad in ("abc", "0", "1.5"):
        response = await client.post(
            f"/dashboard/availability/{bad}", data={"csrf_token": token, "available": "0"}
        )
        assert response.status_code == 404


async def test_availability_without_csrf_changes_nothing(
    client: httpx.AsyncClient, db: Database, floor: Floor
) -> None:
    agent = floor.world.agent
    await sign_in(client, agent.login, "agent-pass")
    refused = await client.post(f"/dashboard/availability/{agent.id}", data={"available": "0"})
    assert refused.status_code == 303 and refused.headers["location"] == "/?done=expired"
    assert await _available(db, agent.id)


async def test_anonymous_dashboard_goes_to_sign_in(client: httpx.AsyncClient, db: Database) -> None:
    for path in ("/", "/dashboard/live", "/agent", "/leads", "/leads/1"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
