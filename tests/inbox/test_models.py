from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from mailtrixy.inbox.forms import ContactForm, DealForm
from mailtrixy.inbox.models import Contact, Stage, StageKind
from tests.factories import Team, make_contact, make_deal
from tests.inbox.db_work import database_work


def test_contact_email_is_unique_per_workspace_ignoring_case(team: Team) -> None:
    make_contact(team.workspace, "Jane@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_contact(team.workspace, "jane@example.COM")


def test_same_email_may_exist_in_two_workspaces(team: Team, other_team: Team) -> None:
    make_contact(team.workspace, "jane@example.com")
    make_contact(other_team.workspace, "JANE@example.com")
    assert Contact.objects.filter(email__iexact="jane@example.com").count() == 2


def test_many_contacts_without_email_are_allowed(team: Team) -> None:
    make_contact(team.workspace, "")
    make_contact(team.workspace, "")
    assert Contact.objects.filter(workspace=team.workspace, email="").count() == 2


def test_contact_form_reports_taken_email_in_words(team: Team) -> None:
    make_contact(team.workspace, "jane@example.com")
    form = ContactForm({"last_name": "Doe", "email": "JANE@example.com"}, workspace=team.workspace)
    assert not form.is_valid()
    assert "already has this email" in form.errors["email"][0]


def test_contact_form_allows_keeping_own_email(team: Team) -> None:
    contact = make_contact(team.workspace, "jane@example.com")
    form = ContactForm(
        {"last_name": "Doe", "email": "Jane@Example.com"},
        instance=contact,
        workspace=team.workspace,
    )
    assert form.is_valid(), form.errors


def test_contact_needs_a_name_or_an_email(team: Team) -> None:
    form = ContactForm({"phone": "123"}, workspace=team.workspace)
    assert not form.is_valid()
    assert "name or an email" in str(form.errors)


def test_default_pipeline_has_open_won_and_lost_stages(team: Team) -> None:
    kinds = {s.name: s.kind for s in Stage.objects.filter(workspace=team.workspace)}
    assert kinds["Lead"] == StageKind.OPEN
    assert kinds["Won"] == StageKind.WON
    assert kinds["Lost"] == StageKind.LOST
    assert list(Stage.objects.filter(workspace=team.workspace).values_list("name", flat=True)) == [
        "Lead",
        "Qualified",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    ]


def test_stage_names_are_unique_per_workspace_ignoring_case(team: Team) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(workspace=team.workspace, name="lead", kind=StageKind.OPEN)


def test_stage_kind_must_be_open_won_or_lost(team: Team) -> None:
    stage = Stage(workspace=team.workspace, name="Maybe", kind="perhaps")
    with pytest.raises(ValidationError):
        stage.full_clean()


def test_deal_cannot_use_another_workspaces_stage_or_contact(team: Team, other_team: Team) -> None:
    deal = make_deal(team)
    deal.stage = other_team.stage("Lead")
    deal.contact = make_contact(other_team.workspace)
    with pytest.raises(ValidationError) as error:
        deal.full_clean()
    assert set(error.value.message_dict) == {"stage", "contact"}


def test_deal_form_offers_only_the_workspaces_choices(team: Team, other_team: Team) -> None:
    make_contact(other_team.workspace, "theirs@example.com")
    form = DealForm(workspace=team.workspace)
    fields = form.fields
    assert set(fields["stage"].queryset) == set(Stage.objects.filter(workspace=team.workspace))  # type: ignore[attr-defined]
    assert not fields["contact"].queryset.filter(email="theirs@example.com").exists()  # type: ignore[attr-defined]


def test_deal_form_rejects_a_foreign_stage_id(team: Team, other_team: Team) -> None:
    data = {"name": "X", "currency": "usd", "stage": other_team.stage("Lead").pk}
    form = DealForm(data, workspace=team.workspace)
    assert not form.is_valid()
    assert "stage" in form.errors


def test_deal_currency_is_normalised_and_checked(team: Team) -> None:
    ok = DealForm(
        {"name": "X", "currency": "eur", "stage": team.stage("Lead").pk}, workspace=team.workspace
    )
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["currency"] == "EUR"
    bad = DealForm(
        {"name": "X", "currency": "euro", "stage": team.stage("Lead").pk}, workspace=team.workspace
    )
    assert not bad.is_valid()


def test_deal_amount_cannot_be_negative(team: Team) -> None:
    form = DealForm(
        {"name": "X", "currency": "USD", "amount": "-5", "stage": team.stage("Lead").pk},
        workspace=team.workspace,
    )
    assert not form.is_valid()
    assert "amount" in form.errors


def test_looking_contacts_up_by_email_ignores_case_and_empty_emails(team: Team) -> None:
    jane = make_contact(team.workspace, "Jane@Example.com")
    Contact.objects.create(workspace=team.workspace, first_name="No", last_name="Email")
    found = Contact.objects.filter(workspace=team.workspace).with_emails(["jane@example.com", ""])
    assert list(found) == [jane]


def _add_contacts(team: Team, start: int, stop: int) -> None:
    Contact.objects.bulk_create(
        Contact(workspace=team.workspace, last_name=f"C{n}", email=f"c{n}@example.com")
        for n in range(start, stop)
    )


def _page_lookup_work(team: Team, emails: list[str]) -> tuple[int, int]:
    with database_work("inbox_contact") as work:
        found = len(Contact.objects.filter(workspace=team.workspace).with_emails(emails))
    return found, work[0]


def _analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_a_pages_email_lookup_costs_no_more_in_a_workspace_four_times_larger(team: Team) -> None:
    """The pull's per-page lookup must not read the workspace: if it did, a pull would be
    quadratic. (The pull keeps PostgreSQL's statistics fresh: planner_stats.py.)"""
    emails = [f"c{n}@example.com" for n in range(1000)] + [f"x{n}@example.com" for n in range(1000)]
    _add_contacts(team, 0, 5_000)
    _analyse()
    found_small, small = _page_lookup_work(team, emails)
    _add_contacts(team, 5_000, 20_000)
    _analyse()
    found_large, large = _page_lookup_work(team, emails)
    assert found_small == found_large == 1000
    assert large < 1.5 * small, (small, large)


def test_a_pages_email_lookup_reads_each_contact_at_most_once_before_any_statistics(
    team: Team,
) -> None:
    """A first pull's tables look empty to PostgreSQL's planner until analysed; the lookup
    must not then run its 2,000 index probes once per contact (6.8 s at 6,000 contacts)."""
    emails = [f"c{n}@example.com" for n in range(1000)] + [f"x{n}@example.com" for n in range(1000)]
    _add_contacts(team, 0, 6_000)
    found, work = _page_lookup_work(team, emails)
    assert found == 1000
    if connection.vendor == "postgresql":  # rows read plus scans started
        assert work <= 6_000 + 2 * len(emails) + 10, work
    else:  # thousands of VM instructions: an index probe per email, not a scan per email
        _add_contacts(team, 6_000, 24_000)
        assert _page_lookup_work(team, emails)[1] < 1.5 * work
