"""The account's do-not-call list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Exists, delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import phones
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


@dataclass(frozen=True)
class ImportCounts:
    added: int
    already_listed: int
    invalid: int


async def import_numbers(
    session: AsyncSession,
    *,
    account_id: int,
    numbers: Iterable[str],
    region: str | None,
    added_by_user_id: int | None = None,
    source: str = "import",
) -> ImportCounts:
    """Put each number (national numbers read in ``region``) on the list; count how many
    were added, were already listed (also repeats within the import) and were not numbers."""
    added = already = invalid = 0
    seen: set[str] = set()
    for raw in numbers:
        number = phones.try_parse(raw, region)
        if number is None:
            invalid += 1
            continue
        if number in seen or await is_listed(session, account_id, number):
            already += 1
            seen.add(number)
            continue
        seen.add(number)
        await add(
            session,
            account_id=account_id,
            number=number,
            added_by_user_id=added_by_user_id,
            source=source,
        )
        added += 1
    return ImportCounts(added=added, already_listed=already, invalid=invalid)
