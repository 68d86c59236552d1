"""Reading a User record for the identity and userinfo answers."""

from __future__ import annotations

from typing import Any

from salesforce_emulator.errors import SalesforceError
from salesforce_emulator.registry import OrgHandle

USER_FIELDS = [
    "Id", "Username", "Email", "FirstName", "LastName", "Name", "IsActive",
    "LanguageLocaleKey", "TimeZoneSidKey", "CreatedDate", "LastModifiedDate",
]  # fmt: skip


def user_record(handle: OrgHandle, user_id: str) -> dict[str, Any] | None:
    try:
        return handle.org.get("User", user_id, USER_FIELDS)
    except SalesforceError:
        return None
