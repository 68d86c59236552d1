"""Every request to Salesforce goes one way: the client (REST) or oauth (the token endpoint),
both over http.py — so each is counted, refreshed, limit-recorded and its errors mapped once."""

from __future__ import annotations

import ast
from pathlib import Path

import mailtrixy.integrations.salesforce as salesforce

PACKAGE = Path(salesforce.__file__).parent
HTTP_MODULE = "mailtrixy.integrations.salesforce.http"
SENDERS = {"client.py", "oauth.py"}
"""Modules that may hand a request to http.py: the REST client and the OAuth token endpoint."""
HTTPX_USERS = {"http.py", "client.py"}
"""Modules that may import httpx: the transport itself, and the client for its Response type."""


def modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(), str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def imported(tree: ast.Module) -> set[str]:
    """Every module a file imports, `from a import b` named both `a` and `a.b`."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_only_the_client_and_oauth_hand_requests_to_the_transport() -> None:
    found = {name for name, tree in modules() if HTTP_MODULE in imported(tree)}
    assert found <= SENDERS, f"send through SalesforceClient instead: {sorted(found - SENDERS)}"


def test_no_module_but_the_transport_and_the_client_uses_httpx() -> None:
    found = {
        name
        for name, tree in modules()
        if any(module == "httpx" or module.startswith("httpx.") for module in imported(tree))
    }
    assert found <= HTTPX_USERS, f"httpx belongs to http.py: {sorted(found - HTTPX_USERS)}"


def test_the_checks_see_the_modules_they_guard() -> None:
    """The two tests above would pass on an empty list: make sure they read the real files."""
    trees = dict(modules())
    assert {"client.py", "http.py", "oauth.py", "sync/bulk.py", "card/render.py"} <= set(trees)
    assert HTTP_MODULE in imported(trees["client.py"])
    assert "httpx" in imported(trees["http.py"])
