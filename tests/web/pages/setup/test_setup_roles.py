"""Every setup section refuses an agent (403 page, for GET and POST) and sends an
anonymous visitor to sign in."""

from __future__ import annotations

import httpx
import pytest

from leadline.web.pages.setup.index import SECTIONS
from tests.factories import World
from tests.web.conftest import sign_in

PATHS = ["/setup", *(path for path, _, _ in SECTIONS)]


@pytest.mark.parametrize("path", PATHS)
async def test_an_agent_is_refused_every_section(
    client: httpx.AsyncClient, world: World, path: str
) -> None:
    await sign_in(client, world.agent.login, "agent-pass")
    page = await client.get(path)
    assert page.status_code == 403 and "Not allowed" in page.text
    assert (await client.post(path, data={})).status_code in {403, 405}


@pytest.mark.parametrize("path", PATHS)
async def test_anonymous_is_sent_to_sign_in(client: httpx.AsyncClient, path: str) -> None:
    answer = await client.get(path)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")


async def test_the_index_links_every_section(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    page = (await client.get("/setup")).text
    for path, name, _ in SECTIONS:
        assert f'href="{path}"' in page and name in page


async def test_the_menu_shows_setup_to_an_admin(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    assert '<a href="/setup"' in (await client.get("/search")).text


async def test_the_menu_hides_setup_from_an_agent(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world.agent.login, "agent-pass")
    assert '<a href="/setup"' not in (await client.get("/search")).text
