"""What a sync did, in the words people read: per direction, then per object."""

from __future__ import annotations

from mailtrixy import metrics
from mailtrixy.integrations.salesforce.sync import stats
from mailtrixy.integrations.salesforce.sync.stats import Stats, counted


def test_counts_are_told_per_direction_then_per_object() -> None:
    run = Stats()
    run.add("contacts_created", 40)
    run.add("contacts_updated", 3)
    run.add("deals_updated", 2)
    run.add("deals_created", 23)
    run.add("contacts_pushed", 1)
    counts = counted(run.counts)
    assert counts.from_salesforce == "40 contacts added, 3 updated; 2 deals updated"
    assert counts.to_salesforce == "1 contact updated; 23 opportunities created"
    assert run.summary() == (
        "From Salesforce: 40 contacts added, 3 updated; 2 deals updated. "
        "To Salesforce: 1 contact updated; 23 opportunities created"
    )


def test_opportunities_created_are_counted_as_sent_to_salesforce() -> None:
    """The report once showed "Pushed 0" beside "23 opportunities created"."""
    counts = counted({"deals_created": 23, "deals_pushed": 0})
    assert counts.from_salesforce == ""
    assert counts.to_salesforce == "23 opportunities created"


def test_one_of_a_kind_is_singular() -> None:
    counts = counted({"contacts_created": 1, "deals_deleted": 1, "conflicts": 1, "issues": 1})
    assert counts.summary() == (
        "From Salesforce: 1 contact added. To Salesforce: 1 opportunity deleted. "
        "1 conflict, 1 record not synced"
    )


def test_a_run_that_changed_nothing_says_so() -> None:
    assert Stats().summary() == "no changes"
    assert counted({"contacts_fetched": 2000, "api_calls": 1}).summary() == "no changes"


def test_stored_runs_read_in_todays_words() -> None:
    """A run's stats are JSON: old runs keep their counts, their words come from these."""
    old = {"deals_created": 2, "summary": "2 opportunities created"}
    assert counted(old).summary() == "To Salesforce: 2 opportunities created"


def test_every_change_the_engine_counts_has_words_and_a_metric() -> None:
    told = {change.key for change in stats.CHANGES} | {"conflicts", "issues"}
    assert told == set(metrics.RECORD_CHANGES)
