"""Inbox, imports and costs in a real browser (Debian's Chromium through Playwright)
against a real ``leadline serve`` running the background worker's jobs: an admin imports a
CSV and watches it to the end, routes an Unknown Type submission, reads the costs (chart
and CSV); an agent is refused each page. Screenshots go to test-artifacts/."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from leadline.config import Settings
from leadline.db.engine import Database
from tests.conftest import require_tool
from tests.core.costs.priced import priced_world
from tests.web.browser.server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, live_server
from tests.web.pages.helpers import refused_submission

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

CSV = "Phone,Name,Budget\n+393451234501,Ann,100\n+393451234502,Bob,200\nnot a phone,Cy,300\n"


@dataclass(frozen=True)
class Site:
    base: str
    admin: str
    agent: str
    event_id: int
    list_label: str


async def _seed(url: str) -> tuple[str, str, int, str]:
    database = Database(url)
    try:
        priced = await priced_world(database, name="Acme")
        event_id = await refused_submission(database, priced.world, mobile="+393451234567")
        label = f"{priced.world.campaign.name} – {priced.world.lead_list.name}"
        return priced.world.admin.login, priced.world.agent.login, event_id, label
    finally:
        await database.dispose()


@pytest.fixture
def site(settings: Settings, db: object) -> Iterator[Site]:
    require_tool(CHROMIUM, "Chromium")
    admin, agent, event_id, label = asyncio.run(_seed(settings.database_url))
    with live_server(settings, worker=True) as base:
        yield Site(base, admin, agent, event_id, label)


@pytest.fixture
def browser(site: Site) -> Iterator[Browser]:
    # After the site: its seeding runs an event loop, which the sync API must not be in.
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _signed_in(browser: Browser, site: Site, login: str, password: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site.base}/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def test_admin_imports_a_csv_and_watches_it_finish(browser: Browser, site: Site) -> None:
    page = _signed_in(browser, site, site.admin, "admin-pass")
    page.goto(f"{site.base}/imports")
    assert page.get_by_text("No import yet").is_visible()
    page.locator("#f-file").set_input_files(
        files=[{"name": "leads.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_label("Import into list").select_option(label=site.list_label)
    page.get_by_role("button", name="Preview").click()
    page.wait_for_selector("table.preview")
    assert page.get_by_role("cell", name="Bob").is_visible()
    assert page.get_by_label("Field for column Phone").input_value() == "phone1"
    page.screenshot(path=str(ARTIFACTS / "console-imports-preview.png"), full_page=True)
    page.get_by_role("button", name="Start import of 3 rows").click()
    page.wait_for_url("**/imports/*")
    # The worker job inside the server processes it; htmx refreshes the progress.
    page.locator("#import-progress .import-state", has_text="completed").wait_for(timeout=60_000)
    bar = page.get_by_role("progressbar", name="Rows processed")
    assert bar.get_attribute("value") == "3" and bar.get_attribute("aria-valuenow") == "3"
    assert page.locator(".created").inner_text() == "2"
    assert page.locator(".failed").inner_text() == "1"
    page.screenshot(path=str(ARTIFACTS / "console-import-progress.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the 1 refused rows (CSV)").click()
    errors = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert errors[0] == "row,field,problem" and errors[1].startswith("3,phone1,")


def test_admin_routes_an_unknown_type_submission(browser: Browser, site: Site) -> None:
    page = _signed_in(browser, site, site.admin, "admin-pass")
    page.goto(f"{site.base}/inbox")
    assert page.locator("td .tag", has_text="Unknown Type").is_visible()
    page.screenshot(path=str(ARTIFACTS / "console-inbox.png"), full_page=True)
    page.get_by_role("link", name=f"Open entry {site.event_id}").click()
    page.wait_for_url(f"**/inbox/{site.event_id}")
    page.get_by_label("Route into campaign list").select_option(label=site.list_label)
    page.get_by_role("button", name="Route into campaign").click()
    page.wait_for_url(f"**/inbox/{site.event_id}")
    assert page.get_by_role("status").filter(has_text="Routed: lead #").is_visible()
    assert page.get_by_text("Nothing left to do: it was routed.").is_visible()
    page.screenshot(path=str(ARTIFACTS / "console-inbox-routed.png"), full_page=True)


def test_admin_reads_the_costs_chart_and_downloads_the_csv(browser: Browser, site: Site) -> None:
    page = _signed_in(browser, site, site.admin, "admin-pass")
    page.goto(f"{site.base}/costs?by=source&from=2026-01-15&to=2026-01-15")
    chart = page.get_by_role("img", name="Cost per source, 2026-01-15 to 2026-01-15")
    assert chart.is_visible()
    assert page.locator("svg.bar-chart rect").count() == 4
    assert page.get_by_role("rowheader", name="immobiliare.it").is_visible()
    page.screenshot(path=str(ARTIFACTS / "console-costs.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    rows = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0] == "source,key,calls,leads,cost,cost_per_lead"
    assert "(total),,5,3,1.9935,0.66" in rows
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{site.base}/costs?by=agency&from=2026-01-15&to=2026-01-15")
    phone.screenshot(path=str(ARTIFACTS / "console-costs-phone.png"), full_page=True)


def test_an_agent_is_refused_each_page(browser: Browser, site: Site) -> None:
    page = _signed_in(browser, site, site.agent, "agent-pass")
    for path in ("/inbox", "/imports", "/costs"):
        answer = page.goto(f"{site.base}{path}")
        assert answer is not None and answer.status == 403, path
    assert page.get_by_role("link", name="Costs").count() == 0
    page.screenshot(path=str(ARTIFACTS / "console-agent-refused.png"), full_page=True)
