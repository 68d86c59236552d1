"""Composite: up to 25 subrequests in one call, with references between them (§2.5).

Counts as one API request. With allOrNone, the first failing subrequest rolls everything back and
every other subrequest reports PROCESSING_HALTED; without it, only the dependants of a failed
subrequest are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from salesforce_emulator.errors import SalesforceError, json_parser_error
from salesforce_emulator.rest import versions
from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult
from salesforce_emulator.rest.references import UnresolvedReference, resolve_json, resolve_text
from salesforce_emulator.rest.router import Handler, Router

MAX_SUBREQUESTS = 25
MAX_QUERIES_AND_COLLECTIONS = 5
METHODS = frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"})
FORBIDDEN_HEADERS = frozenset({"accept", "authorization", "content-type"})
REFERENCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]*")
PREFIX = re.compile(r"/services/data/(v\d+\.\d)/(.*)")
HALTED_MESSAGE = (
    "The transaction was rolled back since another operation in the same transaction failed."
)


@dataclass
class Subrequest:
    method: str
    url: str
    reference_id: str
    body: Any
    headers: dict[str, str]


class _Halt(Exception):
    pass


def invalid_input(message: str) -> SalesforceError:
    # The reference does not give the top-level error of a malformed composite request.
    return SalesforceError(400, "INVALID_API_INPUT", message)


def make_handler(router: Router) -> Handler:
    def composite(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
        all_or_none, subrequests = _parse(request.body)
        return RestResult(200, {"compositeResponse": _run(router, ctx, subrequests, all_or_none)})

    return composite


def _run(
    router: Router, ctx: RestContext, subs: list[Subrequest], all_or_none: bool
) -> list[dict[str, Any]]:
    inner = RestContext(ctx.handle, ctx.user_id, in_composite=True, all_or_none=all_or_none)
    results: dict[str, Any] = {}
    failed: set[str] = set()
    answers: list[dict[str, Any]] = []
    try:
        with ctx.org.transaction():
            for sub in subs:
                answer = _execute(router, inner, sub, results, failed)
                answers.append(answer)
                if all_or_none and sub.reference_id in failed:
                    raise _Halt
    except _Halt:
        culprit = answers[-1]
        return [culprit if s.reference_id == culprit["referenceId"] else _halted(s) for s in subs]
    return answers


def _execute(
    router: Router, ctx: RestContext, sub: Subrequest, results: dict[str, Any], failed: set[str]
) -> dict[str, Any]:
    try:
        url = resolve_text(sub.url, results, failed)
        body = resolve_json(sub.body, results, failed)
    except UnresolvedReference as missing:
        failed.add(sub.reference_id)
        return _answer(sub.reference_id, 400, [_unresolved(missing)], {})
    request = _rest_request(sub, url, body)
    if isinstance(request, SalesforceError):
        failed.add(sub.reference_id)
        return _answer(sub.reference_id, request.status, [_error(request)], {})
    _kind, result = router.dispatch(ctx, request)
    if not result.ok or _has_failed_items(result):
        failed.add(sub.reference_id)
    results[sub.reference_id] = result.body
    return _answer(sub.reference_id, result.status, result.body, result.headers)


def _rest_request(sub: Subrequest, url: str, body: Any) -> RestRequest | SalesforceError:
    parts = urlsplit(url)
    match = PREFIX.fullmatch(parts.path)
    parsed = versions.parse(match[1]) if match else None
    if match is None or parsed is None or not versions.is_known(parsed[1]):
        return SalesforceError(404, "NOT_FOUND", "The requested resource does not exist")
    return RestRequest(
        method=sub.method,
        path=match[2].rstrip("/"),
        version=parsed[0],
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        headers=sub.headers,
        body=body,
    )


def _has_failed_items(result: RestResult) -> bool:
    """A collection answers 200 even when items fail; inside composite that is a failure."""
    body = result.body
    return isinstance(body, list) and any(
        isinstance(i, dict) and i.get("success") is False for i in body
    )


def _answer(reference_id: str, status: int, body: Any, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "body": body,
        "httpHeaders": dict(headers),
        "httpStatusCode": status,
        "referenceId": reference_id,
    }


def _halted(sub: Subrequest) -> dict[str, Any]:
    body = [{"errorCode": "PROCESSING_HALTED", "message": HALTED_MESSAGE}]
    return _answer(sub.reference_id, 400, body, {})


def _unresolved(missing: UnresolvedReference) -> dict[str, Any]:
    message = (
        f"Invalid reference specified. No value for {missing.expression} found in "
        f"{missing.reference_id}."
    )
    if missing.failed:
        message += (
            f" Provided referenceId ('{missing.reference_id}') refers to a failed subrequest."
        )
    return {"errorCode": "PROCESSING_HALTED", "message": message}


def _error(error: SalesforceError) -> dict[str, Any]:
    return {"errorCode": error.error_code, "message": error.message}


def _parse(body: Any) -> tuple[bool, list[Subrequest]]:
    if not isinstance(body, dict) or not isinstance(body.get("compositeRequest"), list):
        raise json_parser_error("The request body must be an object with a compositeRequest array")
    raw = body["compositeRequest"]
    if not raw or len(raw) > MAX_SUBREQUESTS:
        raise invalid_input(
            f"A composite request must have between 1 and {MAX_SUBREQUESTS} subrequests"
        )
    subs = [_subrequest(item) for item in raw]
    _check_references_unique(subs)
    _check_query_count(subs)
    return bool(body.get("allOrNone", False)), subs


def _subrequest(item: Any) -> Subrequest:
    if not isinstance(item, dict):
        raise json_parser_error("Each subrequest must be a JSON object")
    method, url, reference_id = item.get("method"), item.get("url"), item.get("referenceId")
    if method not in METHODS:
        raise invalid_input(f"Invalid method: {method}. Use one of {', '.join(sorted(METHODS))}")
    if not isinstance(url, str) or not url.startswith("/services/data/"):
        raise invalid_input("The url of a subrequest must start with /services/data/vXX.X/")
    if not isinstance(reference_id, str) or not REFERENCE_ID.fullmatch(reference_id):
        raise invalid_input(f"Invalid referenceId: {reference_id}")
    headers = item.get("httpHeaders") or {}
    if not isinstance(headers, dict) or FORBIDDEN_HEADERS & {str(k).lower() for k in headers}:
        raise invalid_input("httpHeaders may not include Accept, Authorization or Content-Type")
    if _path_of(url).startswith("composite") and not _path_of(url).startswith("composite/sobjects"):
        raise invalid_input("A composite request cannot contain another composite request")
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    return Subrequest(method, url, reference_id, item.get("body"), lowered)


def _path_of(url: str) -> str:
    match = PREFIX.fullmatch(urlsplit(url).path)
    return match[2] if match else ""


def _check_references_unique(subs: list[Subrequest]) -> None:
    seen: set[str] = set()
    for sub in subs:
        if sub.reference_id in seen:
            raise invalid_input(f"Duplicate referenceId: {sub.reference_id}")
        seen.add(sub.reference_id)


def _check_query_count(subs: list[Subrequest]) -> None:
    heavy = [
        s
        for s in subs
        if _path_of(s.url).split("/")[0] in {"query", "queryAll"}
        or _path_of(s.url).startswith("composite/sobjects")
    ]
    if len(heavy) > MAX_QUERIES_AND_COLLECTIONS:
        raise invalid_input(
            f"A composite request may contain at most {MAX_QUERIES_AND_COLLECTIONS} query or "
            "collections subrequests"
        )
