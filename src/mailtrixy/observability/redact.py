"""The last line of defence: anything that looks like a token or a secret leaves a log line masked.

Secrets are never meant to be logged at all (models hide them in repr, errors name codes only);
this catches what slips through: a token in an exception message, a URL with an OAuth code, a
header dump. Secrets this process holds are masked by value (observability/secrets.py), others
by shape. It errs on the side of masking.
"""

from __future__ import annotations

import re

from mailtrixy.observability.secrets import mask_known

MASK = "[redacted]"

# Names of secrets, not secrets.
_SECRET_NAMES = "|".join(
    (
        "access_token", "refresh_token", "id_token", "client_secret", "consumer_secret", "secret",
        "password", "passwd", "token", "code", "code_verifier", "api_key", "apikey",
        "authorization", "sessionid", "csrftoken", "signature",
    )
)  # fmt: skip

PATTERNS: tuple[re.Pattern[str], ...] = (
    # Authorization: Bearer <token> / OAuth <token>
    re.compile(r"(?i)\b(bearer|oauth)\s+[A-Za-z0-9._~+/=!\-]{8,}"),
    # name=value and name: value pairs (query strings, form bodies, headers, JSON, reprs)
    re.compile(
        rf"""(?ix)(["']?\b(?:{_SECRET_NAMES})\b["']?\s*[=:]\s*["']?)([^\s"'&,;}}\]]{{4,}})"""
    ),
    # A Salesforce session id: the org id, "!", then the opaque part.
    re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._\-]{10,}"),
    # A Fernet ciphertext (what the database stores for secrets).
    re.compile(r"\bgAAAAA[A-Za-z0-9_\-]{20,}={0,2}"),
    # Credentials inside a URL: scheme://user:password@host
    re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:)([^\s@/]+)(@)"),
    # Any long opaque string mixing upper case, lower case and digits (a bare token): 40+ chars.
    # Hex digests, ids, dotted module names and URL paths do not mix all three or carry "/".
    re.compile(r"(?<![A-Za-z0-9_.\-])(?=[\w.\-]*\d)(?=[\w.\-]*[A-Z])(?=[\w.\-]*[a-z])[\w.\-]{40,}"),
)


def redact(text: str) -> str:
    """`text` with every secret-looking part replaced by MASK."""
    if not text:
        return text
    text = mask_known(text, MASK)
    text = PATTERNS[0].sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = PATTERNS[1].sub(lambda m: f"{m.group(1)}{MASK}", text)
    text = PATTERNS[2].sub(MASK, text)
    text = PATTERNS[3].sub(MASK, text)
    text = PATTERNS[4].sub(lambda m: f"{m.group(1)}{MASK}{m.group(3)}", text)
    return PATTERNS[5].sub(MASK, text)
