"""PKCE: the code challenge is base64url(SHA-256(code_verifier)) without padding (RFC 7636 S256)."""

from __future__ import annotations

import base64
import hashlib
import hmac


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verifier_matches(challenge: str, verifier: str) -> bool:
    return hmac.compare_digest(s256(verifier), challenge)
