"""Which part may know which (ARCHITECTURE.md), checked on every import statement in the sources.

Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PROVIDERS = ("mailtrixy.integrations.salesforce",)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, absolute, with `from x import y` read as both x and x.y."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(p): imports_of(p) for p in SRC.rglob("*.py")}


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def offenders(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad = {
        module: sorted(i for i in MODULES[module] if any(within(i, f) for f in forbidden))
        for module in modules
    }
    return {module: imported for module, imported in bad.items() if imported}


def is_provider(module: str) -> bool:
    return any(within(module, p) for p in PROVIDERS)


def test_the_sources_were_found() -> None:
    """A checker that read no files would pass every test below."""
    assert "mailtrixy.inbox.views" in MODULES
    assert "mailtrixy.integrations.registry" in MODULES["mailtrixy.inbox.views"]
    assert offenders(["mailtrixy.integrations.salesforce.provider"], PROVIDERS) != {}


def test_the_inbox_imports_no_provider() -> None:
    inbox = [m for m in MODULES if within(m, "mailtrixy.inbox")]
    assert offenders(inbox, PROVIDERS) == {}


def test_core_modules_import_no_provider() -> None:
    core = [m for m in MODULES if within(m, "mailtrixy") and not is_provider(m)]
    assert offenders(core, PROVIDERS) == {}


def test_the_integrations_core_does_not_import_the_inbox() -> None:
    """Providers receive plain data (CardSubject), so the registry and protocol need no inbox."""
    core = [m for m in MODULES if within(m, "mailtrixy.integrations") and not is_provider(m)]
    assert offenders(core, ("mailtrixy.inbox",)) == {}


@pytest.mark.parametrize(
    ("package", "other"),
    [("salesforce_emulator", "mailtrixy"), ("mailtrixy", "salesforce_emulator")],
)
def test_mailtrixy_and_the_emulator_meet_only_over_http(package: str, other: str) -> None:
    modules = [m for m in MODULES if within(m, package)]
    assert offenders(modules, (other,)) == {}


def test_a_forbidden_import_is_seen(tmp_path: Path) -> None:
    """The checker itself: a lazy import inside a function is found."""
    source = tmp_path / "lazy.py"
    source.write_text("def f():\n    from mailtrixy.integrations.salesforce import client\n")
    assert "mailtrixy.integrations.salesforce.client" in imports_of(source)
