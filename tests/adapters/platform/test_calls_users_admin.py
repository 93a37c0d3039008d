"""Activities, dial attempts, users, availability, wrap codes and the do-not-call list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from leadline.core.activities import service as activities
from leadline.core.users import service as users
from leadline.core.vocabulary import DialStatus
from leadline.db.engine import Database
from leadline.db.models import Media
from tests.adapters.platform.conftest import BASE, Platform, fixture, make_lead, make_outbound_call

MOMENT = datetime(2030, 1, 15, 10, 0, tzinfo=UTC)


async def test_an_outbound_call_activity_and_its_attempt(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    lead = await make_lead(db, platform.world, "+447911123001")
    activity_id, attempt_id = await make_outbound_call(
        db,
        platform.world,
        lead,
        dial_status=DialStatus.ANSWERED,
        dialled_at=MOMENT,
        answered=True,
        agent_id=platform.world.agent.id,
    )
    activity = (
        await client.get(f"{BASE}/activities/{activity_id}", headers=platform.headers)
    ).json()
    assert activity["type"] == "call.outbound"
    data = activity["data"]
    assert data["attemptId"] == attempt_id
    assert (data["dialStatusId"], data["dialStatusName"]) == (1, "Answered")
    assert (data["phoneIndex"], data["phoneNumber"]) == (1, "+447911123001")
    assert data["leadId"] == lead.id
    assert data["durations"] == {"dial": 12, "interaction": 30}
    assert data["timestamps"]["dialled"] == "2030-01-15T10:00:00+00:00"
    assert data["rootActivityId"] == activity_id
    assert data["campaignName"] == "Outbound"

    attempt = (
        await client.get(f"{BASE}/dialler/calls/{attempt_id}", headers=platform.headers)
    ).json()
    assert attempt == {
        "attemptId": attempt_id,
        "dialStatusId": 1,
        "dialStatusName": "Answered",
        "phoneIndex": 1,
        "phoneNumber": "+447911123001",
        "leadId": lead.id,
        "timestamps": {
            "dialled": "2030-01-15T10:00:00+00:00",
            "answered": "2030-01-15T10:00:00+00:00",
            "hangUp": "2030-01-15T10:00:00+00:00",
        },
        "type": "call.outbound",
        "campaignId": platform.world.campaign.id,
        "campaignName": "Outbound",
        "activityId": activity_id,
        "parentActivityId": None,
        "rootActivityId": activity_id,
    }


async def test_an_inbound_call_activity_has_the_seed_shape(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    world = platform.world
    async with db.transaction() as session:
        activity = await activities.record(
            session,
            account_id=world.account.id,
            activity_type=activities.CALL_INBOUND,
            started_at=MOMENT,
            answered_at=MOMENT + timedelta(seconds=20),
            ended_at=MOMENT + timedelta(seconds=80),
            from_number="+447911123001",
            to_number="+442071234567",
            campaign_id=world.campaign.id,
            agent_id=world.agent.id,
            status="Answered",
            wrap_code="SALE",
            durations={"ivr": 5, "queue": 15, "talk": 60},
        )
        session.add(
            Media(account_id=world.account.id, activity_id=activity.id, duration_seconds=60)
        )
        session.add(
            Media(
                account_id=world.account.id,
                activity_id=activity.id,
                kind="voicemail",
                duration_seconds=9,
            )
        )
    data = (await client.get(f"{BASE}/activities/{activity.id}", headers=platform.headers)).json()[
        "data"
    ]
    assert set(data) >= {
        "durations",
        "timestamps",
        "activityId",
        "parentActivityId",
        "rootActivityId",
        "activityStatusId",
        "activityStatusName",
        "source",
        "destination",
        "campaignId",
        "campaignName",
        "agentInteractionId",
        "agentId",
        "agentFullName",
        "wrapCode",
        "wrapDescription",
        "recordingStatus",
        "recordingMetadata",
        "voicemailMetadata",
    }
    assert data["durations"] == {
        "ivr": 5,
        "queue": 15,
        "hold": 0,
        "interaction": 0,
        "wrap": 0,
        "talk": 60,
    }
    assert data["timestamps"]["answered"] == "2030-01-15T10:00:20+00:00"
    assert (data["source"], data["destination"]) == ("+447911123001", "+442071234567")
    assert (data["activityStatusId"], data["activityStatusName"]) == (1, "Answered")
    assert data["wrapDescription"] == "Interested – follow up"
    assert data["agentFullName"] == world.agent.full_name
    assert data["recordingStatus"] == "available"
    assert (
        data["recordingMetadata"]["mediaUri"]
        == f"{BASE}/media/{data['recordingMetadata']['mediaId']}"
    )
    assert [v["duration"] for v in data["voicemailMetadata"]] == [9]


async def test_activity_and_attempt_filters(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    world = platform.world
    first = await make_lead(db, world, "+447911123001")
    second = await make_lead(db, world, "+447911123002")
    a1, t1 = await make_outbound_call(db, world, first, dial_status=2, dialled_at=MOMENT)
    a2, t2 = await make_outbound_call(
        db, world, second, dial_status=3, dialled_at=MOMENT + timedelta(hours=1)
    )
    async with db.transaction() as session:
        event = await activities.record(
            session, account_id=world.account.id, activity_type="crm.event", started_at=MOMENT
        )

    async def activity_ids(**params: object) -> list[int]:
        body = (
            await client.get(f"{BASE}/activities", params=params, headers=platform.headers)
        ).json()
        return [item["data"]["activityId"] for item in body["items"]]

    async def attempt_ids(**params: object) -> list[int]:
        body = (
            await client.get(f"{BASE}/dialler/calls", params=params, headers=platform.headers)
        ).json()
        return [item["attemptId"] for item in body["items"]]

    assert await activity_ids() == [a1, a2, event.id]
    assert await activity_ids(campaignId=world.campaign.id) == [a1, a2]
    assert await activity_ids(leadId=second.id) == [a2]
    assert await activity_ids(activityType="crm.event") == [event.id]
    assert await activity_ids(createdTimestampFrom="2030-01-15T10:30:00") == [a2]
    # Local time with an offset: 11:00+01:00 is 10:00 UTC, exclusive.
    assert await activity_ids(createdTimestampTo="2030-01-15T11:00:00+01:00") == []
    assert await activity_ids(createdTimestampTo="2030-01-15T10:00:01Z") == [a1, event.id]
    assert await attempt_ids() == [t1, t2]
    assert await attempt_ids(leadId=first.id) == [t1]
    assert await attempt_ids(campaignId=world.campaign.id) == [t1, t2]
    assert await attempt_ids(dialledTimestampFrom="2030-01-15T10:30:00Z") == [t2]
    assert await attempt_ids(dialledTimestampTo="2030-01-15T10:30:00Z") == [t1]


async def test_users_and_their_filters(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    world = platform.world
    async with db.transaction() as session:
        gone = await users.create_user(
            session, account_id=world.account.id, login="gone", password="secret-pass"
        )
        gone.active = False

    async def ids(**params: object) -> list[int]:
        body = (await client.get(f"{BASE}/users", params=params, headers=platform.headers)).json()
        return [item["userId"] for item in body["items"]]

    assert await ids() == [world.admin.id, world.agent.id, gone.id]
    assert await ids(userType="user") == [world.admin.id]
    assert await ids(userType="agent") == [world.agent.id, gone.id]
    assert await ids(accountActive="false") == [gone.id]
    assert await ids(userType="agent", accountActive="true") == [world.agent.id]
    item = (
        await client.get(f"{BASE}/users", params={"userType": "user"}, headers=platform.headers)
    ).json()["items"][0]
    assert set(item) == {
        "userId",
        "userType",
        "username",
        "firstName",
        "lastName",
        "fullName",
        "email",
        "accountActive",
        "available",
    }
    bad = await client.get(f"{BASE}/users", params={"userType": "robot"}, headers=platform.headers)
    assert bad.status_code == 422


async def test_availability_echoes_and_is_stored(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    body = {**fixture("availability.json"), "agentId": platform.world.agent.id}
    body["available"] = False
    response = await client.put(f"{BASE}/availability", headers=platform.headers, json=body)
    assert response.status_code == 200
    assert response.json() == body
    listed = (
        await client.get(f"{BASE}/users", params={"userType": "agent"}, headers=platform.headers)
    ).json()
    assert listed["items"][0]["available"] is False


async def test_wrap_codes(client: httpx.AsyncClient, platform: Platform) -> None:
    codes = (await client.get(f"{BASE}/wrap-codes", headers=platform.headers)).json()["items"]
    assert {
        "wrapCode": "SALE",
        "wrapDescription": "Interested – follow up",
        "statusCode": 6,
    } in codes


async def test_the_do_not_call_list(client: httpx.AsyncClient, platform: Platform) -> None:
    added = await client.post(
        f"{BASE}/dnc",
        headers=platform.headers,
        json={"phoneNumber": "07911 123001", "reason": "asked"},
    )
    assert added.status_code == 201
    assert added.json()["phoneNumber"] == "+447911123001"
    assert added.json()["reason"] == "asked"
    bad = await client.post(f"{BASE}/dnc", headers=platform.headers, json={"phoneNumber": "12"})
    assert bad.status_code == 422 and "phoneNumber" in bad.json()["errors"]
    listed = (await client.get(f"{BASE}/dnc", headers=platform.headers)).json()["items"]
    assert [entry["phoneNumber"] for entry in listed] == ["+447911123001"]
    others = (
        await client.get(f"{BASE}/dnc", headers={"Authorization": platform.other_token})
    ).json()
    assert others["items"] == []
    removed = await client.delete(f"{BASE}/dnc/%2B447911123001", headers=platform.headers)
    assert removed.status_code == 204
    again = await client.delete(f"{BASE}/dnc/%2B447911123001", headers=platform.headers)
    assert again.status_code == 404
