"""Tolerant phone lookup across contacts, leads and companies.

A number is first read as E.164 with the account's region and matched exactly; when that
fails or finds nothing, it is matched on its trailing digits (the last ten, or the last
nine of a shorter number), so ``0123456789``, ``+44 123 456 789`` and ``123456789`` written
by different systems still meet. The indexed ``tail`` column (last nine digits) narrows the
candidates; a ``LIKE`` on the stored number then checks the tenth digit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from leadline.core.phones import TAIL_LENGTH, trailing_key, try_parse
from leadline.db.models import Company, Contact, Lead, LeadPhone, Phone

MAX_ITEMS = 50
_NEVER = datetime.min.replace(tzinfo=UTC)


class RecordKind(StrEnum):
    """The three kinds of record a number can belong to; each has its own ids."""

    CONTACT = "contact"
    LEAD = "lead"
    COMPANY = "company"

    @classmethod
    def from_word(cls, word: str | None) -> RecordKind | None:
        """The kind a word names: ``contact``/``lead``/``company`` or the softphone's
        Russian ``Контакт``/``Лид``/``Компания``, in any case; None when unknown."""
        return _KIND_WORDS.get((word or "").strip().casefold())


_KIND_WORDS = {
    "contact": RecordKind.CONTACT,
    "lead": RecordKind.LEAD,
    "company": RecordKind.COMPANY,
    "контакт": RecordKind.CONTACT,
    "лид": RecordKind.LEAD,
    "компания": RecordKind.COMPANY,
}


@dataclass(frozen=True)
class Match:
    kind: RecordKind
    id: int
    name: str
    company: str
    description: str
    last_activity_at: datetime | None
    created_at: datetime

    def recency(self) -> tuple[datetime, datetime, int]:
        return (self.last_activity_at or _NEVER, self.created_at, self.id)


@dataclass(frozen=True)
class LookupResult:
    total: int
    items: list[Match]


@dataclass(frozen=True)
class _Rule:
    """How stored numbers are compared with the one asked for."""

    number: str | None = None
    key: str | None = None

    def phones(self, column_number: Any, column_tail: Any) -> ColumnElement[bool]:
        if self.number is not None:
            return column_number == self.number  # type: ignore[no-any-return]
        assert self.key is not None
        condition = column_tail == self.key[-TAIL_LENGTH:]
        if len(self.key) > TAIL_LENGTH:
            # The digits are safe in a LIKE pattern (no % or _): a stored number, E.164 or
            # bare digits, ends with the key exactly when its digits do.
            condition = condition & column_number.like(f"%{self.key}")
        return condition  # type: ignore[no-any-return]


def _contact_ids(account_id: int, rule: _Rule) -> Select[Any]:
    return select(Phone.contact_id).where(
        Phone.account_id == account_id,
        Phone.contact_id.is_not(None),
        rule.phones(Phone.number, Phone.tail),
    )


def _company_ids(account_id: int, rule: _Rule) -> Select[Any]:
    return select(Phone.company_id).where(
        Phone.account_id == account_id,
        Phone.company_id.is_not(None),
        rule.phones(Phone.number, Phone.tail),
    )


def _lead_ids(account_id: int, rule: _Rule) -> Select[Any]:
    return select(LeadPhone.lead_id).where(
        LeadPhone.account_id == account_id, rule.phones(LeadPhone.number, LeadPhone.tail)
    )


async def _count(session: AsyncSession, model: Any, ids: Select[Any]) -> int:
    return int(await session.scalar(select(func.count()).where(model.id.in_(ids))) or 0)


async def _contacts(session: AsyncSession, account_id: int, rule: _Rule) -> tuple[int, list[Match]]:
    employer = aliased(Company)
    ids = _contact_ids(account_id, rule)
    rows = await session.execute(
        select(
            Contact.id,
            Contact.name,
            func.coalesce(employer.name, Contact.company_name),
            Contact.notes,
            Contact.last_activity_at,
            Contact.created_at,
        )
        .outerjoin(employer, employer.id == Contact.company_id)
        .where(Contact.id.in_(ids))
        .order_by(
            Contact.last_activity_at.desc().nulls_last(),
            Contact.created_at.desc(),
            Contact.id.desc(),
        )
        .limit(MAX_ITEMS)
    )
    items = [
        Match(RecordKind.CONTACT, row[0], row[1] or "", row[2] or "", row[3] or "", row[4], row[5])
        for row in rows
    ]
    total = len(items) if len(items) < MAX_ITEMS else await _count(session, Contact, ids)
    return total, items


async def _leads(session: AsyncSession, account_id: int, rule: _Rule) -> tuple[int, list[Match]]:
    employer = aliased(Company)
    ids = _lead_ids(account_id, rule)
    rows = await session.execute(
        select(
            Lead.id,
            Contact.name,
            func.coalesce(employer.name, Contact.company_name),
            Contact.notes,
            Contact.last_activity_at,
            Lead.created_at,
        )
        .join(Contact, Contact.id == Lead.contact_id)
        .outerjoin(employer, employer.id == Contact.company_id)
        .where(Lead.id.in_(ids))
        .order_by(
            Contact.last_activity_at.desc().nulls_last(), Lead.created_at.desc(), Lead.id.desc()
        )
        .limit(MAX_ITEMS)
    )
    items = [
        Match(RecordKind.LEAD, row[0], row[1] or "", row[2] or "", row[3] or "", row[4], row[5])
        for row in rows
    ]
    total = len(items) if len(items) < MAX_ITEMS else await _count(session, Lead, ids)
    return total, items


async def _companies(
    session: AsyncSession, account_id: int, rule: _Rule
) -> tuple[int, list[Match]]:
    ids = _company_ids(account_id, rule)
    rows = await session.execute(
        select(Company.id, Company.name, Company.last_activity_at, Company.created_at)
        .where(Company.id.in_(ids))
        .order_by(
            Company.last_activity_at.desc().nulls_last(),
            Company.created_at.desc(),
            Company.id.desc(),
        )
        .limit(MAX_ITEMS)
    )
    items = [
        Match(RecordKind.COMPANY, row[0], row[1] or "", row[1] or "", "", row[2], row[3])
        for row in rows
    ]
    total = len(items) if len(items) < MAX_ITEMS else await _count(session, Company, ids)
    return total, items


async def _search(session: AsyncSession, account_id: int, rule: _Rule) -> LookupResult:
    total = 0
    items: list[Match] = []
    for part in (_contacts, _leads, _companies):
        count, found = await part(session, account_id, rule)
        total += count
        items.extend(found)
    items.sort(key=Match.recency, reverse=True)
    return LookupResult(total=total, items=items[:MAX_ITEMS])


async def find_by_phone(
    session: AsyncSession, *, account_id: int, region: str | None, phone: str
) -> LookupResult:
    """Every contact, lead and company of the account with this number: the most recently
    active first (then the newest), at most 50 listed, ``total`` counting all."""
    number = try_parse(phone, region)
    if number is not None:
        exact = await _search(session, account_id, _Rule(number=number))
        if exact.total:
            return exact
    key = trailing_key(phone)
    if not key:
        return LookupResult(total=0, items=[])
    return await _search(session, account_id, _Rule(key=key))
