"""Describe: the global list, an object's basic info, and its full describe (reference §2.7)."""

from __future__ import annotations

from typing import Any

from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult
from salesforce_emulator.schema import CASCADE_DELETES, FieldDef, ObjectDef, PicklistValue

# The SOAP type Salesforce reports beside each field type.
_SOAP_TYPES = {
    "id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean", "currency": "xsd:double",
    "double": "xsd:double", "percent": "xsd:double", "int": "xsd:int", "date": "xsd:date",
    "datetime": "xsd:dateTime",
}  # fmt: skip


def describe_global(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    sobjects = [_summary(obj, request.version) for obj in ctx.org.schema.values()]
    return RestResult(200, {"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects})


def basic_info(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    return RestResult(200, {"objectDescribe": _summary(obj, request.version), "recentItems": []})


def describe(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    body = _summary(obj, request.version)
    body["fields"] = [_field(f) for f in obj.fields.values()]
    body["childRelationships"] = _children(obj)
    body["recordTypeInfos"] = []
    return RestResult(200, body)


def _summary(obj: ObjectDef, version: str) -> dict[str, Any]:
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    return {
        "name": obj.name,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "keyPrefix": obj.key_prefix,
        "custom": obj.name.endswith("__c"),
        "createable": obj.createable,
        "updateable": obj.updateable,
        "deletable": obj.deletable,
        "undeletable": obj.deletable,
        "queryable": True,
        "retrieveable": True,
        "searchable": obj.name in {"Account", "Contact", "Opportunity", "User"},
        "layoutable": obj.createable,
        "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
    }


def _field(f: FieldDef) -> dict[str, Any]:
    return {
        "name": f.name,
        "type": f.type,
        "label": f.label,
        "length": f.length,
        "byteLength": f.length * 3,
        "precision": f.precision,
        "scale": f.scale,
        "digits": 9 if f.type == "int" else 0,
        "nillable": f.nillable,
        "createable": f.createable,
        "updateable": f.updateable,
        "defaultedOnCreate": f.defaulted_on_create,
        "defaultValue": f.default_value if f.type != "picklist" else None,
        "calculated": f.calculated,
        "custom": f.name.endswith("__c"),
        "externalId": f.external_id,
        "idLookup": f.id_lookup or f.type == "id",
        "unique": f.unique,
        "caseSensitive": f.case_sensitive,
        "filterable": f.type != "textarea",
        "sortable": f.type != "textarea",
        "groupable": f.type not in {"textarea", "double", "currency", "percent", "datetime"},
        "picklistValues": [_picklist(p) for p in f.picklist_values],
        "restrictedPicklist": f.restricted_picklist,
        "referenceTo": list(f.reference_to),
        "relationshipName": f.relationship_name,
        "soapType": _SOAP_TYPES.get(f.type, "xsd:string"),
        "autoNumber": False,
        "deprecatedAndHidden": False,
    }


def _picklist(value: PicklistValue) -> dict[str, Any]:
    return {
        "active": value.active,
        "defaultValue": value.default_value,
        "label": value.label,
        "validFor": None,
        "value": value.value,
    }


def _children(obj: ObjectDef) -> list[dict[str, Any]]:
    cascading = CASCADE_DELETES.get(obj.name, ())
    return [
        {
            "cascadeDelete": name in cascading,
            "childSObject": child,
            "deprecatedAndHidden": False,
            "field": field,
            "relationshipName": name,
            "restrictedDelete": False,
        }
        for name, (child, field) in obj.child_relationships.items()
    ]
