"""Console helpers: sign in through the real form (CSRF token included)."""

from __future__ import annotations

import re

import httpx

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient, login: str, password: str, next_url: str = "/search"
) -> httpx.Response:
    page = await client.get("/login", params={"next": next_url})
    return await client.post(
        "/login",
        data={
            "login": login,
            "password": password,
            "next": next_url,
            "csrf_token": csrf_of(page.text),
        },
    )
