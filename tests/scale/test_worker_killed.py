"""Acceptance: kill -9 a worker in the middle of a run; its lease expires, another worker takes
the run over and finishes it, and nothing is lost or duplicated on either side."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

from tests.scale.harness import Installation, wait_for

LEASE_SECONDS = 5
CONTACTS = 300
DEALS = 30


def test_a_killed_workers_run_is_finished_by_another_worker(
    make_installation: Callable[..., Installation],
) -> None:
    # A long interval: the scheduler must not queue a second run while this one is slowed down.
    site = make_installation(
        SALESFORCE_SYNC_LEASE_SECONDS=str(LEASE_SECONDS), SALESFORCE_SYNC_INTERVAL="3600"
    )
    control = site.start_emulator()
    (entry,) = site.scenario(
        "seed", "--emulator", site.emulator_url, "--workspaces", "1",
        "--contacts", str(CONTACTS), "--deals", str(DEALS),
    )  # fmt: skip
    control.set_faults(entry["org_id"], latency_ms=1000)  # every answer takes a second
    # Queued before any worker starts: a worker's first scheduler round would otherwise queue the
    # new connection's first run itself, and this test would watch a second, empty run.
    run_id = site.scenario("enqueue", "--workspace", str(entry["workspace_id"]))["run_id"]
    victim = site.start_worker("victim", threads=1)

    # Kill once the pull has been applied and saved, while the push is under way.
    # Generous: on a loaded machine the pull alone can take a minute (this waits, it does not time).
    wait_for(lambda: _pulled(site, run_id), 180, "the victim to pull the contacts")
    time.sleep(0.7)
    status, owner, _ = _run(site, run_id)
    assert status == "running" and owner.split(":")[1] == str(victim.pid)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    killed_at = time.monotonic()

    rescuer = site.start_worker("rescuer", threads=1)
    wait_for(lambda: _lease_expired(site, run_id), LEASE_SECONDS + 10, "the lease to expire")
    site.scenario("round")  # the next scheduled round finds the expired lease
    wait_for(lambda: _run(site, run_id)[0] == "succeeded", 90, "the rescuer to finish the run")
    resumed_in = time.monotonic() - killed_at

    report = site.scenario("report")
    (run,) = report["runs"]  # still the one run: resumed, not replaced, not repeated
    assert run["id"] == run_id and run["attempts"] == 2 and not run["error"]
    assert run["lease_owner"].split(":")[1] == str(rescuer.pid)
    deals = report["deals"][str(entry["workspace_id"])]
    assert len(deals) == DEALS and all(sf_id for _, sf_id in deals)
    ours = site.opportunities(entry["org_id"])
    assert len(ours) == DEALS, "an Opportunity was created twice"
    assert sorted(o["Id"] for o in ours) == sorted(sf_id for _, sf_id in deals)
    assert report["linked_contacts"][str(entry["workspace_id"])] == CONTACTS
    print(f"\nkilled mid-run; another worker finished it {resumed_in:.1f} s later")


def _run(site: Installation, run_id: int) -> tuple[str, str, dict[str, object]]:
    rows = site.sql(
        "SELECT status, lease_owner, stats FROM integrations_syncrun WHERE id = %s", run_id
    )
    status, owner, stats = rows[0]
    return str(status), str(owner), dict(stats or {})


def _pulled(site: Installation, run_id: int) -> bool:
    status, _, stats = _run(site, run_id)
    return status == "running" and stats.get("contacts_created") == CONTACTS


def _lease_expired(site: Installation, run_id: int) -> bool:
    rows = site.sql(
        "SELECT lease_until < now() FROM integrations_syncrun WHERE id = %s AND status = 'running'",
        run_id,
    )
    return bool(rows and rows[0][0])
