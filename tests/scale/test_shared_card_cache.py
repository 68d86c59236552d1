"""Acceptance: two web processes share the card cache (Redis): a card looked up through one is
served by the other from the cache, without a single extra Salesforce request."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from tests.scale.harness import Installation

PASSWORD = "scale-test-password-1"


def test_a_card_looked_up_through_one_web_process_is_cached_for_the_other(
    make_installation: Callable[..., Installation],
) -> None:
    site = make_installation()
    control = site.start_emulator()
    (entry,) = site.scenario(
        "seed", "--emulator", site.emulator_url, "--workspaces", "1", "--contacts", "10",
        "--password", PASSWORD, "--card-contact",
    )  # fmt: skip
    web_a, web_b = site.start_web("web-a"), site.start_web("web-b")
    card_path = f"/cards/salesforce/{entry['contact_id']}/"
    with httpx.Client(timeout=30) as browser:
        _log_in(browser, web_a, entry["username"])
        control.reset_counters(entry["org_id"])

        first = browser.get(f"{web_a}{card_path}")
        calls_after_first = control.counters(entry["org_id"])["api_requests_total"]
        second = browser.get(f"{web_b}{card_path}")  # the session is shared too (database)
        calls_after_second = control.counters(entry["org_id"])["api_requests_total"]

        assert first.status_code == second.status_code == 200
        assert 'data-card="salesforce"' in first.text and first.text == second.text
        assert calls_after_first == 1  # web-a's lookup: one Composite request
        assert calls_after_second == calls_after_first, "web-b asked Salesforce again"

        # The shared counters show it from either process: one miss (web-a), one hit (web-b).
        metrics = browser.get(f"{web_b}/metrics").text
        assert _value(metrics, 'mailtrixy_card_lookups_total{result="miss"}') == 1
        assert _value(metrics, 'mailtrixy_card_lookups_total{result="hit"}') == 1
        assert _value(metrics, "mailtrixy_card_cache_hit_ratio") == 0.5


def _log_in(browser: httpx.Client, base: str, username: str) -> None:
    browser.get(f"{base}/login/")
    token = browser.cookies["csrftoken"]
    answer = browser.post(
        f"{base}/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302, answer.text[:500]


def _value(exposition: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", exposition, re.MULTILINE)
    assert match, f"{name} not in /metrics"
    return float(match.group(1))
