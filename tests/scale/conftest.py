"""The scale tests: real processes against the PostgreSQL and Redis servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.scale.harness import Installation


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/scale/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.services)


@pytest.fixture
def make_installation(tmp_path: Path) -> Iterator[Callable[..., Installation]]:
    """`make_installation(SETTING="value", ...)`: a migrated, empty installation, removed after."""
    made: list[Installation] = []

    def make(**settings: str) -> Installation:
        installation = Installation(tmp_path, **settings)
        made.append(installation)
        return installation.create()

    yield make
    for installation in made:
        installation.close()
