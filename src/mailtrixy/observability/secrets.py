"""Secrets this process has handled lately, so the log redaction can mask them by value.

Encrypted model fields report every value they encrypt or decrypt (integrations/fields.py): the
consumer secrets, access and refresh tokens this process actually holds. Patterns catch most
tokens by shape; this catches the rest (a hex consumer secret looks like any digest).
Only the most recent MAX_REMEMBERED are kept; nothing leaves the process.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

MAX_REMEMBERED = 2048
MIN_LENGTH = 8
# A session id is "<org id>!<opaque>": only the opaque part is the secret, so only it is masked
# and the line still says which org the token belongs to.
SESSION_ID = re.compile(r"(00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)!(.+)", re.DOTALL)

_lock = threading.Lock()
_recent: OrderedDict[str, None] = OrderedDict()


def remember(value: str) -> None:
    session = SESSION_ID.fullmatch(value)
    if session and len(session[2]) >= MIN_LENGTH:
        value = session[2]
    if len(value) < MIN_LENGTH:
        return
    with _lock:
        _recent[value] = None
        _recent.move_to_end(value)
        while len(_recent) > MAX_REMEMBERED:
            _recent.popitem(last=False)


def mask_known(text: str, mask: str) -> str:
    with _lock:
        known = list(_recent)
    for secret in known:
        if secret in text:
            text = text.replace(secret, mask)
    return text
