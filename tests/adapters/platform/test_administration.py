"""Agencies and listings through the platform API: create, change, list with cursors;
duplicates 409, another account's ids 404, agents 403."""

from __future__ import annotations

import httpx

from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from tests.adapters.platform.conftest import BASE, Platform
from tests.factories import make_token


async def _agency(client: httpx.AsyncClient, headers: dict[str, str], external_id: str) -> int:
    answer = await client.post(
        f"{BASE}/agencies", headers=headers, json={"externalId": external_id, "name": "Bianchi"}
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["agencyId"])


async def test_an_agency_is_created_shown_and_changed(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    created = await client.post(
        f"{BASE}/agencies",
        headers=platform.headers,
        json={
            "externalId": "AG-1",
            "portalAgencyId": 4021,
            "name": "Bianchi Case",
            "email": "info@bianchi.example",
            "callBackCampaignId": platform.world.campaign.id,
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["externalId"] == "AG-1"
    assert body["portalAgencyId"] == 4021
    assert body["enabled"] is True
    assert body["callBackCampaignId"] == platform.world.campaign.id
    assert body["timestamps"]["created"].endswith(("+00:00", "+01:00"))

    changed = await client.patch(
        f"{BASE}/agencies/{body['agencyId']}",
        headers=platform.headers,
        json={"enabled": False, "email": None, "externalId": "AG-1B", "callBackCampaignId": None},
    )
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert (after["enabled"], after["email"], after["externalId"]) == (False, None, "AG-1B")
    assert after["callBackCampaignId"] is None
    assert after["name"] == "Bianchi Case"
    listed = (await client.get(f"{BASE}/agencies", headers=platform.headers)).json()
    assert listed["items"] == [after]


async def test_a_duplicate_agency_is_a_conflict(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    await _agency(client, platform.headers, "AG-1")
    second_id = await _agency(client, platform.headers, "AG-2")
    again = await client.post(
        f"{BASE}/agencies", headers=platform.headers, json={"externalId": "AG-1"}
    )
    assert again.status_code == 409
    assert set(again.json()["errors"]) == {"agencyExternalId"}
    renamed = await client.patch(
        f"{BASE}/agencies/{second_id}", headers=platform.headers, json={"externalId": "AG-1"}
    )
    assert renamed.status_code == 409
    # The same external id in another account is no clash.
    elsewhere = await client.post(
        f"{BASE}/agencies",
        headers={"Authorization": platform.other_token},
        json={"externalId": "AG-1"},
    )
    assert elsewhere.status_code == 201


async def test_bad_agency_input_is_a_validation_error(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    for body in (
        {},
        {"externalId": " "},
        {"externalId": "A", "callBackCampaignId": 999_999},
        {"externalId": "A", "colour": "red"},
    ):
        answer = await client.post(f"{BASE}/agencies", headers=platform.headers, json=body)
        assert answer.status_code == 422, body


async def test_listings_are_created_moved_and_filtered_by_agency(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    first = await _agency(client, platform.headers, "AG-1")
    second = await _agency(client, platform.headers, "AG-2")
    created = await client.post(
        f"{BASE}/listings",
        headers=platform.headers,
        json={"agencyId": first, "externalId": "RIF-001", "portalListingId": 77, "title": "Flat"},
    )
    assert created.status_code == 201, created.text
    listing = created.json()
    assert (listing["agencyId"], listing["externalId"], listing["enabled"]) == (
        first,
        "RIF-001",
        True,
    )
    duplicate = await client.post(
        f"{BASE}/listings",
        headers=platform.headers,
        json={"agencyId": first, "externalId": "RIF-001"},
    )
    assert duplicate.status_code == 409
    unknown = await client.post(
        f"{BASE}/listings", headers=platform.headers, json={"agencyId": 999_999, "externalId": "X"}
    )
    assert unknown.status_code == 422 and "agencyId" in unknown.json()["errors"]

    moved = await client.patch(
        f"{BASE}/listings/{listing['listingId']}",
        headers=platform.headers,
        json={"agencyId": second, "enabled": False, "title": "Flat, sea view"},
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["agencyId"], moved.json()["enabled"]) == (second, False)
    of_first = await client.get(f"{BASE}/listings?agencyId={first}", headers=platform.headers)
    assert of_first.json()["items"] == []
    of_second = await client.get(f"{BASE}/listings?agencyId={second}", headers=platform.headers)
    assert [item["listingId"] for item in of_second.json()["items"]] == [listing["listingId"]]


async def test_agency_lists_follow_their_cursor_to_the_end(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    made = [await _agency(client, platform.headers, f"AG-{n}") for n in range(5)]
    seen: list[int] = []
    uri: str | None = f"{BASE}/agencies?limit=2"
    while uri is not None:
        page = (await client.get(uri, headers=platform.headers)).json()
        seen += [item["agencyId"] for item in page["items"]]
        uri = page["metadata"]["nextUri"]
    assert seen == made


async def test_another_accounts_agencies_and_listings_are_not_found(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    other = {"Authorization": platform.other_token}
    agency = await _agency(client, other, "THEIRS")
    listing = await client.post(
        f"{BASE}/listings", headers=other, json={"agencyId": agency, "externalId": "L"}
    )
    listing_id = listing.json()["listingId"]
    assert (
        await client.patch(
            f"{BASE}/agencies/{agency}", headers=platform.headers, json={"name": "x"}
        )
    ).status_code == 404
    assert (
        await client.patch(
            f"{BASE}/listings/{listing_id}", headers=platform.headers, json={"title": "x"}
        )
    ).status_code == 404
    # Moving one's own listing into another account's agency: that agency is unknown.
    mine = await _agency(client, platform.headers, "MINE")
    own = await client.post(
        f"{BASE}/listings", headers=platform.headers, json={"agencyId": mine, "externalId": "L"}
    )
    move = await client.patch(
        f"{BASE}/listings/{own.json()['listingId']}",
        headers=platform.headers,
        json={"agencyId": agency},
    )
    assert move.status_code == 422
    assert (await client.get(f"{BASE}/agencies", headers=platform.headers)).json()["items"][0][
        "agencyId"
    ] == mine


async def test_agents_may_not_administer_agencies_or_listings(
    client: httpx.AsyncClient, platform: Platform, db: Database, keyring: Keyring
) -> None:
    world = platform.world
    agent = await make_token(db, keyring, world.account.id, Scope.PLATFORM, user_id=world.agent.id)
    admin = await make_token(db, keyring, world.account.id, Scope.PLATFORM, user_id=world.admin.id)
    headers = {"Authorization": agent.token}
    assert (await client.get(f"{BASE}/agencies", headers=headers)).status_code == 403
    assert (await client.get(f"{BASE}/listings", headers=headers)).status_code == 403
    refused = await client.post(f"{BASE}/agencies", headers=headers, json={"externalId": "A"})
    assert refused.status_code == 403
    allowed = await client.post(
        f"{BASE}/agencies", headers={"Authorization": admin.token}, json={"externalId": "A"}
    )
    assert allowed.status_code == 201
