"""Sending the mail outbox: claim due messages under a lease, compose and send each, and
record the answer (the lease, retry and back-off rules are :mod:`leadline.core.outbox`'s).

Composing and sending are given by the caller (the mail adapter): the core knows neither
templates nor SMTP.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import select

from leadline.core import clock, outbox
from leadline.core.outbox import BATCH, Now, Outcome
from leadline.db.engine import Database
from leadline.db.models import MailMessage

Compose = Callable[[MailMessage], EmailMessage]


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> Outcome:
        """Hand the message to the mail server; what came of it (never raises)."""


async def attempt(
    db: Database, message_id: int, holder: str, compose: Compose, transport: Transport, *, now: Now
) -> str:
    """Send one claimed message and record what came of it; the new state."""
    async with db.read_session() as session:
        message = (
            await session.scalars(select(MailMessage).where(MailMessage.id == message_id))
        ).one()
    outcome = await transport.send(compose(message))
    values = outbox.settled(outcome, message.attempts + 1, since=message.created_at, at=now())
    return await outbox.record(db, MailMessage, message_id, holder, values)


async def deliver_due(
    db: Database,
    holder: str,
    compose: Compose,
    transport: Transport,
    *,
    now: Now = clock.now,
    limit: int = BATCH,
) -> int:
    """Claim and send what is due; the number of messages attempted."""
    claimed = await outbox.claim_due(db, MailMessage, holder, now=now(), limit=limit)
    for message_id in claimed:
        await attempt(db, message_id, holder, compose, transport, now=now)
    return len(claimed)
