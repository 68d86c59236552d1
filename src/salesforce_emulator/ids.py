"""18-character Salesforce record ids: key prefixes, base-62 counters and the case-safe checksum.

An id is ``prefix(3) + pod(2) + base-62 counter(10)`` = 15 case-sensitive characters, followed by
a 3-character checksum that encodes which of the 15 are upper-case letters (reference §5.4). The
checksum makes the 18-character form case-insensitive: :func:`to_18` restores the case of an
18-character id that went through a case-folding system.

Base-62 digits are ordered ``0-9A-Za-z``, which is also ASCII order, so ids minted by one org sort
(binary) in creation order.
"""

from __future__ import annotations

import string

from .errors import SalesforceError

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_CHECKSUM_ALPHABET = string.ascii_uppercase + "012345"
_ID_CHARS = frozenset(BASE62)

KEY_PREFIXES: dict[str, str] = {
    "Account": "001",
    "Contact": "003",
    "User": "005",
    "Opportunity": "006",
    "Activity": "007",
    "Organization": "00D",
    "OpportunityContactRole": "00K",
    "Lead": "00Q",
    "RecordType": "012",
    "OpportunityStage": "01J",
    "EmailMessage": "02s",
    "ContentDocument": "069",
    "BulkJob": "750",
    "QueryLocator": "0r8",
    "OldQueryLocator": "01g",
}


def checksum(id15: str) -> str:
    """The 3-character suffix of a 15-character id."""
    if len(id15) != 15:
        raise ValueError(f"checksum needs 15 characters, got {len(id15)}")
    suffix = []
    for start in (0, 5, 10):
        bits = 0
        for j, ch in enumerate(id15[start : start + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << j
        suffix.append(_CHECKSUM_ALPHABET[bits])
    return "".join(suffix)


def _malformed(value: str) -> SalesforceError:
    return SalesforceError(400, "MALFORMED_ID", f"malformed id {value}", ["Id"])


def _restore_case(id18: str) -> str | None:
    """Re-case the first 15 characters from the checksum; None when the suffix is not a checksum."""
    chars = list(id18[:15].lower())
    for chunk, code in enumerate(id18[15:].upper()):
        bits = _CHECKSUM_ALPHABET.find(code)
        if bits < 0:
            return None
        for j in range(5):
            if bits & (1 << j):
                chars[chunk * 5 + j] = chars[chunk * 5 + j].upper()
    id15 = "".join(chars)
    candidate = id15 + checksum(id15)
    return candidate if candidate.upper() == id18.upper() else None


def to_18(id15_or_18: str) -> str:
    """The canonical 18-character form of an id; raises MALFORMED_ID (400) for anything else."""
    value = id15_or_18
    if not isinstance(value, str) or len(value) not in (15, 18) or not _ID_CHARS.issuperset(value):
        raise _malformed(str(value))
    if len(value) == 15:
        return value + checksum(value)
    if checksum(value[:15]) == value[15:]:
        return value
    restored = _restore_case(value)
    if restored is None:
        raise _malformed(value)
    return restored


def is_valid_id(s: str) -> bool:
    try:
        to_18(s)
    except SalesforceError:
        return False
    return True


def key_prefix(id_: str) -> str:
    return id_[:3]


def encode_base62(n: int, width: int) -> str:
    if n < 0:
        raise ValueError("base-62 counters are non-negative")
    digits = []
    while n:
        n, rem = divmod(n, 62)
        digits.append(BASE62[rem])
    text = "".join(reversed(digits)) or "0"
    if len(text) > width:
        raise ValueError(f"counter does not fit in {width} base-62 digits")
    return text.rjust(width, "0")


def decode_base62(text: str) -> int:
    n = 0
    for ch in text:
        n = n * 62 + BASE62.index(ch)
    return n


def make_id(prefix: str, pod: str, counter: int) -> str:
    """An 18-character id: 3-char key prefix, 2-char pod, 10-digit base-62 counter, checksum."""
    if len(prefix) != 3 or len(pod) != 2:
        raise ValueError("a key prefix has 3 characters and a pod 2")
    id15 = prefix + pod + encode_base62(counter, 10)
    return id15 + checksum(id15)


def counter_of(id_: str) -> int:
    """The base-62 counter of an id minted by :func:`make_id`."""
    return decode_base62(id_[5:15])
