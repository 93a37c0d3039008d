"""Outbound webhooks: subscriptions, their deliveries, and replaying an event."""

from __future__ import annotations

from typing import Annotated

import typer

from leadline.cli.common import console, print_json, run, transaction
from leadline.core.webhooks import service
from leadline.core.webhooks.service import iso

webhooks_app = typer.Typer(help="Signed outbound webhooks.")

AccountOption = Annotated[int, typer.Option("--account", "-a", help="Account id.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@webhooks_app.command("create")
def create(
    account: AccountOption,
    url: Annotated[str, typer.Option("--url", help="Where events are POSTed.")],
    event: Annotated[
        list[str],
        typer.Option("--event", help=f"An event type ({', '.join(service.EVENT_TYPES)})."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Subscribe to events; the signing secret is printed this once only."""

    async def work() -> dict[str, object]:
        async with transaction() as session:
            made = await service.subscribe(session, account, url=url, event_types=event)
            return {
                "id": made.id,
                "url": made.url,
                "events": made.event_types,
                "secret": made.secret,
            }

    shown = run(work)
    if as_json:
        print_json(shown)
        return
    console.print(f"webhook {shown['id']} → {shown['url']}")
    typer.echo(f"secret (shown once): {shown['secret']}")


@webhooks_app.command("list")
def list_webhooks(account: AccountOption, as_json: JsonOption = False) -> None:
    """The account's subscriptions (never their secrets)."""

    async def work() -> list[dict[str, object]]:
        async with transaction() as session:
            found = await service.list_subscriptions(session, account)
            return [
                {
                    "id": each.id,
                    "url": each.url,
                    "events": each.event_types,
                    "active": each.active,
                    "createdAt": iso(each.created_at),
                }
                for each in found
            ]

    rows = run(work)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        state = "active" if row["active"] else "inactive"
        events = ",".join(str(name) for name in row["events"])  # type: ignore[attr-defined]
        typer.echo(f"{row['id']}\t{state}\t{row['url']}\t{events}")


@webhooks_app.command("deactivate")
def deactivate(
    account: AccountOption,
    webhook_id: Annotated[int, typer.Argument(help="Webhook id.")],
) -> None:
    """Stop sending to a subscription; its pending deliveries are dropped."""

    async def work() -> None:
        async with transaction() as session:
            await service.deactivate(session, account, webhook_id)

    run(work)
    typer.echo(f"webhook {webhook_id} deactivated")


@webhooks_app.command("deliveries")
def deliveries(
    account: AccountOption,
    limit: Annotated[int, typer.Option("--limit", help="Most recent first.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Recent deliveries with their state and attempts."""

    async def work() -> list[dict[str, object]]:
        async with transaction() as session:
            found = await service.deliveries(session, account, limit=limit)
            return [
                {
                    "id": delivery.id,
                    "eventId": event.uuid,
                    "type": event.type,
                    "webhookId": delivery.subscription_id,
                    "state": delivery.state,
                    "attempts": delivery.attempts,
                    "nextAttemptAt": iso(delivery.next_attempt_at),
                    "lastStatus": delivery.last_status,
                    "lastError": delivery.last_error,
                    "deliveredAt": iso(delivery.delivered_at),
                }
                for delivery, event in found
            ]

    rows = run(work)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(
            f"{row['eventId']}\t{row['type']}\twebhook {row['webhookId']}\t{row['state']}"
            f"\tattempts {row['attempts']}\t{row['lastStatus'] or ''}"
        )


@webhooks_app.command("replay")
def replay(event_id: Annotated[str, typer.Argument(help="The event id (a UUID).")]) -> None:
    """Send an event again to the active subscriptions it went to."""

    async def work() -> int:
        async with transaction() as session:
            return await service.replay(session, event_id)

    count = run(work)
    typer.echo(f"event {event_id} queued again for {count} webhook(s)")
