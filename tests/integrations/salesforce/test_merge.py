"""The three-way merge, as properties that hold for any values."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mailtrixy.integrations.salesforce.sync.merge import merge, merge_link

FIELDS = ["a", "b", "c"]
values = st.sampled_from(["", "x", "y", "z"])
records = st.fixed_dictionaries({f: values for f in FIELDS})
bases = st.fixed_dictionaries({}, optional={f: values for f in FIELDS})


def apply(side: dict[str, str], changes: dict[str, str]) -> dict[str, str]:
    return {**side, **changes}


@given(bases, records, records, st.booleans())
def test_after_merge_both_sides_and_the_base_agree(
    base: dict[str, str], local: dict[str, str], remote: dict[str, str], local_newer: bool
) -> None:
    result = merge(base, local, remote, local_is_newer=local_newer)
    assert apply(local, result.to_local) == apply(remote, result.to_remote) == result.base


@given(bases, records, records, st.booleans())
def test_merging_again_changes_nothing(
    base: dict[str, str], local: dict[str, str], remote: dict[str, str], local_newer: bool
) -> None:
    first = merge(base, local, remote, local_is_newer=local_newer)
    second = merge(
        first.base,
        apply(local, first.to_local),
        apply(remote, first.to_remote),
        local_is_newer=local_newer,
    )
    assert (second.to_local, second.to_remote, second.conflicts) == ({}, {}, [])


@given(records, records)
def test_a_change_on_one_side_only_wins_without_conflict(
    base: dict[str, str], changed: dict[str, str]
) -> None:
    result = merge(base, changed, base, local_is_newer=False)
    assert apply(base, result.to_remote) == changed
    assert result.to_local == {} and result.conflicts == []
    result = merge(base, base, changed, local_is_newer=True)
    assert apply(base, result.to_local) == changed
    assert result.to_remote == {} and result.conflicts == []


@given(records, records, records, st.booleans())
def test_both_sides_changing_a_field_is_a_conflict_won_by_the_newer(
    base: dict[str, str], local: dict[str, str], remote: dict[str, str], local_newer: bool
) -> None:
    result = merge(base, local, remote, local_is_newer=local_newer)
    both = {
        f for f in FIELDS if local[f] != base[f] and remote[f] != base[f] and local[f] != remote[f]
    }
    assert {c.field for c in result.conflicts} == both
    for conflict in result.conflicts:
        expected = local if local_newer else remote
        assert result.base[conflict.field] == expected[conflict.field]
        assert conflict.winner == ("mailtrixy" if local_newer else "salesforce")


def test_salesforce_wins_ties() -> None:
    result = merge({"a": "x"}, {"a": "local"}, {"a": "remote"}, local_is_newer=False)
    assert result.base == {"a": "remote"} and result.conflicts[0].winner == "salesforce"


def test_first_link_fills_empty_fields_without_conflict() -> None:
    result = merge({}, {"a": "", "b": "mine"}, {"a": "theirs", "b": ""}, local_is_newer=False)
    assert result.to_local == {"a": "theirs"} and result.to_remote == {"b": "mine"}
    assert result.conflicts == []


# -- what a pull keeps on the link (merge_link) ----------------------------------------------------


def take_all(values: dict[str, str]) -> dict[str, str]:
    return values


@given(bases, records, records, st.booleans())
def test_after_a_pull_the_links_base_is_what_salesforce_holds(
    base: dict[str, str], local: dict[str, str], remote: dict[str, str], local_newer: bool
) -> None:
    merged = merge_link(base, False, local, remote, local_is_newer=local_newer, take=take_all)
    assert merged.base == {**base, **remote}
    # And the push sends exactly what MailTrixy holds beyond it.
    mine = apply(local, merged.taken)
    assert merged.pending_push == any(merged.base[f] != mine[f] for f in FIELDS)


def test_a_value_mailtrixy_refuses_keeps_its_old_base_so_the_next_pull_offers_it_again() -> None:
    base = {"email": "old@x.example", "title": "CEO"}
    remote = {"email": "taken@x.example", "title": "CFO"}

    def refuse_email(values: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in values.items() if k != "email"}

    merged = merge_link(base, False, base, remote, local_is_newer=False, take=refuse_email)
    assert merged.taken == {"title": "CFO"}
    assert merged.base == {"email": "old@x.example", "title": "CFO"}
    assert not merged.pending_push
    assert not merged.settled(base)  # the refusal is reported, not cleared


def test_a_pending_push_stays_pending_and_is_not_settled() -> None:
    values = {"a": "x"}
    merged = merge_link(values, True, values, values, local_is_newer=False, take=take_all)
    assert merged.pending_push and not merged.settled(values)
    quiet = merge_link(values, False, values, values, local_is_newer=False, take=take_all)
    assert quiet.settled(values)
