"""GDPR erasure through the platform API: nothing names the person afterwards, their
recordings' files are gone, and only account tokens and admins may ask."""

from __future__ import annotations

import httpx

from leadline.config import Settings
from leadline.core.media.storage import LocalMediaStorage, store_media
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from tests.adapters.platform.conftest import BASE, Platform
from tests.core.erasure.test_service import EMAIL, NATIONAL_DIGITS, NUMBER, make_person, traces
from tests.factories import make_token


async def test_erasing_by_phone_through_the_api_leaves_no_trace(
    client: httpx.AsyncClient, platform: Platform, db: Database, settings: Settings
) -> None:
    world = platform.world
    target = await make_person(db, world, NUMBER, EMAIL)
    bystander = await make_person(db, world, "+447911123457", "other@example.com")
    storage = LocalMediaStorage(settings.resolved_media_dir)
    async with db.transaction() as session:
        recording = await store_media(
            session,
            storage,
            account_id=world.account.id,
            activity_id=target.activity_id,
            data=b"RIFF" + bytes(200),
        )
    assert recording.storage_key is not None and storage.exists(recording.storage_key)
    before_elsewhere = await traces(db, platform.other.account.id, NUMBER, EMAIL)

    answer = await client.delete(
        f"{BASE}/customers", params={"phoneNumber": "07911 123456"}, headers=platform.headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "callData": {"activitiesErased": 1, "recordingsDeleted": 2},
        "emailData": {"contactsErased": 1},
        "leadData": {"leadsDeleted": 1},
    }
    assert await traces(db, world.account.id, NUMBER, NATIONAL_DIGITS, EMAIL) == []
    assert not storage.exists(recording.storage_key)
    gone = await client.get(f"{BASE}/leads/{target.lead_id}", headers=platform.headers)
    assert gone.status_code == 404
    kept = await client.get(f"{BASE}/leads/{bystander.lead_id}", headers=platform.headers)
    assert kept.status_code == 200
    metadata = await client.get(f"{BASE}/media/{recording.id}/recording", headers=platform.headers)
    assert metadata.json()["deletionReason"] == "erasure"
    assert await traces(db, platform.other.account.id, NUMBER, EMAIL) == before_elsewhere


async def test_erasing_by_email_can_add_the_number_to_dnc(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    await make_person(db, platform.world, NUMBER, EMAIL)
    answer = await client.delete(
        f"{BASE}/customers",
        params={"emailAddress": "jane.doe@EXAMPLE.com", "phoneNumber": NUMBER, "addToDnc": "true"},
        headers=platform.headers,
    )
    assert answer.status_code == 200
    assert answer.json()["emailData"] == {"contactsErased": 1}
    remaining = await traces(db, platform.world.account.id, NUMBER, EMAIL)
    assert set(remaining) == {"dnc_entries.number"}
    listed = (await client.get(f"{BASE}/dnc", headers=platform.headers)).json()["items"]
    assert [entry["phoneNumber"] for entry in listed] == [NUMBER]


async def test_erasing_by_email_alone(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    await make_person(db, platform.world, NUMBER, EMAIL)
    answer = await client.delete(
        f"{BASE}/customers", params={"emailAddress": EMAIL.upper()}, headers=platform.headers
    )
    assert answer.json()["leadData"] == {"leadsDeleted": 1}
    assert await traces(db, platform.world.account.id, EMAIL) == []


async def test_an_erasure_needs_a_valid_phone_or_an_email(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    nothing = await client.delete(f"{BASE}/customers", headers=platform.headers)
    assert nothing.status_code == 422
    assert set(nothing.json()["errors"]) == {"phoneNumber", "emailAddress"}
    bad = await client.delete(
        f"{BASE}/customers", params={"phoneNumber": "abc"}, headers=platform.headers
    )
    assert bad.status_code == 422 and "phoneNumber" in bad.json()["errors"]
    unknown = await client.delete(
        f"{BASE}/customers", params={"emailAddress": "nobody@example.com"}, headers=platform.headers
    )
    assert unknown.json()["emailData"] == {"contactsErased": 0}


async def test_agents_may_not_erase_and_other_accounts_are_untouched(
    client: httpx.AsyncClient, platform: Platform, db: Database, keyring: Keyring
) -> None:
    theirs = await make_person(db, platform.other, NUMBER, EMAIL)
    agent = await make_token(
        db, keyring, platform.world.account.id, Scope.PLATFORM, user_id=platform.world.agent.id
    )
    refused = await client.delete(
        f"{BASE}/customers", params={"phoneNumber": NUMBER}, headers={"Authorization": agent.token}
    )
    assert refused.status_code == 403
    mine = await client.delete(
        f"{BASE}/customers", params={"phoneNumber": NUMBER}, headers=platform.headers
    )
    assert mine.json()["emailData"] == {"contactsErased": 0}
    still = await client.get(
        f"{BASE}/leads/{theirs.lead_id}", headers={"Authorization": platform.other_token}
    )
    assert still.status_code == 200
