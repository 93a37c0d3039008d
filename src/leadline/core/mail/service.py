"""The mail outbox: :func:`enqueue` writes messages in the caller's transaction, so a
message exists exactly when the push it tells of was committed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock, outbox
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.outbox import PENDING
from leadline.db.models import MailMessage

#: A portal call that reached nobody.
MISSED_CALL = "missed_call"
#: An e-mail (form) lead from a portal.
WEB_LEAD = "web_lead"
KINDS = (MISSED_CALL, WEB_LEAD)

# One address, no display name: enough to refuse typos and header tricks; the SMTP
# server is the judge of the rest.
_ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"'.]+")


def check_address(address: str, field: str = "notifyEmail") -> str:
    """The address, trimmed; :class:`ValidationFailed` unless it is one plain address."""
    address = address.strip()
    if len(address) > 254 or not _ADDRESS.fullmatch(address):
        raise ValidationFailed.single(field, "one e-mail address (name@example.com)")
    return address


async def enqueue(
    session: AsyncSession,
    account_id: int,
    kind: str,
    payload: Mapping[str, Any],
    recipients: Iterable[str | None],
    *,
    inbox_event_id: int | None = None,
) -> list[MailMessage]:
    """One pending message per distinct recipient (empty ones skipped)."""
    assert kind in KINDS, kind
    now = clock.now()
    wanted = dict.fromkeys(address.strip().lower() for address in recipients if address)
    messages = [
        MailMessage(
            uuid=str(uuid.uuid4()),
            account_id=account_id,
            inbox_event_id=inbox_event_id,
            recipient=address,
            kind=kind,
            payload=dict(payload),
            created_at=now,
            state=PENDING,
            attempts=0,
            next_attempt_at=now,
        )
        for address in wanted
    ]
    session.add_all(messages)
    await session.flush()
    return messages


async def messages(
    session: AsyncSession, account_id: int, *, limit: int = 100
) -> list[MailMessage]:
    """The account's messages, most recent first."""
    return list(
        await session.scalars(
            select(MailMessage)
            .where(MailMessage.account_id == account_id)
            .order_by(MailMessage.id.desc())
            .limit(limit)
        )
    )


async def replay(session: AsyncSession, account_id: int, message_uuid: str) -> MailMessage:
    """Send the message again (pending, due now, attempts from zero)."""
    found = await session.scalar(
        select(MailMessage).where(
            MailMessage.uuid == message_uuid, MailMessage.account_id == account_id
        )
    )
    if found is None:
        raise NotFound("mail message", message_uuid)
    await outbox.requeue(session, MailMessage, MailMessage.id == found.id)
    await session.refresh(found)
    return found
