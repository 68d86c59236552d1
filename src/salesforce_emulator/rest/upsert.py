"""Records by external id: upsert (201 / 200 or 204 / 300), read and delete (reference §2.3)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from salesforce_emulator.errors import SalesforceError, not_found
from salesforce_emulator.ids import is_valid_id, to_18
from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult
from salesforce_emulator.rest.sobjects import location, record_values, requested_fields, save_result
from salesforce_emulator.schema import FieldDef, ObjectDef
from salesforce_emulator.store import record_url

CREATED_FLAG_SINCE = 46  # `created` and 200-on-update exist from v46.0; before, update is 204


def external_field(obj: ObjectDef, name: str) -> FieldDef:
    """An external-id field (or `Id`); NOT_FOUND with Salesforce's wording for anything else."""
    found = obj.find_field(name)
    if found is None or not (found.external_id or found.type == "id"):
        raise not_found(f"Provided external ID field does not exist or is not accessible: {name}")
    return found


def matching_ids(ctx: RestContext, obj: ObjectDef, field: FieldDef, value: str) -> list[str]:
    if field.type == "id":
        if not is_valid_id(value):
            return []
        record = to_18(value)
        return [record] if ctx.org.find_ids_by_field(obj.name, "Id", record) else []
    return ctx.org.find_ids_by_field(obj.name, field.name, value)


def upsert_one(
    ctx: RestContext, obj: ObjectDef, field: FieldDef, value: str, values: dict[str, Any]
) -> tuple[str, bool]:
    """(record id, created). Several matches raise a 300 carrying the matching ids."""
    ids = matching_ids(ctx, obj, field, value)
    if len(ids) > 1:
        raise MultipleMatches(ids)
    ctx.before_write()
    changes = {k: v for k, v in values.items() if k.lower() != field.name.lower()}
    if ids:
        ctx.org.update(obj.name, ids[0], changes, user_id=ctx.user_id)
        return ids[0], False
    if field.type == "id":
        raise not_found()
    created = ctx.org.insert(obj.name, {**changes, field.name: value}, user_id=ctx.user_id)
    return created, True


class MultipleMatches(SalesforceError):
    def __init__(self, ids: list[str]) -> None:
        super().__init__(300, "MULTIPLE_CHOICES", "more than one record matches the external id")
        self.ids = ids


def upsert(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    field = external_field(obj, unquote(groups["field"]))
    value = unquote(groups["value"])
    values = record_values(request.body)
    if request.query.get("updateOnly") == "true" and not matching_ids(ctx, obj, field, value):
        raise not_found()
    try:
        record_id, created = upsert_one(ctx, obj, field, value, values)
    except MultipleMatches as several:
        return RestResult(300, [record_url(obj.name, i, request.version) for i in several.ids])
    return _upsert_result(request, obj, record_id, created)


def _upsert_result(
    request: RestRequest, obj: ObjectDef, record_id: str, created: bool
) -> RestResult:
    major = int(request.version.split(".")[0])
    body = save_result(record_id)
    if major < CREATED_FLAG_SINCE:
        return (
            RestResult(201, body, location(request, obj.name, record_id))
            if created
            else RestResult(204)
        )
    body["created"] = created
    if created:
        return RestResult(201, body, location(request, obj.name, record_id))
    return RestResult(200, body)


def read_by_external_id(
    ctx: RestContext, request: RestRequest, groups: dict[str, str]
) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    field = external_field(obj, unquote(groups["field"]))
    ids = matching_ids(ctx, obj, field, unquote(groups["value"]))
    if not ids:
        raise not_found()
    if len(ids) > 1:
        return RestResult(300, [record_url(obj.name, i, request.version) for i in ids])
    fields = requested_fields(request)
    return RestResult(200, ctx.org.get(obj.name, ids[0], fields, api_version=request.version))


def delete_by_external_id(
    ctx: RestContext, request: RestRequest, groups: dict[str, str]
) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    field = external_field(obj, unquote(groups["field"]))
    ids = matching_ids(ctx, obj, field, unquote(groups["value"]))
    if not ids:
        raise not_found()
    if len(ids) > 1:
        return RestResult(300, [record_url(obj.name, i, request.version) for i in ids])
    ctx.before_write()
    ctx.org.delete(obj.name, ids[0])
    return RestResult(204)


def create_via_id(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    """`POST /sobjects/{T}/Id` creates a record (v37.0+)."""
    obj = ctx.org.object(groups["sobject"])
    if groups["field"].lower() != "id":
        raise not_found()
    ctx.before_write()
    record_id = ctx.org.insert(obj.name, record_values(request.body), user_id=ctx.user_id)
    body = {**save_result(record_id), "created": True}
    return RestResult(201, body, location(request, obj.name, record_id))
