"""Small builders for test data: a workspace with members, contacts, deals, conversations."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from mailtrixy.accounts.models import Member, Role, Workspace
from mailtrixy.demo import create_pipeline
from mailtrixy.inbox.models import Contact, Conversation, Deal, Direction, Message, Stage

PASSWORD = "correct horse battery staple"


@dataclass
class Team:
    workspace: Workspace
    admin: Member
    agent: Member

    def stage(self, name: str) -> Stage:
        return Stage.objects.get(workspace=self.workspace, name=name)


def make_member(workspace: Workspace, username: str, role: str = Role.AGENT) -> Member:
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title()
    )
    return Member.objects.create(user=user, workspace=workspace, role=role)


def make_team(name: str = "Team A") -> Team:
    workspace = Workspace.objects.create(name=name)
    slug = name.lower().replace(" ", "-")
    create_pipeline(workspace)
    return Team(
        workspace=workspace,
        admin=make_member(workspace, f"{slug}-admin", Role.ADMIN),
        agent=make_member(workspace, f"{slug}-agent", Role.AGENT),
    )


def make_contact(workspace: Workspace, email: str = "jane@example.com", **fields: str) -> Contact:
    values = {"first_name": "Jane", "last_name": "Doe", "email": email, **fields}
    return Contact.objects.create(workspace=workspace, **values)


def make_deal(team: Team, contact: Contact | None = None, stage: str = "Lead") -> Deal:
    return Deal.objects.create(
        workspace=team.workspace,
        name="Annual plan",
        amount=Decimal("1200.00"),
        currency="USD",
        stage=team.stage(stage),
        contact=contact,
        owner=team.agent,
    )


def make_conversation(contact: Contact, subject: str = "Help with my invoice") -> Conversation:
    convo = Conversation.objects.create(
        workspace=contact.workspace, subject=subject, contact=contact, updated_at=timezone.now()
    )
    Message.objects.create(
        conversation=convo, direction=Direction.INBOUND, body="Hello!", sent_at=timezone.now()
    )
    return convo
