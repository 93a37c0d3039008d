"""Building blocks for tests: an account with people, campaigns and credentials, made
through the core services (never by writing rows by hand)."""

from __future__ import annotations

from dataclasses import dataclass

from leadline.core.accounts import service as accounts
from leadline.core.campaigns import service as campaigns
from leadline.core.credentials import service as credentials
from leadline.core.security import Keyring
from leadline.core.users import service as users
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from leadline.db.models import Account, Campaign, LeadList, User


@dataclass
class World:
    account: Account
    campaign: Campaign
    lead_list: LeadList
    admin: User
    agent: User


async def make_world(
    db: Database,
    *,
    name: str = "Acme",
    region: str = "GB",
    timezone: str = "Europe/London",
    login_prefix: str = "",
) -> World:
    prefix = login_prefix or name.lower()
    async with db.transaction() as session:
        account = await accounts.create_account(
            session, name=name, phone_region=region, timezone=timezone
        )
        campaign = await campaigns.create_campaign(session, account=account, name="Outbound")
        lead_list = await campaigns.default_list(session, campaign)
        admin = await users.create_user(
            session,
            account_id=account.id,
            login=f"{prefix}-admin",
            password="admin-pass",
            user_type="user",
            role="admin",
        )
        agent = await users.create_user(
            session,
            account_id=account.id,
            login=f"{prefix}-agent",
            password="agent-pass",
            available=True,
        )
        await campaigns.add_member(session, campaign, agent)
    return World(account, campaign, lead_list, admin, agent)


async def make_token(
    db: Database, keyring: Keyring, account_id: int, scope: Scope, **options: object
) -> credentials.IssuedCredential:
    async with db.transaction() as session:
        return await credentials.create_credential(
            session,
            keyring,
            account_id=account_id,
            scopes=[scope],
            **options,  # type: ignore[arg-type]
        )
