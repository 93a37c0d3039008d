"""A real HTTP receiver on loopback, and a small world with a subscription."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.contacts.service import find_or_create_contact
from leadline.core.leads.service import create_lead
from leadline.db.engine import Database
from leadline.db.models import Lead
from tests.factories import World


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def envelope(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class Receiver:
    """Answers each request with the next planned status (200 once the plan runs out);
    ``"hang"`` answers nothing, so the sender times out."""

    url: str = ""
    plan: list[int | str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode().split("\r\n")
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:] if line)
            }
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.received.append(Received(headers, body))
            answer = self.plan.pop(0) if self.plan else 200
            if answer == "hang":
                await asyncio.sleep(5)
                return
            writer.write(
                f"HTTP/1.1 {answer} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".encode()
            )
            await writer.drain()
        finally:
            writer.close()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    server = await asyncio.start_server(found.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    found.url = f"http://127.0.0.1:{port}/hook"
    async with server:
        yield found
        server.close()


async def add_lead_in(session: AsyncSession, world: World, number: str) -> Lead:
    contact, _ = await find_or_create_contact(session, account_id=world.account.id, number=number)
    return await create_lead(session, lead_list=world.lead_list, contact=contact, phones=[number])


async def add_lead(db: Database, world: World, number: str = "+447700900123") -> Lead:
    async with db.transaction() as session:
        return await add_lead_in(session, world, number)
