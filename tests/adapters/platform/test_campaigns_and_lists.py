"""Campaigns (list, details, create, change, pause, statistics) and lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from leadline.core import clock
from leadline.core.activities import service as activities
from leadline.core.vocabulary import DialStatus
from leadline.db.engine import Database
from leadline.db.models import User
from tests.adapters.platform.conftest import BASE, Platform, fixture, make_lead, make_outbound_call


async def test_campaign_details_follow_the_seed(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    campaign_id = platform.world.campaign.id
    details = (await client.get(f"{BASE}/campaigns/{campaign_id}", headers=platform.headers)).json()
    assert details["campaignId"] == campaign_id
    assert details["campaignName"] == "Outbound"
    assert details["campaignType"] == "outbound"
    assert details["agents"] == {"total": 1, "loggedIn": 0, "available": 0}
    assert details["isActive"] is True
    assert details["lists"] == [
        {
            "listId": platform.world.lead_list.id,
            "listName": "Outbound – default",
            "inDialler": True,
            "weight": 1,
        }
    ]
    assert details["timezone"] == "Europe/London"
    assert datetime.fromisoformat(details["createdDate"]).utcoffset() is not None


async def test_create_and_change_a_campaign(client: httpx.AsyncClient, platform: Platform) -> None:
    created = await client.post(
        f"{BASE}/campaigns",
        headers=platform.headers,
        json={
            "campaignName": "Renewals",
            "timezone": "Europe/Rome",
            "diallingMode": "preview",
            "callingHours": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]]},
            "maxAttempts": 3,
            "retryDelays": {"2": 600},
            "maxAbandonRate": 2.5,
        },
    )
    assert created.status_code == 201
    campaign = created.json()
    assert campaign["callingHours"]["mon"] == [["09:00", "13:00"], ["14:00", "18:00"]]
    assert campaign["callingHours"]["tue"] == []
    assert campaign["retryDelays"] == {"2": 600}
    assert campaign["maxAbandonRate"] == 2.5
    url = f"{BASE}/campaigns/{campaign['campaignId']}"
    changed = await client.patch(
        url,
        headers=platform.headers,
        json={"maxAttempts": 7, "callingHours": {"sat": [["10:00", "12:00"]]}, "isActive": False},
    )
    assert changed.status_code == 200
    body = changed.json()
    assert (body["maxAttempts"], body["isActive"], body["diallingMode"]) == (7, False, "preview")
    assert body["callingHours"]["sat"] == [["10:00", "12:00"]]
    assert body["callingHours"]["mon"] == []
    bad = await client.patch(
        url, headers=platform.headers, json={"callingHours": {"mon": [["18:00", "09:00"]]}}
    )
    assert bad.status_code == 422
    assert "callingHours" in bad.json()["errors"]
    bad_zone = await client.patch(url, headers=platform.headers, json={"timezone": "Mars/Base"})
    assert bad_zone.status_code == 422


async def test_pause_and_resume(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    lead = await make_lead(db, platform.world, "+447911123001")
    url = f"{BASE}/campaigns/{platform.world.campaign.id}"
    paused = await client.post(f"{url}/pause", headers=platform.headers)
    assert paused.status_code == 200 and paused.json()["isActive"] is False
    details = (await client.get(f"{BASE}/leads/{lead.id}", headers=platform.headers)).json()
    assert details["inDialler"] is False
    resumed = await client.post(f"{url}/resume", headers=platform.headers)
    assert resumed.json()["isActive"] is True


async def test_statistics_are_zero_before_anything_happens(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    for period in ("hour", "day"):
        stats = (
            await client.get(
                f"{BASE}/campaigns/{platform.world.campaign.id}/statistics",
                params={"period": period},
                headers=platform.headers,
            )
        ).json()
        assert stats["period"] == period
        assert stats["callsDialled"] == stats["callsAnswered"] == stats["callsAbandoned"] == 0
        assert stats["abandonRate"] == 0
        assert stats["callsReceived"] == stats["callsWaiting"] == 0
        assert stats["agents"] == {
            "loggedIn": 0,
            "available": 0,
            "busy": 0,
            "wrap": 0,
            "unavailable": 0,
        }
    bad = await client.get(
        f"{BASE}/campaigns/{platform.world.campaign.id}/statistics",
        params={"period": "week"},
        headers=platform.headers,
    )
    assert bad.status_code == 422


async def test_statistics_count_the_stored_attempts_and_calls(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    world = platform.world
    now = clock.now()
    leads = [await make_lead(db, world, f"+4479111230{i:02d}") for i in range(4)]
    await make_outbound_call(
        db, world, leads[0], dial_status=DialStatus.ANSWERED, dialled_at=now, answered=True
    )
    await make_outbound_call(
        db, world, leads[1], dial_status=DialStatus.ANSWERED, dialled_at=now, answered=True
    )
    await make_outbound_call(
        db, world, leads[2], dial_status=DialStatus.ABANDONED, dialled_at=now, answered=True
    )
    await make_outbound_call(db, world, leads[3], dial_status=DialStatus.NO_ANSWER, dialled_at=now)
    # Two days ago: outside both periods.
    await make_outbound_call(
        db, world, leads[3], dial_status=DialStatus.BUSY, dialled_at=now - timedelta(days=2)
    )
    async with db.transaction() as session:
        await activities.record(
            session,
            account_id=world.account.id,
            activity_type=activities.CALL_INBOUND,
            campaign_id=world.campaign.id,
            from_number="+447911123999",
            status="Answered",
        )
        agent = await session.get(User, world.agent.id)
        assert agent is not None
        agent.logged_in_at = now
    stats = (
        await client.get(
            f"{BASE}/campaigns/{world.campaign.id}/statistics",
            params={"period": "day"},
            headers=platform.headers,
        )
    ).json()
    assert stats["callsDialled"] == 4
    assert stats["callsAnswered"] == 3
    assert stats["callsAbandoned"] == 1
    assert stats["abandonRate"] == 33.33
    assert stats["callsReceived"] == 1
    assert stats["leadsRemaining"] == 4
    assert stats["agents"]["loggedIn"] == 1
    assert stats["agents"]["available"] == 1
    assert stats["timezone"] == "Europe/London"


async def test_lists_create_details_and_filter(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    body = {**fixture("create_list.json"), "campaignId": platform.world.campaign.id}
    created = await client.post(f"{BASE}/lists", headers=platform.headers, json=body)
    assert created.status_code == 201
    assert created.json()["listName"] == "List One"
    assert created.json()["campaignId"] == platform.world.campaign.id
    list_id = created.json()["listId"]
    details = (await client.get(f"{BASE}/lists/{list_id}", headers=platform.headers)).json()
    assert details["id"] == list_id
    assert details["name"] == "List One"
    assert details["campaignName"] == "Outbound"
    assert details["inDialler"] is True
    assert details["weight"] == 1
    assert set(details["timestamps"]) == {"created", "lastUpdated"}
    filtered = (
        await client.get(
            f"{BASE}/lists",
            headers=platform.headers,
            params={"campaignId": platform.world.campaign.id},
        )
    ).json()["items"]
    assert [item["id"] for item in filtered] == [platform.world.lead_list.id, list_id]
    unknown = await client.post(
        f"{BASE}/lists",
        headers=platform.headers,
        json={"listName": "x", "campaignId": platform.other.campaign.id},
    )
    assert unknown.status_code == 422


async def test_campaign_list_pages(client: httpx.AsyncClient, platform: Platform) -> None:
    first = (await client.get(f"{BASE}/campaigns?limit=1", headers=platform.headers)).json()
    second = (await client.get(first["metadata"]["nextUri"], headers=platform.headers)).json()
    assert [c["campaignName"] for c in first["items"] + second["items"]] == ["Inbound", "Outbound"]
    assert second["metadata"]["nextUri"] is None
    _ = UTC
