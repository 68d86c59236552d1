"""A model field that keeps text encrypted in the database and plain in Python."""

from __future__ import annotations

from typing import Any

from django.db import models

from mailtrixy.integrations import crypto
from mailtrixy.observability.secrets import remember


class EncryptedTextField(models.TextField):
    """Stores `crypto.encrypt(value)`; reads back the plain value. Empty stays empty.

    The value never appears in the database in clear, and the field's repr hides it.
    `credential=True` (the default) marks a value that grants access (a token, a secret): logs
    mask it wherever it appears. Facts kept private at rest but needed by an operator (an org id,
    an instance URL) say `credential=False` and reach the logs as they are.
    """

    description = "Text encrypted at rest (Fernet)"

    def __init__(self, *args: Any, credential: bool = True, **kwargs: Any) -> None:
        # Not part of deconstruct(): it changes what the logs show, not what the database stores.
        self.credential = credential
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        plain = crypto.decrypt(value)
        self._remember(plain)
        return plain

    def get_prep_value(self, value: Any) -> str:
        if not value:
            return ""
        self._remember(str(value))
        return crypto.encrypt(str(value))

    def _remember(self, plain: str) -> None:
        if self.credential:
            remember(plain)  # so that logs can mask it (issue 7)
