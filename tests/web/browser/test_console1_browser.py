"""The dashboard, the agent panel and the leads pages in a real browser (Debian's Chromium
through Playwright) against a real ``leadline serve``, with the real dialler engine
ticked by the test over the simulated telephony backend (deterministic: its seed and the
campaign's simulated outcomes decide every call). Screenshots go to test-artifacts/."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from leadline.config import Settings
from leadline.core import clock
from leadline.core.media.storage import LocalMediaStorage
from leadline.core.users import service as users
from leadline.db.engine import Database
from leadline.db.models import DialAttempt, Lead, User
from leadline.dialler.engine import DiallerEngine
from leadline.dialler.telephony.simulated import SimulatedBackend
from tests.conftest import TEST_SECRET, require_tool
from tests.dialler.conftest import make_floor, sim
from tests.factories import make_world
from tests.web.browser.server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.web.browser.server import free_port as _free_port
from tests.web.pages.conftest import add_lead

pytestmark = pytest.mark.browser

NUMBER = "+447840258823"
T = TypeVar("T")


class Runner:
    """An event loop on a thread of its own: Playwright's sync API holds this thread's, so
    the engine and the database checks run there."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=120)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@dataclass
class Stage:
    base: str
    loop: Runner
    db: Database
    engine: DiallerEngine
    agent_login: str
    admin_login: str
    lead_id: int
    other_lead_id: int
    rival_lead_id: int


async def _set_up(url: str, media: Path) -> tuple[Database, DiallerEngine, dict[str, object]]:
    db = Database(url)
    floor = await make_floor(db, media, sim(answer_rate=1, ring_seconds=3, talk_seconds=600))
    async with db.transaction() as session:
        agent = await session.get(User, floor.world.agent.id)
        assert agent is not None
        await users.set_availability(session, agent, False)
    lead_id = await floor.lead(
        NUMBER, due=clock.now() - timedelta(minutes=5), data={"budget": "250k", "area": "Leeds"}
    )
    other_lead_id = await add_lead(
        db, floor.world.lead_list, "+447840258824", name="Mario Rossi", email="mario@example.com"
    )
    async with db.transaction() as session:
        other = await session.get(Lead, other_lead_id)
        assert other is not None
        # Not due before the call above: the engine dials the first lead only.
        other.dialable_at = clock.now() + timedelta(days=30)
    rival = await make_world(db, name="Rival")
    rival_lead_id = await add_lead(db, rival.lead_list, "+447840258825", name="Secret Rival")
    async with db.transaction() as session:
        rival_lead = await session.get(Lead, rival_lead_id)
        assert rival_lead is not None
        # The engine works every account's campaigns: inside the rival campaign's default
        # calling hours its lead would be dialled beside ours.
        rival_lead.dialable_at = clock.now() + timedelta(days=30)
    engine = DiallerEngine(
        db,
        identity="browser-test",
        backend=SimulatedBackend(seed=7),
        storage=LocalMediaStorage(media),
    )
    return (
        db,
        engine,
        {
            "agent": floor.world.agent.login,
            "admin": floor.world.admin.login,
            "lead": lead_id,
            "other": other_lead_id,
            "rival": rival_lead_id,
        },
    )


@pytest.fixture
def stage(settings: Settings, db: object, tmp_path: Path) -> Iterator[Stage]:
    require_tool(CHROMIUM, "Chromium")
    loop = Runner()
    database, engine, made = loop.run(_set_up(settings.database_url, tmp_path / "media"))
    env = {
        **os.environ,
        "LEADLINE_DATABASE_URL": settings.database_url,
        "LEADLINE_VAR_DIR": str(settings.var_dir),
        "LEADLINE_MEDIA_DIR": str(tmp_path / "media"),
        "LEADLINE_SECRET_KEY": TEST_SECRET,
        "LEADLINE_DIALLER": "off",
        "LEADLINE_RUN_WORKER": "false",
    }
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "leadline.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        yield Stage(
            base,
            loop,
            database,
            engine,
            str(made["agent"]),
            str(made["admin"]),
            int(str(made["lead"])),
            int(str(made["other"])),
            int(str(made["rival"])),
        )
    finally:
        process.terminate()
        process.wait(timeout=15)
        loop.run(database.dispose())
        loop.close()


async def _attempt(db: Database, lead_id: int) -> DialAttempt | None:
    async with db.read_session() as session:
        from sqlalchemy import select

        return await session.scalar(select(DialAttempt).where(DialAttempt.lead_id == lead_id))


async def _lead(db: Database, lead_id: int) -> Lead:
    async with db.read_session() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        return lead


def test_agent_takes_a_call_and_admin_works_the_leads(stage: Stage) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = stage.base
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # The agent signs in and lands on their panel, unavailable.
            page.goto(f"{base}/agent")
            page.get_by_label("Login").fill(stage.agent_login)
            page.get_by_label("Password").fill("agent-pass")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/agent")
            page.get_by_role("button", name="Go available").click()
            page.wait_for_url(f"{base}/agent?done=available")
            expect(page.get_by_text("Waiting for a call")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "console-agent-waiting.png"), full_page=True)

            # The dialler dials the due lead and, once it answers, gives it to the agent.
            now = clock.now()
            assert stage.loop.run(stage.engine.tick(now)).dialled == 1
            stage.loop.run(stage.engine.tick(now + timedelta(seconds=4)))
            attempt = stage.loop.run(_attempt(stage.db, stage.lead_id))
            assert attempt is not None and attempt.state == "connected"

            # The panel's poll brings the call in, with the lead's card.
            expect(page.locator("form.wrap-up")).to_be_visible(timeout=15_000)
            expect(page.locator(f'a[href="telf:{NUMBER}"]').first).to_be_visible()
            expect(page.get_by_text("250k")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "console-agent-call.png"), full_page=True)

            # Wrap-up with a call-back in the account's zone (London; GMT in January).
            page.get_by_label("Notes").fill("Call after lunch")
            page.get_by_label("Call back at (Europe/London)").fill("2031-01-15T14:00")
            page.get_by_role("button", name="Wrap up").click()
            page.wait_for_url(f"{base}/agent?done=wrapped")
            lead = stage.loop.run(_lead(stage.db, stage.lead_id))
            assert lead.next_attempt_at is not None
            assert lead.next_attempt_at.isoformat() == "2031-01-15T14:00:00+00:00"

            # The agent finds the lead rescheduled on its page.
            page.goto(f"{base}/leads/{stage.lead_id}")
            expect(page.locator(".next-call")).to_contain_text("15 Jan 2031, 14:00")
            expect(page.locator(".facts").first).to_contain_text("Call Back")
            page.screenshot(path=str(ARTIFACTS / "console-lead-rescheduled.png"), full_page=True)

            # An admin filters the leads table and edits a lead.
            admin = browser.new_page(viewport={"width": 1280, "height": 900})
            admin.goto(f"{base}/login")
            admin.get_by_label("Login").fill(stage.admin_login)
            admin.get_by_label("Password").fill("admin-pass")
            admin.get_by_role("button", name="Sign in").click()
            admin.wait_for_url(f"{base}/")
            expect(admin.get_by_role("heading", name="Campaigns")).to_be_visible()
            admin.screenshot(path=str(ARTIFACTS / "console-dashboard.png"), full_page=True)
            admin.goto(f"{base}/leads")
            admin.screenshot(path=str(ARTIFACTS / "console-leads.png"), full_page=True)
            admin.get_by_label("Name, e-mail or key starts with").fill("mario")
            admin.get_by_role("button", name="Filter").click()
            admin.wait_for_url("**/leads?**q=mario**")
            rows = admin.locator("table.leads tbody tr")
            expect(rows).to_have_count(1)
            expect(admin.locator(".lead-count")).to_have_text("1 lead")
            admin.screenshot(path=str(ARTIFACTS / "console-leads-filtered.png"), full_page=True)
            admin.get_by_role("link", name=f"#{stage.other_lead_id}").click()
            admin.wait_for_url(f"{base}/leads/{stage.other_lead_id}")
            admin.get_by_label("Name", exact=True).fill("Mario Rossi Jr")
            admin.get_by_label("New field name").fill("source_note")
            admin.get_by_label("New field value").fill("met at the fair")
            admin.get_by_role("button", name="Save").click()
            admin.wait_for_url(f"{base}/leads/{stage.other_lead_id}?done=edit")
            expect(admin.get_by_role("heading", name="Mario Rossi Jr")).to_be_visible()
            expect(admin.get_by_text("met at the fair").first).to_be_visible()
            admin.screenshot(path=str(ARTIFACTS / "console-lead.png"), full_page=True)

            # Another account's lead is a 404.
            refused = admin.goto(f"{base}/leads/{stage.rival_lead_id}")
            assert refused is not None and refused.status == 404
            expect(admin.get_by_text("Secret Rival")).to_have_count(0)

            # Usable on a phone.
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.context.add_cookies(admin.context.cookies())
            phone.goto(f"{base}/leads")
            phone.screenshot(path=str(ARTIFACTS / "console-leads-phone.png"), full_page=True)
        finally:
            browser.close()
