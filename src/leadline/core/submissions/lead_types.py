"""Lead types: a short code given to a supplier, routed to one campaign (and optionally
one list), with a duplicate window and per-subtype lists."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, Table, and_, bindparam, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.campaigns import service as campaigns
from leadline.core.errors import Conflict, NotFound, ValidationFailed
from leadline.core.ownership import get_owned
from leadline.db.models import Campaign, LeadList, LeadSubtypeList, LeadType

MAX_CODE_LENGTH = 100
MAX_SUBTYPE_LENGTH = 100
DEFAULT_DUPLICATE_WINDOW_DAYS = 30
MAX_DUPLICATE_WINDOW_DAYS = 3650


def _check_code(code: str) -> str:
    code = code.strip()
    if not code or len(code) > MAX_CODE_LENGTH:
        raise ValidationFailed.single("code", f"1 to {MAX_CODE_LENGTH} characters")
    return code


def _check_window(days: int) -> int:
    if not 0 <= days <= MAX_DUPLICATE_WINDOW_DAYS:
        raise ValidationFailed.single(
            "duplicateWindowDays", f"0 (off) to {MAX_DUPLICATE_WINDOW_DAYS}"
        )
    return days


async def create_type(
    session: AsyncSession,
    *,
    account_id: int,
    code: str,
    campaign_id: int,
    list_id: int | None = None,
    duplicate_window_days: int = DEFAULT_DUPLICATE_WINDOW_DAYS,
) -> LeadType:
    code = _check_code(code)
    campaign = await campaigns.get_campaign(session, account_id, campaign_id)
    if list_id is not None:
        await _list_of_campaign(session, account_id, campaign.id, list_id)
    lead_type = LeadType(
        account_id=account_id,
        code=code,
        campaign_id=campaign.id,
        list_id=list_id,
        duplicate_window_days=_check_window(duplicate_window_days),
    )
    try:
        async with session.begin_nested():
            session.add(lead_type)
    except IntegrityError:
        raise Conflict(f"lead type {code!r} already exists") from None
    return lead_type


async def _list_of_campaign(
    session: AsyncSession, account_id: int, campaign_id: int, list_id: int
) -> LeadList:
    lead_list = await campaigns.get_list(session, account_id, list_id)
    if lead_list.campaign_id != campaign_id:
        raise ValidationFailed.single("list", f"list {list_id} is not in campaign {campaign_id}")
    return lead_list


async def find_type(session: AsyncSession, account_id: int, code: str) -> LeadType | None:
    return await session.scalar(
        select(LeadType).where(LeadType.account_id == account_id, LeadType.code == code.strip())
    )


async def get_type(session: AsyncSession, account_id: int, code: str) -> LeadType:
    found = await find_type(session, account_id, code)
    if found is None:
        raise NotFound("lead type", code)
    return found


async def get_type_by_id(session: AsyncSession, account_id: int, lead_type_id: int) -> LeadType:
    return await get_owned(session, LeadType, account_id, lead_type_id, "lead type")


async def delete_type(session: AsyncSession, lead_type: LeadType) -> None:
    """Remove a type (and its subtype lists); submissions with its code are refused after."""
    await session.execute(
        delete(LeadSubtypeList).where(LeadSubtypeList.lead_type_id == lead_type.id)
    )
    await session.delete(lead_type)
    await session.flush()


async def list_types(session: AsyncSession, account_id: int) -> list[LeadType]:
    return list(
        await session.scalars(
            select(LeadType).where(LeadType.account_id == account_id).order_by(LeadType.code)
        )
    )


async def update_type(
    session: AsyncSession,
    lead_type: LeadType,
    *,
    campaign_id: int | None = None,
    list_id: int | None = None,
    clear_list: bool = False,
    duplicate_window_days: int | None = None,
) -> LeadType:
    """Re-route a type or change its window. Moving it to another campaign drops a list
    of the old campaign (and the subtype lists, which belong to the old campaign too)."""
    if campaign_id is not None and campaign_id != lead_type.campaign_id:
        campaign = await campaigns.get_campaign(session, lead_type.account_id, campaign_id)
        lead_type.campaign_id = campaign.id
        lead_type.list_id = None
        await session.execute(
            delete(LeadSubtypeList).where(LeadSubtypeList.lead_type_id == lead_type.id)
        )
    if clear_list:
        lead_type.list_id = None
    if list_id is not None:
        await _list_of_campaign(session, lead_type.account_id, lead_type.campaign_id, list_id)
        lead_type.list_id = list_id
    if duplicate_window_days is not None:
        lead_type.duplicate_window_days = _check_window(duplicate_window_days)
    await session.flush()
    return lead_type


async def map_subtype(
    session: AsyncSession, lead_type: LeadType, subtype: str, list_id: int
) -> LeadSubtypeList:
    """Leads of ``subtype`` go to ``list_id`` (a list of the type's campaign)."""
    subtype = subtype.strip()
    if not subtype or len(subtype) > MAX_SUBTYPE_LENGTH:
        raise ValidationFailed.single("subtype", f"1 to {MAX_SUBTYPE_LENGTH} characters")
    await _list_of_campaign(session, lead_type.account_id, lead_type.campaign_id, list_id)
    mapping = await session.scalar(
        select(LeadSubtypeList).where(
            LeadSubtypeList.lead_type_id == lead_type.id, LeadSubtypeList.subtype == subtype
        )
    )
    if mapping is None:
        mapping = LeadSubtypeList(lead_type_id=lead_type.id, subtype=subtype, list_id=list_id)
        session.add(mapping)
    else:
        mapping.list_id = list_id
    await session.flush()
    return mapping


async def unmap_subtype(session: AsyncSession, lead_type: LeadType, subtype: str) -> bool:
    result = await session.execute(
        delete(LeadSubtypeList).where(
            LeadSubtypeList.lead_type_id == lead_type.id,
            LeadSubtypeList.subtype == subtype.strip(),
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def subtype_lists(session: AsyncSession, lead_type_id: int) -> dict[str, int]:
    rows = await session.execute(
        select(LeadSubtypeList.subtype, LeadSubtypeList.list_id)
        .where(LeadSubtypeList.lead_type_id == lead_type_id)
        .order_by(LeadSubtypeList.subtype)
    )
    return {subtype: list_id for subtype, list_id in rows.all()}


@dataclass(frozen=True)
class TypeRule:
    """What a submission needs of its lead type: plain values, no ORM object."""

    id: int
    account_id: int
    campaign_id: int
    duplicate_window_days: int


@dataclass(frozen=True)
class CampaignHours:
    """A campaign's calling hours, enough to schedule a lead (see ``leads.scheduling``)."""

    id: int
    timezone: str
    calling_hours: dict[str, list[list[str]]] | None


@dataclass(frozen=True)
class ListRef:
    """The list a lead goes into (see ``leads.create_lead``)."""

    id: int
    account_id: int
    campaign_id: int


@dataclass(frozen=True)
class Route:
    lead_type: TypeRule
    campaign: CampaignHours
    lead_list: ListRef


_TYPES = cast(Table, LeadType.__table__)
_CAMPAIGNS = cast(Table, Campaign.__table__)
_LISTS = cast(Table, LeadList.__table__)
_SUBTYPE_LISTS = cast(Table, LeadSubtypeList.__table__)


@functools.cache
def _resolve_statement() -> Select[Any]:
    """Built once, plain columns: composing it per request, or loading three ORM
    entities from it, cost more than running it."""
    chosen = func.coalesce(_SUBTYPE_LISTS.c.list_id, _TYPES.c.list_id)
    return (
        select(
            _TYPES.c.id,
            _TYPES.c.duplicate_window_days,
            _CAMPAIGNS.c.id.label("campaign_id"),
            _CAMPAIGNS.c.timezone,
            _CAMPAIGNS.c.calling_hours,
            _LISTS.c.id.label("list_id"),
        )
        .join(_CAMPAIGNS, _CAMPAIGNS.c.id == _TYPES.c.campaign_id)
        .outerjoin(
            _SUBTYPE_LISTS,
            and_(
                _SUBTYPE_LISTS.c.lead_type_id == _TYPES.c.id,
                _SUBTYPE_LISTS.c.subtype == bindparam("subtype"),
            ),
        )
        .outerjoin(
            _LISTS,
            or_(
                _LISTS.c.id == chosen,
                and_(
                    chosen.is_(None),
                    _LISTS.c.campaign_id == _CAMPAIGNS.c.id,
                    _LISTS.c.is_default.is_(True),
                ),
            ),
        )
        .where(
            _TYPES.c.account_id == bindparam("account_id"),
            _TYPES.c.code == bindparam("code"),
        )
    )


async def resolve(
    session: AsyncSession, account_id: int, code: str, subtype: str | None
) -> Route | None:
    """The type with this code and where a lead of it (and of ``subtype``) goes: the
    subtype's list, else the type's list, else the campaign's default list. None when the
    account has no such type. One query: it is on the path of every submission."""
    row = (
        await session.execute(
            _resolve_statement(),
            {"account_id": account_id, "code": code.strip(), "subtype": subtype or ""},
        )
    ).first()
    if row is None:
        return None
    list_id = row.list_id
    if list_id is None:  # a campaign without a default list yet: make it
        campaign = await session.get(Campaign, row.campaign_id)
        assert campaign is not None
        list_id = (await campaigns.default_list(session, campaign)).id
    return Route(
        TypeRule(row.id, account_id, row.campaign_id, row.duplicate_window_days),
        CampaignHours(row.campaign_id, row.timezone, row.calling_hours),
        ListRef(list_id, account_id, row.campaign_id),
    )
