"""The demo workspace: an admin and an agent, a pipeline, ~30 contacts, deals and conversations.

Deterministic (Faker with a fixed seed) and idempotent: seeding twice changes nothing. The logins'
passwords are generated on first seed and kept, readable only by their owner, in the data directory.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from faker import Faker

from mailtrixy.accounts.models import Member, Role, Workspace
from mailtrixy.inbox.models import Contact, Conversation, Deal, Direction, Message, Stage, StageKind

WORKSPACE_NAME = "Acme Support"
DEFAULT_PIPELINE = [
    ("Lead", StageKind.OPEN),
    ("Qualified", StageKind.OPEN),
    ("Proposal", StageKind.OPEN),
    ("Negotiation", StageKind.OPEN),
    ("Won", StageKind.WON),
    ("Lost", StageKind.LOST),
]
SUBJECTS = [
    "Question about our invoice",
    "Can we add more seats?",
    "Login problem since yesterday",
    "Renewal quote for next year",
    "Export to CSV is missing columns",
    "Feature request: shared drafts",
    "Onboarding call next week?",
    "Billing address change",
]


@dataclass(frozen=True)
class DemoSalesforce:
    """The emulator's demo Connected App, preset for the demo workspace's admin."""

    login_url: str
    consumer_key: str
    consumer_secret: str


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def logins_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.txt"


def create_pipeline(workspace: Workspace) -> list[Stage]:
    """The default pipeline every new workspace starts with."""
    return [
        Stage.objects.get_or_create(
            workspace=workspace, name=name, defaults={"kind": kind, "position": i}
        )[0]
        for i, (name, kind) in enumerate(DEFAULT_PIPELINE)
    ]


@transaction.atomic
def seed_demo(
    contacts: int = 30,
    seed: int = 7,
    salesforce_people: list[dict[str, str]] | None = None,
    salesforce: DemoSalesforce | None = None,
) -> list[DemoLogin]:
    """Create the demo workspace unless it exists; return its logins.

    `salesforce_people` are customers who are also Contacts in the demo org (their cards show
    in the inbox); the other demo customers exist only in MailTrixy.
    """
    workspace = Workspace.objects.filter(name=WORKSPACE_NAME).first()
    if workspace is not None:
        return read_logins()
    workspace = Workspace.objects.create(name=WORKSPACE_NAME)
    logins = [
        _member(workspace, "admin", "Ada", "Admin", Role.ADMIN),
        _member(workspace, "agent", "Sam", "Agent", Role.AGENT),
    ]
    stages = create_pipeline(workspace)
    people = (salesforce_people or [])[: contacts * 2 // 3]
    people += demo_people(contacts - len(people), seed)
    _seed_inbox(workspace, stages, people, seed)
    if salesforce is not None:
        _preset_salesforce(workspace, logins, salesforce)
    path = logins_file()
    path.write_text("".join(f"{x.username} {x.password} {x.role}\n" for x in logins))
    path.chmod(0o600)
    return logins


def read_logins() -> list[DemoLogin]:
    path = logins_file()
    if not path.exists():
        return []
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    return [DemoLogin(*row) for row in rows]


def _member(workspace: Workspace, username: str, first: str, last: str, role: str) -> DemoLogin:
    password = secrets.token_urlsafe(9)
    user = get_user_model().objects.create_user(
        username=username, password=password, first_name=first, last_name=last
    )
    Member.objects.create(user=user, workspace=workspace, role=role)
    return DemoLogin(username, password, role)


def demo_people(count: int, seed: int) -> list[dict[str, str]]:
    """The demo's customers, the same on every machine for the same seed."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    people = []
    for _ in range(count):
        first, last = fake.first_name(), fake.last_name()
        company = fake.company()
        domain = "".join(ch for ch in company.split()[0].lower() if ch.isalnum()) or "example"
        people.append(
            {
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}@{domain}.example".lower(),
                "phone": fake.numerify("+1 (###) ###-####"),
                "company": company,
                "title": fake.job()[:128],
            }
        )
    return people


def _preset_salesforce(
    workspace: Workspace, logins: list[DemoLogin], salesforce: DemoSalesforce
) -> None:
    """The admin's step, done for the demo: the emulator's Connected App is already entered."""
    from mailtrixy.integrations.models import AppCredentials

    admin = workspace.members.get(user__username=logins[0].username)
    AppCredentials.objects.create(
        workspace=workspace,
        provider="salesforce",
        client_id=salesforce.consumer_key,
        client_secret=salesforce.consumer_secret,
        login_url=salesforce.login_url,
        updated_by=admin,
    )


def _seed_inbox(
    workspace: Workspace, stages: list[Stage], people: list[dict[str, str]], seed: int
) -> None:
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    members = list(workspace.members.all())
    now = timezone.now()
    seen: set[str] = set()
    for person in people:
        if person["email"] in seen:
            continue
        seen.add(person["email"])
        contact = Contact.objects.create(workspace=workspace, **person)
        if rng.random() < 0.7:
            Deal.objects.create(
                workspace=workspace,
                name=f"{contact.company} — {rng.choice(['Annual plan', 'Seats', 'Upgrade'])}",
                amount=Decimal(rng.randrange(1_000, 90_000, 500)),
                currency="USD",
                stage=rng.choice(stages),
                expected_close_date=(now + timedelta(days=rng.randrange(-30, 120))).date(),
                contact=contact,
                owner=rng.choice(members),
            )
        _conversation(
            workspace, contact, members, now - timedelta(hours=rng.randrange(1, 400)), rng
        )


def _conversation(
    workspace: Workspace,
    contact: Contact,
    members: list[Member],
    start: datetime,
    rng: random.Random,
) -> None:
    convo = Conversation.objects.create(
        workspace=workspace,
        subject=rng.choice(SUBJECTS),
        contact=contact,
        assignee=rng.choice(members),
        updated_at=start,
    )
    sent = start
    for i in range(rng.randrange(1, 4)):
        inbound = i % 2 == 0
        Message.objects.create(
            conversation=convo,
            direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
            author=None if inbound else convo.assignee,
            body=(
                f"Hi, this is {contact.first_name} from {contact.company}. "
                "Could you help us with this?"
                if inbound
                else f"Hi {contact.first_name}, thanks for writing. We're on it."
            ),
            sent_at=sent,
        )
        sent += timedelta(minutes=rng.randrange(5, 300))
    convo.updated_at = sent
    convo.save(update_fields=["updated_at"])
