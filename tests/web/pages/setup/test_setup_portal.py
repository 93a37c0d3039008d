"""``/setup/portal`` over HTTP: a hook's URL is shown once and authenticates; agencies and
listings are added and switched off; duplicates, CSRF and other accounts' records."""

from __future__ import annotations

import re

import httpx
import pytest

from leadline.core.errors import AuthenticationFailed
from leadline.core.portal import directory
from leadline.core.security import Keyring
from leadline.db.engine import Database
from tests.factories import World
from tests.web.pages.setup.conftest import post_form

INDEX = "/setup/portal"
URL = re.compile(r'data-testid="hook-url">[^<]*/portal/([^/<]+)/phone<')


async def _hook_token(client: httpx.AsyncClient) -> str:
    answer = await post_form(
        client,
        INDEX,
        f"{INDEX}/hooks",
        {"hook_name": "Immobiliare", "phone_region": "IT", "timezone": "Europe/Rome"},
    )
    assert answer.status_code == 303
    found = URL.search((await client.get(INDEX)).text)
    assert found, "the hook URL is not on the page"
    return found.group(1)


async def test_a_new_hooks_url_is_shown_once_and_works(
    admin_client: httpx.AsyncClient, db: Database, keyring: Keyring, world: World
) -> None:
    token = await _hook_token(admin_client)
    assert token not in (await admin_client.get(INDEX)).text
    async with db.read_session() as session:
        hook = await directory.authenticate_hook(session, keyring, token, ip="1.2.3.4", basic=None)
    assert hook.account_id == world.account.id


async def test_rotating_a_hook_retires_the_old_url(
    admin_client: httpx.AsyncClient, db: Database, keyring: Keyring, world: World
) -> None:
    old = await _hook_token(admin_client)
    async with db.read_session() as session:
        (hook,) = await directory.list_hooks(session, world.account.id)
    answer = await post_form(admin_client, INDEX, f"{INDEX}/hooks/{hook.id}/rotate", {})
    assert answer.status_code == 303
    new = URL.search((await admin_client.get(INDEX)).text)
    assert new and new.group(1) != old
    async with db.read_session() as session:
        with pytest.raises(AuthenticationFailed):
            await directory.authenticate_hook(session, keyring, old, ip="1.2.3.4", basic=None)


async def test_an_unknown_region_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(
        admin_client, INDEX, f"{INDEX}/hooks", {"phone_region": "ZZ", "timezone": "Europe/Rome"}
    )
    assert answer.status_code == 400 and 'id="f-phone_region-error"' in answer.text


async def test_agencies_and_listings(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    added = await post_form(
        admin_client,
        INDEX,
        f"{INDEX}/agencies",
        {"agency_external_id": "AG-1", "agency_name": "Casa Bella"},
    )
    assert added.status_code == 303
    async with db.read_session() as session:
        (agency,) = await directory.list_agencies(session, world.account.id)
    listing = await post_form(
        admin_client,
        INDEX,
        f"{INDEX}/listings",
        {"listing_agency_id": agency.id, "listing_external_id": "L-9", "listing_title": "Flat"},
    )
    assert listing.status_code == 303
    off = await post_form(
        admin_client, INDEX, f"{INDEX}/agencies/{agency.id}/enabled", {"action": "disable"}
    )
    assert off.status_code == 303
    async with db.read_session() as session:
        assert (await directory.get_agency(session, world.account.id, agency.id)).enabled is False
        (found,) = await directory.list_listings(session, world.account.id)
    assert found.external_id == "L-9" and found.agency_id == agency.id


async def test_a_duplicate_agency_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    data = {"agency_external_id": "AG-1"}
    await post_form(admin_client, INDEX, f"{INDEX}/agencies", data)
    again = await post_form(admin_client, INDEX, f"{INDEX}/agencies", data)
    assert again.status_code == 400 and 'id="f-agency_external_id-error"' in again.text


async def test_another_accounts_agency_is_not_found(
    admin_client: httpx.AsyncClient, db: Database, rival: World
) -> None:
    async with db.transaction() as session:
        theirs = await directory.create_agency(
            session, account_id=rival.account.id, external_id="THEIRS"
        )
    off = await post_form(
        admin_client, INDEX, f"{INDEX}/agencies/{theirs.id}/enabled", {"action": "disable"}
    )
    assert off.status_code == 404
    listing = await post_form(
        admin_client,
        INDEX,
        f"{INDEX}/listings",
        {"listing_agency_id": theirs.id, "listing_external_id": "X"},
    )
    assert listing.status_code == 404
    async with db.read_session() as session:
        assert (await directory.get_agency(session, rival.account.id, theirs.id)).enabled


async def test_wrong_csrf_token_creates_no_hook(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await admin_client.post(
        f"{INDEX}/hooks", data={"phone_region": "IT", "timezone": "UTC", "csrf_token": "x"}
    )
    assert answer.status_code == 400 and "had expired" in answer.text
    async with db.read_session() as session:
        assert await directory.list_hooks(session, world.account.id) == []
