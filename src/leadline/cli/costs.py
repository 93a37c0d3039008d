"""Call costs: what the billed calls cost, per lead source and campaign."""

from __future__ import annotations

import csv
import sys
from datetime import date
from typing import Annotated

import typer

from leadline.cli.common import run, transaction
from leadline.core.accounts import service as accounts
from leadline.core.costs import reporting
from leadline.core.errors import ValidationFailed

costs_app = typer.Typer(help="Call costs posted by call-tracking platforms.")

UNATTRIBUTED = "(unattributed)"
COLUMNS = ("source", "campaign_id", "campaign", "attributed", "calls", "leads", "cost")


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.single(option, f"a date as YYYY-MM-DD, not {text!r}") from None


@costs_app.command("report")
def costs_report(
    account: Annotated[int, typer.Option("--account", "-a", help="Account id.")],
    day_from: Annotated[
        str | None, typer.Option("--from", help="First day billed (YYYY-MM-DD, account's zone).")
    ] = None,
    day_to: Annotated[
        str | None, typer.Option("--to", help="Last day billed, included (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Current call costs per lead source and campaign, as CSV on stdout. Costs matched to
    no call are a row of their own."""

    async def work() -> None:
        first, last = _day(day_from, "from"), _day(day_to, "to")
        async with transaction() as session:
            found = await accounts.get_account(session, account)
            billed_from, billed_before = reporting.billed_window(first, last, found.timezone)
            rows = await reporting.cost_summary(
                session, account, billed_from=billed_from, billed_before=billed_before
            )
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(
                (
                    row.source or ("" if row.attributed else UNATTRIBUTED),
                    row.campaign_id or "",
                    row.campaign or "",
                    1 if row.attributed else 0,
                    row.calls,
                    row.leads,
                    f"{row.cost:.4f}",
                )
            )

    run(work)
