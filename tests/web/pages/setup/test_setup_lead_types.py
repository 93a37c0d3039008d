"""``/setup/lead-types`` over HTTP: create, route, subtypes, delete; duplicate codes and
bad windows as field errors; CSRF; other accounts' campaigns and types."""

from __future__ import annotations

import re

import httpx

from leadline.core.campaigns import service as campaigns
from leadline.core.submissions import lead_types
from leadline.db.engine import Database
from tests.factories import World
from tests.web.pages.setup.conftest import post_form

INDEX = "/setup/lead-types"


async def _create(client: httpx.AsyncClient, world: World, code: str = "motor-trade") -> str:
    answer = await post_form(
        client, INDEX, INDEX, {"code": code, "campaign_id": world.campaign.id, "window": "14"}
    )
    assert answer.status_code == 303, answer.text
    assert re.fullmatch(r"/setup/lead-types/\d+", answer.headers["location"])
    return str(answer.headers["location"])


async def test_a_created_type_routes_leads_to_its_campaign(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    await _create(admin_client, world)
    async with db.read_session() as session:
        route = await lead_types.resolve(session, world.account.id, "motor-trade", None)
        found = await lead_types.get_type(session, world.account.id, "motor-trade")
    assert route is not None and route.campaign.id == world.campaign.id
    assert found.duplicate_window_days == 14
    assert "motor-trade" in (await admin_client.get(INDEX)).text


async def test_a_duplicate_code_is_a_field_error(
    admin_client: httpx.AsyncClient, world: World
) -> None:
    await _create(admin_client, world)
    again = await post_form(
        admin_client, INDEX, INDEX, {"code": "motor-trade", "campaign_id": world.campaign.id}
    )
    assert again.status_code == 400
    assert 'id="f-code-error"' in again.text and "already used" in again.text


async def test_a_bad_window_is_a_field_error(admin_client: httpx.AsyncClient, world: World) -> None:
    answer = await post_form(
        admin_client,
        INDEX,
        INDEX,
        {"code": "x", "campaign_id": world.campaign.id, "window": "9999"},
    )
    assert answer.status_code == 400 and 'id="f-window-error"' in answer.text


async def test_a_long_code_is_a_field_error(admin_client: httpx.AsyncClient, world: World) -> None:
    answer = await post_form(
        admin_client, INDEX, INDEX, {"code": "c" * 101, "campaign_id": world.campaign.id}
    )
    assert answer.status_code == 400 and 'id="f-code-error"' in answer.text


async def test_a_campaign_is_required(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(admin_client, INDEX, INDEX, {"code": "nowhere"})
    assert answer.status_code == 400 and 'id="f-campaign_id-error"' in answer.text


async def test_a_list_of_another_campaign_is_a_field_error(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    async with db.transaction() as session:
        other = await campaigns.create_campaign(session, account=world.account, name="Other")
        other_list = await campaigns.default_list(session, other)
    answer = await post_form(
        admin_client,
        INDEX,
        INDEX,
        {"code": "mixed", "campaign_id": world.campaign.id, "list_id": other_list.id},
    )
    assert answer.status_code == 400 and 'id="f-list_id-error"' in answer.text


async def test_another_accounts_campaign_is_not_found(
    admin_client: httpx.AsyncClient, rival: World
) -> None:
    answer = await post_form(
        admin_client, INDEX, INDEX, {"code": "theirs", "campaign_id": rival.campaign.id}
    )
    assert answer.status_code == 404


async def test_a_non_numeric_campaign_id_is_not_found(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(admin_client, INDEX, INDEX, {"code": "x", "campaign_id": "abc"})
    assert answer.status_code == 404


async def test_edit_the_window_and_list(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    url = await _create(admin_client, world)
    async with db.transaction() as session:
        hot = await campaigns.create_list(session, campaign=world.campaign, name="Hot")
    answer = await post_form(
        admin_client,
        url,
        url,
        {"campaign_id": world.campaign.id, "list_id": hot.id, "window": "0"},
    )
    assert answer.status_code == 303
    async with db.read_session() as session:
        found = await lead_types.get_type(session, world.account.id, "motor-trade")
    assert found.list_id == hot.id and found.duplicate_window_days == 0


async def test_a_subtype_goes_to_its_list(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    url = await _create(admin_client, world)
    async with db.transaction() as session:
        vans = await campaigns.create_list(session, campaign=world.campaign, name="Vans")
    answer = await post_form(
        admin_client, url, f"{url}/subtypes", {"subtype": "vans", "subtype_list_id": vans.id}
    )
    assert answer.status_code == 303
    async with db.read_session() as session:
        route = await lead_types.resolve(session, world.account.id, "motor-trade", "vans")
    assert route is not None and route.lead_list.id == vans.id
    removed = await post_form(admin_client, url, f"{url}/subtypes/remove", {"subtype": "vans"})
    assert removed.status_code == 303
    async with db.read_session() as session:
        found = await lead_types.get_type(session, world.account.id, "motor-trade")
        assert await lead_types.subtype_lists(session, found.id) == {}


async def test_delete(admin_client: httpx.AsyncClient, db: Database, world: World) -> None:
    url = await _create(admin_client, world)
    answer = await post_form(admin_client, url, f"{url}/delete", {})
    assert answer.status_code == 303
    async with db.read_session() as session:
        assert await lead_types.find_type(session, world.account.id, "motor-trade") is None


async def test_another_accounts_type_is_not_found(
    admin_client: httpx.AsyncClient, db: Database, rival: World
) -> None:
    async with db.transaction() as session:
        theirs = await lead_types.create_type(
            session, account_id=rival.account.id, code="theirs", campaign_id=rival.campaign.id
        )
    url = f"{INDEX}/{theirs.id}"
    assert (await admin_client.get(url)).status_code == 404
    deleted = await post_form(admin_client, INDEX, f"{url}/delete", {})
    assert deleted.status_code == 404
    async with db.read_session() as session:
        assert await lead_types.find_type(session, rival.account.id, "theirs") is not None


async def test_wrong_csrf_token_creates_nothing(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await admin_client.post(
        INDEX, data={"code": "csrf", "campaign_id": world.campaign.id, "csrf_token": "x"}
    )
    assert answer.status_code == 400 and "had expired" in answer.text
    async with db.read_session() as session:
        assert await lead_types.find_type(session, world.account.id, "csrf") is None
