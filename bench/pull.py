"""Initial pull of N contacts, then an incremental sync (1% changed each side), then an idle one.

python -m bench.pull '{"emulator": URL, "size": 10000, "db": "sqlite", "bulk": true}'
(add "profile": "pull.txt", "profile_incremental": "inc.txt" or "profile_idle": "idle.txt" for
a pyinstrument report of the initial pull, the incremental sync or the idle one)
"""

from __future__ import annotations

import math
from typing import Any

from bench import common


def main(args: dict[str, Any]) -> dict[str, Any]:
    size, db = int(args["size"]), str(args["db"])
    url, drop = common.database_url(db)
    try:
        common.start_django(url)
        if args.get("baseline"):
            fetch_budget = args.get("fetch_budget_s")
            return run_baseline(
                args["emulator"],
                size,
                db,
                float(args.get("budget_s", 60)),
                None if fetch_budget is None else float(fetch_budget),
            )
        return run(args["emulator"], size, db, bool(args.get("bulk", True)), args)
    finally:
        drop()


def run(emulator: str, size: int, db: str, use_bulk: bool, args: dict[str, Any]) -> dict[str, Any]:
    from mailtrixy.integrations.salesforce.sync import bulk

    if not use_bulk:
        bulk.BULK_THRESHOLD = 10**12
    org = common.make_org(emulator, contacts=size, seed=size)
    incremental = bool(args.get("incremental", True))
    if incremental:
        # Older than the overlap, as a real org's history: incremental syncs see only Δ.
        common.backdate_all(org, "Contact")
        common.backdate_all(org, "Opportunity")
    workspace, member = common.make_workspace()
    connection = common.connect(workspace, member, org)
    org.reset()
    before = common.rss_mb()
    with common.timed() as took, common.profiled(args.get("profile")):
        stats = common.sync(connection)
    peak = common.peak_rss_mb()
    calls = org.api_calls()
    kinds = org.calls_by_kind()
    result: dict[str, Any] = {
        "bench": "pull",
        "db": db,
        "size": size,
        "bulk": use_bulk,
        "wall_s": round(took.wall, 2),
        "cpu_s": round(took.cpu, 2),
        "records_per_s": round(size / took.wall),
        "api_calls": calls,
        "calls_by_kind": kinds,
        "min_calls": math.ceil(size / 2000),
        "created": stats.get("contacts_created"),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_growth_mb": round(peak - before, 1),
    }
    if incremental:
        profiles = (args.get("profile_incremental"), args.get("profile_idle"))
        result |= changes(org, connection, workspace, size, profiles)
    return result


def run_baseline(
    emulator: str, size: int, db: str, budget_s: float, fetch_budget_s: float | None
) -> dict[str, Any]:
    from bench import baseline

    org = common.make_org(emulator, contacts=size, seed=size)  # the same data as `run`
    workspace, _ = common.make_workspace()
    return {"bench": "pull_baseline", "db": db, "size": size} | baseline.pull(
        org, workspace, budget_s, fetch_budget_s
    )


def changes(
    org: common.Org,
    connection: Any,
    workspace: Any,
    size: int,
    profiles: tuple[str | None, str | None] = (None, None),
) -> dict[str, Any]:
    """1% of contacts edited in Salesforce, another 1% in MailTrixy; then sync twice."""
    from django.utils import timezone

    from mailtrixy.inbox.models import Contact

    delta = max(1, size // 100)
    links = list(
        Contact.objects.filter(workspace=workspace)
        .order_by("pk")
        .values_list("pk", "salesforce__salesforce_id")
    )
    remote_ids = [sf_id for _, sf_id in links[:delta]]
    local_pks = [pk for pk, _ in links[-delta:]]
    edit_in_salesforce(org, remote_ids)
    Contact.objects.filter(pk__in=local_pks).update(
        title="Edited in MailTrixy", updated_at=timezone.now()
    )
    org.reset()
    with common.timed() as took, common.profiled(profiles[0]):
        stats = common.sync(connection)
    incremental_calls = org.api_calls()
    org.reset()
    with common.timed() as idle_took, common.profiled(profiles[1]):
        common.sync(connection)
    idle_kinds = org.calls_by_kind()
    idle = {
        "idle_calls": org.api_calls(),
        "idle_calls_by_kind": idle_kinds,
        "idle_wall_s": round(idle_took.wall, 2),
    }
    # The baseline on as many other records, changed the same way, since just now.
    since, since_in_org = timezone.now(), newest_change(org)
    edit_in_salesforce(org, [sf_id for _, sf_id in links[delta : 2 * delta]])
    Contact.objects.filter(pk__in=[pk for pk, _ in links[-2 * delta : -delta]]).update(
        title="Edited in MailTrixy again", updated_at=timezone.now()
    )
    from bench import baseline

    return (
        idle
        | baseline.incremental(org, workspace, since, since_in_org)
        | {
            "delta_each_side": delta,
            "incremental_wall_s": round(took.wall, 2),
            "incremental_calls": incremental_calls,
            "incremental_min_calls": 1 + math.ceil(delta / 2000) - 1 + math.ceil(delta / 1000),
            "incremental_updated": stats.get("contacts_updated"),
            "incremental_pushed": stats.get("contacts_pushed"),
        }
    )


def newest_change(org: common.Org) -> str:
    """The newest Contact SystemModstamp (read as the admin: not counted)."""
    soql = "SELECT SystemModstamp FROM Contact ORDER BY SystemModstamp DESC LIMIT 1"
    with org.admin_http() as api:
        (row,) = api.get("query", params={"q": soql}).json()["records"]
    return str(row["SystemModstamp"])


def edit_in_salesforce(org: common.Org, ids: list[str]) -> None:
    """Change the Title of these Contacts as someone in Salesforce would (not counted)."""
    with org.admin_http() as api:
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            subrequests = [
                {
                    "method": "PATCH",
                    "url": "/services/data/v62.0/composite/sobjects",
                    "referenceId": f"c{i}",
                    "body": {
                        "allOrNone": False,
                        "records": [
                            {"attributes": {"type": "Contact"}, "id": i2, "Title": "Edited in SF"}
                            for i2 in chunk[i : i + 200]
                        ],
                    },
                }
                for i in range(0, len(chunk), 200)
            ]
            answer = api.post("composite", json={"compositeRequest": subrequests})
            answer.raise_for_status()


if __name__ == "__main__":
    common.emit(main(common.child_args()))
