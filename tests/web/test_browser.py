"""The console in a real browser (Debian's Chromium through Playwright) against a real
``leadline serve``: sign in, search a number, open the card, see the telf: links and the
timeline, and be refused another account's card. Screenshots go to test-artifacts/."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from leadline.config import Settings
from leadline.core import clock
from leadline.core.activities import service as activities
from leadline.core.contacts import service as contacts
from leadline.db.engine import Database
from leadline.db.models import CallCost, Media
from tests.conftest import require_tool
from tests.factories import make_world
from tests.web.browser.server import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    live_server,
    server_env,
)

pytestmark = pytest.mark.browser


async def _history(url: str, settings: Settings, contact_id: int, account_id: int) -> int:
    """A call with a recording and a cost on the demo contact; a rival account's contact."""
    database = Database(url)
    try:
        async with database.transaction() as session:
            call = await activities.record(
                session,
                account_id=account_id,
                activity_type=activities.CALL_INBOUND,
                direction="inbound",
                from_number="0123456789",
                status="answered",
                duration_seconds=234,
                contact_id=contact_id,
            )
            media_dir = settings.resolved_media_dir
            media_dir.mkdir(parents=True, exist_ok=True)
            (media_dir / "demo-call.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVE")
            session.add(
                Media(
                    account_id=account_id,
                    activity_id=call.id,
                    storage_key="demo-call.wav",
                    duration_seconds=234,
                )
            )
            session.add(
                CallCost(
                    account_id=account_id,
                    activity_id=call.id,
                    cost=Decimal("0.4200"),
                    date_billed=clock.now(),
                    call_date=clock.now(),
                    call_from="0123456789",
                )
            )
        rival = await make_world(database, name="Rival")
        async with database.transaction() as session:
            theirs = await contacts.create_contact(
                session, account_id=rival.account.id, number="0123456789", name="Secret Rival"
            )
        return theirs.id
    finally:
        await database.dispose()


@pytest.fixture
def server(settings: Settings, db: object) -> Iterator[tuple[str, dict[str, object], int]]:
    require_tool(CHROMIUM, "Chromium")
    env = server_env(settings)
    made = subprocess.run(
        [sys.executable, "-m", "leadline.cli", "demo", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    demo = json.loads(made.stdout)
    contact_id = demo["softphone_contact_ids"][0]
    rival_contact = asyncio.run(
        _history(settings.database_url, settings, contact_id, int(demo["account_id"]))
    )
    with live_server(settings) as base:
        # An event through the softphone's own API, so the timeline has one.
        event = httpx.post(
            f"{base}/rest",
            data={
                "typereq": "addevent",
                "id": str(contact_id),
                "typecont": "contact",
                "subj": "Входящий Звонок",
                "desc": "Длительность 3:54",
                "login": str(demo["softphone_login"]),
                "password": str(demo["softphone_password"]),
            },
        )
        assert "<result>ok</result>" in event.text
        yield base, demo, rival_contact


def test_sign_in_search_card_and_refusal(server: tuple[str, dict[str, object], int]) -> None:
    from playwright.sync_api import sync_playwright

    base, demo, rival_contact = server
    contact_id = demo["softphone_contact_ids"][0]  # type: ignore[index]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            # Anonymous: the card sends us to the login page, which sends us back.
            page.goto(f"{base}/card?id={contact_id}&typecont=contact")
            assert page.url.startswith(f"{base}/login")
            page.get_by_label("Login").fill(str(demo["console_login"]))
            page.get_by_label("Password").fill(str(demo["console_password"]))
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/card?id={contact_id}&typecont=contact")
            assert page.get_by_role("heading", name="Василий Петрович").is_visible()
            assert page.locator('a[href="telf:0123456789"]').count() >= 1
            assert page.get_by_text("Входящий Звонок").is_visible()
            assert page.get_by_text("Inbound call").is_visible()
            assert page.get_by_text("0.42").is_visible()
            assert page.locator("audio").count() == 1
            page.screenshot(path=str(ARTIFACTS / "softphone-card.png"), full_page=True)

            # Search, as the softphone opens it, then follow a result to its card.
            page.goto(f"{base}/search?phone=0123456789")
            results = page.locator(".result")
            assert results.count() == 2
            assert page.get_by_text("ООО Невидимка").is_visible()
            page.screenshot(path=str(ARTIFACTS / "softphone-search.png"), full_page=True)
            page.get_by_role("link", name="Иван Павлович").click()
            page.wait_for_url("**/card?**")
            assert page.get_by_role("heading", name="Иван Павлович").is_visible()

            # Typing in the search box updates the results in place (htmx).
            page.goto(f"{base}/search")
            page.get_by_label("Phone number").fill("+44 123456789")
            page.get_by_role("button", name="Search").click()
            page.wait_for_selector(".summary")

            # Another account's record is refused.
            refused = page.goto(f"{base}/card?id={rival_contact}&typecont=contact")
            assert refused is not None and refused.status == 404
            assert page.get_by_role("heading", name="Not found").is_visible()
            assert page.get_by_text("Secret Rival").count() == 0

            # Usable on a phone: the card at a narrow viewport.
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.context.add_cookies(page.context.cookies())
            phone.goto(f"{base}/card?id={contact_id}&typecont=contact")
            phone.screenshot(path=str(ARTIFACTS / "softphone-card-phone.png"), full_page=True)
        finally:
            browser.close()
