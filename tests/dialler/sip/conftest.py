"""SIPp peers on loopback and the real engine driving the sip backend.

Each test starts one SIPp process as the agent's softphone and one as the customer
behind the trunk, each on a free UDP port, and ticks the engine on the real clock
until the call is over: SIP needs real time, so these tests do sleep (briefly).
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from leadline.core import clock
from leadline.core.media.storage import LocalMediaStorage
from leadline.db.engine import Database
from leadline.db.models import Activity, DialAttempt, Lead
from leadline.dialler.engine import DiallerEngine
from leadline.dialler.telephony.sip.backend import SipBackend, SipConfig
from leadline.dialler.telephony.sip.sipp import sipp_command
from leadline.dialler.telephony.sip.stack import free_udp_port
from tests.conftest import require_tool
from tests.dialler.conftest import Floor, make_floor

SIPP = "/usr/bin/sipp"
SCENARIOS = Path(__file__).parent / "scenarios"
TRUNK_USER = "leadline-trunk"
TRUNK_PASSWORD = "trunk-secret-9"
CUSTOMER = "+447840258823"
CALLER_ID = "+441632960001"


@dataclass
class Sipp:
    """One SIPp process playing ``scenario`` on 127.0.0.1:``port`` for one call."""

    scenario: str
    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            sipp_command(SIPP, SCENARIOS / self.scenario, self.port),
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def finish(self, timeout: float = 10) -> tuple[int, str]:
        """SIPp's exit code (0: its scenario ran to the end) and what it complained of."""
        assert self.process is not None
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        errors = "".join(
            path.read_text(errors="replace") for path in self.workdir.glob("*_errors.log")
        )
        stderr = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
        return code, (stderr + errors)[-2000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@dataclass
class SipFloor:
    """A round-the-clock campaign whose calls go out through the sip backend."""

    floor: Floor
    backend: SipBackend
    engine: DiallerEngine
    workdir: Path
    peers: list[Sipp] = field(default_factory=list)

    @property
    def agent_id(self) -> int:
        return self.floor.world.agent.id

    def peer(self, scenario: str, port: int) -> Sipp:
        workdir = self.workdir / f"{scenario}-{port}"
        workdir.mkdir()
        sipp = Sipp(scenario, port, workdir)
        sipp.start()
        self.peers.append(sipp)
        return sipp

    async def tick_until(
        self, done: Callable[[DialAttempt], bool], *, lead_id: int, within: float = 8.0
    ) -> DialAttempt:
        """Tick every 50 ms until the lead's attempt satisfies ``done``; that attempt."""
        deadline = time.monotonic() + within
        while True:
            await self.engine.tick(clock.now())
            attempts = await self.floor.attempts(lead_id)
            if attempts and done(attempts[-1]):
                return attempts[-1]
            if time.monotonic() > deadline:
                state = [(a.state, a.dial_status_id) for a in attempts]
                raise AssertionError(f"the call did not get there in {within} s: {state}")
            await asyncio.sleep(0.05)

    async def activity(self, attempt: DialAttempt) -> Activity:
        async with self.floor.db.read_session() as session:
            activity = await session.get(Activity, attempt.activity_id)
            assert activity is not None
            return activity

    async def lead(self, lead_id: int) -> Lead:
        return await self.floor.get_lead(lead_id)


def sip_backend(
    trunk_port: int, agents: dict[str, str], *, ring_timeout: float = 2.0
) -> SipBackend:
    return SipBackend(
        SipConfig(
            trunk=f"127.0.0.1:{trunk_port}",
            agents=agents,
            username=TRUNK_USER,
            password=TRUNK_PASSWORD,
            bind_address="127.0.0.1",
            bind_port=0,
            ring_timeout=ring_timeout,
            agent_timeout=3.0,
        )
    )


@pytest.fixture
def ports() -> Iterator[tuple[int, int]]:
    """Free UDP ports for the agent's and the customer's SIPp."""
    yield free_udp_port("127.0.0.1"), free_udp_port("127.0.0.1")


@pytest.fixture
async def sip_floor(
    db: Database, tmp_path: Path, ports: tuple[int, int], now: datetime
) -> AsyncIterator[SipFloor]:
    require_tool(SIPP, "SIPp")
    agent_port, customer_port = ports
    floor = await make_floor(
        db, tmp_path / "media", {}, dialling_mode="progressive", caller_id=CALLER_ID
    )
    agents = {str(floor.world.agent.id): f"sip:agent@127.0.0.1:{agent_port}"}
    backend = sip_backend(customer_port, agents)
    engine = DiallerEngine(
        db, identity="sip-worker", backend=backend, storage=LocalMediaStorage(tmp_path / "media")
    )
    sip = SipFloor(floor, backend, engine, tmp_path)
    try:
        yield sip
    finally:
        backend.close()
        for peer in sip.peers:
            peer.stop()
