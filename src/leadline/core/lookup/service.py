"""Tolerant phone lookup across contacts, leads and companies.

A number is first read as E.164 with the account's region and matched exactly; when that
fails or finds nothing, it is matched on its trailing digits (the last ten, or the last
nine of a shorter number), so ``0123456789``, ``+44 123 456 789`` and ``123456789`` written
by different systems still meet. The indexed ``tail`` column (last nine digits) narrows the
candidates; a ``LIKE`` on the stored number then checks the tenth digit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    Subquery,
    bindparam,
    func,
    literal,
    select,
    union_all,
)
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


class _Shape(StrEnum):
    """How stored numbers are compared with the one asked for. Statements are built once
    per shape with bound parameters, so a lookup only binds values."""

    EXACT = "exact"  # the E.164 number
    TAIL = "tail"  # the last nine digits (a number of nine digits or fewer)
    TAIL_AND_TENTH = "tail_and_tenth"  # the last nine digits, then the tenth by LIKE


@dataclass(frozen=True)
class _Rule:
    shape: _Shape
    params: dict[str, str]

    @classmethod
    def exact(cls, number: str) -> _Rule:
        return cls(_Shape.EXACT, {"number": number})

    @classmethod
    def trailing(cls, key: str) -> _Rule:
        params = {"tail": key[-TAIL_LENGTH:]}
        if len(key) <= TAIL_LENGTH:
            return cls(_Shape.TAIL, params)
        # The digits are safe in a LIKE pattern (no % or _): a stored number, E.164 or bare
        # digits, ends with the key exactly when its digits do.
        return cls(_Shape.TAIL_AND_TENTH, {**params, "pattern": f"%{key}"})


def _phone_match(shape: _Shape, number: Any, tail_column: Any) -> ColumnElement[bool]:
    if shape is _Shape.EXACT:
        return number == bindparam("number")  # type: ignore[no-any-return]
    condition = tail_column == bindparam("tail")
    if shape is _Shape.TAIL_AND_TENTH:
        condition = condition & number.like(bindparam("pattern"))
    return condition  # type: ignore[no-any-return]


def _contact_ids(shape: _Shape) -> Select[Any]:
    return select(Phone.contact_id).where(
        Phone.account_id == bindparam("account_id"),
        Phone.contact_id.is_not(None),
        _phone_match(shape, Phone.number, Phone.tail),
    )


def _company_ids(shape: _Shape) -> Select[Any]:
    return select(Phone.company_id).where(
        Phone.account_id == bindparam("account_id"),
        Phone.company_id.is_not(None),
        _phone_match(shape, Phone.number, Phone.tail),
    )


def _lead_ids(shape: _Shape) -> Select[Any]:
    return select(LeadPhone.lead_id).where(
        LeadPhone.account_id == bindparam("account_id"),
        _phone_match(shape, LeadPhone.number, LeadPhone.tail),
    )


_COUNTED: dict[RecordKind, tuple[Any, Callable[[_Shape], Select[Any]]]] = {
    RecordKind.CONTACT: (Contact, _contact_ids),
    RecordKind.LEAD: (Lead, _lead_ids),
    RecordKind.COMPANY: (Company, _company_ids),
}


@cache
def _count_statement(kind: RecordKind, shape: _Shape) -> Select[Any]:
    model, ids = _COUNTED[kind]
    return select(func.count()).where(model.id.in_(ids(shape)))


def _recent_people(kind: RecordKind, shape: _Shape) -> Subquery:
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
            Lead.id.in_(_lead_ids(shape))
        )
    else:
        query = query.where(Contact.id.in_(_contact_ids(shape)))
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


def _recent_companies(shape: _Shape) -> Subquery:
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
        .where(Company.id.in_(_company_ids(shape)))
        .order_by(
            Company.last_activity_at.desc().nulls_last(),
            Company.created_at.desc(),
            Company.id.desc(),
        )
        .limit(MAX_ITEMS)
        .subquery()
    )


@cache
def _recent_statement(shape: _Shape) -> CompoundSelect[Any]:
    """One round trip for the three kinds: each kind's 50 most recent, merged by the caller."""
    return union_all(
        select(_recent_people(RecordKind.CONTACT, shape)),
        select(_recent_people(RecordKind.LEAD, shape)),
        select(_recent_companies(shape)),
    )


async def _search(session: AsyncSession, account_id: int, rule: _Rule) -> LookupResult:
    params = {"account_id": account_id, **rule.params}
    rows = (await session.execute(_recent_statement(rule.shape), params)).all()
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
    for kind in RecordKind:
        listed = sum(1 for item in items if item.kind is kind)
        # A full page means there may be more: only then is a count needed.
        if listed >= MAX_ITEMS:
            listed = int(await session.scalar(_count_statement(kind, rule.shape), params) or 0)
        total += listed
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
        exact = await _search(session, account_id, _Rule.exact(number))
        if exact.total:
            return exact
    key = trailing_key(phone)
    if not key:
        return LookupResult(total=0, items=[])
    return await _search(session, account_id, _Rule.trailing(key))
