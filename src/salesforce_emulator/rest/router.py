"""Matching a REST path to an operation, and running it with errors turned into results.

Composite subrequests go through the same `dispatch`, so they behave exactly like top-level calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from salesforce_emulator.errors import SalesforceError, not_found
from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult, failure

Handler = Callable[[RestContext, RestRequest, dict[str, str]], RestResult]


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    methods: dict[str, tuple[str, Handler]]  # method -> (counter kind, handler)


class Router:
    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(self, pattern: str, methods: dict[str, tuple[str, Handler]]) -> None:
        self._routes.append(Route(re.compile(pattern + "/?"), methods))

    def resolve(self, method: str, path: str) -> tuple[str, Handler, dict[str, str]]:
        """(kind, handler, path groups); NOT_FOUND or METHOD_NOT_ALLOWED otherwise."""
        allowed: set[str] = set()
        for route in self._routes:
            match = route.pattern.fullmatch(path)
            if match is None:
                continue
            if method in route.methods:
                kind, handler = route.methods[method]
                return kind, handler, match.groupdict()
            allowed |= set(route.methods)
        if allowed:
            raise SalesforceError(
                405,
                "METHOD_NOT_ALLOWED",
                f"HTTP Method '{method}' not allowed. Allowed are {','.join(sorted(allowed))}",
            )
        raise not_found()

    def dispatch(self, ctx: RestContext, request: RestRequest) -> tuple[str, RestResult]:
        """(counter kind, result); a SalesforceError anywhere becomes its error result."""
        try:
            kind, handler, groups = self.resolve(request.method, request.path)
        except SalesforceError as error:
            return "unknown", failure(error)
        try:
            return kind, handler(ctx, request, groups)
        except SalesforceError as error:
            return kind, failure(error)
