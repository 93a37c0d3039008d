"""The fields of a new lead ("Create lead"), checked against the account's lists, status
codes and agents. One place for these rules, whether a lead comes alone or in bulk.

Checking is pure Python over a :class:`LeadContext` loaded once, so a bulk import checks
thousands of rows without a query per row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.errors import InvalidPhone, NotFound, ValidationFailed
from leadline.core.leads.scheduling import next_opening, zones_for
from leadline.core.phones import parse, parse_with_zones
from leadline.core.vocabulary import LeadStatus
from leadline.db.models import Account, Campaign, LeadList, LeadStatusCode, User

#: The largest ``leadData`` accepted, as compact JSON.
MAX_LEAD_DATA_BYTES = 16 * 1024
MAX_CUSTOMER_KEY = 200
PHONE_FIELDS = ("phone1", "phone2", "phone3")
FIELDS = frozenset(
    {
        "listId",
        "customerKey",
        *PHONE_FIELDS,
        "timezone",
        "nextAttemptTimestamp",
        "leadData",
        "statusCode",
        "agentId",
    }
)


@dataclass
class LeadContext:
    """What checking a lead of one account needs to know about that account."""

    account_id: int
    region: str
    timezone: str
    lists: dict[int, LeadList]
    campaigns: dict[int, Campaign]
    status_codes: set[int]
    agent_ids: set[int]
    # next_opening answers by (campaign, zones, due): most rows of a batch share them.
    _openings: dict[tuple[int, tuple[str, ...], datetime], datetime | None] = field(
        default_factory=dict
    )

    def dialable_at(self, lead: NewLead, due: datetime) -> datetime | None:
        """:func:`scheduling.dialable_at` of the lead, remembered for rows with the same
        zones."""
        campaign = lead.campaign
        zones = zones_for(campaign, lead.timezone, lead.phones[0], lead.phone1_zones)
        key = (campaign.id, tuple(zone.key for zone in zones), due)
        if key not in self._openings:
            self._openings[key] = next_opening(campaign, zones, due)
        return self._openings[key]


@dataclass(frozen=True)
class NewLead:
    """A checked "Create lead": phones are E.164, the first being the person's."""

    lead_list: LeadList
    campaign: Campaign
    phones: tuple[str, ...]
    customer_key: str | None
    timezone: str | None
    next_attempt_at: datetime | None
    data: dict[str, object]
    status_code: int
    agent_id: int | None
    #: The zones of the first phone, when the lead gave no time zone of its own.
    phone1_zones: tuple[str, ...] | None = None


async def load_context(session: AsyncSession, account_id: int) -> LeadContext:
    account = await session.get(Account, account_id)
    if account is None:
        raise NotFound("account", account_id)
    lists = {
        item.id: item
        for item in await session.scalars(select(LeadList).where(LeadList.account_id == account_id))
    }
    campaigns = {
        item.id: item
        for item in await session.scalars(select(Campaign).where(Campaign.account_id == account_id))
    }
    codes = set(
        await session.scalars(
            select(LeadStatusCode.code).where(LeadStatusCode.account_id == account_id)
        )
    )
    agents = set(
        await session.scalars(
            select(User.id).where(User.account_id == account_id, User.user_type == "agent")
        )
    )
    return LeadContext(
        account_id=account_id,
        region=account.phone_region,
        timezone=account.timezone,
        lists=lists,
        campaigns=campaigns,
        status_codes=codes,
        agent_ids=agents,
    )


def _integer(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def parse_timestamp(value: object, default_zone: str) -> datetime:
    """ISO 8601 with or without an offset; without one it is in ``default_zone``."""
    if not isinstance(value, str):
        raise ValueError("not an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(default_zone))
    return moment


def check_lead(raw: Mapping[str, object], context: LeadContext) -> NewLead | dict[str, str]:
    """The checked lead, or the problems by field (``{"phone1": "not a valid phone number"}``)."""
    errors: dict[str, str] = {}
    for name in raw:
        if name not in FIELDS:
            errors[str(name)] = "unknown field"

    lead_list = None
    list_id = _integer(raw.get("listId"))
    if "listId" not in raw or raw.get("listId") is None:
        errors["listId"] = "required"
    elif list_id is None:
        errors["listId"] = "must be an integer"
    else:
        lead_list = context.lists.get(list_id)
        if lead_list is None:
            errors["listId"] = f"unknown list {list_id}"

    customer_key = raw.get("customerKey")
    if customer_key is not None:
        if isinstance(customer_key, int) and not isinstance(customer_key, bool):
            customer_key = str(customer_key)
        if not isinstance(customer_key, str) or not customer_key.strip():
            errors["customerKey"] = "must be a non-empty string"
        elif len(customer_key) > MAX_CUSTOMER_KEY:
            errors["customerKey"] = f"at most {MAX_CUSTOMER_KEY} characters"
        else:
            customer_key = customer_key.strip()

    timezone = raw.get("timezone")
    if timezone is not None and (
        not isinstance(timezone, str) or not clock.is_valid_zone(timezone)
    ):
        errors["timezone"] = f"unknown time zone {timezone!r}"

    phones: list[str] = []
    phone1_zones: tuple[str, ...] | None = None
    for name in PHONE_FIELDS:
        value = raw.get(name)
        if value is None or value == "":
            continue
        try:
            if phones or timezone is not None:
                phones.append(parse(value, context.region))
            else:
                # The person's phone: its zones decide the calling hours (one parse).
                number, phone1_zones = parse_with_zones(value, context.region)
                phones.append(number)
        except InvalidPhone as exc:
            errors[name] = exc.reason
    if not phones and not any(name in errors for name in PHONE_FIELDS):
        errors["phone1"] = "at least one phone is required"

    next_attempt_at = None
    if raw.get("nextAttemptTimestamp") is not None:
        try:
            next_attempt_at = parse_timestamp(raw["nextAttemptTimestamp"], context.timezone)
        except ValueError as exc:
            errors["nextAttemptTimestamp"] = str(exc)

    data = raw.get("leadData")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        errors["leadData"] = "must be an object"
    elif len(json.dumps(data, separators=(",", ":")).encode()) > MAX_LEAD_DATA_BYTES:
        errors["leadData"] = "larger than 16 KiB"

    status_code = int(LeadStatus.NEW)
    if raw.get("statusCode") is not None:
        code = _integer(raw["statusCode"])
        if code is None:
            errors["statusCode"] = "must be an integer"
        elif code not in context.status_codes:
            errors["statusCode"] = f"unknown status code {code}"
        else:
            status_code = code

    agent_id = None
    if raw.get("agentId") is not None:
        agent_id = _integer(raw["agentId"])
        if agent_id is None:
            errors["agentId"] = "must be an integer"
        elif agent_id not in context.agent_ids:
            errors["agentId"] = f"unknown agent {agent_id}"

    if errors or lead_list is None or not isinstance(data, dict):
        return errors
    return NewLead(
        lead_list=lead_list,
        campaign=context.campaigns[lead_list.campaign_id],
        phones=tuple(phones),
        customer_key=customer_key if isinstance(customer_key, str) else None,
        timezone=timezone if isinstance(timezone, str) else None,
        next_attempt_at=next_attempt_at,
        data=data,
        status_code=status_code,
        agent_id=agent_id,
        phone1_zones=phone1_zones,
    )


def check_lead_or_raise(raw: Mapping[str, object], context: LeadContext) -> NewLead:
    """:func:`check_lead` for a single create: problems raise :class:`ValidationFailed`."""
    checked = check_lead(raw, context)
    if isinstance(checked, dict):
        raise ValidationFailed({name: [problem] for name, problem in checked.items()})
    return checked
