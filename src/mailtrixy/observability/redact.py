"""The last line of defence: anything that looks like a token or a secret leaves a log line masked.

Secrets are never meant to be logged at all (models hide them in repr, errors name codes only);
this catches what slips through: a token in an exception message, a URL with an OAuth code, a
header dump. Secrets this process holds are masked by value (observability/secrets.py), others
by shape. It errs on the side of masking, but keeps what names a thing without granting access:
an org id (also the one in front of a session id's "!"), an instance URL, record ids.
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
    # name=value and name: value pairs (query strings, form bodies, headers, JSON, reprs). A
    # quoted value is masked to its closing quote, so a secret with a space or comma goes whole.
    re.compile(
        rf"""(?ix)(["']?\b(?:{_SECRET_NAMES})\b["']?\s*[=:]\s*)
        (?:"((?:[^"\\]|\\.)+)"|'((?:[^'\\]|\\.)+)'|([^\s"'&,;}}\]]{{4,}}))"""
    ),
    # A session id: the org id ("00D" and 12 or 15 more), "!" (or %21), then the opaque secret.
    # The org id alone grants nothing and tells an operator which org: it stays.
    re.compile(r"\b(00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)(!|%21)[^\s\"'&,;<>()\[\]{}]+"),
    # A Fernet ciphertext (what the database stores for secrets).
    re.compile(r"\bgAAAAA[A-Za-z0-9_\-]{20,}={0,2}"),
    # Credentials inside a URL: scheme://user:password@host
    re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:)([^\s@/]+)(@)"),
    # Any long opaque string mixing upper case, lower case and digits (a bare token): 40+ chars.
    # Hex digests, ids, dotted module names, URL paths and a URL's host ("://" before it) are not.
    re.compile(
        r"(?<![A-Za-z0-9_.\-])(?<!://)(?=[\w.\-]*\d)(?=[\w.\-]*[A-Z])(?=[\w.\-]*[a-z])[\w.\-]{40,}"
    ),
)


def _named(match: re.Match[str]) -> str:
    if match.group(2) is not None:
        return f'{match.group(1)}"{MASK}"'
    if match.group(3) is not None:
        return f"{match.group(1)}'{MASK}'"
    return f"{match.group(1)}{MASK}"


def redact(text: str) -> str:
    """`text` with every secret-looking part replaced by MASK; ids and addresses kept."""
    if not text:
        return text
    text = mask_known(text, MASK)
    text = PATTERNS[0].sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = PATTERNS[1].sub(_named, text)
    text = PATTERNS[2].sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = PATTERNS[3].sub(MASK, text)
    text = PATTERNS[4].sub(lambda m: f"{m.group(1)}{MASK}{m.group(3)}", text)
    return PATTERNS[5].sub(MASK, text)
