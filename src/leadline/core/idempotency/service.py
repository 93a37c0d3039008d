"""``Idempotency-Key``: the first answer to a key is kept for a day and given again to a
repeat with the same request; another request under the same key is a conflict.

The key is claimed *before* acting, by inserting its record: a concurrent repeat then
waits on the unique constraint (credential, key) until the first commits and finds its
answer, or takes over if the first rolled back. Nothing is acted on twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.errors import Conflict, ValidationFailed
from leadline.db.models import IdempotencyRecord

RETENTION = timedelta(hours=24)
MAX_KEY_LENGTH = 200
#: Status of a claimed key whose answer is not written yet.
_PENDING = 0


class IdempotencyKeyReused(Conflict):
    """This Idempotency-Key was already used for a different request."""


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: object


def request_fingerprint(method: str, path: str, body: object) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def _check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed.single(
            "Idempotency-Key", f"1 to {MAX_KEY_LENGTH} printable characters"
        )
    return key


async def _find(session: AsyncSession, credential_id: int, key: str) -> IdempotencyRecord | None:
    return await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.credential_id == credential_id, IdempotencyRecord.key == key
        )
    )


def _answer(record: IdempotencyRecord, fingerprint: str) -> StoredAnswer:
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    return StoredAnswer(record.response_status, json.loads(record.response_body))


async def claim(
    session: AsyncSession, *, account_id: int, credential_id: int, key: str, fingerprint: str
) -> StoredAnswer | IdempotencyRecord:
    """The stored answer for a repeat, or the claimed record to fill in with :func:`store`.

    Raises :class:`IdempotencyKeyReused` when the key was used for another request.
    """
    _check_key(key)
    existing = await _find(session, credential_id, key)
    if existing is not None:
        if existing.created_at >= clock.now() - RETENTION and existing.response_status:
            return _answer(existing, fingerprint)
        # Expired (or left pending by a crash): the key is free again.
        await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == existing.id))
    record = IdempotencyRecord(
        account_id=account_id,
        credential_id=credential_id,
        key=key,
        request_hash=fingerprint,
        response_status=_PENDING,
        response_body="null",
        created_at=clock.now(),
    )
    try:
        async with session.begin_nested():
            session.add(record)
    except IntegrityError:
        # A concurrent first request committed its answer meanwhile.
        winner = await _find(session, credential_id, key)
        if winner is None or not winner.response_status:
            raise Conflict("a request with this Idempotency-Key is in progress") from None
        return _answer(winner, fingerprint)
    return record


async def store(
    session: AsyncSession, record: IdempotencyRecord, status: int, body: object
) -> None:
    record.response_status = status
    record.response_body = json.dumps(body, default=str)
    await session.flush()
