"""Push of N new deals, then of the same N deals changed; with the one-call-per-record baseline.

python -m bench.push '{"emulator": URL, "size": 10000, "db": "sqlite"}'
(add "profile": "push.txt" or "profile_change": "change.txt" for a pyinstrument report of the
push of new deals or of the changed ones)
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from bench import baseline, common


def main(args: dict[str, Any]) -> dict[str, Any]:
    url, drop = common.database_url(str(args["db"]))
    try:
        common.start_django(url)
        return run(args["emulator"], int(args["size"]), str(args["db"]), args)
    finally:
        drop()


def make_deals(workspace: Any, member: Any, size: int) -> list[Any]:
    from mailtrixy.inbox.models import Deal, Stage

    stage = Stage.objects.filter(workspace=workspace).order_by("position").first()
    Deal.objects.bulk_create(
        Deal(
            workspace=workspace,
            name=f"Deal {i}",
            amount=Decimal(1000 + i),
            currency="USD",
            stage=stage,
            owner=member,
        )
        for i in range(size)
    )
    return list(Deal.objects.filter(workspace=workspace).order_by("pk"))


def run(emulator: str, size: int, db: str, args: dict[str, Any]) -> dict[str, Any]:
    from django.db.models import F
    from django.utils import timezone

    from mailtrixy.inbox.models import Deal

    org = common.make_org(emulator)
    workspace, member = common.make_workspace()
    connection = common.connect(workspace, member, org)
    common.sync(connection)  # metadata, stage mapping, empty pull: not what we measure
    make_deals(workspace, member, size)
    org.reset()
    with common.timed() as created, common.profiled(args.get("profile")):
        stats = common.sync(connection)
    create_kinds = org.calls_by_kind()
    Deal.objects.filter(workspace=workspace).update(
        amount=F("amount") + 1, updated_at=timezone.now()
    )
    org.reset()
    with common.timed() as changed, common.profiled(args.get("profile_change")):
        common.sync(connection)
    change_kinds = org.calls_by_kind()
    minimum = math.ceil(size / 1000)
    result: dict[str, Any] = {
        "bench": "push",
        "db": db,
        "size": size,
        "min_calls": minimum,
        "create_wall_s": round(created.wall, 2),
        "create_cpu_s": round(created.cpu, 2),
        "create_calls": sum(create_kinds.values()),
        "create_calls_by_kind": create_kinds,
        "pushed": stats.get("deals_pushed") or stats.get("deals_created"),
        "change_wall_s": round(changed.wall, 2),
        "change_cpu_s": round(changed.cpu, 2),
        "change_calls": sum(change_kinds.values()),
        "change_calls_by_kind": change_kinds,
    }
    budget = float(args.get("baseline_budget_s", 60))
    other, other_member = common.make_workspace("Baseline")
    deals = make_deals(other, other_member, size)
    result["baseline_create"] = baseline.push(org, deals, budget, update=False)
    result["baseline_change"] = baseline.push(org, deals, budget, update=True)
    return result


if __name__ == "__main__":
    common.emit(main(common.child_args()))
