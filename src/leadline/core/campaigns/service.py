"""Campaigns, their lists and their agents."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.ownership import get_owned
from leadline.core.vocabulary import DEFAULT_CALLING_HOURS, DEFAULT_RETRY_DELAYS, WEEKDAYS
from leadline.db.models import Account, Campaign, CampaignMember, LeadList, User

CAMPAIGN_TYPES = ("inbound", "outbound")
DIALLING_MODES = ("preview", "progressive", "predictive")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
MAX_NAME_LENGTH = 200  # the width of the name columns


def _check_name(name: str, field: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed.single(field, "must not be blank")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed.single(field, f"at most {MAX_NAME_LENGTH} characters")
    return name


def normalise_calling_hours(hours: Mapping[str, object]) -> dict[str, list[list[str]]]:
    """Check ``{"mon": [["09:00", "21:00"]], …}``: known weekdays, HH:MM, start < end."""
    if not isinstance(hours, Mapping):
        raise ValidationFailed.single("callingHours", "must be an object keyed by weekday")
    result: dict[str, list[list[str]]] = {day: [] for day in WEEKDAYS}
    for day, windows in hours.items():
        if day not in WEEKDAYS:
            raise ValidationFailed.single("callingHours", f"unknown weekday {day!r}")
        if not isinstance(windows, list):
            raise ValidationFailed.single("callingHours", f"{day}: a list of [start, end] pairs")
        for window in windows:
            if (
                not isinstance(window, list | tuple)
                or len(window) != 2
                or not all(isinstance(part, str) and _HHMM.match(part) for part in window)
            ):
                raise ValidationFailed.single("callingHours", f"{day}: windows are [HH:MM, HH:MM]")
            start, end = window
            if start >= end:
                raise ValidationFailed.single("callingHours", f"{day}: {start} is not before {end}")
            result[day].append([start, end])
        result[day].sort()
    return result


def normalise_retry_delays(delays: Mapping[object, object]) -> dict[str, int]:
    result: dict[str, int] = {}
    for key, value in delays.items():
        try:
            status = int(str(key))
        except ValueError:
            raise ValidationFailed.single("retryDelays", f"unknown dial status {key!r}") from None
        if not 1 <= status <= 8:
            raise ValidationFailed.single("retryDelays", f"unknown dial status {key!r}")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationFailed.single("retryDelays", "delays are whole seconds ≥ 0")
        result[str(status)] = value
    return result


def retry_delay(campaign: Campaign, dial_status_id: int) -> int:
    """Seconds to wait after ``dial_status_id``: the campaign's, else the default."""
    configured = (campaign.retry_delays or {}).get(str(dial_status_id))
    if configured is not None:
        return int(configured)
    return DEFAULT_RETRY_DELAYS.get(dial_status_id, 3600)


def _check_abandon_rate(value: object) -> Decimal:
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed.single("maxAbandonRate", "a percentage from 0 to 100") from None
    if not rate.is_finite() or not 0 <= rate <= 100:
        raise ValidationFailed.single("maxAbandonRate", "a percentage from 0 to 100")
    return rate.quantize(Decimal("0.01"))


def _default_list_name(campaign: Campaign) -> str:
    suffix = " – default"
    return campaign.name[: MAX_NAME_LENGTH - len(suffix)] + suffix


async def create_campaign(
    session: AsyncSession,
    *,
    account: Account,
    name: str,
    campaign_type: str = "outbound",
    timezone: str | None = None,
    dialling_mode: str = "progressive",
    calling_hours: Mapping[str, object] | None = None,
    max_attempts: int = 5,
    retry_delays: Mapping[object, object] | None = None,
    max_abandon_rate: object = "3",
    is_active: bool = True,
    is_default_inbound: bool = False,
    default_list_name: str | None = None,
) -> Campaign:
    """A campaign with its default list (where leads go when no list is named)."""
    name = _check_name(name, "campaignName")
    if campaign_type not in CAMPAIGN_TYPES:
        raise ValidationFailed.single("campaignType", "inbound or outbound")
    if dialling_mode not in DIALLING_MODES:
        raise ValidationFailed.single("diallingMode", "preview, progressive or predictive")
    if not 1 <= max_attempts <= 100:
        raise ValidationFailed.single("maxAttempts", "from 1 to 100")
    zone_name = timezone or account.timezone
    clock.zone(zone_name)
    campaign = Campaign(
        account_id=account.id,
        name=name,
        campaign_type=campaign_type,
        timezone=zone_name,
        dialling_mode=dialling_mode,
        calling_hours=normalise_calling_hours(
            DEFAULT_CALLING_HOURS if calling_hours is None else calling_hours
        ),
        max_attempts=max_attempts,
        retry_delays=normalise_retry_delays(retry_delays or {}),
        max_abandon_rate=_check_abandon_rate(max_abandon_rate),
        is_active=is_active,
        is_default_inbound=is_default_inbound,
    )
    session.add(campaign)
    await session.flush()
    await create_list(
        session,
        campaign=campaign,
        name=default_list_name or _default_list_name(campaign),
        is_default=True,
    )
    return campaign


async def create_list(
    session: AsyncSession,
    *,
    campaign: Campaign,
    name: str,
    weight: int = 1,
    in_dialler: bool = True,
    is_default: bool = False,
) -> LeadList:
    name = _check_name(name, "listName")
    if not 0 <= weight <= 1000:
        raise ValidationFailed.single("weight", "from 0 to 1000")
    lead_list = LeadList(
        account_id=campaign.account_id,
        campaign_id=campaign.id,
        name=name,
        weight=weight,
        in_dialler=in_dialler,
        is_default=is_default,
    )
    session.add(lead_list)
    await session.flush()
    return lead_list


async def get_campaign(session: AsyncSession, account_id: int, campaign_id: int) -> Campaign:
    return await get_owned(session, Campaign, account_id, campaign_id, "campaign")


async def get_list(session: AsyncSession, account_id: int, list_id: int) -> LeadList:
    return await get_owned(session, LeadList, account_id, list_id, "list")


async def default_list(session: AsyncSession, campaign: Campaign) -> LeadList:
    lead_list = await session.scalar(
        select(LeadList).where(LeadList.campaign_id == campaign.id, LeadList.is_default.is_(True))
    )
    if lead_list is None:
        lead_list = await create_list(
            session, campaign=campaign, name=_default_list_name(campaign), is_default=True
        )
    return lead_list


async def list_campaigns(session: AsyncSession, account_id: int) -> list[Campaign]:
    return list(
        await session.scalars(
            select(Campaign).where(Campaign.account_id == account_id).order_by(Campaign.id)
        )
    )


async def set_active(session: AsyncSession, campaign: Campaign, active: bool) -> Campaign:
    campaign.is_active = active
    await session.flush()
    return campaign


async def add_member(session: AsyncSession, campaign: Campaign, user: User) -> None:
    if user.account_id != campaign.account_id:
        raise NotFound("user", user.id)
    exists = await session.get(CampaignMember, (campaign.id, user.id))
    if exists is None:
        session.add(CampaignMember(campaign_id=campaign.id, user_id=user.id))
        await session.flush()


async def remove_member(session: AsyncSession, campaign: Campaign, user: User) -> None:
    await session.execute(
        delete(CampaignMember).where(
            CampaignMember.campaign_id == campaign.id, CampaignMember.user_id == user.id
        )
    )


async def member_ids(session: AsyncSession, campaign_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(CampaignMember.user_id).where(CampaignMember.campaign_id == campaign_id)
        )
    )


async def update_campaign(
    session: AsyncSession, campaign: Campaign, changes: Mapping[str, object]
) -> Campaign:
    """Change what ``changes`` names (``name``, ``campaign_type``, ``timezone``,
    ``dialling_mode``, ``calling_hours``, ``max_attempts``, ``retry_delays``,
    ``max_abandon_rate``, ``is_active``), each checked as on creation. Pausing
    (``is_active`` false) stops the dialler from starting new calls."""
    if "name" in changes:
        campaign.name = _check_name(str(changes["name"] or ""), "campaignName")
    if "campaign_type" in changes:
        if changes["campaign_type"] not in CAMPAIGN_TYPES:
            raise ValidationFailed.single("campaignType", "inbound or outbound")
        campaign.campaign_type = str(changes["campaign_type"])
    if "dialling_mode" in changes:
        if changes["dialling_mode"] not in DIALLING_MODES:
            raise ValidationFailed.single("diallingMode", "preview, progressive or predictive")
        campaign.dialling_mode = str(changes["dialling_mode"])
    if "timezone" in changes:
        clock.zone(str(changes["timezone"]))
        campaign.timezone = str(changes["timezone"])
    if "calling_hours" in changes:
        hours = changes["calling_hours"]
        campaign.calling_hours = normalise_calling_hours(
            hours if isinstance(hours, Mapping) else {}
        )
    if "max_attempts" in changes:
        attempts = changes["max_attempts"]
        if not isinstance(attempts, int) or not 1 <= attempts <= 100:
            raise ValidationFailed.single("maxAttempts", "from 1 to 100")
        campaign.max_attempts = attempts
    if "retry_delays" in changes:
        delays = changes["retry_delays"]
        campaign.retry_delays = normalise_retry_delays(
            delays if isinstance(delays, Mapping) else {}
        )
    if "max_abandon_rate" in changes:
        campaign.max_abandon_rate = _check_abandon_rate(changes["max_abandon_rate"])
    if "is_active" in changes:
        campaign.is_active = bool(changes["is_active"])
    await session.flush()
    return campaign
