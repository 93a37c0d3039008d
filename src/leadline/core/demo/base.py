"""The demo's foundation: account, people, campaigns, leads and API credentials."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from leadline.core import clock
from leadline.core.accounts import service as accounts
from leadline.core.campaigns import service as campaigns
from leadline.core.contacts import service as contacts
from leadline.core.credentials import service as credential_service
from leadline.core.demo.builder import DemoContext
from leadline.core.leads import service as leads
from leadline.core.security import hash_password, verify_password
from leadline.core.users import service as users
from leadline.core.vocabulary import ROUND_THE_CLOCK, Scope
from leadline.db.models import ApiCredential, Campaign, Lead, User

DEMO_ACCOUNT = "Leadline Demo"
ROUND_THE_CLOCK_CAMPAIGN = "Round the clock"
CALLBACK_CAMPAIGN = "Call-backs"
SOFTPHONE_LOGIN = "12345"
SOFTPHONE_PASSWORD = "999999"  # noqa: S105 - the softphone seed's own example
CONSOLE_LOGIN = "admin@demo"

_AGENTS = (
    ("anna@demo", "Anna", "Rossi"),
    ("ben@demo", "Ben", "Clarke"),
)
_SAMPLE_PEOPLE = (
    ("Olivia", "Smith"),
    ("Jack", "Jones"),
    ("Amelia", "Taylor"),
    ("Harry", "Brown"),
    ("Isla", "Williams"),
    ("Oscar", "Wilson"),
    ("Ava", "Johnson"),
    ("Charlie", "Davies"),
    ("Mia", "Robinson"),
    ("George", "Wright"),
    ("Emily", "Thompson"),
    ("Noah", "Evans"),
)


async def _ensure_user(context: DemoContext, login: str, password: str, **fields: object) -> User:
    user = await users.find_by_login(context.session, login)
    if user is None:
        user = await users.create_user(
            context.session,
            account_id=context.account_id,
            login=login,
            password=password,
            **fields,  # type: ignore[arg-type]
        )
    elif not verify_password(user.password_hash, password):
        user.password_hash = hash_password(password)
    context.users[login] = user
    return user


async def account_and_people(context: DemoContext) -> None:
    session = context.session
    account = await accounts.find_account_by_name(session, DEMO_ACCOUNT)
    if account is None:
        account = await accounts.create_account(
            session, name=DEMO_ACCOUNT, timezone="Europe/London", phone_region="GB"
        )
        context.created = True
    context.account = account
    console_password = context.secret("console-password")
    await _ensure_user(
        context,
        CONSOLE_LOGIN,
        console_password,
        user_type="user",
        role="admin",
        first_name="Demo",
        last_name="Admin",
    )
    for login, first, last in _AGENTS:
        await _ensure_user(
            context,
            login,
            context.secret(f"agent:{login}"),
            user_type="agent",
            role="agent",
            first_name=first,
            last_name=last,
            available=True,
        )
    await _ensure_user(
        context,
        SOFTPHONE_LOGIN,
        SOFTPHONE_PASSWORD,
        user_type="agent",
        role="agent",
        first_name="Softphone",
        last_name="Agent",
    )
    context.output.update(
        account_id=account.id,
        console_login=CONSOLE_LOGIN,
        console_password=console_password,
        softphone_login=SOFTPHONE_LOGIN,
        softphone_password=SOFTPHONE_PASSWORD,
    )


async def _campaign(context: DemoContext, name: str, **fields: object) -> Campaign:
    assert context.account is not None
    found = await context.session.scalar(
        select(Campaign).where(Campaign.account_id == context.account_id, Campaign.name == name)
    )
    if found is None:
        found = await campaigns.create_campaign(
            context.session,
            account=context.account,
            name=name,
            **fields,  # type: ignore[arg-type]
        )
    context.campaigns[name] = found
    return found


async def campaigns_and_leads(context: DemoContext) -> None:
    session = context.session
    round_the_clock = await _campaign(
        context,
        ROUND_THE_CLOCK_CAMPAIGN,
        dialling_mode="progressive",
        calling_hours=ROUND_THE_CLOCK,
        timezone="Europe/London",
    )
    callbacks = await _campaign(
        context, CALLBACK_CAMPAIGN, dialling_mode="preview", timezone="Europe/London"
    )
    for login, _first, _last in _AGENTS:
        for campaign in (round_the_clock, callbacks):
            await campaigns.add_member(session, campaign, context.users[login])
    context.output["campaign_ids"] = {
        name: campaign.id for name, campaign in context.campaigns.items()
    }
    existing = await session.scalar(
        select(func.count()).select_from(Lead).where(Lead.campaign_id == round_the_clock.id)
    )
    if existing:
        return
    lead_list = await campaigns.default_list(session, round_the_clock)
    now = clock.now()
    for index, (first, last) in enumerate(_SAMPLE_PEOPLE):
        number = f"+4479111234{index:02d}"
        contact, _ = await contacts.find_or_create_contact(
            session,
            account_id=context.account_id,
            number=number,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@example.com",
            source="demo",
        )
        await leads.create_lead(
            session,
            lead_list=lead_list,
            contact=contact,
            phones=[number],
            customer_key=f"DEMO-{index + 1:03d}",
            source="demo",
            data={"interest": "home insurance" if index % 2 else "car insurance"},
            next_attempt_at=now + timedelta(minutes=index),
        )


async def _credential(context: DemoContext, name: str, scope: Scope) -> tuple[str, str]:
    """A demo credential with a stable public id and a secret derived from SECRET_KEY."""
    public_id = f"demo-{name}"
    secret = context.secret(f"credential:{name}")
    credential = await context.session.scalar(
        select(ApiCredential).where(ApiCredential.public_id == public_id)
    )
    if credential is None:
        await credential_service.create_credential(
            context.session,
            context.keyring,
            account_id=context.account_id,
            scopes=[scope],
            name=f"Demo {name}",
            public_id=public_id,
            secret=secret,
        )
    else:
        # SECRET_KEY may have changed since the demo was made: keep the printed one working.
        credential.secret_hash = context.keyring.hash(secret)
        credential.revoked_at = None
    return public_id, secret


async def credentials(context: DemoContext) -> None:
    dialler_id, dialler_secret = await _credential(context, "dialler", Scope.DIALLER_LEADS)
    costs_id, costs_secret = await _credential(context, "costs", Scope.CALL_COSTS)
    platform_id, platform_secret = await _credential(context, "platform", Scope.PLATFORM)
    context.output.update(
        dialler_key=f"{dialler_id}{credential_service.TOKEN_SEPARATOR}{dialler_secret}",
        cost_api_id=costs_id,
        cost_api_key=costs_secret,
        platform_token=f"{platform_id}{credential_service.TOKEN_SEPARATOR}{platform_secret}",
    )
