"""`mailtrixy manage rotate_encryption_keys` (same as `mailtrixy rotate-keys`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mailtrixy.ops.rotate_keys import rotate_command


class Command(BaseCommand):
    help = "Re-encrypt every stored secret with the newest of MAILTRIXY_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        if rotate_command(self.stdout) != 0:  # type: ignore[arg-type]
            raise CommandError("Some secrets could not be re-encrypted.")
