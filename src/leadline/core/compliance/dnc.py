"""The account's do-not-call list."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.pagination import Page, keyset_page
from leadline.db.models import DncEntry


async def is_listed(session: AsyncSession, account_id: int, number: str) -> bool:
    found = await session.scalar(
        select(DncEntry.id).where(DncEntry.account_id == account_id, DncEntry.number == number)
    )
    return found is not None


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
