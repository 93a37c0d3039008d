"""Accounts, users, campaigns and API keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from leadline.cli.common import (
    console,
    err_console,
    keyring,
    print_json,
    run,
    settings,
    transaction,
)
from leadline.core.accounts import service as accounts
from leadline.core.campaigns import service as campaigns
from leadline.core.credentials import service as credentials
from leadline.core.users import service as users
from leadline.dialler.telephony import UnsupportedMode, check_mode

accounts_app = typer.Typer(help="Accounts (each is a wall: nothing crosses between them).")
users_app = typer.Typer(help="Users of an account: agents and account users.")
campaigns_app = typer.Typer(help="Campaigns and their lists.")
keys_app = typer.Typer(help="API credentials (the secret is shown once, when made).")

AccountOpt = Annotated[int, typer.Option("--account", "-a", help="Account id.")]


@accounts_app.command("create")
def accounts_create(
    name: str,
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "UTC",
    region: Annotated[str, typer.Option(help="Default phone region (ISO code).")] = "GB",
    language: Annotated[str, typer.Option(help="Softphone language: ru or en.")] = "ru",
) -> None:
    """Create an account with its default status codes, wrap codes and inbound campaign."""

    async def work() -> None:
        async with transaction() as session:
            account = await accounts.create_account(
                session, name=name, timezone=timezone, phone_region=region, language=language
            )
        console.print(f"account {account.id} created: {account.name}")

    run(work)


@accounts_app.command("list")
def accounts_list(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    async def work() -> None:
        async with transaction() as session:
            rows = await accounts.list_accounts(session)
        if json_out:
            print_json(
                [
                    {"id": a.id, "name": a.name, "timezone": a.timezone, "region": a.phone_region}
                    for a in rows
                ]
            )
            return
        table = Table("id", "name", "timezone", "region")
        for a in rows:
            table.add_row(str(a.id), a.name, a.timezone, a.phone_region)
        console.print(table)

    run(work)


@users_app.command("create")
def users_create(
    account: AccountOpt,
    login: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    user_type: Annotated[str, typer.Option("--type", help="agent or user")] = "agent",
    role: Annotated[str, typer.Option(help="admin or agent")] = "agent",
    first_name: Annotated[str, typer.Option()] = "",
    last_name: Annotated[str, typer.Option()] = "",
    email: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a user (logins are unique across all accounts)."""

    async def work() -> None:
        async with transaction() as session:
            await accounts.get_account(session, account)
            user = await users.create_user(
                session,
                account_id=account,
                login=login,
                password=password,
                user_type=user_type,
                role=role,
                first_name=first_name,
                last_name=last_name,
                email=email,
            )
        console.print(f"user {user.id} created: {user.login}")

    run(work)


@users_app.command("list")
def users_list(account: AccountOpt) -> None:
    async def work() -> None:
        async with transaction() as session:
            rows = await users.list_users(session, account)
        table = Table("id", "login", "name", "type", "role", "active", "available")
        for u in rows:
            table.add_row(
                str(u.id),
                u.login,
                u.full_name,
                u.user_type,
                u.role,
                str(u.active),
                str(u.available),
            )
        console.print(table)

    run(work)


def _dialable(mode: str) -> None:
    """Refuse, before anything is written, a mode the configured backend cannot dial."""
    try:
        check_mode(settings().telephony_backend, mode)
    except UnsupportedMode as refused:
        err_console.print(f"[red]error:[/red] {refused}")
        raise typer.Exit(1) from None


@campaigns_app.command("create")
def campaigns_create(
    account: AccountOpt,
    name: str,
    campaign_type: Annotated[str, typer.Option("--type", help="inbound or outbound")] = "outbound",
    mode: Annotated[str, typer.Option(help="preview, progressive or predictive")] = "progressive",
    timezone: Annotated[str | None, typer.Option(help="Default: the account's.")] = None,
    max_attempts: Annotated[int, typer.Option()] = 5,
) -> None:
    """Create a campaign with its default list."""
    if campaign_type == "outbound":
        _dialable(mode)

    async def work() -> None:
        async with transaction() as session:
            owner = await accounts.get_account(session, account)
            campaign = await campaigns.create_campaign(
                session,
                account=owner,
                name=name,
                campaign_type=campaign_type,
                dialling_mode=mode,
                timezone=timezone,
                max_attempts=max_attempts,
            )
        console.print(f"campaign {campaign.id} created: {campaign.name}")

    run(work)


@campaigns_app.command("list")
def campaigns_list(account: AccountOpt) -> None:
    async def work() -> None:
        async with transaction() as session:
            rows = await campaigns.list_campaigns(session, account)
        table = Table("id", "name", "type", "mode", "timezone", "active")
        for c in rows:
            table.add_row(
                str(c.id),
                c.name,
                c.campaign_type,
                c.dialling_mode,
                c.timezone,
                "yes" if c.is_active else "paused",
            )
        console.print(table)

    run(work)


def _set_active(account: int, campaign_id: int, active: bool) -> None:
    async def work() -> None:
        async with transaction() as session:
            campaign = await campaigns.get_campaign(session, account, campaign_id)
            if active and campaign.campaign_type == "outbound":
                _dialable(campaign.dialling_mode)
            await campaigns.set_active(session, campaign, active)
        console.print(f"campaign {campaign_id} {'resumed' if active else 'paused'}")

    run(work)


@campaigns_app.command("pause")
def campaigns_pause(account: AccountOpt, campaign_id: int) -> None:
    """Stop the dialler starting new calls in a campaign."""
    _set_active(account, campaign_id, False)


@campaigns_app.command("resume")
def campaigns_resume(account: AccountOpt, campaign_id: int) -> None:
    _set_active(account, campaign_id, True)


@keys_app.command("create")
def keys_create(
    account: AccountOpt,
    scope: Annotated[
        list[str],
        typer.Option(help="dialler-leads, call-costs, platform or softphone (repeat for several)."),
    ],
    name: Annotated[str, typer.Option()] = "",
    user: Annotated[int | None, typer.Option(help="Bind the key to this user.")] = None,
    allow_ip: Annotated[list[str] | None, typer.Option(help="Allowed IP or CIDR (repeat).")] = None,
    allow_endpoint: Annotated[
        list[str] | None, typer.Option(help="Allowed path pattern, * as wildcard (repeat).")
    ] = None,
    rate_limit: Annotated[int, typer.Option(help="Requests per second.")] = 50,
    burst: Annotated[int, typer.Option()] = 100,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create an API key. Its secret is printed now and never again."""

    async def work() -> None:
        async with transaction() as session:
            await accounts.get_account(session, account)
            if user is not None:
                await users.get_user(session, account, user)
            issued = await credentials.create_credential(
                session,
                keyring(),
                account_id=account,
                scopes=scope,
                name=name,
                user_id=user,
                allowed_ips=allow_ip or [],
                allowed_endpoints=allow_endpoint or [],
                rate_limit_per_second=rate_limit,
                rate_limit_burst=burst,
            )
        result = {
            "id": issued.credential.public_id,
            "secret": issued.secret,
            "token": issued.token,
            "scopes": issued.credential.scopes,
        }
        if json_out:
            print_json(result)
            return
        console.print(
            f"API ID:  {result['id']}\nAPI key: {result['secret']}\n"
            f"token:   {result['token']}\n(the key is shown only now)"
        )

    run(work)


@keys_app.command("revoke")
def keys_revoke(public_id: str) -> None:
    async def work() -> None:
        async with transaction() as session:
            await credentials.revoke(session, await credentials.get_credential(session, public_id))
        console.print(f"key {public_id} revoked")

    run(work)


@keys_app.command("rotate")
def keys_rotate(public_id: str) -> None:
    """Give a key a new secret; the old one stops working at once."""

    async def work() -> None:
        async with transaction() as session:
            credential = await credentials.get_credential(session, public_id)
            secret = await credentials.rotate(session, keyring(), credential)
        console.print(
            f"API ID:  {public_id}\nAPI key: {secret}\n"
            f"token:   {public_id}{credentials.TOKEN_SEPARATOR}{secret}"
        )

    run(work)


@keys_app.command("list")
def keys_list(account: AccountOpt) -> None:
    async def work() -> None:
        async with transaction() as session:
            rows = await credentials.list_credentials(session, account)
        table = Table("id", "name", "scopes", "user", "revoked", "last used")
        for c in rows:
            table.add_row(
                c.public_id,
                c.name,
                ",".join(c.scopes),
                str(c.user_id or ""),
                "yes" if c.revoked_at else "",
                str(c.last_used_at or ""),
            )
        console.print(table)

    run(work)
