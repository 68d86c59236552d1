"""What kind of Salesforce request a REST path is, for the API-call counters' `kind` label."""

from __future__ import annotations

import re

_VERSIONED = re.compile(r"^services/data/v[\d.]+/")


def api_kind(path: str) -> str:
    """One of metrics.API_KINDS: query, composite, collections, sobject, describe, limits, bulk."""
    resource = _VERSIONED.sub("", path.split("?", 1)[0].strip("/"))
    parts = resource.split("/")
    if parts[0] == "composite":
        return "collections" if parts[1:2] == ["sobjects"] else "composite"
    if parts[0] in {"query", "queryAll"}:
        return "query"  # first pages and nextRecordsUrl pages alike
    if parts[0] == "sobjects":
        return "describe" if parts[-1] == "describe" or len(parts) == 1 else "sobject"
    if parts[0] == "limits":
        return "limits"
    if parts[0] == "jobs":
        return "bulk"  # Bulk API 2.0 query jobs
    return "other"
