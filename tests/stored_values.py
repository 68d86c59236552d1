"""Hypothesis strategies for values as the sync stores them: text, JSON documents, instants."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from hypothesis import strategies as st

text = st.text(
    # Any Unicode but NUL and lone surrogates, which neither database stores.
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
instants = st.sampled_from(
    [
        datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
        # The same instant in another zone: equal, so prepared once, and stored alike.
        datetime(2026, 1, 1, 13, 0, tzinfo=timezone.get_fixed_timezone(60)),
        datetime(2031, 6, 30, 23, 59, 59, 999_999, tzinfo=UTC),
    ]
)
