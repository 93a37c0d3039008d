"""``leadline agencies notify``, ``leadline hooks notify`` and ``leadline mail``."""

from __future__ import annotations

import json

from sqlalchemy import select

from leadline.config import Settings
from leadline.core.mail import service
from leadline.core.portal import directory
from leadline.core.security import Keyring
from leadline.db.engine import Database
from leadline.db.models import Agency, MailMessage, PortalHook
from tests.cli.test_cli import _leadline
from tests.factories import make_world


async def _agency_and_hook(db: Database, keyring: Keyring) -> tuple[int, int, int]:
    world = await make_world(db)
    async with db.transaction() as session:
        hook = await directory.create_hook(session, keyring, account_id=world.account.id)
        agency = await directory.create_agency(
            session, account_id=world.account.id, external_id="1234"
        )
    return world.account.id, agency.id, hook.hook.id


async def _addresses(db: Database, agency_id: int, hook_id: int) -> tuple[str | None, ...]:
    async with db.read_session() as session:
        agency = await session.get(Agency, agency_id)
        hook = await session.get(PortalHook, hook_id)
    assert agency is not None and hook is not None
    return agency.notify_email, hook.notify_email


async def test_notification_addresses_are_set_and_cleared(
    settings: Settings, db: Database, keyring: Keyring
) -> None:
    account, agency, hook = await _agency_and_hook(db, keyring)
    a = str(account)

    done = _leadline(settings, "agencies", "notify", "-a", a, str(agency), "--email", "d@x.it")
    assert done.returncode == 0, done.stderr
    done = _leadline(settings, "hooks", "notify", "-a", a, str(hook), "--email", "hq@x.it")
    assert done.returncode == 0, done.stderr
    assert await _addresses(db, agency, hook) == ("d@x.it", "hq@x.it")

    done = _leadline(settings, "agencies", "notify", "-a", a, str(agency), "--off")
    assert done.returncode == 0, done.stderr
    assert await _addresses(db, agency, hook) == (None, "hq@x.it")


async def test_a_bad_address_or_another_accounts_agency_is_refused(
    settings: Settings, db: Database, keyring: Keyring
) -> None:
    account, agency, hook = await _agency_and_hook(db, keyring)
    other = await make_world(db, name="Other")

    bad = _leadline(
        settings, "agencies", "notify", "-a", str(account), str(agency), "--email", "a@b\nBcc: x"
    )
    assert bad.returncode == 1 and "notifyEmail" in bad.stderr
    foreign = _leadline(
        settings,
        "agencies",
        "notify",
        "-a",
        str(other.account.id),
        str(agency),
        "--email",
        "a@b.it",
    )
    assert foreign.returncode == 1
    assert await _addresses(db, agency, hook) == (None, None)


async def test_messages_are_listed_with_their_attempts_and_replayed(
    settings: Settings, db: Database
) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        [queued] = await service.enqueue(
            session, world.account.id, service.MISSED_CALL, {"caller": "+39"}, ["d@x.it"]
        )
        queued.state, queued.attempts, queued.last_error = "failed", 3, "550 no such user"
    a = str(world.account.id)

    shown = json.loads(_leadline(settings, "mail", "messages", "-a", a, "--json").stdout)
    assert [(m["id"], m["recipient"], m["state"], m["attempts"]) for m in shown] == [
        (queued.uuid, "d@x.it", "failed", 3)
    ]
    assert shown[0]["lastError"] == "550 no such user"

    done = _leadline(settings, "mail", "replay", "-a", a, queued.uuid)
    assert done.returncode == 0, done.stderr
    async with db.read_session() as session:
        again = await session.scalar(select(MailMessage))
    assert again is not None and (again.state, again.attempts) == ("pending", 0)
