"""What every outbox shares (webhook deliveries, agency e-mails): claiming due rows under a
lease, recording what an attempt came to, the back-off between attempts, and sending a row
again.

At-least-once: a row stays pending until a success is recorded, and a worker that dies
holding one lets its lease run out for another worker to take. Only the holder of the
lease records an attempt, so a row is never settled twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.db.engine import Database
from leadline.db.models.outbox import OutboxMixin

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"

LEASE = timedelta(seconds=60)
#: Rows one worker claims at a time.
BATCH = 20
FIRST_RETRY = timedelta(seconds=10)
MAX_RETRY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)

Now = Callable[[], datetime]
Row = TypeVar("Row", bound=OutboxMixin)


def retry_delay(attempts: int) -> timedelta:
    """10 s after the first failure, doubling, at most an hour."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 16)), MAX_RETRY)


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to. ``status`` is the receiver's answer code (HTTP status,
    SMTP reply code), None when there was no answer."""

    status: int | None
    error: str | None
    delivered: bool
    #: The receiver refused for good: trying again would get the same answer.
    permanent: bool = False


async def drain(step: Callable[[], Awaitable[int]], *, batch: int, max_batches: int = 50) -> int:
    """Run ``step`` (one claim-and-send of up to ``batch`` rows) again while it finds a
    full batch, at most ``max_batches`` times: a backlog goes out at the pace of the
    receiver, not one batch per worker tick. The number of rows attempted."""
    total = 0
    for _ in range(max_batches):
        done = await step()
        total += done
        if done < batch:
            break
    return total


async def claim_due(
    db: Database,
    model: type[Row],
    holder: str,
    *,
    now: datetime,
    limit: int = BATCH,
    blocked: ColumnElement[bool] | None = None,
) -> list[int]:
    """Lease up to ``limit`` due rows of ``model`` to ``holder``, oldest due first;
    ``blocked`` holds back rows that must wait (for an earlier one, say).

    PostgreSQL skips rows other workers have locked; on SQLite (one writer at a time) the
    conditional update is what makes a claim exclusive.
    """
    free = or_(model.lease_until.is_(None), model.lease_until <= now)
    due = and_(model.state == PENDING, model.next_attempt_at <= now, free)
    wanted = due if blocked is None else and_(due, ~blocked)
    claimed: list[int] = []
    async with db.transaction() as session:
        candidates = list(
            await session.scalars(
                select(model.id)
                .where(wanted)
                .order_by(model.next_attempt_at, model.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for row_id in candidates:
            result = await session.execute(
                update(model)
                .where(model.id == row_id, due)
                .values(lease_holder=holder, lease_until=now + LEASE)
            )
            if getattr(result, "rowcount", 0) == 1:
                claimed.append(row_id)
    return claimed


def settled(outcome: Outcome, attempts: int, *, since: datetime, at: datetime) -> dict[str, Any]:
    """The row's new values after attempt number ``attempts`` ended ``at`` with ``outcome``:
    delivered; failed when refused for good or when the next try would fall past
    :data:`GIVE_UP_AFTER` from ``since``; else due again after :func:`retry_delay`."""
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_status": outcome.status,
        "last_error": outcome.error,
        "lease_holder": None,
        "lease_until": None,
    }
    if outcome.delivered:
        values.update(state=DELIVERED, delivered_at=at)
    elif outcome.permanent:
        values.update(state=FAILED)
    else:
        retry_at = at + retry_delay(attempts)
        if retry_at > since + GIVE_UP_AFTER:
            values.update(state=FAILED)
        else:
            values.update(next_attempt_at=retry_at)
    return values


async def record(
    db: Database, model: type[Row], row_id: int, holder: str, values: dict[str, Any]
) -> str:
    """Write ``values`` (from :func:`settled`) if ``holder`` still holds the row; the
    row's new state."""
    async with db.transaction() as session:
        # Only the holder records: a worker whose lease ran out leaves it to the next one.
        await session.execute(
            update(model)
            .where(model.id == row_id, model.lease_holder == holder, model.state == PENDING)
            .values(**values)
        )
    return str(values.get("state", PENDING))


async def requeue(session: AsyncSession, model: type[Row], *where: ColumnElement[bool]) -> int:
    """Send the matching rows again: pending, due now, attempts from zero. The number of
    rows."""
    result = await session.execute(
        update(model)
        .where(*where)
        .values(
            state=PENDING,
            next_attempt_at=clock.now(),
            lease_holder=None,
            lease_until=None,
            delivered_at=None,
            attempts=0,
        )
    )
    await session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
