"""A model field that keeps text encrypted in the database and plain in Python."""

from __future__ import annotations

from typing import Any

from django.db import models

from mailtrixy.integrations import crypto
from mailtrixy.observability.secrets import remember


class EncryptedTextField(models.TextField):
    """Stores `crypto.encrypt(value)`; reads back the plain value. Empty stays empty.

    The value never appears in the database in clear, and the field's repr hides it.
    """

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        plain = crypto.decrypt(value)
        remember(plain)  # so that logs can mask it (issue 7)
        return plain

    def get_prep_value(self, value: Any) -> str:
        if not value:
            return ""
        remember(str(value))  # so that logs can mask it (issue 7)
        return crypto.encrypt(str(value))
