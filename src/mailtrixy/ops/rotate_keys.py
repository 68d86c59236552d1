"""Re-encrypt every stored secret with the newest of MAILTRIXY_ENCRYPTION_KEYS.

Key rotation: put a new key first in MAILTRIXY_ENCRYPTION_KEYS (keep the old ones after it) on
every process, run this once, then drop the old keys. It reads the ciphertexts directly (no
model loads them in clear), re-encrypts with `crypto.rotate`, and skips values the newest key
already reads, so running it twice is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from mailtrixy.integrations import crypto
from mailtrixy.integrations.fields import EncryptedTextField


@dataclass
class RotationReport:
    rotated: int = 0
    current: int = 0
    unreadable: list[str] = field(default_factory=list)
    """`table.column #pk` of values no configured key can read."""


def encrypted_columns() -> list[tuple[str, str, str]]:
    """(table, primary key column, column) of every EncryptedTextField."""
    found = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, EncryptedTextField):
                pk = model._meta.pk
                assert pk is not None and pk.column and model_field.column
                found.append((model._meta.db_table, pk.column, model_field.column))
    return found


def newest_key_reads(token: str) -> bool:
    try:
        Fernet(settings.MAILTRIXY_ENCRYPTION_KEYS[0].encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate_all() -> RotationReport:
    report = RotationReport()
    quote = connection.ops.quote_name
    for table, pk, column in encrypted_columns():
        select = f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)}"
        update = f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(select)
            for row_id, token in cursor.fetchall():
                if not token:
                    continue
                if newest_key_reads(token):
                    report.current += 1
                    continue
                try:
                    rotated = crypto.rotate(token)
                except InvalidToken:
                    report.unreadable.append(f"{table}.{column} #{row_id}")
                    continue
                cursor.execute(update, [rotated, row_id])
                report.rotated += 1
    return report


def rotate_command(out: TextIO) -> int:
    report = rotate_all()
    out.write(
        f"Re-encrypted {report.rotated} secret(s) with the newest key; "
        f"{report.current} already used it.\n"
    )
    if report.unreadable:
        out.write(
            f"{len(report.unreadable)} secret(s) cannot be read with any configured key "
            f"({', '.join(report.unreadable[:10])}). Add the key they were saved with to "
            "MAILTRIXY_ENCRYPTION_KEYS and run this again, or reconnect those workspaces.\n"
        )
        return 1
    out.write("Old keys can now be removed from MAILTRIXY_ENCRYPTION_KEYS.\n")
    return 0
