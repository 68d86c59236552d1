"""sObject records: create, read, update, delete (reference §2.3)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from salesforce_emulator.errors import SalesforceError, json_parser_error, not_found
from salesforce_emulator.ids import is_valid_id, to_18
from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult
from salesforce_emulator.schema import ObjectDef
from salesforce_emulator.store import record_url


def record_values(body: Any) -> dict[str, Any]:
    """A record body's fields: a JSON object, without `attributes`."""
    if not isinstance(body, dict):
        raise json_parser_error("Cannot deserialize instance of sObject from a non-object value")
    return {k: v for k, v in body.items() if k != "attributes"}


def save_result(record_id: str) -> dict[str, Any]:
    return {"id": record_id, "success": True, "errors": []}


def location(request: RestRequest, sobject: str, record_id: str) -> dict[str, str]:
    return {"Location": record_url(sobject, record_id, request.version)}


def record_id_in_path(obj: ObjectDef, segment: str) -> str:
    """The 18-char id a path segment names; NOT_FOUND as Salesforce says it for anything else."""
    value = unquote(segment)
    if not is_valid_id(value) or value[:3] != obj.key_prefix:
        raise not_found(f"Provided external ID field does not exist or is not accessible: {value}")
    return to_18(value)


def create(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    values = record_values(request.body)
    ctx.before_write()
    record_id = ctx.org.insert(obj.name, values, user_id=ctx.user_id)
    return RestResult(201, save_result(record_id), location(request, obj.name, record_id))


def read(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    record_id = record_id_in_path(obj, groups["record"])
    fields = requested_fields(request)
    return RestResult(200, ctx.org.get(obj.name, record_id, fields, api_version=request.version))


def update(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    record_id = record_id_in_path(obj, groups["record"])
    values = record_values(request.body)
    ctx.before_write()
    ctx.org.update(obj.name, record_id, values, user_id=ctx.user_id)
    return RestResult(204)


def delete(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    record_id = record_id_in_path(obj, groups["record"])
    ctx.before_write()
    ctx.org.delete(obj.name, record_id)
    return RestResult(204)


def requested_fields(request: RestRequest) -> list[str] | None:
    text = request.query.get("fields")
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise SalesforceError(400, "MALFORMED_QUERY", "fields list is empty")
    return names
