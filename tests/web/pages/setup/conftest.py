"""Setup pages: an account with an admin and an agent, a rival account, and clients
signed in through the real sign-in form."""

from __future__ import annotations

import re

import httpx
import pytest

from leadline.db.engine import Database
from tests.factories import World, make_world
from tests.web.conftest import csrf_of, sign_in


@pytest.fixture
async def world(db: Database) -> World:
    return await make_world(db, name="Acme")


@pytest.fixture
async def rival(db: Database) -> World:
    return await make_world(db, name="Rival")


@pytest.fixture
async def admin_client(client: httpx.AsyncClient, world: World) -> httpx.AsyncClient:
    signed = await sign_in(client, world.admin.login, "admin-pass")
    assert signed.status_code == 303
    return client


def form_token(html: str, action: str) -> str:
    """The CSRF token inside the page's form that posts to ``action`` (the page's first
    token when no form there does, as when posting to another account's record)."""
    for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S):
        if f'action="{action}"' in form.split(">", 1)[0]:
            return csrf_of(form)
    return csrf_of(html)


async def post_form(
    client: httpx.AsyncClient, page_url: str, action: str, data: dict[str, object]
) -> httpx.Response:
    """Post ``data`` to ``action`` with the CSRF token its form on ``page_url`` carries,
    as a browser would."""
    page = await client.get(page_url)
    assert page.status_code == 200, page.text
    return await client.post(action, data={"csrf_token": form_token(page.text, action), **data})
