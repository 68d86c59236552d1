"""`GET /limits/`: the org's allocations; `DailyApiRequests` is the one that is counted (§2.8)."""

from __future__ import annotations

from typing import Any

from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult

# Developer Edition figures for the allocations the emulator does not count.
_STATIC_LIMITS: dict[str, int] = {
    "DailyAsyncApexExecutions": 250000,
    "DailyBulkApiBatches": 15000,
    "DailyBulkV2QueryFileStorageMB": 976562,
    "DailyBulkV2QueryJobs": 10000,
    "DailyDurableGenericStreamingApiEvents": 10000,
    "DailyDurableStreamingApiEvents": 10000,
    "DailyGenericStreamingApiEvents": 10000,
    "DailyStreamingApiEvents": 10000,
    "DailyWorkflowEmails": 390,
    "DataStorageMB": 5,
    "FileStorageMB": 20,
    "HourlyPublishedPlatformEvents": 50000,
    "HourlyTimeBasedWorkflow": 50,
    "MassEmail": 10,
    "SingleEmail": 15,
}


def limits(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    maximum = ctx.handle.api_limit()
    body: dict[str, Any] = {
        "DailyApiRequests": {"Max": maximum, "Remaining": max(maximum - ctx.handle.usage.used(), 0)}
    }
    for name, value in _STATIC_LIMITS.items():
        body[name] = {"Max": value, "Remaining": value}
    body["PermissionSets"] = {
        "Max": 1500,
        "Remaining": 1499,
        "CreateCustom": {"Max": 1000, "Remaining": 999},
    }
    return RestResult(200, dict(sorted(body.items())))
