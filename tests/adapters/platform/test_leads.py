"""Leads: create (the seed's sample), details, filters, change, complete, delete, the
one-open-lead rule and idempotent creates."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select

from leadline.core.vocabulary import DialStatus
from leadline.db.engine import Database
from leadline.db.models import Activity, DialAttempt, Lead
from tests.adapters.platform.conftest import BASE, Platform, fixture, make_lead, make_outbound_call


async def _create(client: httpx.AsyncClient, platform: Platform, **body: object) -> httpx.Response:
    payload = {"listId": platform.world.lead_list.id, **body}
    return await client.post(f"{BASE}/leads", headers=platform.headers, json=payload)


async def test_the_seed_sample_creates_a_lead_in_the_dialler(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    body = {**fixture("create_lead.json"), "listId": platform.world.lead_list.id}
    body["agentId"] = platform.world.agent.id
    response = await client.post(f"{BASE}/leads", headers=platform.headers, json=body)
    assert response.status_code == 201
    created = response.json()
    assert set(created) == {"leadId", "inDialler"}
    assert created["inDialler"] is True

    details = (
        await client.get(f"{BASE}/leads/{created['leadId']}", headers=platform.headers)
    ).json()
    assert details["leadId"] == created["leadId"]
    assert details["campaignId"] == platform.world.campaign.id
    assert details["campaignName"] == "Outbound"
    assert details["listId"] == platform.world.lead_list.id
    assert details["timezone"] == "Australia/Sydney"
    assert details["completed"] is False
    assert details["customerKey"] == "10000001"
    assert details["agentId"] == platform.world.agent.id
    assert details["dataFields"] == {"product": "home loan", "score": 7}
    assert details["lastStatusCode"] == 1
    assert details["lastStatusDescription"] == "New"
    assert [p["phoneNumber"] for p in details["phones"]] == ["+61491570156", "+61491570157"]
    assert details["phones"][0] == {
        "phoneIndex": 1,
        "phoneNumber": "+61491570156",
        "attempts": 0,
        "lastDialStatusName": None,
    }
    assert details["outcomeType"] == "progressive"
    assert details["outcomesInfo"]["dialAttempts"] == 0
    assert details["cost"] == 0
    assert details["source"] == "platform-api"
    # Out in the account's zone (London, +00:00 in August is +01:00).
    assert details["timestamps"]["nextAttempt"] == "2019-08-24T15:15:22+01:00"
    assert details["timestamps"]["completed"] is None


async def test_a_timestamp_without_offset_is_read_in_the_account_zone(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    response = await _create(
        client, platform, phone1="07911123123", nextAttemptTimestamp="2030-07-01T10:00:00"
    )
    async with db.read_session() as session:
        lead = await session.get(Lead, response.json()["leadId"])
    assert lead is not None and lead.next_attempt_at == datetime(2030, 7, 1, 9, 0, tzinfo=UTC)


async def test_an_invalid_phone_is_422_naming_the_field(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    response = await _create(client, platform, phone1="07911123123", phone2="12")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["phone2"]
    assert (await _create(client, platform)).status_code == 422


async def test_a_second_open_lead_for_the_person_is_409(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    first = (await _create(client, platform, phone1="07911123123")).json()
    response = await _create(client, platform, phone1="+44 7911 123123")
    assert response.status_code == 409
    assert response.json() == {
        "message": "Open lead exists",
        "errors": {"phone1": [f"open lead {first['leadId']}"]},
    }


async def test_a_duplicate_customer_key_in_the_list_is_409(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    assert (
        await _create(client, platform, phone1="07911123123", customerKey="K1")
    ).status_code == 201
    response = await _create(client, platform, phone1="07911123124", customerKey="K1")
    assert response.status_code == 409
    assert "customerKey" in response.json()["errors"]


async def test_another_accounts_list_is_refused(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    response = await client.post(
        f"{BASE}/leads",
        headers=platform.headers,
        json={"listId": platform.other.lead_list.id, "phone1": "07911123123"},
    )
    assert response.status_code == 422
    assert "listId" in response.json()["errors"]


async def test_another_accounts_lead_is_404(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    theirs = await make_lead(db, platform.other, "+447911123123")
    for method in ("GET", "PATCH", "PUT", "DELETE"):
        kwargs = {"json": {"customerKey": "x"}} if method in ("PATCH", "PUT") else {}
        response = await client.request(
            method, f"{BASE}/leads/{theirs.id}", headers=platform.headers, **kwargs
        )
        assert response.status_code == 404, method


async def test_patch_changes_only_the_fields_sent(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    created = (await _create(client, platform, **fixture("create_lead.json"))).json()
    response = await client.patch(
        f"{BASE}/leads/{created['leadId']}",
        headers=platform.headers,
        json=fixture("update_lead.json"),
    )
    assert response.status_code == 200
    details = response.json()
    assert details["customerKey"] == "10000002"
    assert details["lastStatusCode"] == 2
    assert details["dataFields"] == {"product": "car loan"}
    assert [p["phoneNumber"] for p in details["phones"]] == ["+61491570156", "+61491570158"]
    assert details["timestamps"]["nextAttempt"] == "2030-07-06T04:55:06+01:00"

    put = await client.put(
        f"{BASE}/leads/{created['leadId']}", headers=platform.headers, json={"phone2": None}
    )
    assert put.status_code == 200
    assert [p["phoneIndex"] for p in put.json()["phones"]] == [1]
    assert put.json()["customerKey"] == "10000002"


async def test_a_lead_completes_once_and_never_reopens(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    lead_id = (await _create(client, platform, phone1="07911123123")).json()["leadId"]
    url = f"{BASE}/leads/{lead_id}"
    done = await client.patch(url, headers=platform.headers, json={"isCompleted": True})
    assert done.status_code == 200
    assert done.json()["completed"] is True
    assert done.json()["inDialler"] is False
    assert done.json()["timestamps"]["completed"] is not None
    again = await client.patch(url, headers=platform.headers, json={"isCompleted": False})
    assert again.status_code == 409
    # The person may now get a new open lead in the campaign.
    assert (await _create(client, platform, phone1="07911123123")).status_code == 201


async def test_moving_a_lead_onto_another_open_lead_is_409(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    other_campaign = (
        await client.post(f"{BASE}/campaigns", headers=platform.headers, json={"campaignName": "B"})
    ).json()
    target_list = other_campaign["lists"][0]["listId"]
    blocking = await make_lead(db, platform.world, "+447911123123", list_id=target_list)
    moving = await make_lead(db, platform.world, "+447911123123")
    response = await client.patch(
        f"{BASE}/leads/{moving.id}", headers=platform.headers, json={"listId": target_list}
    )
    assert response.status_code == 409
    assert response.json()["errors"] == {"phone1": [f"open lead {blocking.id}"]}


async def test_delete_keeps_activities_and_attempts_with_lead_null(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    lead = await make_lead(db, platform.world, "+447911123123")
    activity_id, attempt_id = await make_outbound_call(
        db, platform.world, lead, dial_status=DialStatus.NO_ANSWER, dialled_at=datetime.now(UTC)
    )
    response = await client.delete(f"{BASE}/leads/{lead.id}", headers=platform.headers)
    assert response.status_code == 204
    assert (
        await client.get(f"{BASE}/leads/{lead.id}", headers=platform.headers)
    ).status_code == 404
    async with db.read_session() as session:
        activity = await session.get(Activity, activity_id)
        attempt = await session.get(DialAttempt, attempt_id)
    assert activity is not None and activity.lead_id is None
    assert attempt is not None and attempt.lead_id is None


async def test_list_filters(client: httpx.AsyncClient, platform: Platform, db: Database) -> None:
    first = await make_lead(db, platform.world, "+447911123001", customer_key="A")
    second = await make_lead(db, platform.world, "+447911123002", customer_key="B", status_code=2)
    inbound_list = (
        await client.get(f"{BASE}/lists", headers=platform.headers, params={"limit": 1})
    ).json()["items"][0]["id"]
    third = await make_lead(db, platform.world, "+447911123003", list_id=inbound_list)

    async def ids(**params: object) -> list[int]:
        response = await client.get(f"{BASE}/leads", headers=platform.headers, params=params)
        assert response.status_code == 200, response.text
        return [item["leadId"] for item in response.json()["items"]]

    assert await ids() == [first.id, second.id, third.id]
    assert await ids(campaignId=platform.world.campaign.id) == [first.id, second.id]
    assert await ids(listId=inbound_list) == [third.id]
    assert await ids(statusCode=2) == [second.id]
    assert await ids(customerKey="A") == [first.id]
    uploaded = first.created_at.isoformat()
    assert await ids(uploadedTimestampFrom=uploaded) == [first.id, second.id, third.id]
    assert await ids(uploadedTimestampTo=uploaded) == []
    assert (
        await ids(uploadedTimestampFrom="2000-01-01T00:00:00", uploadedTimestampTo="2001-01-01")
        == []
    )
    bad = await client.get(
        f"{BASE}/leads", headers=platform.headers, params={"uploadedTimestampFrom": "yesterday"}
    )
    assert bad.status_code == 422
    assert "uploadedTimestampFrom" in bad.json()["errors"]


async def test_an_idempotent_repeat_answers_the_first_response(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    headers = {**platform.headers, "Idempotency-Key": "create-1"}
    body = {"listId": platform.world.lead_list.id, "phone1": "07911123123"}
    first = await client.post(f"{BASE}/leads", headers=headers, json=body)
    second = await client.post(f"{BASE}/leads", headers=headers, json=body)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    other = await client.post(f"{BASE}/leads", headers=headers, json={**body, "customerKey": "x"})
    assert other.status_code == 409
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Lead)) == 1


async def test_concurrent_idempotent_repeats_create_one_lead(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    headers = {**platform.headers, "Idempotency-Key": "burst"}
    body = {"listId": platform.world.lead_list.id, "phone1": "07911123123"}
    responses = await asyncio.gather(
        *(client.post(f"{BASE}/leads", headers=headers, json=body) for _ in range(6))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["leadId"] for r in responses}) == 1
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Lead)) == 1


async def test_concurrent_creates_for_one_person_leave_one_open_lead(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    body = {"listId": platform.world.lead_list.id, "phone1": "07911123123"}
    responses = await asyncio.gather(
        *(client.post(f"{BASE}/leads", headers=platform.headers, json=body) for _ in range(5))
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409]
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Lead)) == 1
