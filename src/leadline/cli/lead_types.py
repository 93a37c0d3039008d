"""Lead types of the dialler lead API: the codes suppliers post, and where they route."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from leadline.cli.common import console, print_json, run, transaction
from leadline.core.accounts import service as accounts
from leadline.core.submissions import lead_types
from leadline.db.models import LeadType

lead_types_app = typer.Typer(help="Lead types: supplier codes routed to a campaign and list.")

AccountOpt = Annotated[int, typer.Option("--account", "-a", help="Account id.")]
WindowOpt = Annotated[
    int | None,
    typer.Option("--window", help="Duplicate window in days since completion (0 = off)."),
]


def _describe(lead_type: LeadType, subtypes: dict[str, int]) -> dict[str, object]:
    return {
        "id": lead_type.id,
        "code": lead_type.code,
        "campaign_id": lead_type.campaign_id,
        "list_id": lead_type.list_id,
        "duplicate_window_days": lead_type.duplicate_window_days,
        "subtype_lists": subtypes,
    }


@lead_types_app.command("create")
def create(
    account: AccountOpt,
    code: str,
    campaign: Annotated[int, typer.Option("--campaign", "-c", help="Campaign id.")],
    list_id: Annotated[
        int | None, typer.Option("--list", help="List id (default: the campaign's).")
    ] = None,
    window: WindowOpt = None,
) -> None:
    """Create a lead type routed to a campaign (and optionally one of its lists)."""

    async def work() -> None:
        async with transaction() as session:
            await accounts.get_account(session, account)
            lead_type = await lead_types.create_type(
                session,
                account_id=account,
                code=code,
                campaign_id=campaign,
                list_id=list_id,
                duplicate_window_days=(
                    lead_types.DEFAULT_DUPLICATE_WINDOW_DAYS if window is None else window
                ),
            )
        console.print(f"lead type {lead_type.id} created: {lead_type.code}")

    run(work)


@lead_types_app.command("list")
def list_(account: AccountOpt, json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The account's lead types with their routes."""

    async def work() -> None:
        async with transaction() as session:
            rows = [
                _describe(found, await lead_types.subtype_lists(session, found.id))
                for found in await lead_types.list_types(session, account)
            ]
        if json_out:
            print_json(rows)
            return
        table = Table("id", "code", "campaign", "list", "window (days)", "subtype lists")
        for row in rows:
            subtypes = row["subtype_lists"]
            assert isinstance(subtypes, dict)
            table.add_row(
                str(row["id"]),
                str(row["code"]),
                str(row["campaign_id"]),
                "default" if row["list_id"] is None else str(row["list_id"]),
                str(row["duplicate_window_days"]),
                ", ".join(f"{name}→{list_ref}" for name, list_ref in subtypes.items()),
            )
        console.print(table)

    run(work)


@lead_types_app.command("update")
def update(
    account: AccountOpt,
    code: str,
    campaign: Annotated[int | None, typer.Option("--campaign", "-c")] = None,
    list_id: Annotated[int | None, typer.Option("--list")] = None,
    default_list: Annotated[
        bool, typer.Option("--default-list", help="Use the campaign's default list.")
    ] = False,
    window: WindowOpt = None,
) -> None:
    """Re-route a lead type or change its duplicate window."""

    async def work() -> None:
        async with transaction() as session:
            lead_type = await lead_types.get_type(session, account, code)
            await lead_types.update_type(
                session,
                lead_type,
                campaign_id=campaign,
                list_id=list_id,
                clear_list=default_list,
                duplicate_window_days=window,
            )
        console.print(f"lead type {lead_type.code} updated")

    run(work)


@lead_types_app.command("map-subtype")
def map_subtype(
    account: AccountOpt,
    code: str,
    subtype: str,
    list_id: Annotated[int, typer.Option("--list", help="A list of the type's campaign.")],
) -> None:
    """Send leads of one subtype to their own list."""

    async def work() -> None:
        async with transaction() as session:
            lead_type = await lead_types.get_type(session, account, code)
            await lead_types.map_subtype(session, lead_type, subtype, list_id)
        console.print(f"{code}/{subtype} → list {list_id}")

    run(work)


@lead_types_app.command("unmap-subtype")
def unmap_subtype(account: AccountOpt, code: str, subtype: str) -> None:
    """Send a subtype back to the type's own list."""

    async def work() -> None:
        async with transaction() as session:
            lead_type = await lead_types.get_type(session, account, code)
            removed = await lead_types.unmap_subtype(session, lead_type, subtype)
        console.print(f"{code}/{subtype}: {'unmapped' if removed else 'was not mapped'}")

    run(work)
