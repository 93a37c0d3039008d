"""The account's do-not-call list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Exists, delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.pagination import Page, keyset_page
from leadline.db.models import DncEntry


def listed(account_id: Any, number: Any) -> Exists:
    """True when the account's list holds the number: for reads that ask it alongside
    other questions (``account_id`` and ``number`` may be bind parameters)."""
    return exists().where(DncEntry.account_id == account_id, DncEntry.number == number)


async def is_listed(session: AsyncSession, account_id: int, number: str) -> bool:
    return bool(await session.scalar(select(listed(account_id, number))))


async def listed_among(session: AsyncSession, account_id: int, numbers: list[str]) -> set[str]:
    if not numbers:
        return set()
    return set(
        await session.scalars(
            select(DncEntry.number).where(
                DncEntry.account_id == account_id, DncEntry.number.in_(numbers)
            )
        )
    )


async def add(
    session: AsyncSession,
    *,
    account_id: int,
    number: str,
    reason: str | None = None,
    added_by_user_id: int | None = None,
    source: str | None = None,
) -> DncEntry:
    """Put ``number`` (E.164) on the list; adding it twice keeps the first entry."""
    existing = await session.scalar(
        select(DncEntry).where(DncEntry.account_id == account_id, DncEntry.number == number)
    )
    if existing is not None:
        return existing
    entry = DncEntry(
        account_id=account_id,
        number=number,
        reason=reason,
        added_by_user_id=added_by_user_id,
        source=source,
    )
    try:
        async with session.begin_nested():
            session.add(entry)
    except IntegrityError:
        found = await session.scalar(
            select(DncEntry).where(DncEntry.account_id == account_id, DncEntry.number == number)
        )
        assert found is not None
        return found
    return entry


async def remove(session: AsyncSession, account_id: int, number: str) -> bool:
    result = await session.execute(
        delete(DncEntry).where(DncEntry.account_id == account_id, DncEntry.number == number)
    )
    return bool(getattr(result, "rowcount", 0))


async def page_entries(
    session: AsyncSession, account_id: int, *, after: int | None, limit: int
) -> Page[DncEntry]:
    statement = select(DncEntry).where(DncEntry.account_id == account_id)
    return await keyset_page(session, statement, DncEntry.id, after=after, limit=limit)


async def get_entry(session: AsyncSession, account_id: int, number: str) -> DncEntry | None:
    return await session.scalar(
        select(DncEntry).where(DncEntry.account_id == account_id, DncEntry.number == number)
    )
