"""Acceptance: 50 workspaces, 50 orgs, three worker processes; one scheduled round syncs each
connection exactly once, never two workers on one connection, and no Opportunity twice."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from tests.scale.harness import Installation, wait_for

WORKSPACES = 50
DEALS = 3
CONTACTS = 20


def test_one_round_syncs_every_connection_exactly_once(
    make_installation: Callable[..., Installation],
) -> None:
    site = make_installation(SALESFORCE_SYNC_INTERVAL="300")
    control = site.start_emulator()
    seeded = site.scenario(
        "seed", "--emulator", site.emulator_url, "--workspaces", str(WORKSPACES),
        "--contacts", str(CONTACTS), "--deals", str(DEALS),
    )  # fmt: skip
    workers = [site.start_worker(f"worker-{n}") for n in range(3)]
    started = time.monotonic()
    site.scenario("round")
    wait_for(lambda: _all_finished(site), 100, "every connection's run to finish", every=0.5)
    elapsed = time.monotonic() - started
    time.sleep(2)  # a second run, if one were wrongly queued, would show up now
    report = site.scenario("report")
    runs = report["runs"]

    # Exactly one run per connection, all succeeded on the first claim.
    per_workspace = Counter(r["workspace_id"] for r in runs)
    assert sorted(per_workspace) == sorted(s["workspace_id"] for s in seeded)
    assert set(per_workspace.values()) == {1}, per_workspace
    assert all(r["status"] == "succeeded" and r["attempts"] == 1 for r in runs), runs
    # The work was shared by the workers (lease owners are host:pid:thread).
    pids = {r["lease_owner"].split(":")[1] for r in runs if r["lease_owner"]}
    assert pids <= {str(w.pid) for w in workers} and len(pids) >= 2, pids
    # The emulator saw exactly the requests the runs recorded: nobody else synced an org.
    for entry in seeded:
        run = next(r for r in runs if r["workspace_id"] == entry["workspace_id"])
        counted = control.counters(entry["org_id"])["api_requests_total"]
        assert counted == run["api_calls"] > 0, (entry, run, counted)
        # Each deal became one Opportunity, and each Opportunity id belongs to one deal.
        deals = report["deals"][str(entry["workspace_id"])]
        assert len(deals) == DEALS and all(sf_id for _, sf_id in deals)
        ours = site.opportunities(entry["org_id"])
        assert sorted(o["Id"] for o in ours) == sorted(sf_id for _, sf_id in deals)
        assert len({o["MailTrixy_Deal_Id__c"] for o in ours}) == DEALS
        assert report["linked_contacts"][str(entry["workspace_id"])] == CONTACTS
    print(f"\n50 connections synced by 3 workers in {elapsed:.1f} s; pids {sorted(pids)}")


def _all_finished(site: Installation) -> bool:
    states = site.run_states()
    return len(states) == WORKSPACES and all(s in {"succeeded", "failed"} for _, _, s in states)
