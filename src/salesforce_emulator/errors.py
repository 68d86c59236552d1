"""The one exception every layer of the emulator raises, and constructors for the common cases.

Salesforce reports an error in two shapes (reference §0.1 and §3.2): a top-level REST error item
``{"message", "errorCode", "fields"}`` (the wire layer wraps it in a JSON array) and, inside a
SaveResult or a collections item, ``{"statusCode", "message", "fields"}``.
"""

from __future__ import annotations

from typing import Any

_MISSING_FIELD_HINT = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom "
    "field name. Please reference your WSDL or the describe call for the appropriate names."
)


class SalesforceError(Exception):
    """One Salesforce error: HTTP status, errorCode, message, fields."""

    def __init__(
        self, status: int, error_code: str, message: str, fields: list[str] | None = None
    ) -> None:
        super().__init__(f"{error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields: list[str] = list(fields or [])

    def as_rest_error(self) -> dict[str, Any]:
        """The item of a top-level REST error body (the body is a JSON array of these)."""
        return {"message": self.message, "errorCode": self.error_code, "fields": list(self.fields)}

    def as_save_error(self) -> dict[str, Any]:
        """The item of a SaveResult's or a collections result's ``errors`` list."""
        return {"statusCode": self.error_code, "message": self.message, "fields": list(self.fields)}

    def __repr__(self) -> str:
        args = f"{self.status}, {self.error_code!r}, {self.message!r}, {self.fields!r}"
        return f"SalesforceError({args})"


def not_found(message: str = "The requested resource does not exist") -> SalesforceError:
    return SalesforceError(404, "NOT_FOUND", message)


def entity_is_deleted() -> SalesforceError:
    # Status 404 is what the project settled on; the reference marks it as not confirmed (§3.2).
    return SalesforceError(404, "ENTITY_IS_DELETED", "entity is deleted")


def malformed_id(label: str, value: object, field: str = "Id") -> SalesforceError:
    return SalesforceError(
        400, "MALFORMED_ID", f"{label} ID: id value of incorrect type: {value}", [field]
    )


def invalid_type(sobject: str) -> SalesforceError:
    return SalesforceError(400, "INVALID_TYPE", f"sObject type '{sobject}' is not supported.")


def invalid_field_on_sobject(field: str, sobject: str) -> SalesforceError:
    """An unknown field in a record body (REST create/update)."""
    return SalesforceError(
        400, "INVALID_FIELD", f"No such column '{field}' on sobject of type {sobject}"
    )


def invalid_field_on_entity(field: str, sobject: str) -> SalesforceError:
    """An unknown field in a query or a ``fields=`` list."""
    return SalesforceError(
        400,
        "INVALID_FIELD",
        f"No such column '{field}' on entity '{sobject}'. {_MISSING_FIELD_HINT}",
    )


def malformed_query(message: str) -> SalesforceError:
    return SalesforceError(400, "MALFORMED_QUERY", message)


def required_field_missing(fields: list[str]) -> SalesforceError:
    return SalesforceError(
        400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(fields)}]", fields
    )


def json_parser_error(message: str) -> SalesforceError:
    return SalesforceError(400, "JSON_PARSER_ERROR", message)
