from __future__ import annotations

from django.test import Client
from django.urls import reverse

from mailtrixy.inbox.models import Contact, Deal, Message
from tests.factories import Team, make_contact, make_conversation, make_deal


def test_agent_creates_and_edits_a_contact(agent_client: Client, team: Team) -> None:
    response = agent_client.post(
        reverse("inbox:contact_new"),
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "title": "CTO"},
    )
    contact = Contact.objects.get(workspace=team.workspace, email="ann@example.com")
    assert response["Location"] == reverse("inbox:contact", args=[contact.pk])
    agent_client.post(
        reverse("inbox:contact_edit", args=[contact.pk]),
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "title": "CEO"},
    )
    contact.refresh_from_db()
    assert contact.title == "CEO"


def test_duplicate_email_is_refused_with_a_clear_message(agent_client: Client, team: Team) -> None:
    make_contact(team.workspace, "ann@example.com")
    response = agent_client.post(
        reverse("inbox:contact_new"), {"last_name": "Lee", "email": "ANN@example.com"}
    )
    assert response.status_code == 200
    assert b"already has this email" in response.content
    assert Contact.objects.filter(workspace=team.workspace).count() == 1


def test_agent_creates_edits_and_deletes_a_deal(agent_client: Client, team: Team) -> None:
    contact = make_contact(team.workspace)
    form = {
        "name": "Big renewal",
        "amount": "5000",
        "currency": "usd",
        "stage": team.stage("Proposal").pk,
        "expected_close_date": "2027-01-31",
        "contact": contact.pk,
        "owner": team.agent.pk,
    }
    agent_client.post(reverse("inbox:deal_new"), form)
    deal = Deal.objects.get(workspace=team.workspace, name="Big renewal")
    assert deal.currency == "USD" and deal.contact == contact
    agent_client.post(
        reverse("inbox:deal_edit", args=[deal.pk]), {**form, "stage": team.stage("Won").pk}
    )
    deal.refresh_from_db()
    assert deal.stage.kind == "won"
    agent_client.post(reverse("inbox:deal_delete", args=[deal.pk]))
    assert not Deal.objects.filter(pk=deal.pk).exists()


def test_deal_list_shows_stage_kind(agent_client: Client, team: Team) -> None:
    make_deal(team, stage="Lost")
    page = agent_client.get(reverse("inbox:deals")).content.decode()
    assert "Annual plan" in page and "pill-lost" in page


def test_conversation_page_has_toggle_and_contact_card(agent_client: Client, team: Team) -> None:
    convo = make_conversation(make_contact(team.workspace, "jane@example.com"))
    page = agent_client.get(reverse("inbox:conversation", args=[convo.pk])).content.decode()
    assert "data-panel-toggle" in page
    assert 'data-card="contact"' in page and "jane@example.com" in page


def test_reply_is_added_to_the_conversation(agent_client: Client, team: Team) -> None:
    convo = make_conversation(make_contact(team.workspace))
    agent_client.post(reverse("inbox:conversation", args=[convo.pk]), {"body": "On it!"})
    last = Message.objects.filter(conversation=convo).last()
    assert last is not None and last.body == "On it!" and last.author == team.agent


def test_empty_reply_is_refused(agent_client: Client, team: Team) -> None:
    convo = make_conversation(make_contact(team.workspace))
    response = agent_client.post(
        reverse("inbox:conversation", args=[convo.pk]), {"body": "  "}, follow=True
    )
    assert b"Write a reply" in response.content
    assert Message.objects.filter(conversation=convo).count() == 1
