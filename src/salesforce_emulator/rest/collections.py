"""sObject Collections: create, update, upsert, delete, retrieve up to 200 records (§2.4).

Always HTTP 200 for a well-formed request; each item says whether it succeeded. With allOrNone,
one failure rolls everything back and the good items report ALL_OR_NONE_OPERATION_ROLLED_BACK.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import unquote

from salesforce_emulator.errors import SalesforceError, json_parser_error
from salesforce_emulator.ids import is_valid_id, to_18
from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult
from salesforce_emulator.rest.sobjects import record_values, save_result
from salesforce_emulator.rest.upsert import MultipleMatches, external_field, upsert_one
from salesforce_emulator.schema import ObjectDef

MAX_RECORDS = 200
TOO_MANY = SalesforceError(
    400,
    "EXCEEDED_ID_LIMIT",
    "record limit reached. cannot submit more than 200 records into this call",
)
ROLLED_BACK = SalesforceError(
    400,
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone "
    "header",
)

Item = tuple[
    Callable[[], dict[str, Any]], str | None
]  # (the operation, the id it keeps if rolled back)


class _RollBack(Exception):
    pass


def create(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    all_or_none, records = _payload(request.body)
    items: list[Item] = [(partial(_create_one, ctx, r), None) for r in records]
    return RestResult(200, run_items(ctx, items, all_or_none))


def update(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    all_or_none, records = _payload(request.body)
    items: list[Item] = [(partial(_update_one, ctx, r), _id_of(r)) for r in records]
    return RestResult(200, run_items(ctx, items, all_or_none))


def upsert(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    field = external_field(obj, unquote(groups["field"])).name
    all_or_none, records = _payload(request.body)
    items: list[Item] = [(partial(_upsert_one, ctx, obj, field, r), _id_of(r)) for r in records]
    return RestResult(200, run_items(ctx, items, all_or_none))


def delete(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    ids = [i for i in request.query.get("ids", "").split(",") if i]
    if len(ids) > MAX_RECORDS:
        raise TOO_MANY
    all_or_none = request.query.get("allOrNone", "false").lower() == "true"
    items: list[Item] = [(partial(_delete_one, ctx, i), i) for i in ids]
    return RestResult(200, run_items(ctx, items, all_or_none))


def retrieve(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    ids = [i for i in request.query.get("ids", "").split(",") if i]
    fields = [f for f in request.query.get("fields", "").split(",") if f]
    if not fields:
        raise SalesforceError(400, "MALFORMED_QUERY", "fields is required")
    records: list[Any] = []
    for record_id in ids:
        try:
            records.append(ctx.org.get(obj.name, record_id, fields, api_version=request.version))
        except SalesforceError as error:
            if error.error_code == "INVALID_FIELD":
                raise
            records.append(None)
    return RestResult(200, records)


def run_items(ctx: RestContext, items: list[Item], all_or_none: bool) -> list[dict[str, Any]]:
    """Each item in its own savepoint; with allOrNone (or inside an allOrNone composite) one
    failure undoes them all."""
    all_or_none = all_or_none or ctx.all_or_none
    results: list[dict[str, Any]] = []
    try:
        with ctx.org.transaction():
            for operation, _ in items:
                results.append(_attempt(ctx, operation))
            if all_or_none and not all(r["success"] for r in results):
                raise _RollBack
    except _RollBack:
        return [_rolled_back(r, kept) for r, (_, kept) in zip(results, items, strict=True)]
    return results


def _attempt(ctx: RestContext, operation: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        with ctx.org.transaction():
            return operation()
    except SalesforceError as error:
        return {"success": False, "errors": [error.as_save_error()]}


def _rolled_back(result: dict[str, Any], kept_id: str | None) -> dict[str, Any]:
    if not result["success"]:
        return result
    rolled: dict[str, Any] = {"id": kept_id} if kept_id else {}
    rolled.update({"success": False, "errors": [ROLLED_BACK.as_save_error()]})
    return rolled


def _payload(body: Any) -> tuple[bool, list[dict[str, Any]]]:
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise json_parser_error("The request body must be an object with a records array")
    records = body["records"]
    if len(records) > MAX_RECORDS:
        raise TOO_MANY
    if not all(isinstance(r, dict) for r in records):
        raise json_parser_error("Each record must be a JSON object")
    return bool(body.get("allOrNone", False)), records


def _type_of(ctx: RestContext, record: dict[str, Any]) -> ObjectDef:
    attributes = record.get("attributes")
    name = attributes.get("type") if isinstance(attributes, dict) else None
    if not isinstance(name, str) or not name:
        raise SalesforceError(400, "INVALID_TYPE", "sObject type is required in attributes")
    return ctx.org.object(name, soql=True)


def _id_of(record: dict[str, Any]) -> str | None:
    value = record.get("id", record.get("Id"))
    return str(value) if value else None


def _create_one(ctx: RestContext, record: dict[str, Any]) -> dict[str, Any]:
    obj = _type_of(ctx, record)
    if _id_of(record):
        raise SalesforceError(400, "INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
    ctx.before_write()
    return save_result(ctx.org.insert(obj.name, record_values(record), user_id=ctx.user_id))


def _update_one(ctx: RestContext, record: dict[str, Any]) -> dict[str, Any]:
    obj = _type_of(ctx, record)
    record_id = _id_of(record)
    if not record_id:
        raise SalesforceError(400, "MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
    values = {k: v for k, v in record_values(record).items() if k.lower() != "id"}
    ctx.before_write()
    ctx.org.update(obj.name, record_id, values, user_id=ctx.user_id)
    return save_result(to_18(record_id))


def _upsert_one(
    ctx: RestContext, obj: ObjectDef, field: str, record: dict[str, Any]
) -> dict[str, Any]:
    if _type_of(ctx, record).name != obj.name:
        raise SalesforceError(400, "INVALID_TYPE", f"all records must be of type {obj.name}")
    values = record_values(record)
    value = next((v for k, v in values.items() if k.lower() == field.lower()), None)
    if value is None or value == "":
        raise SalesforceError(400, "MISSING_ARGUMENT", f"{field} not specified", [field])
    try:
        record_id, created = upsert_one(ctx, obj, obj.field(field), str(value), values)
    except MultipleMatches as several:
        message = f"{field}: more than one record found for external id field: {several.ids}"
        raise SalesforceError(400, "DUPLICATE_EXTERNAL_ID", message, [field]) from None
    return {**save_result(record_id), "created": created}


def _delete_one(ctx: RestContext, record_id: str) -> dict[str, Any]:
    if not is_valid_id(record_id):
        raise SalesforceError(400, "MALFORMED_ID", f"malformed id {record_id}")
    canonical = to_18(record_id)
    obj = next((o for o in ctx.org.schema.values() if o.key_prefix == canonical[:3]), None)
    if obj is None:
        raise SalesforceError(400, "MALFORMED_ID", f"malformed id {record_id}")
    ctx.before_write()
    ctx.org.delete(obj.name, canonical)
    return save_result(canonical)
