"""The results as Markdown tables, each figure beside its target or its baseline."""

from __future__ import annotations

from typing import Any


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(facts: dict[str, Any], results: list[dict[str, Any]]) -> str:
    parts = [
        f"Run {facts['date']} — `{facts['command']}` — {facts['cpus']} CPUs, "
        f"Python {facts['python']}, {facts['machine']}, total {facts['total_s']} s",
    ]
    errors = [r for r in results if "error" in r]
    pulls = [r for r in results if r.get("bench") == "pull" and "error" not in r]
    base = {r["size"]: r for r in results if r.get("bench") == "pull_baseline" and "error" not in r}
    if pulls:
        rows = []
        for r in pulls:
            b = base.get(r["size"], {})
            ratio = (
                f"{r['records_per_s'] / b['baseline_records_per_s']:.1f}x"
                if b.get("baseline_records_per_s")
                else "-"
            )
            rows.append(
                [
                    f"{r['size']:,}",
                    r["db"],
                    "bulk above threshold" if r["bulk"] else "REST only",
                    r["wall_s"],
                    f"{r['records_per_s']:,}",
                    f"{r['api_calls']} (min {r['min_calls']})",
                    r["peak_growth_mb"],
                    ratio,
                ]
            )
        parts.append(
            "### Initial pull\n\n"
            + _table(
                [
                    "contacts",
                    "db",
                    "path",
                    "wall s",
                    "records/s",
                    "API calls",
                    "peak RSS growth MB",
                    "speed vs baseline",
                ],
                rows,
            )
        )
    if base:
        rows = [
            [
                f"{b['size']:,}",
                b["baseline_wall_s"],
                f"{b['baseline_records_per_s']:,}",
                b["baseline_api_calls"],
                b["baseline_peak_growth_mb"],
                f"yes ({b['baseline_saved']:,} saved)" if b["baseline_extrapolated"] else "no",
            ]
            for b in base.values()
        ]
        parts.append(
            "### Baseline pull (simple-salesforce query_all into a list, "
            "per-record ORM saves, SQLite)\n\n"
            + _table(
                [
                    "contacts",
                    "wall s",
                    "records/s",
                    "API calls",
                    "peak RSS growth MB",
                    "extrapolated",
                ],
                rows,
            )
        )
    incs = [r for r in pulls if "incremental_calls" in r]
    if incs:
        rows = [
            [
                f"{r['size']:,}",
                r["db"],
                r["delta_each_side"],
                r["incremental_wall_s"],
                r["incremental_calls"],
                r["idle_calls"],
                r["idle_wall_s"],
                r.get("baseline_incremental_wall_s", "-"),
                r.get("baseline_incremental_calls", "-"),
                r.get("baseline_idle_calls", "-"),
            ]
            for r in incs
        ]
        parts.append(
            "### Incremental (1% changed in Salesforce, another 1% in MailTrixy) and idle\n\n"
            + _table(
                [
                    "contacts",
                    "db",
                    "Δ each side",
                    "wall s",
                    "API calls",
                    "idle calls",
                    "idle wall s",
                    "baseline wall s",
                    "baseline calls",
                    "baseline idle calls",
                ],
                rows,
            )
        )
    for r in (r for r in results if r.get("bench") == "push" and "error" not in r):
        bc, bu = r["baseline_create"], r["baseline_change"]
        parts.append(
            f"### Push of {r['size']:,} deals ({r['db']})\n\n"
            + _table(
                [
                    "",
                    "wall s",
                    "API calls (run)",
                    "by kind",
                    "minimum",
                    "baseline wall s",
                    "baseline calls",
                ],
                [
                    [
                        "new",
                        r["create_wall_s"],
                        r["create_calls"],
                        r["create_calls_by_kind"],
                        r["min_calls"],
                        bc["baseline_wall_s"],
                        bc["baseline_api_calls"],
                    ],
                    [
                        "changed",
                        r["change_wall_s"],
                        r["change_calls"],
                        r["change_calls_by_kind"],
                        r["min_calls"],
                        bu["baseline_wall_s"],
                        bu["baseline_api_calls"],
                    ],
                ],
            )
        )
    for r in (r for r in results if r.get("bench") == "card" and "error" not in r):
        parts.append(
            f"### Card over HTTP ({r['views']} views, {r['distinct']} distinct contacts, "
            f"+{r['latency_ms_per_call']} ms per API call)\n\n"
            + _table(
                ["", "n", "p50 ms", "p95 ms", "p99 ms"],
                [
                    ["hit", r["hit"]["n"], r["hit"]["p50"], r["hit"]["p95"], r["hit"]["p99"]],
                    ["miss", r["miss"]["n"], r["miss"]["p50"], r["miss"]["p95"], r["miss"]["p99"]],
                ],
            )
            + f"\n\nAPI calls per 1,000 views: {r['calls_per_1000_views']}; "
            f"20 concurrent users: {r['rps_20_users']} requests/s ({r['calls_20_users']} calls)."
            + _card_baseline(r)
        )
    sched = [r for r in results if r.get("bench") == "scheduler" and "error" not in r]
    if sched:
        parts.append(
            "### Scheduler round, 1,000 connected workspaces, nothing due\n\n"
            + _table(
                [
                    "db",
                    "queries",
                    "CPU ms (median)",
                    "wall ms (median)",
                    "wall ms (max)",
                    "baseline queries",
                    "baseline CPU ms",
                    "baseline wall ms",
                ],
                [
                    [
                        r["db"],
                        r["queries_per_round"],
                        r["cpu_ms_median"],
                        r["wall_ms_median"],
                        r["wall_ms_max"],
                        r.get("baseline_queries_per_round", "-"),
                        r.get("baseline_cpu_ms_median", "-"),
                        r.get("baseline_wall_ms_median", "-"),
                    ]
                    for r in sched
                ],
            )
        )
    if errors:
        parts.append("### Failed\n\n" + "\n".join(f"- {e}" for e in errors))
    return "\n\n".join(parts) + "\n"


def _card_baseline(r: dict[str, Any]) -> str:
    if "baseline_view_ms" not in r:
        return ""
    ms = r["baseline_view_ms"]
    cut = f", the first {r['baseline_views']} views" if r["baseline_extrapolated"] else ""
    return (
        "\n\nBaseline (no cache, two REST queries per view, simple-salesforce, same views"
        f"{cut}): p50 {ms['p50']} ms, p95 {ms['p95']} ms, p99 {ms['p99']} ms; "
        f"API calls per 1,000 views: {r['baseline_calls_per_1000_views']}."
    )
