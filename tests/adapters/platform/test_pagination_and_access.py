"""Keyset pagination over a growing table, cursors that carry their filters and resist
tampering, and what another account's token and a user's token may see."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from leadline.core.campaigns import service as campaigns
from leadline.core.security import Keyring
from leadline.core.users import service as users
from leadline.core.vocabulary import DialStatus, Scope
from leadline.db.engine import Database
from tests.adapters.platform.conftest import BASE, Platform, make_lead, make_outbound_call
from tests.factories import make_token


async def test_a_walk_sees_every_lead_once_while_leads_are_added(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    existing = [(await make_lead(db, platform.world, f"+4479111230{i:02d}")).id for i in range(7)]
    seen: list[int] = []
    added: list[int] = []
    url: str | None = f"{BASE}/leads?limit=3"
    pages = 0
    while url is not None:
        response = await client.get(url, headers=platform.headers)
        assert response.status_code == 200
        page = response.json()
        seen.extend(item["leadId"] for item in page["items"])
        url = page["metadata"]["nextUri"]
        pages += 1
        if url is not None and pages <= 3:
            added.append((await make_lead(db, platform.world, f"+4479111231{pages:02d}")).id)
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen))
    assert seen == existing + added


async def test_the_cursor_carries_the_filters(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    for i in range(4):
        await make_lead(db, platform.world, f"+4479111230{i:02d}", status_code=1 + i % 2)
    first = (
        await client.get(
            f"{BASE}/leads", headers=platform.headers, params={"statusCode": 1, "limit": 1}
        )
    ).json()
    next_uri = first["metadata"]["nextUri"]
    assert next_uri.startswith(f"{BASE}/leads?cursor=")
    # Other parameters are ignored when a cursor is given.
    second = (await client.get(f"{next_uri}&statusCode=2", headers=platform.headers)).json()
    assert [item["lastStatusCode"] for item in first["items"] + second["items"]] == [1, 1]
    assert second["metadata"]["nextUri"] is None


async def test_a_tampered_cursor_is_422(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    for i in range(2):
        await make_lead(db, platform.world, f"+4479111230{i:02d}")
    page = (await client.get(f"{BASE}/leads?limit=1", headers=platform.headers)).json()
    cursor = page["metadata"]["nextUri"].split("cursor=")[1]
    forged = ("A" if cursor[0] != "A" else "B") + cursor[1:]
    for bad in (forged, "nonsense", ""):
        response = await client.get(
            f"{BASE}/leads", params={"cursor": bad}, headers=platform.headers
        )
        assert response.status_code == 422, bad
        assert "cursor" in response.json()["errors"]
    # A cursor of one list is no cursor of another.
    response = await client.get(
        f"{BASE}/lists", params={"cursor": cursor}, headers=platform.headers
    )
    assert response.status_code == 422


async def test_another_accounts_ids_answer_404(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    lead = await make_lead(db, platform.other, "+447911123000")
    activity_id, attempt_id = await make_outbound_call(
        db, platform.other, lead, dial_status=DialStatus.ANSWERED, dialled_at=datetime.now(UTC)
    )
    for path in (
        f"/leads/{lead.id}",
        f"/campaigns/{platform.other.campaign.id}",
        f"/campaigns/{platform.other.campaign.id}/statistics",
        f"/lists/{platform.other.lead_list.id}",
        f"/activities/{activity_id}",
        f"/dialler/calls/{attempt_id}",
    ):
        response = await client.get(f"{BASE}{path}", headers=platform.headers)
        assert response.status_code == 404, path
        assert response.json()["message"] == "Not found"
    patch = await client.patch(
        f"{BASE}/campaigns/{platform.other.campaign.id}",
        headers=platform.headers,
        json={"isActive": False},
    )
    assert patch.status_code == 404
    availability = await client.put(
        f"{BASE}/availability",
        headers=platform.headers,
        json={"agentId": platform.other.agent.id, "available": True},
    )
    assert availability.status_code == 404
    # And nothing of theirs shows up in lists.
    leads = (await client.get(f"{BASE}/leads", headers=platform.headers)).json()["items"]
    assert leads == []


async def test_an_agents_token_sees_only_its_campaigns_and_leads(
    client: httpx.AsyncClient, platform: Platform, db: Database, keyring: Keyring
) -> None:
    world = platform.world
    async with db.transaction() as session:
        hidden = await campaigns.create_campaign(session, account=world.account, name="Hidden")
        hidden_list = await campaigns.default_list(session, hidden)
        colleague = await users.create_user(
            session, account_id=world.account.id, login="colleague", password="secret-pass"
        )
    agent_token = await make_token(
        db, keyring, world.account.id, Scope.PLATFORM, user_id=world.agent.id
    )
    headers = {"Authorization": agent_token.token}
    mine = await make_lead(db, world, "+447911123001")
    assigned_to_me = await make_lead(db, world, "+447911123002", assigned_agent_id=world.agent.id)
    await make_lead(db, world, "+447911123003", assigned_agent_id=colleague.id)
    hidden_lead = await make_lead(db, world, "+447911123004", list_id=hidden_list.id)

    listed = (await client.get(f"{BASE}/leads", headers=headers)).json()["items"]
    assert [item["leadId"] for item in listed] == [mine.id, assigned_to_me.id]
    assert (await client.get(f"{BASE}/leads/{hidden_lead.id}", headers=headers)).status_code == 404
    campaign_ids = [
        c["campaignId"]
        for c in (await client.get(f"{BASE}/campaigns", headers=headers)).json()["items"]
    ]
    assert campaign_ids == [world.campaign.id]
    assert (await client.get(f"{BASE}/campaigns/{hidden.id}", headers=headers)).status_code == 404
    assert (await client.get(f"{BASE}/lists/{hidden_list.id}", headers=headers)).status_code == 404
    users_seen = (await client.get(f"{BASE}/users", headers=headers)).json()["items"]
    assert [u["userId"] for u in users_seen] == [world.agent.id]
    # Administration is not the agent's.
    assert (await client.get(f"{BASE}/dnc", headers=headers)).status_code == 403
    created = await client.post(f"{BASE}/campaigns", headers=headers, json={"campaignName": "X"})
    assert created.status_code == 403
    # The agent may set its own availability, and only its own.
    own = await client.put(
        f"{BASE}/availability",
        headers=headers,
        json={"agentId": world.agent.id, "available": False},
    )
    assert own.status_code == 200
    other = await client.put(
        f"{BASE}/availability", headers=headers, json={"agentId": colleague.id, "available": True}
    )
    assert other.status_code == 404


async def test_an_admins_token_sees_the_whole_account(
    client: httpx.AsyncClient, platform: Platform, db: Database, keyring: Keyring
) -> None:
    world = platform.world
    admin_token = await make_token(
        db, keyring, world.account.id, Scope.PLATFORM, user_id=world.admin.id
    )
    headers = {"Authorization": admin_token.token}
    campaigns_seen = (await client.get(f"{BASE}/campaigns", headers=headers)).json()["items"]
    assert len(campaigns_seen) == 2
    assert (await client.get(f"{BASE}/dnc", headers=headers)).status_code == 200
