"""Retries, refusals, TLS and sign-in against a real SMTP server on loopback; time is
driven through ``now``."""

from __future__ import annotations

import ssl
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import SecretStr
from sqlalchemy import select

from leadline.core import clock
from leadline.core.errors import NotFound
from leadline.core.mail import service
from leadline.core.mail.delivery import Transport, deliver_due
from leadline.db.engine import Database
from leadline.db.models import MailMessage
from tests.adapters.mail.conftest import COMPOSER, SmtpServer
from tests.adapters.portal.conftest import PortalWorld, post_json, seed
from tests.conftest import require_tool
from tests.factories import make_world


async def _send_at(db: Database, transport: Transport, moment: datetime) -> int:
    return await deliver_due(db, "w1", COMPOSER, transport, now=lambda: moment)


async def _message(db: Database) -> MailMessage:
    async with db.read_session() as session:
        return (await session.scalars(select(MailMessage))).one()


@pytest.fixture
async def queued(client: httpx.AsyncClient, notified: PortalWorld) -> datetime:
    """One missed call, its e-mail queued; the moment after."""
    await post_json(client, notified.phone_url, seed())
    return clock.now()


async def test_a_server_down_then_up_gets_the_message_exactly_once(
    db: Database, smtp_server: SmtpServer, queued: datetime
) -> None:
    smtp_server.stop()
    transport = smtp_server.transport()

    assert await _send_at(db, transport, queued) == 1
    first = await _message(db)
    assert (first.state, first.attempts, first.last_status) == ("pending", 1, None)
    assert first.last_error and first.next_attempt_at > queued

    smtp_server.start()
    # Not due yet: the back-off holds it.
    assert await _send_at(db, transport, queued + timedelta(seconds=5)) == 0
    assert await _send_at(db, transport, queued + timedelta(seconds=11)) == 1
    assert await _send_at(db, transport, queued + timedelta(hours=2)) == 0

    assert len(smtp_server.mailbox.received) == 1
    sent = await _message(db)
    assert (sent.state, sent.attempts, sent.last_status) == ("delivered", 2, 250)


async def test_a_permanent_refusal_fails_at_once_and_is_not_retried(
    db: Database, smtp_server: SmtpServer, queued: datetime
) -> None:
    smtp_server.mailbox.refuse = "550 5.1.1 No such mailbox"
    transport = smtp_server.transport()

    assert await _send_at(db, transport, queued) == 1
    assert await _send_at(db, transport, queued + timedelta(hours=2)) == 0

    failed = await _message(db)
    assert (failed.state, failed.attempts, failed.last_status) == ("failed", 1, 550)
    assert failed.last_error is not None and "No such mailbox" in failed.last_error
    assert smtp_server.mailbox.received == []


async def test_a_temporary_refusal_is_retried(
    db: Database, smtp_server: SmtpServer, queued: datetime
) -> None:
    smtp_server.mailbox.refuse = "451 4.3.0 Try again later"
    transport = smtp_server.transport()
    await _send_at(db, transport, queued)
    assert (await _message(db)).state == "pending"

    smtp_server.mailbox.refuse = None
    assert await _send_at(db, transport, queued + timedelta(seconds=11)) == 1

    assert (await _message(db)).state == "delivered"
    assert len(smtp_server.mailbox.received) == 1


async def test_a_server_down_for_a_day_fails_the_message(
    db: Database, smtp_server: SmtpServer, queued: datetime
) -> None:
    smtp_server.stop()
    transport = smtp_server.transport()
    await _send_at(db, transport, queued)

    assert await _send_at(db, transport, queued + timedelta(hours=23, minutes=59, seconds=50)) == 1

    given_up = await _message(db)
    assert (given_up.state, given_up.attempts) == ("failed", 2)


async def test_a_replayed_message_is_sent_again(
    db: Database, smtp_server: SmtpServer, queued: datetime, notified: PortalWorld
) -> None:
    transport = smtp_server.transport()
    await _send_at(db, transport, queued)
    sent = await _message(db)

    async with db.transaction() as session:
        again = await service.replay(session, notified.world.account.id, sent.uuid)
    assert (again.state, again.attempts) == ("pending", 0)
    assert await deliver_due(db, "w1", COMPOSER, transport) == 1

    assert len(smtp_server.mailbox.received) == 2
    assert (await _message(db)).state == "delivered"


async def test_another_account_can_neither_see_nor_replay_a_message(
    db: Database, queued: datetime, notified: PortalWorld
) -> None:
    other = await make_world(db, name="Other")
    uuid = (await _message(db)).uuid

    async with db.transaction() as session:
        assert await service.messages(session, other.account.id) == []
        with pytest.raises(NotFound):
            await service.replay(session, other.account.id, uuid)
        assert [each.uuid for each in await service.messages(session, notified.world.account.id)]


# -- STARTTLS and sign-in -----------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), made with openssl."""
    require_tool("/usr/bin/openssl", "openssl makes the test server's certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes"]
    command += ["-days", "1", "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
    command += ["-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
    )
    return cert, key


class Users:
    """aiosmtpd's authenticator: one user, and who signed in."""

    def __init__(self, login: str, password: str) -> None:
        self.credentials = (login.encode(), password.encode())
        self.signed_in: list[str] = []

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and (data.login, data.password) == self.credentials:
            self.signed_in.append(data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@pytest.fixture
def secured(smtp_server: SmtpServer, certificate: tuple[Path, Path]) -> Users:
    """The server again, now demanding STARTTLS and a sign-in."""
    users = Users("leadline", "s3cret-pass")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    smtp_server.stop()
    smtp_server.options = {
        "tls_context": context,
        "require_starttls": True,
        "authenticator": users,
        "auth_required": True,
    }
    smtp_server.start()
    return users


def _signing_in(server: SmtpServer, certificate: tuple[Path, Path], password: str) -> Transport:
    """STARTTLS, trusting the test certificate, signing in as ``leadline``."""
    return server.transport(
        tls="starttls",
        username="leadline",
        password=SecretStr(password),
        ca_file=str(certificate[0]),
    )


async def test_starttls_and_sign_in(
    db: Database,
    smtp_server: SmtpServer,
    certificate: tuple[Path, Path],
    secured: Users,
    queued: datetime,
) -> None:
    transport = _signing_in(smtp_server, certificate, "s3cret-pass")

    assert await _send_at(db, transport, queued) == 1

    assert secured.signed_in == ["leadline"]
    assert len(smtp_server.mailbox.received) == 1
    assert (await _message(db)).state == "delivered"


async def test_a_refused_sign_in_is_retried_and_the_password_is_not_recorded(
    db: Database,
    smtp_server: SmtpServer,
    certificate: tuple[Path, Path],
    secured: Users,
    queued: datetime,
) -> None:
    transport = _signing_in(smtp_server, certificate, "wrong-pass")

    await _send_at(db, transport, queued)

    kept = await _message(db)
    assert (kept.state, kept.last_status) == ("pending", 535)
    assert kept.last_error is not None and "wrong-pass" not in kept.last_error
    assert "wrong-pass" not in repr(transport)
    assert smtp_server.mailbox.received == []


async def test_plain_text_to_a_server_that_demands_starttls_is_not_sent(
    db: Database, smtp_server: SmtpServer, secured: Users, queued: datetime
) -> None:
    await _send_at(db, smtp_server.transport(tls="none"), queued)

    assert (await _message(db)).state == "pending"
    assert smtp_server.mailbox.received == []
