"""``/setup/credentials`` over HTTP: a key's secret is shown once and works against the
Platform API; rotate, revoke, protection, field errors, CSRF and other accounts' keys."""

from __future__ import annotations

import re

import httpx

from leadline.core.credentials import service as credentials
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from tests.factories import World, make_token
from tests.web.pages.setup.conftest import post_form

USERS = "/platform-api/v3.0/users"
TOKEN = re.compile(r'data-testid="token">([^<]+)<')


async def _create(client: httpx.AsyncClient, **data: object) -> tuple[str, str]:
    """Create a key; the URL of its page and the token shown there."""
    fields = {"name": "CRM sync", "scopes": ["platform"], **data}
    answer = await post_form(client, "/setup/credentials", "/setup/credentials", fields)
    assert answer.status_code == 303, answer.text
    shown = await client.get(answer.headers["location"])
    found = TOKEN.search(shown.text)
    assert found, "the new secret is not on the page"
    return answer.headers["location"], found.group(1)


async def test_the_secret_is_shown_once(admin_client: httpx.AsyncClient) -> None:
    url, token = await _create(admin_client)
    again = await admin_client.get(url)
    assert again.status_code == 200 and token.split(".", 1)[1] not in again.text
    listing = await admin_client.get("/setup/credentials")
    assert token.split(".", 1)[0] in listing.text and token.split(".", 1)[1] not in listing.text


async def test_the_shown_token_authenticates_against_the_platform_api(
    admin_client: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    _, token = await _create(admin_client)
    answer = await client.get(USERS, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


async def test_rotating_shows_a_new_secret_and_retires_the_old(
    admin_client: httpx.AsyncClient,
) -> None:
    url, old = await _create(admin_client)
    rotated = await post_form(admin_client, url, f"{url}/rotate", {})
    assert rotated.status_code == 303
    new = TOKEN.search((await admin_client.get(url)).text)
    assert new and new.group(1) != old
    refused = await admin_client.get(USERS, headers={"Authorization": f"Bearer {old}"})
    assert refused.status_code == 401
    accepted = await admin_client.get(USERS, headers={"Authorization": f"Bearer {new.group(1)}"})
    assert accepted.status_code == 200


async def test_a_revoked_key_no_longer_authenticates(admin_client: httpx.AsyncClient) -> None:
    url, token = await _create(admin_client)
    revoked = await post_form(admin_client, url, f"{url}/revoke", {})
    assert revoked.status_code == 303
    assert "Revoked" in (await admin_client.get(url)).text
    refused = await admin_client.get(USERS, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401


async def test_protection_is_saved_and_enforced(admin_client: httpx.AsyncClient) -> None:
    url, token = await _create(admin_client)
    saved = await post_form(
        admin_client,
        url,
        url,
        {
            "allowed_ips": "203.0.113.9\n198.51.100.0/24",
            "allowed_endpoints": "/platform-api/v3.0/campaigns*",
            "rate_limit_per_second": "5",
            "rate_limit_burst": "10",
        },
    )
    assert saved.status_code == 303
    page = (await admin_client.get(url)).text
    assert "198.51.100.0/24" in page and "/platform-api/v3.0/campaigns*" in page
    refused = await admin_client.get(USERS, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code in {401, 403}


async def test_a_bad_ip_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    url, _ = await _create(admin_client)
    answer = await post_form(admin_client, url, url, {"allowed_ips": "10.0.0.300"})
    assert answer.status_code == 400 and 'id="f-allowed_ips-error"' in answer.text


async def test_an_endpoint_without_a_slash_is_a_field_error(
    admin_client: httpx.AsyncClient,
) -> None:
    answer = await post_form(
        admin_client,
        "/setup/credentials",
        "/setup/credentials",
        {"scopes": ["platform"], "allowed_endpoints": "leads"},
    )
    assert answer.status_code == 400 and 'id="f-allowed_endpoints-error"' in answer.text


async def test_a_key_needs_a_scope(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(
        admin_client, "/setup/credentials", "/setup/credentials", {"name": "none"}
    )
    assert answer.status_code == 400 and 'id="f-scopes-error"' in answer.text


async def test_a_non_numeric_rate_limit_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(
        admin_client,
        "/setup/credentials",
        "/setup/credentials",
        {"scopes": ["platform"], "rate_limit_per_second": "fast"},
    )
    assert answer.status_code == 400 and 'id="f-rate_limit_per_second-error"' in answer.text


async def test_a_long_name_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(
        admin_client,
        "/setup/credentials",
        "/setup/credentials",
        {"scopes": ["platform"], "name": "n" * 500},
    )
    assert answer.status_code == 400 and 'id="f-name-error"' in answer.text


async def test_wrong_csrf_token_creates_nothing(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await admin_client.post(
        "/setup/credentials", data={"scopes": "platform", "csrf_token": "nope"}
    )
    assert answer.status_code == 400 and "had expired" in answer.text
    async with db.read_session() as session:
        assert await credentials.list_credentials(session, world.account.id) == []


async def test_another_accounts_key_is_not_found(
    admin_client: httpx.AsyncClient, db: Database, keyring: Keyring, rival: World
) -> None:
    theirs = await make_token(db, keyring, rival.account.id, Scope.PLATFORM)
    url = f"/setup/credentials/{theirs.credential.id}"
    assert (await admin_client.get(url)).status_code == 404
    revoked = await post_form(admin_client, "/setup/credentials", f"{url}/revoke", {})
    assert revoked.status_code == 404
    async with db.read_session() as session:
        found = await credentials.get_owned_credential(
            session, rival.account.id, theirs.credential.id
        )
    assert found.revoked_at is None


async def test_another_accounts_user_cannot_own_a_key(
    admin_client: httpx.AsyncClient, rival: World
) -> None:
    answer = await post_form(
        admin_client,
        "/setup/credentials",
        "/setup/credentials",
        {"scopes": ["platform"], "user_id": str(rival.agent.id)},
    )
    assert answer.status_code == 404
