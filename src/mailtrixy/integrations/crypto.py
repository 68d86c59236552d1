"""Encryption at rest for integration secrets (consumer secrets, access and refresh tokens).

Fernet (AES-128-CBC with HMAC-SHA256) from `cryptography`, with several keys for rotation:
`MAILTRIXY_ENCRYPTION_KEYS` lists them, newest first. New values are encrypted with the first key;
values encrypted with any listed key still decrypt, and `mailtrixy manage rotate_encryption_keys`
re-encrypts everything with the first. The demo generates one key into the data directory.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A stored secret cannot be read with any configured key."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ValueError("No encryption key is configured: set MAILTRIXY_ENCRYPTION_KEYS.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.MAILTRIXY_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "A saved secret cannot be decrypted with the configured keys. "
            "Check MAILTRIXY_ENCRYPTION_KEYS (keep old keys listed until rotation finished)."
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt a stored value with the first (newest) key."""
    return fernet().rotate(token.encode()).decode()


def new_key() -> str:
    return Fernet.generate_key().decode()
