"""A pull keeps PostgreSQL's planner statistics fresh as it fills the contact tables."""

from __future__ import annotations

from django.db import connection

from mailtrixy.inbox.models import Contact
from mailtrixy.integrations.salesforce.sync.planner_stats import PlannerStatistics


def test_tables_are_analysed_each_time_the_created_rows_double(db: None) -> None:
    planner = PlannerStatistics((Contact._meta.db_table,), first_at=10)
    planner.grew_to(9)
    assert planner.analysed == 0
    planner.grew_to(10)
    planner.grew_to(15)  # not yet twice as many
    planner.grew_to(45)  # past 20 and 40 at once: one ANALYZE
    assert planner.next_at == 80
    analyses = 2 if connection.vendor == "postgresql" else 0  # SQLite plans without them
    assert planner.analysed == analyses
