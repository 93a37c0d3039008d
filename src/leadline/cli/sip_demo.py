"""``leadline sip-demo``: one real call through the dialler and the sip backend.

SIPp plays the agent's softphone and the customer behind the trunk, on loopback; the
dialler runs on a throw-away SQLite database, so nothing of yours is touched.
"""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from leadline.cli.common import console, err_console
from leadline.dialler.telephony.sip.sipp import sipp_command

DEMO = Path(__file__).resolve().parent.parent / "dialler" / "telephony" / "sip" / "demo"
NUMBER = "+447700900123"


def _sipp(sipp: str, scenario: str, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - the SIPp the user named, with our arguments
        sipp_command(sipp, DEMO / scenario, port, trace="-trace_msg"),
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _place_call(workdir: Path, sipp: str) -> dict[str, object]:
    from sqlalchemy import select

    from leadline.config import to_async_url
    from leadline.core import clock
    from leadline.core.accounts import service as accounts
    from leadline.core.campaigns import service as campaigns
    from leadline.core.contacts import service as contacts
    from leadline.core.leads import service as leads
    from leadline.core.media.storage import LocalMediaStorage
    from leadline.core.users import service as users
    from leadline.core.vocabulary import DIAL_STATUS_NAMES, ROUND_THE_CLOCK
    from leadline.db.engine import Database
    from leadline.db.migrate import upgrade
    from leadline.db.models import Activity, DialAttempt
    from leadline.dialler.engine import DiallerEngine
    from leadline.dialler.telephony.sip.backend import SipBackend, SipConfig
    from leadline.dialler.telephony.sip.stack import free_udp_port

    url = f"sqlite:///{workdir / 'demo.db'}"
    await asyncio.to_thread(upgrade, url, "head")
    db = Database(to_async_url(url))
    async with db.transaction() as session:
        account = await accounts.create_account(
            session, name="SIP demo", phone_region="GB", timezone="Europe/London"
        )
        campaign = await campaigns.create_campaign(
            session, account=account, name="SIP demo", calling_hours=ROUND_THE_CLOCK
        )
        campaign.caller_id = "+441632960001"
        agent = await users.create_user(
            session,
            account_id=account.id,
            login="demo-agent",
            password=secrets.token_urlsafe(12),  # nobody signs in to a throw-away database
            available=True,
        )
        await campaigns.add_member(session, campaign, agent)
        contact, _ = await contacts.find_or_create_contact(
            session, account_id=account.id, number=NUMBER
        )
        await leads.create_lead(
            session,
            lead_list=await campaigns.default_list(session, campaign),
            contact=contact,
            phones=[NUMBER],
            next_attempt_at=clock.now(),
        )
        agent_id = agent.id
    agent_port, trunk_port = free_udp_port("127.0.0.1"), free_udp_port("127.0.0.1")
    peers = [
        _sipp(sipp, "agent.xml", agent_port, workdir),
        _sipp(sipp, "customer.xml", trunk_port, workdir),
    ]
    console.print(
        f"agent softphone (SIPp) on 127.0.0.1:{agent_port}, "
        f"trunk and customer (SIPp) on 127.0.0.1:{trunk_port}"
    )
    backend = SipBackend(
        SipConfig(
            trunk=f"127.0.0.1:{trunk_port}",
            agents={str(agent_id): f"sip:agent@127.0.0.1:{agent_port}"},
            bind_port=0,
            ring_timeout=5,
            agent_timeout=5,
        )
    )
    engine = DiallerEngine(
        db, identity="sip-demo", backend=backend, storage=LocalMediaStorage(workdir / "media")
    )
    try:
        deadline = time.monotonic() + 15
        seen = ""
        while time.monotonic() < deadline:
            await engine.tick(clock.now())
            async with db.read_session() as session:
                attempt = await session.scalar(select(DialAttempt))
                state = attempt.state if attempt else "waiting"
                if state != seen:
                    console.print(f"  attempt: {state}")
                    seen = state
                if attempt is not None and state not in ("dialling", "connected"):
                    activity = await session.get(Activity, attempt.activity_id)
                    return {
                        "dialStatus": DIAL_STATUS_NAMES.get(attempt.dial_status_id or 0),
                        "answeredAt": attempt.answered_at,
                        "hangupAt": attempt.hangup_at,
                        "reason": activity.data.get("reason") if activity else None,
                        "peersClean": [peer.wait(10) == 0 for peer in peers],
                    }
            await asyncio.sleep(0.1)
        return {"dialStatus": None, "reason": "the call did not end within 15 s"}
    finally:
        backend.close()
        for peer in peers:
            if peer.poll() is None:
                peer.kill()
                peer.wait()
        await db.dispose()


def sip_demo(
    sipp: Annotated[str, typer.Option(help="The SIPp program.")] = "/usr/bin/sipp",
) -> None:
    """Place one real SIP call through the dialler, with SIPp as agent and customer."""
    if not Path(sipp).exists():
        err_console.print(
            f"[red]error:[/red] SIPp not found at {sipp} (apt-get install sip-tester)"
        )
        raise typer.Exit(1)
    with tempfile.TemporaryDirectory(prefix="leadline-sip-demo-") as tmp:
        result = asyncio.run(_place_call(Path(tmp), sipp))
    for name, value in result.items():
        console.print(f"  {name:12} {value}")
    clean = result.get("peersClean")
    if result.get("dialStatus") != "Answered" or not (isinstance(clean, list) and all(clean)):
        err_console.print("[red]the demo call did not go as expected[/red]")
        raise typer.Exit(1)
    console.print("[green]answered by the agent's softphone and the customer, then hung up[/green]")
