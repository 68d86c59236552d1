"""Take the README's screenshots from a running demo (`make demo` in another terminal).

    .venv/bin/python scripts/screenshots.py --agent-password PASSWORD

It logs in as the demo agent, connects Salesforce (the emulator's demo login), waits for the
first sync, opens a conversation whose customer is in Salesforce and shows the details panel.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

FLAGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def connect_salesforce(page: Page, base: str, sf_user: str, sf_password: str) -> None:
    page.goto(f"{base}/settings/integrations/")
    if page.get_by_role("button", name="Connect", exact=True).count():
        page.get_by_role("button", name="Connect", exact=True).click()
        page.get_by_label("Username").fill(sf_user)
        page.get_by_label("Password").fill(sf_password)
        page.get_by_role("button", name="Log In").click()
        if page.get_by_role("button", name="Allow").count():
            page.get_by_role("button", name="Allow").click()
    page.get_by_text("Last sync: completed").wait_for(timeout=60_000)


def show_a_salesforce_card(page: Page, base: str) -> None:
    """Open conversations until one's customer is a Salesforce Contact; show its details panel."""
    page.goto(f"{base}/")
    links = [a.get_attribute("href") for a in page.locator("ul.conversations a").all()]
    for href in links:
        page.goto(f"{base}{href}")
        if page.locator(".details-panel").is_hidden():
            page.locator("[data-panel-toggle]").click()
        card = page.locator('section[data-card="salesforce"]')
        try:
            card.wait_for(timeout=5_000)
            return
        except PlaywrightTimeout:
            continue
    raise SystemExit("No conversation shows a Salesforce card.")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--agent", default="agent")
    parser.add_argument("--agent-password", required=True)
    parser.add_argument("--sf-user", default="demo@mailtrixy-demo.example")
    parser.add_argument("--sf-password", default="mailtrixy-demo")
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        page = browser.new_page(viewport={"width": 1360, "height": 820})
        page.goto(f"{args.base}/login/")
        page.get_by_label("Username").fill(args.agent)
        page.get_by_label("Password").fill(args.agent_password)
        page.get_by_role("button", name="Log in").click()
        connect_salesforce(page, args.base, args.sf_user, args.sf_password)
        page.screenshot(path=str(args.out / "settings-integrations.png"), full_page=True)
        show_a_salesforce_card(page, args.base)
        page.screenshot(path=str(args.out / "conversation.png"))
        browser.close()


if __name__ == "__main__":
    main()
