"""Composite references: `@{refAccount.id}`, `@{refContact.records[0].AccountId}` (§2.5)."""

from __future__ import annotations

import re
from typing import Any

REFERENCE = re.compile(r"@\{([^}]+)\}")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class UnresolvedReference(Exception):
    """A reference to a subrequest that failed, was not run, or has no such value."""

    def __init__(self, expression: str, reference_id: str, failed: bool) -> None:
        super().__init__(expression)
        self.expression = expression
        self.reference_id = reference_id
        self.failed = failed


def resolve_text(text: str, results: dict[str, Any], failed: set[str]) -> str:
    return REFERENCE.sub(lambda m: _as_text(lookup(m[1], results, failed)), text)


def resolve_json(value: Any, results: dict[str, Any], failed: set[str]) -> Any:
    """A body with its references filled in; a string that is one whole reference keeps the
    referenced value's JSON type."""
    if isinstance(value, dict):
        return {k: resolve_json(v, results, failed) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_json(v, results, failed) for v in value]
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value)
        if whole:
            return lookup(whole[1], results, failed)
        return resolve_text(value, results, failed)
    return value


def lookup(expression: str, results: dict[str, Any], failed: set[str]) -> Any:
    """The value at `ref.path` in the body of subrequest `ref` (names are case-sensitive)."""
    reference_id, _, path = expression.partition(".")
    if reference_id in failed or reference_id not in results:
        raise UnresolvedReference(expression, reference_id, failed=reference_id in failed)
    value = results[reference_id]
    for name, index in _STEP.findall(path):
        value = _step(value, name, index)
        if value is _MISSING:
            raise UnresolvedReference(expression, reference_id, failed=False)
    return value


_MISSING = object()


def _step(value: Any, name: str, index: str) -> Any:
    if name:
        return value.get(name, _MISSING) if isinstance(value, dict) else _MISSING
    position = int(index)
    return value[position] if isinstance(value, list) and position < len(value) else _MISSING


def _as_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
