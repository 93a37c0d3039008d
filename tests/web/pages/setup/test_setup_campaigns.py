"""``/setup/campaigns`` over HTTP: create, edit (mode, hours, retries, attempts, cap),
start/pause, agents, lists; field errors, CSRF, roles and other accounts' ids."""

from __future__ import annotations

import re

import httpx

from leadline.core.campaigns import service as campaigns
from leadline.core.campaigns.service import member_ids
from leadline.db.engine import Database
from tests.factories import World
from tests.web.conftest import sign_in
from tests.web.pages.setup.conftest import post_form

SETTINGS = {
    "campaignName": "Spring",
    "campaignType": "outbound",
    "diallingMode": "predictive",
    "timezone": "Europe/London",
    "maxAttempts": "7",
    "maxAbandonRate": "2.5",
    **{f"from_{day}": "09:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat")},
    **{f"to_{day}": "21:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat")},
    "from_sun": "",
    "to_sun": "",
    **{f"retry_{status}": "60" for status in range(1, 9)},
}


async def _campaign(db: Database, world: World, campaign_id: int) -> campaigns.Campaign:
    async with db.read_session() as session:
        return await campaigns.get_campaign(session, world.account.id, campaign_id)


async def _create(client: httpx.AsyncClient, name: str = "Spring") -> int:
    answer = await post_form(
        client,
        "/setup/campaigns",
        "/setup/campaigns",
        {"campaignName": name, "campaignType": "outbound", "diallingMode": "preview"},
    )
    assert answer.status_code == 303
    found = re.fullmatch(r"/setup/campaigns/(\d+)", answer.headers["location"])
    assert found
    return int(found.group(1))


async def test_create_campaign_starts_paused_in_its_mode(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    campaign_id = await _create(admin_client)
    shown = await admin_client.get(f"/setup/campaigns/{campaign_id}")
    assert "Spring" in shown.text and "created, paused" in shown.text
    campaign = await _campaign(db, world, campaign_id)
    assert campaign.dialling_mode == "preview" and campaign.is_active is False


async def test_settings_are_saved_through_the_core(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    campaign_id = await _create(admin_client)
    url = f"/setup/campaigns/{campaign_id}"
    data = SETTINGS | {"from_mon": "08:30", "to_mon": "20:00", "retry_3": "15"}
    answer = await post_form(admin_client, url, url, data)
    assert answer.status_code == 303
    campaign = await _campaign(db, world, campaign_id)
    assert campaign.dialling_mode == "predictive"
    assert campaign.max_attempts == 7 and str(campaign.max_abandon_rate) == "2.50"
    assert campaign.calling_hours["mon"] == [["08:30", "20:00"]]
    assert campaign.calling_hours["sun"] == []
    assert campaign.retry_delays["3"] == 15 * 60


async def test_an_impossible_time_is_an_error_on_its_day(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    campaign_id = await _create(admin_client)
    url = f"/setup/campaigns/{campaign_id}"
    answer = await post_form(admin_client, url, url, SETTINGS | {"to_tue": "25:00"})
    assert answer.status_code == 400
    assert 'id="f-hours_tue-error"' in answer.text and "HH:MM" in answer.text
    assert 'value="25:00"' in answer.text  # what was typed stays in the form
    assert (await _campaign(db, world, campaign_id)).dialling_mode == "preview"


async def test_from_after_to_is_an_error_on_its_day(admin_client: httpx.AsyncClient) -> None:
    campaign_id = await _create(admin_client)
    url = f"/setup/campaigns/{campaign_id}"
    answer = await post_form(
        admin_client, url, url, SETTINGS | {"from_wed": "18:00", "to_wed": "09:00"}
    )
    assert answer.status_code == 400
    assert 'id="f-hours_wed-error"' in answer.text and "is not before" in answer.text


async def test_half_a_day_is_an_error(admin_client: httpx.AsyncClient) -> None:
    campaign_id = await _create(admin_client)
    url = f"/setup/campaigns/{campaign_id}"
    answer = await post_form(admin_client, url, url, SETTINGS | {"to_thu": ""})
    assert answer.status_code == 400
    assert 'id="f-hours_thu-error"' in answer.text


async def test_non_numeric_attempts_and_long_names_are_field_errors(
    admin_client: httpx.AsyncClient,
) -> None:
    campaign_id = await _create(admin_client)
    url = f"/setup/campaigns/{campaign_id}"
    answer = await post_form(
        admin_client, url, url, SETTINGS | {"maxAttempts": "lots", "retry_2": "-4"}
    )
    assert answer.status_code == 400
    assert 'id="f-maxAttempts-error"' in answer.text and 'id="f-retry_2-error"' in answer.text
    long_name = await post_form(admin_client, url, url, SETTINGS | {"campaignName": "x" * 201})
    assert long_name.status_code == 400 and 'id="f-campaignName-error"' in long_name.text


async def test_long_name_on_create_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(
        admin_client, "/setup/campaigns", "/setup/campaigns", {"campaignName": "y" * 5000}
    )
    assert answer.status_code == 400 and 'id="f-campaignName-error"' in answer.text


async def test_abandonment_cap_over_100_is_refused(admin_client: httpx.AsyncClient) -> None:
    campaign_id = await _create(admin_client)
    url = f"/setup/campaigns/{campaign_id}"
    answer = await post_form(admin_client, url, url, SETTINGS | {"maxAbandonRate": "150"})
    assert answer.status_code == 400 and 'id="f-maxAbandonRate-error"' in answer.text


async def test_start_and_pause(admin_client: httpx.AsyncClient, db: Database, world: World) -> None:
    campaign_id = await _create(admin_client)
    url = f"/setup/campaigns/{campaign_id}"
    started = await post_form(admin_client, url, f"{url}/state", {"action": "start"})
    assert started.status_code == 303
    assert (await _campaign(db, world, campaign_id)).is_active is True
    await post_form(admin_client, url, f"{url}/state", {"action": "pause"})
    assert (await _campaign(db, world, campaign_id)).is_active is False


async def test_agents_are_set_from_the_checkboxes(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    url = f"/setup/campaigns/{world.campaign.id}"
    answer = await post_form(admin_client, url, f"{url}/members", {"member": [world.admin.id]})
    assert answer.status_code == 303
    async with db.read_session() as session:
        assert await member_ids(session, world.campaign.id) == [world.admin.id]


async def test_another_accounts_agent_is_not_found(
    admin_client: httpx.AsyncClient, db: Database, world: World, rival: World
) -> None:
    url = f"/setup/campaigns/{world.campaign.id}"
    answer = await post_form(admin_client, url, f"{url}/members", {"member": [rival.agent.id]})
    assert answer.status_code == 404
    async with db.read_session() as session:
        assert await member_ids(session, world.campaign.id) == [world.agent.id]


async def test_add_a_list(admin_client: httpx.AsyncClient, db: Database, world: World) -> None:
    url = f"/setup/campaigns/{world.campaign.id}"
    answer = await post_form(
        admin_client,
        url,
        f"{url}/lists",
        {"listName": "Hot leads", "weight": "3", "in_dialler": "on"},
    )
    assert answer.status_code == 303
    assert "Hot leads" in (await admin_client.get(url)).text


async def test_a_blank_list_name_is_a_field_error(
    admin_client: httpx.AsyncClient, world: World
) -> None:
    url = f"/setup/campaigns/{world.campaign.id}"
    bad = await post_form(admin_client, url, f"{url}/lists", {"listName": " ", "weight": "2"})
    assert bad.status_code == 400 and 'id="f-listName-error"' in bad.text


async def test_wrong_csrf_token_is_refused_and_changes_nothing(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    url = f"/setup/campaigns/{world.campaign.id}"
    answer = await admin_client.post(url, data=SETTINGS | {"csrf_token": "forged"})
    assert answer.status_code == 400 and "had expired" in answer.text
    assert (await _campaign(db, world, world.campaign.id)).name == "Outbound"


async def test_another_accounts_campaign_is_not_found(
    admin_client: httpx.AsyncClient, rival: World
) -> None:
    url = f"/setup/campaigns/{rival.campaign.id}"
    assert (await admin_client.get(url)).status_code == 404
    answer = await post_form(admin_client, "/setup/campaigns", url, SETTINGS)
    assert answer.status_code == 404
    state = await post_form(admin_client, "/setup/campaigns", f"{url}/state", {"action": "start"})
    assert state.status_code == 404


async def test_non_numeric_id_is_not_found(admin_client: httpx.AsyncClient) -> None:
    assert (await admin_client.get("/setup/campaigns/abc")).status_code == 404
    assert (await admin_client.get("/setup/campaigns/99999999999999999999")).status_code == 404


async def test_an_agent_is_refused(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world.agent.login, "agent-pass")
    for url in ("/setup", "/setup/campaigns", f"/setup/campaigns/{world.campaign.id}"):
        assert (await client.get(url)).status_code == 403
    refused = await client.post("/setup/campaigns", data={"campaignName": "Sneaky"})
    assert refused.status_code == 403
