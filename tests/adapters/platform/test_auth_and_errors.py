"""Token auth, the error shape, body limits, rate limits and the OpenAPI document."""

from __future__ import annotations

import httpx

from leadline.core.credentials import service as credentials
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from tests.adapters.platform.conftest import BASE, Platform
from tests.factories import make_token


async def test_missing_token_is_401_in_the_api_shape(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    response = await client.get(f"{BASE}/campaigns")
    assert response.status_code == 401
    assert response.json()["message"] == "Unauthorized"


async def test_bare_and_bearer_tokens_both_work(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    bare = await client.get(f"{BASE}/campaigns", headers={"Authorization": platform.token})
    bearer = await client.get(
        f"{BASE}/campaigns", headers={"Authorization": f"Bearer {platform.token}"}
    )
    assert bare.status_code == bearer.status_code == 200


async def test_a_token_of_another_scope_is_refused(
    client: httpx.AsyncClient, platform: Platform, db: Database, keyring: Keyring
) -> None:
    other_scope = await make_token(db, keyring, platform.world.account.id, Scope.DIALLER_LEADS)
    response = await client.get(f"{BASE}/campaigns", headers={"Authorization": other_scope.token})
    assert response.status_code == 401


async def test_a_revoked_token_is_refused(
    client: httpx.AsyncClient, platform: Platform, db: Database, keyring: Keyring
) -> None:
    issued = await make_token(db, keyring, platform.world.account.id, Scope.PLATFORM)
    async with db.transaction() as session:
        found = await credentials.get_credential(session, issued.credential.public_id)
        await credentials.revoke(session, found)
    response = await client.get(f"{BASE}/campaigns", headers={"Authorization": issued.token})
    assert response.status_code == 401


async def test_over_the_rate_limit_is_429_with_retry_after(
    client: httpx.AsyncClient, platform: Platform, db: Database, keyring: Keyring
) -> None:
    issued = await make_token(
        db,
        keyring,
        platform.world.account.id,
        Scope.PLATFORM,
        rate_limit_per_second=1,
        rate_limit_burst=2,
    )
    headers = {"Authorization": issued.token}
    statuses = [(await client.get(f"{BASE}/wrap-codes", headers=headers)) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert int(statuses[-1].headers["Retry-After"]) >= 1
    assert statuses[-1].json()["message"] == "Too many requests"


async def test_endpoint_protection_is_403(
    client: httpx.AsyncClient, platform: Platform, db: Database, keyring: Keyring
) -> None:
    issued = await make_token(
        db,
        keyring,
        platform.world.account.id,
        Scope.PLATFORM,
        allowed_endpoints=[f"{BASE}/leads*"],
    )
    headers = {"Authorization": issued.token}
    assert (await client.get(f"{BASE}/leads", headers=headers)).status_code == 200
    assert (await client.get(f"{BASE}/campaigns", headers=headers)).status_code == 403


async def test_malformed_json_is_400(client: httpx.AsyncClient, platform: Platform) -> None:
    response = await client.post(
        f"{BASE}/leads",
        headers={**platform.headers, "Content-Type": "application/json"},
        content=b'{"listId": 1,',
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Malformed JSON"


async def test_unknown_fields_are_422_naming_the_field(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    response = await client.post(
        f"{BASE}/lists",
        headers=platform.headers,
        json={"listName": "x", "campaignId": platform.world.campaign.id, "colour": "red"},
    )
    assert response.status_code == 422
    assert "colour" in response.json()["errors"]


async def test_limit_outside_1_to_1000_is_422(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    for limit in (0, 1001):
        response = await client.get(
            f"{BASE}/leads", params={"limit": limit}, headers=platform.headers
        )
        assert response.status_code == 422
        assert "limit" in response.json()["errors"]


async def test_a_body_over_one_mebibyte_is_413(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    response = await client.post(
        f"{BASE}/leads",
        headers={**platform.headers, "Content-Type": "application/json"},
        content=b'{"leadData": "' + b"x" * (1024 * 1024) + b'"}',
    )
    assert response.status_code == 413
    assert response.json()["message"] == "Request body too large"


async def test_unknown_path_is_404_in_the_api_shape(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    response = await client.get(f"{BASE}/nothing-here", headers=platform.headers)
    assert response.status_code == 404
    assert response.json()["message"] == "Not found"


async def test_the_openapi_document_is_3_1_and_lists_every_resource(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get(f"{BASE}/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": BASE}]
    for path in (
        "/activities",
        "/activities/{activityId}",
        "/campaigns",
        "/campaigns/{campaignId}",
        "/campaigns/{campaignId}/statistics",
        "/lists",
        "/lists/{listId}",
        "/leads",
        "/leads/{leadId}",
        "/users",
        "/availability",
        "/dialler/calls",
        "/dialler/calls/{attemptId}",
        "/wrap-codes",
        "/dnc",
        "/dnc/{phoneNumber}",
    ):
        assert path in document["paths"], path
    create = document["paths"]["/leads"]["post"]
    assert {"201", "401", "409", "422"} <= set(create["responses"])


async def test_the_docs_page_uses_vendored_assets_only(client: httpx.AsyncClient) -> None:
    page = (await client.get(f"{BASE}/docs")).text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert f"{BASE}/openapi.json" in page
    assert "cdn" not in page.lower()
