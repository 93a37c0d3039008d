"""The setup pages in a real browser (Debian's Chromium through Playwright) against a real
``leadline serve``: an admin creates a campaign, a lead type and an API key (whose secret
is shown once and works against the Platform API), and an agent is refused every setup
page. Screenshots of each page go to test-artifacts/setup-*.png."""

from __future__ import annotations

import httpx
import pytest

from leadline.web.pages.setup.index import SECTIONS
from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

# The live server (demo data + leadline serve) of the console's own browser test.
from tests.web.test_browser import server as server

pytestmark = pytest.mark.browser

Server = tuple[str, dict[str, object], int]


def test_admin_sets_up_and_agent_is_refused(server: Server) -> None:
    from playwright.sync_api import sync_playwright

    base, demo, _ = server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/login?next=/setup")
            page.get_by_label("Login").fill(str(demo["console_login"]))
            page.get_by_label("Password").fill(str(demo["console_password"]))
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/setup")
            assert page.get_by_role("link", name="Setup").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "setup-index.png"), full_page=True)

            # A campaign: created paused, then given Monday's hours and started.
            page.goto(f"{base}/setup/campaigns")
            page.get_by_label("Name").fill("Browser campaign")
            page.get_by_label("Dialling mode").select_option("predictive")
            page.get_by_role("button", name="Create campaign").click()
            page.wait_for_url("**/setup/campaigns/*")
            assert page.get_by_role("heading", name="Browser campaign").is_visible()
            page.get_by_label("Monday from").fill("08:00")
            page.get_by_role("button", name="Save settings").click()
            page.wait_for_selector("text=Settings saved.")
            assert page.get_by_label("Monday from").input_value() == "08:00"
            page.get_by_role("button", name="Start campaign").click()
            page.wait_for_selector("text=Campaign started")
            page.screenshot(path=str(ARTIFACTS / "setup-campaign.png"), full_page=True)
            campaign_url = page.url

            # A lead type routed to it.
            page.goto(f"{base}/setup/lead-types")
            page.get_by_label("Code").fill("browser-leads")
            page.get_by_label("Campaign").select_option(label="Browser campaign")
            page.get_by_role("button", name="Create lead type").click()
            page.wait_for_url("**/setup/lead-types/*")
            assert page.get_by_text("Lead type “browser-leads” created.").is_visible()
            page.screenshot(path=str(ARTIFACTS / "setup-lead-type.png"), full_page=True)

            # An API key: its secret is on the page once, and gone on reload.
            page.goto(f"{base}/setup/credentials")
            page.get_by_label("Name").fill("Browser key")
            page.get_by_role("button", name="Create API key").click()
            page.wait_for_url("**/setup/credentials/*")
            token = page.get_by_test_id("token").inner_text().strip()
            page.screenshot(path=str(ARTIFACTS / "setup-credential-secret.png"), full_page=True)
            page.reload()
            assert page.get_by_test_id("token").count() == 0
            assert token.split(".", 1)[1] not in page.content()
            page.screenshot(path=str(ARTIFACTS / "setup-credential.png"), full_page=True)
            answer = httpx.get(
                f"{base}/platform-api/v3.0/users", headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code == 200

            # Every section's page, as the admin sees it.
            for path, _, _ in SECTIONS:
                shown = page.goto(f"{base}{path}")
                assert shown is not None and shown.status == 200, path
                name = path.rsplit("/", 1)[-1]
                page.screenshot(path=str(ARTIFACTS / f"setup-{name}.png"), full_page=True)

            # At phone width.
            narrow = browser.new_page(viewport={"width": 390, "height": 844})
            narrow.context.add_cookies(page.context.cookies())
            narrow.goto(campaign_url)
            narrow.screenshot(path=str(ARTIFACTS / "setup-campaign-phone.png"), full_page=True)

            # An agent is refused every setup page.
            agent = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            agent.goto(f"{base}/login?next=/search")
            agent.get_by_label("Login").fill(str(demo["softphone_login"]))
            agent.get_by_label("Password").fill(str(demo["softphone_password"]))
            agent.get_by_role("button", name="Sign in").click()
            agent.wait_for_url(f"{base}/search")
            assert agent.get_by_role("link", name="Setup").count() == 0
            for path in ["/setup", *(p for p, _, _ in SECTIONS), campaign_url[len(base) :]]:
                refused = agent.goto(f"{base}{path}")
                assert refused is not None and refused.status == 403, path
                assert agent.get_by_role("heading", name="Not allowed").is_visible()
            agent.screenshot(path=str(ARTIFACTS / "setup-agent-refused.png"), full_page=True)
        finally:
            browser.close()
