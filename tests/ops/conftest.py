from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> Iterator[None]:
    """The database cache outlives transactions and ids are reused: start every test empty."""
    cache.clear()
    yield
