"""bulk_update.update leaves rows exactly as Django's bulk_update would."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailtrixy import bulk_update
from mailtrixy.accounts.models import Workspace
from mailtrixy.inbox.models import Contact
from mailtrixy.integrations.salesforce.models import ContactLink
from tests.stored_values import instants, json_values, text

changes = st.lists(
    st.fixed_dictionaries(
        {
            "title": text,
            "archived_reason": text,
            "archived_at": st.none() | instants,
            "base": st.dictionaries(text, json_values, max_size=4),
            "synced_at": instants,
            "seen_mark": st.integers(0, 2**62),
            "pending_push": st.booleans(),
            "remote_modstamp": text.map(lambda t: t[:32]),
        }
    ),
    min_size=1,
    max_size=400,  # more than one SQLite statement's worth
)
CONTACT_FIELDS = ["title", "archived_reason", "archived_at"]
LINK_FIELDS = ["base", "synced_at", "seen_mark", "pending_push", "remote_modstamp"]


def _pair(workspace: Workspace, n: int) -> ContactLink:
    contact = Contact.objects.create(workspace=workspace, last_name=f"L{n}")
    return ContactLink.objects.create(
        workspace=workspace, contact=contact, salesforce_id=f"s{n}", synced_at=timezone.now()
    )


def _changed(link: ContactLink, change: dict[str, Any]) -> ContactLink:
    for name in CONTACT_FIELDS:
        setattr(link.contact, name, change[name])
    for name in LINK_FIELDS:
        setattr(link, name, change[name])
    return link


def _stored(links: list[ContactLink]) -> list[list[Any]]:
    fresh = ContactLink.objects.select_related("contact").in_bulk([link.pk for link in links])
    return [
        [getattr(fresh[link.pk].contact, f) for f in CONTACT_FIELDS]
        + [getattr(fresh[link.pk], f) for f in LINK_FIELDS]
        for link in links
    ]


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=changes)
def test_rows_read_back_exactly_as_after_djangos_bulk_update(rows: list[dict[str, Any]]) -> None:
    with transaction.atomic():
        workspace = Workspace.objects.create(name="Updates")
        ours = [_changed(_pair(workspace, n), row) for n, row in enumerate(rows)]
        django = [_changed(_pair(workspace, -n - 1), row) for n, row in enumerate(rows)]

        assert bulk_update.update(Contact, [link.contact for link in ours], CONTACT_FIELDS)
        bulk_update.update(ContactLink, ours, LINK_FIELDS)
        Contact.objects.bulk_update([link.contact for link in django], CONTACT_FIELDS)
        ContactLink.objects.bulk_update(django, LINK_FIELDS)

        assert _stored(ours) == _stored(django)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_only_the_listed_fields_change(team: Any) -> None:
    link = _pair(team.workspace, 1)
    before = Contact.objects.get(pk=link.contact_id)
    link.contact.title, link.contact.first_name = "New title", "Not written"
    bulk_update.update(Contact, [link.contact], ["title"])
    after = Contact.objects.get(pk=link.contact_id)
    assert after.title == "New title" and after.first_name == before.first_name
    assert after.updated_at == before.updated_at  # auto_now only when listed, as bulk_update


def test_the_same_row_twice_is_refused() -> None:
    contact = Contact(pk=1, last_name="Twice")
    with pytest.raises(ValueError, match="different row"):
        bulk_update.update(Contact, [contact, contact], ["title"])


def test_the_primary_key_is_not_a_field_to_write() -> None:
    with pytest.raises(ValueError, match="id"):
        bulk_update.update(Contact, [Contact(pk=1)], ["id"])


def test_nothing_to_write_touches_no_database() -> None:
    assert bulk_update.update(Contact, [], ["title"]) == 0


@pytest.mark.django_db
def test_an_sqlite_without_update_from_gets_the_same_rows(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_update.sqlite3, "sqlite_version_info", (3, 32, 0))
    links = [_pair(team.workspace, n) for n in range(3)]
    for n, link in enumerate(links):
        link.base, link.seen_mark = {"title": f"T{n}"}, n + 7
    assert bulk_update.update(ContactLink, links, ["base", "seen_mark"]) == 3
    stored = ContactLink.objects.in_bulk([link.pk for link in links])
    assert [(stored[k.pk].base, stored[k.pk].seen_mark) for k in links] == [
        ({"title": "T0"}, 7),
        ({"title": "T1"}, 8),
        ({"title": "T2"}, 9),
    ]


def _outcome(write: Any) -> Any:
    try:
        with transaction.atomic():
            write()
    except DatabaseError as error:
        return type(error).__name__
    return None


@pytest.mark.django_db
def test_a_value_too_long_for_its_column_is_refused_or_kept_whole_never_cut_short(
    team: Any,
) -> None:
    """As inserts fare. (Django's own bulk_update casts to varchar(18) on PostgreSQL, which
    cuts the value to 18 characters without a word.)"""
    link = _pair(team.workspace, 1)
    link.salesforce_id = "a" * 30  # the column holds 18

    failed = _outcome(lambda: bulk_update.update(ContactLink, [link], ["salesforce_id"]))

    stored = ContactLink.objects.get(pk=link.pk).salesforce_id
    if connection.vendor == "postgresql":  # lengths enforced: refused, the row as it was
        assert (failed, stored) == ("DataError", "s1")
    else:  # SQLite keeps any length, as it does for Django's own writes
        assert (failed, stored) == (None, "a" * 30)


@pytest.mark.django_db
def test_pending_writes_write_each_row_with_only_its_own_fields(team: Any) -> None:
    first, second = _pair(team.workspace, 1).contact, _pair(team.workspace, 2).contact
    pending = bulk_update.PendingWrites(Contact)
    first.title, first.first_name = "Title written", "Name not written"
    second.first_name = "Name written"
    pending.add(first, ["title"])
    pending.add(second, ["first_name"])
    Contact.objects.filter(pk=second.pk).update(title="Set elsewhere meanwhile")
    pending.write()
    stored = Contact.objects.in_bulk([first.pk, second.pk])
    assert (stored[first.pk].title, stored[first.pk].first_name) == ("Title written", "")
    assert (stored[second.pk].first_name, stored[second.pk].title) == (
        "Name written",
        "Set elsewhere meanwhile",
    )
