"""Portal pushes through the real HTTP route, the mail outbox sent through a real SMTP
server on loopback, and the messages read back."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from leadline.core.erasure.service import erase_customer
from leadline.core.mail.delivery import deliver_due
from leadline.core.portal import directory
from leadline.core.security import Keyring
from leadline.db.engine import Database
from leadline.db.models import InboxEvent, MailMessage
from tests.adapters.mail.conftest import (
    AGENCY_ADDRESS,
    COMPOSER,
    PUBLIC_URL,
    SmtpServer,
    text_and_html,
)
from tests.adapters.portal.conftest import (
    SUCCESS,
    PortalWorld,
    count,
    example,
    make_portal_world,
    post_json,
    seed,
)


async def _send(db: Database, server: SmtpServer) -> int:
    return await deliver_due(db, "w1", COMPOSER, server.transport())


async def _contact_id(db: Database) -> int:
    """The caller's contact, as the push recorded it."""
    async with db.read_session() as session:
        found = await session.scalar(select(InboxEvent.contact_id))
    assert found is not None
    return int(found)


async def test_a_missed_call_sends_one_email_with_caller_listing_time_and_link(
    client: httpx.AsyncClient, db: Database, notified: PortalWorld, smtp_server: SmtpServer
) -> None:
    response = await post_json(client, notified.phone_url, seed())
    assert response.json() == SUCCESS

    assert await _send(db, smtp_server) == 1

    [message] = smtp_server.mailbox.received
    assert message["To"] == AGENCY_ADDRESS
    assert message["Subject"] == "Missed call about ES-RIF-001 from +393451234567"
    text, html = text_and_html(message)
    contact_id = await _contact_id(db)
    link = f"{PUBLIC_URL}/card?id={contact_id}&typecont=contact"
    for part, shown_link in ((text, link), (html, link.replace("&", "&amp;"))):
        assert "+393451234567" in part
        assert "ES-RIF-001" in part
        # The push's local time, in the hook's zone.
        assert "2021-03-05 01:25 (Europe/Rome)" in part
        assert shown_link in part


async def test_an_email_lead_sends_one_email(
    client: httpx.AsyncClient, db: Database, notified: PortalWorld, smtp_server: SmtpServer
) -> None:
    response = await post_json(client, notified.contact_url, example())
    assert response.json() == SUCCESS

    assert await _send(db, smtp_server) == 1

    [message] = smtp_server.mailbox.received
    assert message["Subject"] == "New e-mail lead about ES-RIF-001 from Doctor Who"
    text, html = text_and_html(message)
    for part in (text, html):
        assert "Doctor Who" in part and "who@tardis.net" in part
        assert "I am interested in this property" in part
        assert "2021-03-18 16:11 (Europe/Rome)" in part


async def test_an_answered_call_sends_no_email(
    client: httpx.AsyncClient, db: Database, notified: PortalWorld, smtp_server: SmtpServer
) -> None:
    await post_json(client, notified.phone_url, seed(outcome="ANSWER", duration=95))

    assert await _send(db, smtp_server) == 0
    assert await count(db, MailMessage) == 0
    assert smtp_server.mailbox.received == []


async def test_an_agency_without_an_address_gets_no_email(
    client: httpx.AsyncClient, db: Database, keyring: Keyring, smtp_server: SmtpServer
) -> None:
    portal = await make_portal_world(db, keyring)
    await post_json(client, portal.phone_url, seed())
    await post_json(client, portal.contact_url, example())

    assert await _send(db, smtp_server) == 0
    assert await count(db, MailMessage) == 0
    assert smtp_server.mailbox.received == []


async def test_the_hook_address_hears_of_every_agency_too(
    client: httpx.AsyncClient, db: Database, keyring: Keyring, smtp_server: SmtpServer
) -> None:
    world = await make_portal_world(db, keyring, notify_email="portal-desk@example.com")

    await post_json(client, world.phone_url, seed())
    assert await _send(db, smtp_server) == 1

    assert [message["To"] for message in smtp_server.mailbox.received] == [
        "portal-desk@example.com"
    ]


async def test_agency_and_hook_addresses_each_get_one_copy(
    client: httpx.AsyncClient,
    db: Database,
    keyring: Keyring,
    notified: PortalWorld,
    smtp_server: SmtpServer,
) -> None:
    async with db.transaction() as session:
        hook = await directory.get_hook(session, notified.world.account.id, notified.hook.id)
        await directory.update_hook(session, keyring, hook, notify_email="hq@example.com")

    await post_json(client, notified.phone_url, seed())
    # A retried push is the same push: it queues nothing more.
    await post_json(client, notified.phone_url, seed())
    assert await _send(db, smtp_server) == 2

    assert sorted(message["To"] for message in smtp_server.mailbox.received) == [
        AGENCY_ADDRESS,
        "hq@example.com",
    ]


async def test_what_the_caller_wrote_is_escaped_in_the_html_part(
    client: httpx.AsyncClient, db: Database, notified: PortalWorld, smtp_server: SmtpServer
) -> None:
    await post_json(client, notified.contact_url, example(name="<b>Eve</b>", msg="<script>x"))
    await _send(db, smtp_server)

    [message] = smtp_server.mailbox.received
    text, html = text_and_html(message)
    assert "&lt;script&gt;x" in html and "<script>" not in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert "<script>x" in text


async def test_erasing_the_caller_erases_the_messages_about_them(
    client: httpx.AsyncClient, db: Database, notified: PortalWorld
) -> None:
    await post_json(client, notified.phone_url, seed())
    assert await count(db, MailMessage) == 1

    async with db.transaction() as session:
        await erase_customer(session, notified.world.account.id, phone="+393451234567")

    assert await count(db, MailMessage) == 0
