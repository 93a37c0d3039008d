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

from sqlalchemy import ColumnElement, Select, Subquery, func, literal, select, union_all
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


def _recent_people(kind: RecordKind, account_id: int, rule: _Rule) -> Subquery:
    """The 50 most recently active contacts (or leads, by their contact) with the number."""
    employer = aliased(Company)
    record: Any = Contact if kind is RecordKind.CONTACT else Lead
    query = select(
        literal(kind.value).label("kind"),
        record.id.label("id"),
        Contact.name.label("name"),
        func.coalesce(employer.name, Contact.company_name).label("company"),
        Contact.notes.label("description"),
        Contact.last_activity_at.label("last_activity_at"),
        record.created_at.label("created_at"),
    )
    if kind is RecordKind.LEAD:
        query = query.join(Contact, Contact.id == Lead.contact_id).where(
            Lead.id.in_(_lead_ids(account_id, rule))
        )
    else:
        query = query.where(Contact.id.in_(_contact_ids(account_id, rule)))
    return (
        query.outerjoin(employer, employer.id == Contact.company_id)
        .order_by(
            Contact.last_activity_at.desc().nulls_last(),
            record.created_at.desc(),
            record.id.desc(),
        )
        .limit(MAX_ITEMS)
        .subquery()
    )


def _recent_companies(account_id: int, rule: _Rule) -> Subquery:
    return (
        select(
            literal(RecordKind.COMPANY.value).label("kind"),
            Company.id.label("id"),
            Company.name.label("name"),
            Company.name.label("company"),
            literal("").label("description"),
            Company.last_activity_at.label("last_activity_at"),
            Company.created_at.label("created_at"),
        )
        .where(Company.id.in_(_company_ids(account_id, rule)))
        .order_by(
            Company.last_activity_at.desc().nulls_last(),
            Company.created_at.desc(),
            Company.id.desc(),
        )
        .limit(MAX_ITEMS)
        .subquery()
    )


_COUNTED = {
    RecordKind.CONTACT: (Contact, _contact_ids),
    RecordKind.LEAD: (Lead, _lead_ids),
    RecordKind.COMPANY: (Company, _company_ids),
}


async def _search(session: AsyncSession, account_id: int, rule: _Rule) -> LookupResult:
    # One round trip for the three kinds: each kind's 50 most recent, merged here.
    parts = [
        select(part)
        for part in (
            _recent_people(RecordKind.CONTACT, account_id, rule),
            _recent_people(RecordKind.LEAD, account_id, rule),
            _recent_companies(account_id, rule),
        )
    ]
    rows = (await session.execute(union_all(*parts))).all()
    items = [
        Match(
            kind=RecordKind(row.kind),
            id=row.id,
            name=row.name or "",
            company=row.company or "",
            description=row.description or "",
            last_activity_at=_aware(row.last_activity_at),
            created_at=_aware(row.created_at) or _NEVER,
        )
        for row in rows
    ]
    total = 0
    for kind, (model, ids) in _COUNTED.items():
        listed = sum(1 for item in items if item.kind is kind)
        # A full page means there may be more: only then is a count needed.
        total += (
            listed if listed < MAX_ITEMS else await _count(session, model, ids(account_id, rule))
        )
    items.sort(key=Match.recency, reverse=True)
    return LookupResult(total=total, items=items[:MAX_ITEMS])


def _aware(moment: datetime | str | None) -> datetime | None:
    """A union's columns may come back untyped on SQLite (as text): read them as UTC."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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
