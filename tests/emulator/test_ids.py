"""Record ids: checksum vectors from the reference (§5.4), 15 -> 18, case restoration."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesforce_emulator.errors import SalesforceError
from salesforce_emulator.ids import (
    BASE62,
    checksum,
    counter_of,
    is_valid_id,
    key_prefix,
    make_id,
    to_18,
)

REAL_IDS = ["0013l00002PMMqSAAX", "0063l00000l1ZOIAA2", "00D50000000IZ3ZEAW", "750R0000000zxr8IAA"]


@pytest.mark.parametrize("real", REAL_IDS)
def test_checksum_matches_real_ids(real: str) -> None:
    assert checksum(real[:15]) == real[15:]


@pytest.mark.parametrize(
    ("id15", "id18"),
    [("003G000001SUbc4", "003G000001SUbc4IAD"), ("a0BA0000000L2ZC", "a0BA0000000L2ZCMA0")],
)
def test_fifteen_character_ids_gain_their_checksum(id15: str, id18: str) -> None:
    assert to_18(id15) == id18


@pytest.mark.parametrize("real", REAL_IDS)
def test_eighteen_character_ids_are_case_insensitive(real: str) -> None:
    assert to_18(real.lower()) == real
    assert to_18(real.upper()) == real


@pytest.mark.parametrize("bad", ["", "abc", "001", "0013l00002PMMqSAA", "0013l00002PMMq-AAX", None])
def test_malformed_ids_are_rejected(bad: str) -> None:
    with pytest.raises(SalesforceError) as caught:
        to_18(bad)
    assert caught.value.error_code == "MALFORMED_ID"
    assert caught.value.status == 400
    assert not is_valid_id(bad)


def test_an_eighteen_character_id_with_an_impossible_suffix_is_malformed() -> None:
    assert not is_valid_id("0013l00002PMMqS999")


def test_make_id_builds_valid_ordered_ids() -> None:
    first, second = make_id("003", "5g", 61), make_id("003", "5g", 62)
    assert first == "0035g000000000z" + checksum("0035g000000000z")
    assert second[:15] == "0035g0000000010"
    assert first < second
    assert key_prefix(first) == "003"
    assert counter_of(second) == 62


@given(st.integers(min_value=0, max_value=62**10 - 1))
def test_every_counter_makes_a_valid_round_tripping_id(counter: int) -> None:
    made = make_id("001", "5g", counter)
    assert len(made) == 18 and set(made[:15]) <= set(BASE62)
    assert to_18(made) == made and to_18(made[:15]) == made
    assert to_18(made.swapcase()) == made
    assert counter_of(made) == counter
