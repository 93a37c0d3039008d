"""Helpers for the softphone tests: send a /rest request, parse its XML answer."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import httpx
import pytest
from defusedxml.ElementTree import fromstring

from leadline.core.demo import build_demo
from leadline.core.security import Keyring
from leadline.db.engine import Database
from tests.factories import World, make_world

AGENT_PASSWORD = "agent-pass"


@dataclass
class Answer:
    root: ET.Element

    def text(self, tag: str) -> str | None:
        element = self.root.find(tag)
        return None if element is None else element.text

    @property
    def result(self) -> str | None:
        return self.text("result")

    @property
    def description(self) -> str | None:
        return self.text("description")

    @property
    def items(self) -> list[dict[str, str]]:
        return [
            {child.tag: child.text or "" for child in item} for item in self.root.findall("item")
        ]

    @property
    def total(self) -> int:
        return int(self.text("total") or "-1")


def parse(response: httpx.Response) -> Answer:
    """The answer as the softphone reads it: always 200, text/xml, declared, well-formed."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = fromstring(response.content)
    assert root.tag == "response"
    return Answer(root)


async def rest(client: httpx.AsyncClient, world: World | None = None, **params: str) -> Answer:
    """A GET /rest as the world's agent (unless login/password are given)."""
    if world is not None:
        params.setdefault("login", world.agent.login)
        params.setdefault("password", AGENT_PASSWORD)
    return parse(await client.get("/rest", params=params))


async def rest_post(client: httpx.AsyncClient, world: World, **params: str) -> Answer:
    params.setdefault("login", world.agent.login)
    params.setdefault("password", AGENT_PASSWORD)
    return parse(await client.post("/rest", data=params))


@pytest.fixture
async def world(db: Database) -> World:
    return await make_world(db, name="Acme", region="GB")


@pytest.fixture
async def other_world(db: Database) -> World:
    return await make_world(db, name="Rival", region="GB")


@pytest.fixture
async def demo(db: Database, keyring: Keyring) -> dict[str, object]:
    async with db.transaction() as session:
        return await build_demo(session, keyring)
