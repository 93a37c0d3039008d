"""A real SMTP server on loopback (aiosmtpd in its own thread) that keeps what it is
sent, and can be told to refuse."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from leadline.adapters.mail.compose import Composer
from leadline.adapters.mail.smtp import SmtpTransport
from leadline.core.portal import directory
from leadline.core.security import Keyring
from leadline.db.engine import Database
from tests.adapters.portal.conftest import PortalWorld, make_portal_world

PUBLIC_URL = "https://leads.example.com"
AGENCY_ADDRESS = "desk@agenzia-roma.example"
COMPOSER = Composer(public_url=PUBLIC_URL, sender="Leadline <leadline@example.com>")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class Mailbox:
    """The aiosmtpd handler: each DATA is kept; ``refuse`` (an SMTP reply line) refuses
    every recipient while it is set."""

    received: list[EmailMessage] = field(default_factory=list)
    refuse: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse is not None:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 Message accepted"


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox
    controller: Controller | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def start(self) -> None:
        self.controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def transport(self, **changes: Any) -> SmtpTransport:
        options: dict[str, Any] = {"tls": "none", "timeout_seconds": 5, **changes}
        return SmtpTransport(host="127.0.0.1", port=self.port, **options)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port(), Mailbox())
    server.start()
    yield server
    server.stop()


def text_and_html(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    return str(plain.get_content()), str(html.get_content())


@pytest.fixture
async def notified(db: Database, keyring: Keyring) -> PortalWorld:
    """A portal world whose agency asked for e-mails."""
    world = await make_portal_world(db, keyring)
    async with db.transaction() as session:
        agency = await directory.get_agency(session, world.world.account.id, world.agency.id)
        await directory.update_agency(session, agency, notify_email=AGENCY_ADDRESS)
    return world
