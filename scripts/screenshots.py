"""Take the README's screenshots from a running demo (`make demo` in another terminal).

    .venv/bin/python scripts/screenshots.py --agent-password PASSWORD

It logs in as the demo agent, connects Salesforce (the emulator's demo login), waits for the
first sync, opens a conversation whose customer is in Salesforce and shows the details panel.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

FLAGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def connect_salesforce(page: Page, base: str, sf_user: str, sf_password: str) -> None:
    page.goto(f"{base}/settings/integrations/")
    if page.get_by_role("button", name="Connect").count():
        page.get_by_role("button", name="Connect").click()
        page.get_by_label("Username").fill(sf_user)
        page.get_by_label("Password").fill(sf_password)
        page.get_by_role("button", name="Log In").click()
        if page.get_by_role("button", name="Allow").count():
            page.get_by_role("button", name="Allow").click()
    page.get_by_text("Last sync: completed").wait_for(timeout=60_000)


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
        page.goto(f"{args.base}/")
        page.get_by_role("link", name=re.compile(r"\.example")).first.click()
        page.locator("[data-panel-toggle]").click()
        page.locator('[data-card="salesforce"] .card').first.wait_for(timeout=15_000)
        page.screenshot(path=str(args.out / "conversation.png"))
        browser.close()


if __name__ == "__main__":
    main()
