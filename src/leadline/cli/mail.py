"""Agency e-mail notifications: the messages with their attempts, and sending one again.
(Who gets them: ``leadline agencies notify`` and ``leadline hooks notify``.)"""

from __future__ import annotations

from typing import Annotated

import typer

from leadline.cli.common import print_json, run, transaction
from leadline.core.mail import service
from leadline.core.webhooks.service import iso
from leadline.db.models import MailMessage

mail_app = typer.Typer(help="Agency e-mail notifications.")

AccountOption = Annotated[int, typer.Option("--account", "-a", help="Account id.")]


def _row(message: MailMessage) -> dict[str, object]:
    return {
        "id": message.uuid,
        "kind": message.kind,
        "recipient": message.recipient,
        "state": message.state,
        "attempts": message.attempts,
        "createdAt": iso(message.created_at),
        "nextAttemptAt": iso(message.next_attempt_at),
        "lastStatus": message.last_status,
        "lastError": message.last_error,
        "deliveredAt": iso(message.delivered_at),
    }


@mail_app.command("messages")
def messages(
    account: AccountOption,
    limit: Annotated[int, typer.Option("--limit", help="Most recent first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Recent messages with their state and attempts."""

    async def work() -> list[dict[str, object]]:
        async with transaction() as session:
            return [_row(each) for each in await service.messages(session, account, limit=limit)]

    rows = run(work)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(
            f"{row['id']}\t{row['kind']}\t{row['recipient']}\t{row['state']}"
            f"\tattempts {row['attempts']}\t{row['lastError'] or ''}"
        )


@mail_app.command("replay")
def replay(
    account: AccountOption,
    message_id: Annotated[str, typer.Argument(help="The message id (a UUID).")],
) -> None:
    """Send a message again (due now, attempts from zero)."""

    async def work() -> str:
        async with transaction() as session:
            return (await service.replay(session, account, message_id)).recipient

    recipient = run(work)
    typer.echo(f"message {message_id} queued again for {recipient}")
