"""Secrets at rest: encrypted, readable with any listed key, re-encrypted with the newest."""

from __future__ import annotations

import pytest
from django.test import override_settings

from mailtrixy.integrations import crypto


def test_values_are_encrypted_and_never_the_same_twice() -> None:
    first, second = crypto.encrypt("token"), crypto.encrypt("token")
    assert "token" not in first and first != second
    assert crypto.decrypt(first) == crypto.decrypt(second) == "token"


def test_old_keys_still_decrypt_and_rotation_moves_to_the_newest() -> None:
    old, new = crypto.new_key(), crypto.new_key()
    with override_settings(MAILTRIXY_ENCRYPTION_KEYS=[old]):
        stored = crypto.encrypt("refresh-token")
    with override_settings(MAILTRIXY_ENCRYPTION_KEYS=[new, old]):
        assert crypto.decrypt(stored) == "refresh-token"
        rotated = crypto.rotate(stored)
    with override_settings(MAILTRIXY_ENCRYPTION_KEYS=[new]):
        assert crypto.decrypt(rotated) == "refresh-token"
        with pytest.raises(crypto.DecryptionError, match="MAILTRIXY_ENCRYPTION_KEYS"):
            crypto.decrypt(stored)
