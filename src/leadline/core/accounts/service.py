"""Accounts: creating one gives it everything an account starts with."""

from __future__ import annotations

import phonenumbers
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.campaigns import service as campaigns
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.vocabulary import DEFAULT_STATUS_CODES, DEFAULT_WRAP_CODES
from leadline.db.models import Account, Campaign, LeadStatusCode, WrapCode


def _check_region(region: str) -> str:
    region = region.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationFailed.single("phone_region", f"unknown phone region {region!r}")
    return region


async def create_account(
    session: AsyncSession,
    *,
    name: str,
    timezone: str = "UTC",
    phone_region: str = "GB",
    language: str = "ru",
) -> Account:
    clock.zone(timezone)
    account = Account(
        name=name,
        timezone=timezone,
        phone_region=_check_region(phone_region),
        language=language,
    )
    session.add(account)
    await session.flush()
    session.add_all(
        LeadStatusCode(account_id=account.id, code=code, description=text, is_final=final)
        for code, text, final in DEFAULT_STATUS_CODES
    )
    session.add_all(
        WrapCode(account_id=account.id, code=code, description=text, status_code=status)
        for code, text, status in DEFAULT_WRAP_CODES
    )
    await campaigns.create_campaign(
        session,
        account=account,
        name="Inbound",
        campaign_type="inbound",
        dialling_mode="preview",
        is_default_inbound=True,
    )
    return account


async def get_account(session: AsyncSession, account_id: int) -> Account:
    account = await session.get(Account, account_id)
    if account is None:
        raise NotFound("account", account_id)
    return account


async def find_account_by_name(session: AsyncSession, name: str) -> Account | None:
    return await session.scalar(select(Account).where(Account.name == name).order_by(Account.id))


async def default_inbound_campaign(session: AsyncSession, account_id: int) -> Campaign:
    campaign = await session.scalar(
        select(Campaign).where(
            Campaign.account_id == account_id, Campaign.is_default_inbound.is_(True)
        )
    )
    if campaign is None:
        raise NotFound("default inbound campaign of account", account_id)
    return campaign


async def list_accounts(session: AsyncSession) -> list[Account]:
    return list(await session.scalars(select(Account).order_by(Account.id)))
