"""Every REST resource the emulator serves, with the counter kind of each method."""

from __future__ import annotations

from salesforce_emulator.rest import (
    bulk_query,
    collections,
    composite,
    describe,
    query,
    replication,
    sobjects,
    upsert,
)
from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult
from salesforce_emulator.rest.limits_resource import limits
from salesforce_emulator.rest.router import Router

T = r"(?P<sobject>[A-Za-z][A-Za-z0-9_]*)"
SEGMENT = r"[^/]+"


def resources(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    base = f"/services/data/v{request.version}"
    names = ("sobjects", "query", "queryAll", "composite", "limits")
    return RestResult(200, {name: f"{base}/{name}" for name in names})


def build_router() -> Router:
    router = Router()
    router.add(r"", {"GET": ("resources", resources)})
    router.add(r"limits", {"GET": ("limits", limits)})
    router.add(r"query", {"GET": ("query", query.query)})
    router.add(r"queryAll", {"GET": ("query_all", query.query_all)})
    router.add(
        rf"(?:query|queryAll)/(?P<locator>{SEGMENT})", {"GET": ("query_more", query.query_more)}
    )
    router.add(r"sobjects", {"GET": ("describe_global", describe.describe_global)})
    router.add(
        rf"sobjects/{T}",
        {
            "GET": ("sobject_basic_info", describe.basic_info),
            "POST": ("sobject_create", sobjects.create),
        },
    )
    router.add(rf"sobjects/{T}/describe", {"GET": ("sobject_describe", describe.describe)})
    router.add(rf"sobjects/{T}/updated", {"GET": ("get_updated", replication.updated)})
    router.add(rf"sobjects/{T}/deleted", {"GET": ("get_deleted", replication.deleted)})
    router.add(
        rf"sobjects/{T}/(?P<record>{SEGMENT})",
        {
            "GET": ("sobject_read", sobjects.read),
            "PATCH": ("sobject_update", sobjects.update),
            "DELETE": ("sobject_delete", sobjects.delete),
        },
    )
    router.add(rf"sobjects/{T}/(?P<field>Id)", {"POST": ("sobject_create", upsert.create_via_id)})
    router.add(
        rf"sobjects/{T}/(?P<field>{SEGMENT})/(?P<value>{SEGMENT})",
        {
            "GET": ("sobject_read", upsert.read_by_external_id),
            "PATCH": ("sobject_upsert", upsert.upsert),
            "DELETE": ("sobject_delete", upsert.delete_by_external_id),
        },
    )
    router.add(
        r"composite/sobjects",
        {
            "POST": ("collections_create", collections.create),
            "PATCH": ("collections_update", collections.update),
            "DELETE": ("collections_delete", collections.delete),
        },
    )
    router.add(rf"composite/sobjects/{T}", {"GET": ("collections_retrieve", collections.retrieve)})
    router.add(
        rf"composite/sobjects/{T}/(?P<field>{SEGMENT})",
        {"PATCH": ("collections_upsert", collections.upsert)},
    )
    router.add(
        r"jobs/query",
        {
            "POST": ("bulk_query_create", bulk_query.create),
            "GET": ("bulk_query_list", bulk_query.list_jobs),
        },
    )
    router.add(
        rf"jobs/query/(?P<job>{SEGMENT})",
        {
            "GET": ("bulk_query_info", bulk_query.info),
            "PATCH": ("bulk_query_abort", bulk_query.abort),
            "DELETE": ("bulk_query_delete", bulk_query.delete),
        },
    )
    router.add(
        rf"jobs/query/(?P<job>{SEGMENT})/results",
        {"GET": ("bulk_query_results", bulk_query.results)},
    )
    router.add(r"composite", {"POST": ("composite", composite.make_handler(router))})
    return router
