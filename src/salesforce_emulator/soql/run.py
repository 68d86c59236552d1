"""Run a SOQL query against an org (placeholder until the compiler lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import malformed_query
from .cursor import QueryCursor

if TYPE_CHECKING:
    from ..store import Org


def run_query(org: Org, soql: str, *, include_deleted: bool, api_version: str) -> QueryCursor:
    raise malformed_query("SOQL is not implemented yet")
