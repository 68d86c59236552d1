"""bulk_insert stores rows exactly as the ORM would, and gives each row its own id."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailtrixy import bulk_insert
from mailtrixy.accounts.models import Workspace
from mailtrixy.inbox.models import Contact
from mailtrixy.integrations.salesforce.models import ContactLink
from tests.factories import make_team
from tests.stored_values import instants, json_values, text

contact_rows = st.lists(
    st.fixed_dictionaries(
        {"first_name": text, "last_name": text, "phone": text, "title": text, "company": text}
    ),
    min_size=1,
    max_size=300,  # more than one statement's worth (MAX_PARAMS)
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=contact_rows)
def test_inserted_contacts_read_back_as_given_each_under_its_own_id(
    rows: list[dict[str, str]],
) -> None:
    workspace = Workspace.objects.create(name="Inserts")
    now = timezone.now()
    given_rows = [
        {**row, "workspace_id": workspace.pk, "email": f"p{n}@example.com"}
        for n, row in enumerate(rows)
    ]
    ids = bulk_insert.insert(Contact, given_rows, returning_ids=True, now=now)

    assert len(ids) == len(set(ids)) == len(rows)
    stored = Contact.objects.in_bulk(ids)
    for contact_id, row in zip(ids, given_rows, strict=True):
        contact = stored[contact_id]
        assert {k: getattr(contact, k) for k in row} == row
        assert contact.created_at == contact.updated_at == now
        assert contact.archived_at is None and contact.archived_reason == ""
    workspace.delete()


@pytest.mark.django_db
def test_links_keep_json_and_defaults_as_the_orm_would() -> None:
    team = make_team()
    contact = Contact.objects.create(workspace=team.workspace, last_name="Lee")
    synced = timezone.now() - timedelta(minutes=3)
    base = {"email": "ünïcode@example.com", "title": 'quote " and \\ backslash', "n": ""}
    (link_id,) = bulk_insert.insert(
        ContactLink,
        [
            {
                "workspace_id": team.workspace.pk,
                "contact_id": contact.pk,
                "salesforce_id": "003000000000001AAA",
                "base": base,
                "synced_at": synced,
            }
        ],
        returning_ids=True,
    )
    link = ContactLink.objects.get(pk=link_id)
    assert link.base == base and link.synced_at == synced
    assert (link.account_id, link.remote_modstamp, link.seen_mark) == ("", "", 0)
    assert link.pending_push is False and link.deleted_in_salesforce is False
    assert link.contact == contact


def test_an_unknown_field_is_refused() -> None:
    row: dict[str, Any] = {"workspace_id": 1, "nickname": "Al"}
    with pytest.raises(ValueError, match="nickname"):
        bulk_insert.insert(Contact, [row])


def test_nothing_to_insert_touches_no_database() -> None:
    assert bulk_insert.insert(Contact, [], returning_ids=True, now=datetime.now()) == []


link_rows = st.lists(
    st.fixed_dictionaries(
        {
            "base": st.dictionaries(text, json_values, max_size=4),
            "synced_at": instants,
            "seen_mark": st.integers(0, 2**62),
            "pending_push": st.booleans(),
        }
    ),
    min_size=1,
    max_size=120,
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=link_rows)
def test_links_read_back_exactly_as_those_the_orm_saved(rows: list[dict[str, Any]]) -> None:
    with transaction.atomic():
        workspace = Workspace.objects.create(name="Links")
        contacts = Contact.objects.bulk_create(
            Contact(workspace=workspace, last_name=f"L{n}") for n in range(2 * len(rows))
        )
        ours, orms = contacts[: len(rows)], contacts[len(rows) :]
        fast = [
            {**row, "workspace_id": workspace.pk, "contact_id": c.pk, "salesforce_id": f"a{n}"}
            for n, (row, c) in enumerate(zip(rows, ours, strict=True))
        ]
        ids = bulk_insert.insert(ContactLink, fast, returning_ids=True)
        ContactLink.objects.bulk_create(
            ContactLink(workspace=workspace, contact=c, salesforce_id=f"b{n}", **row)
            for n, (row, c) in enumerate(zip(rows, orms, strict=True))
        )
        fields = ["base", "synced_at", "seen_mark", "pending_push", "account_id"]
        stored = ContactLink.objects.in_bulk(ids)
        mine = [[getattr(stored[i], f) for f in fields] for i in ids]
        theirs = [
            [getattr(link, f) for f in fields]
            for link in ContactLink.objects.filter(contact__in=orms).order_by("contact_id")
        ]
        assert mine == theirs
        transaction.set_rollback(True)
