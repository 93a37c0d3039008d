"""Portal hooks, the agencies they serve and their listings."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from leadline.cli.common import console, keyring, print_json, run, transaction
from leadline.core.accounts import service as accounts
from leadline.core.errors import NotFound
from leadline.core.portal import directory
from leadline.db.models import Agency, Listing, PortalHook

hooks_app = typer.Typer(help="Portal hooks: the URLs portals push leads to.")
agencies_app = typer.Typer(help="Real-estate agencies served by an account.")
listings_app = typer.Typer(help="Agencies' listings (portal pushes name them).")

AccountOpt = Annotated[int, typer.Option("--account", "-a", help="Account id.")]
JsonOpt = Annotated[bool, typer.Option("--json")]


def _hook_row(hook: PortalHook) -> dict[str, object]:
    return {
        "id": hook.id,
        "name": hook.name,
        "timezone": hook.timezone,
        "phone_region": hook.phone_region,
        "basic_user": hook.basic_user,
        "allowed_ips": hook.allowed_ips,
        "callback_campaign_id": hook.callback_campaign_id,
        "auto_register_listings": hook.auto_register_listings,
        "notify_email": hook.notify_email,
        "revoked": hook.revoked_at is not None,
    }


def _agency_row(agency: Agency) -> dict[str, object]:
    return {
        "id": agency.id,
        "external_id": agency.external_id,
        "portal_agency_id": agency.portal_agency_id,
        "name": agency.name,
        "email": agency.email,
        "enabled": agency.enabled,
        "callback_campaign_id": agency.callback_campaign_id,
        "notify_email": agency.notify_email,
    }


def _listing_row(listing: Listing) -> dict[str, object]:
    return {
        "id": listing.id,
        "agency_id": listing.agency_id,
        "external_id": listing.external_id,
        "portal_listing_id": listing.portal_listing_id,
        "title": listing.title,
        "enabled": listing.enabled,
    }


def _show(rows: list[dict[str, object]], json_out: bool) -> None:
    if json_out:
        print_json(rows)
        return
    if not rows:
        console.print("(none)")
        return
    table = Table(*rows[0].keys())
    for row in rows:
        table.add_row(*("" if value is None else str(value) for value in row.values()))
    console.print(table)


EmailOpt = Annotated[
    str | None, typer.Option("--email", help="Where the e-mails go (one address).")
]
OffOpt = Annotated[bool, typer.Option("--off", help="Send no more e-mails.")]


def _notify_address(email: str | None, off: bool) -> str | None:
    """The address to set (None: clear), or exit when the command says neither or both."""
    if off == (email is not None):
        console.print("give either --email ADDRESS or --off")
        raise typer.Exit(2)
    return email


def _basic(user: str | None, password: str | None) -> tuple[str, str] | None:
    if user is None and password is None:
        return None
    return (user or "", password or "")


# -- hooks ------------------------------------------------------------------------------


@hooks_app.command("create")
def hooks_create(
    account: AccountOpt,
    name: Annotated[str, typer.Option(help="A name to recognise it by.")] = "",
    timezone: Annotated[str, typer.Option(help="Zone of the pushes' dates.")] = "Europe/Rome",
    region: Annotated[str, typer.Option(help="Phone region of the pushes' numbers.")] = "IT",
    basic_user: Annotated[str | None, typer.Option(help="Require HTTP Basic auth.")] = None,
    basic_password: Annotated[str | None, typer.Option()] = None,
    allow_ip: Annotated[list[str] | None, typer.Option(help="Allowed IP or CIDR (repeat).")] = None,
    callback_campaign: Annotated[
        int | None, typer.Option(help="Campaign id that gets the call-backs.")
    ] = None,
    auto_register_listings: Annotated[
        bool, typer.Option(help="Create unknown listings of known agencies.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Create a hook. Its URL token is printed now and never again."""

    async def work() -> None:
        async with transaction() as session:
            await accounts.get_account(session, account)
            issued = await directory.create_hook(
                session,
                keyring(),
                account_id=account,
                name=name,
                timezone=timezone,
                phone_region=region,
                basic_user=basic_user,
                basic_password=basic_password,
                allowed_ips=allow_ip or [],
                callback_campaign_id=callback_campaign,
                auto_register_listings=auto_register_listings,
            )
        result = {**_hook_row(issued.hook), "token": issued.token}
        if json_out:
            print_json(result)
            return
        console.print(
            f"hook {issued.hook.id} created\n"
            f"phone:   /portal/{issued.token}/phone\n"
            f"contact: /portal/{issued.token}/contact\n(the token is shown only now)"
        )

    run(work)


@hooks_app.command("list")
def hooks_list(account: AccountOpt, json_out: JsonOpt = False) -> None:
    async def work() -> None:
        async with transaction() as session:
            rows = await directory.list_hooks(session, account)
        _show([_hook_row(hook) for hook in rows], json_out)

    run(work)


@hooks_app.command("update")
def hooks_update(
    account: AccountOpt,
    hook_id: int,
    name: Annotated[str | None, typer.Option()] = None,
    timezone: Annotated[str | None, typer.Option()] = None,
    region: Annotated[str | None, typer.Option()] = None,
    basic_user: Annotated[str | None, typer.Option()] = None,
    basic_password: Annotated[str | None, typer.Option()] = None,
    no_basic_auth: Annotated[bool, typer.Option(help="Stop requiring Basic auth.")] = False,
    allow_ip: Annotated[
        list[str] | None, typer.Option(help="Replace the IP allow-list (repeat).")
    ] = None,
    any_ip: Annotated[bool, typer.Option(help="Clear the IP allow-list.")] = False,
    callback_campaign: Annotated[int | None, typer.Option()] = None,
    no_callback_campaign: Annotated[bool, typer.Option(help="Make no call-backs.")] = False,
    auto_register_listings: Annotated[bool | None, typer.Option()] = None,
) -> None:
    """Change a hook's settings (what is not given stays)."""

    async def work() -> None:
        changes: dict[str, object] = {}
        if no_basic_auth:
            changes["basic_auth"] = None
        elif (basic := _basic(basic_user, basic_password)) is not None:
            changes["basic_auth"] = basic
        if any_ip:
            changes["allowed_ips"] = []
        elif allow_ip:
            changes["allowed_ips"] = allow_ip
        if no_callback_campaign:
            changes["callback_campaign_id"] = None
        elif callback_campaign is not None:
            changes["callback_campaign_id"] = callback_campaign
        async with transaction() as session:
            hook = await directory.get_hook(session, account, hook_id)
            await directory.update_hook(
                session,
                keyring(),
                hook,
                name=name,
                timezone=timezone,
                phone_region=region,
                auto_register_listings=auto_register_listings,
                **changes,  # type: ignore[arg-type]
            )
        console.print(f"hook {hook_id} updated")

    run(work)


@hooks_app.command("rotate")
def hooks_rotate(account: AccountOpt, hook_id: int) -> None:
    """Give a hook a new URL token; the old URL stops working at once."""

    async def work() -> None:
        async with transaction() as session:
            hook = await directory.get_hook(session, account, hook_id)
            token = await directory.rotate_hook_token(session, keyring(), hook)
        console.print(f"phone:   /portal/{token}/phone\ncontact: /portal/{token}/contact")

    run(work)


@hooks_app.command("revoke")
def hooks_revoke(account: AccountOpt, hook_id: int) -> None:
    async def work() -> None:
        async with transaction() as session:
            hook = await directory.get_hook(session, account, hook_id)
            await directory.revoke_hook(session, hook)
        console.print(f"hook {hook_id} revoked")

    run(work)


@hooks_app.command("notify")
def hooks_notify(
    account: AccountOpt, hook_id: int, email: EmailOpt = None, off: OffOpt = False
) -> None:
    """E-mail this address about every missed call and e-mail lead the hook receives
    (for all its agencies), or stop with --off."""
    address = _notify_address(email, off)

    async def work() -> None:
        async with transaction() as session:
            hook = await directory.get_hook(session, account, hook_id)
            await directory.update_hook(session, keyring(), hook, notify_email=address)
        console.print(f"hook {hook_id}: notifications {'to ' + address if address else 'off'}")

    run(work)


# -- agencies ---------------------------------------------------------------------------


@agencies_app.command("create")
def agencies_create(
    account: AccountOpt,
    external_id: Annotated[str, typer.Argument(help="Our id of it (agencyExternalId).")],
    portal_id: Annotated[int | None, typer.Option(help="The portal's agencyId.")] = None,
    name: Annotated[str, typer.Option()] = "",
    email: Annotated[str | None, typer.Option()] = None,
    callback_campaign: Annotated[
        int | None, typer.Option(help="Its own call-back campaign (else the hook's).")
    ] = None,
    disabled: Annotated[bool, typer.Option(help="Create it disabled.")] = False,
) -> None:
    async def work() -> None:
        async with transaction() as session:
            await accounts.get_account(session, account)
            agency = await directory.create_agency(
                session,
                account_id=account,
                external_id=external_id,
                portal_agency_id=portal_id,
                name=name,
                email=email,
                enabled=not disabled,
                callback_campaign_id=callback_campaign,
            )
        console.print(f"agency {agency.id} created: {agency.external_id}")

    run(work)


@agencies_app.command("list")
def agencies_list(account: AccountOpt, json_out: JsonOpt = False) -> None:
    async def work() -> None:
        async with transaction() as session:
            rows = await directory.list_agencies(session, account)
        _show([_agency_row(agency) for agency in rows], json_out)

    run(work)


@agencies_app.command("update")
def agencies_update(
    account: AccountOpt,
    agency_id: int,
    portal_id: Annotated[int | None, typer.Option()] = None,
    name: Annotated[str | None, typer.Option()] = None,
    email: Annotated[str | None, typer.Option()] = None,
    callback_campaign: Annotated[int | None, typer.Option()] = None,
    hook_campaign: Annotated[
        bool, typer.Option(help="Use the hook's call-back campaign again.")
    ] = False,
) -> None:
    async def work() -> None:
        changes: dict[str, object] = {}
        if portal_id is not None:
            changes["portal_agency_id"] = portal_id
        if email is not None:
            changes["email"] = email
        if hook_campaign:
            changes["callback_campaign_id"] = None
        elif callback_campaign is not None:
            changes["callback_campaign_id"] = callback_campaign
        async with transaction() as session:
            agency = await directory.get_agency(session, account, agency_id)
            await directory.update_agency(session, agency, name=name, **changes)  # type: ignore[arg-type]
        console.print(f"agency {agency_id} updated")

    run(work)


def _set_agency(account: int, agency_id: int, enabled: bool) -> None:
    async def work() -> None:
        async with transaction() as session:
            agency = await directory.get_agency(session, account, agency_id)
            await directory.set_agency_enabled(session, agency, enabled)
        console.print(f"agency {agency_id} {'enabled' if enabled else 'disabled'}")

    run(work)


@agencies_app.command("enable")
def agencies_enable(account: AccountOpt, agency_id: int) -> None:
    _set_agency(account, agency_id, True)


@agencies_app.command("disable")
def agencies_disable(account: AccountOpt, agency_id: int) -> None:
    """Pushes for a disabled agency are refused (4300)."""
    _set_agency(account, agency_id, False)


@agencies_app.command("notify")
def agencies_notify(
    account: AccountOpt, agency_id: int, email: EmailOpt = None, off: OffOpt = False
) -> None:
    """E-mail this address about every missed call and e-mail lead for the agency's
    listings, or stop with --off."""
    address = _notify_address(email, off)

    async def work() -> None:
        async with transaction() as session:
            agency = await directory.get_agency(session, account, agency_id)
            await directory.update_agency(session, agency, notify_email=address)
        console.print(f"agency {agency_id}: notifications {'to ' + address if address else 'off'}")

    run(work)


# -- listings ---------------------------------------------------------------------------


@listings_app.command("create")
def listings_create(
    account: AccountOpt,
    agency: Annotated[str, typer.Option(help="The agency's external id.")],
    reference: Annotated[str, typer.Argument(help="Our reference (listingExternalId).")],
    portal_id: Annotated[int | None, typer.Option(help="The portal's listingId.")] = None,
    title: Annotated[str, typer.Option()] = "",
    disabled: Annotated[bool, typer.Option(help="Create it disabled.")] = False,
) -> None:
    async def work() -> None:
        async with transaction() as session:
            owner = await directory.agency_by_external_id(session, account, agency)
            if owner is None:
                raise NotFound("agency", agency)
            listing = await directory.create_listing(
                session,
                agency=owner,
                external_id=reference,
                portal_listing_id=portal_id,
                title=title,
                enabled=not disabled,
            )
        console.print(f"listing {listing.id} created: {listing.external_id}")

    run(work)


@listings_app.command("list")
def listings_list(
    account: AccountOpt,
    agency_id: Annotated[int | None, typer.Option("--agency-id")] = None,
    json_out: JsonOpt = False,
) -> None:
    async def work() -> None:
        async with transaction() as session:
            rows = await directory.list_listings(session, account, agency_id=agency_id)
        _show([_listing_row(listing) for listing in rows], json_out)

    run(work)


def _set_listing(account: int, listing_id: int, enabled: bool) -> None:
    async def work() -> None:
        async with transaction() as session:
            listing = await directory.get_listing(session, account, listing_id)
            await directory.set_listing_enabled(session, listing, enabled)
        console.print(f"listing {listing_id} {'enabled' if enabled else 'disabled'}")

    run(work)


@listings_app.command("enable")
def listings_enable(account: AccountOpt, listing_id: int) -> None:
    _set_listing(account, listing_id, True)


@listings_app.command("disable")
def listings_disable(account: AccountOpt, listing_id: int) -> None:
    """Pushes for a disabled listing are refused (4030)."""
    _set_listing(account, listing_id, False)


@listings_app.command("import")
def listings_import(
    account: AccountOpt,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Create or update listings from a CSV with a header row:
    ``agency,reference,portal_id,title,enabled`` (the last three optional)."""

    async def work() -> directory.ImportResult:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        async with transaction() as session:
            await accounts.get_account(session, account)
            return await directory.import_listings(session, account, rows)

    result = run(work)
    console.print(f"{result.created} created, {result.updated} updated")
    for error in result.errors or []:
        console.print(f"[yellow]skipped[/yellow] {error}")
    if result.errors:
        raise typer.Exit(1)
