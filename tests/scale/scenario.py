"""Steps of the scale scenarios, run as `python -m tests.scale.scenario STEP ...` in a subprocess.

The scale tests run MailTrixy as separate processes against their own PostgreSQL database; these
steps are what an operator or a browser would do there (connect workspaces, ask for a round) and
what the tests read back. Each prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal
from typing import Any

import django


def seed(args: argparse.Namespace) -> Any:
    from django.contrib.auth import get_user_model

    from mailtrixy.accounts.models import Member, Role, Workspace
    from mailtrixy.demo import create_pipeline
    from mailtrixy.inbox.models import Contact, Deal, Stage
    from mailtrixy.integrations.models import AppCredentials
    from mailtrixy.integrations.salesforce import connection as connections
    from mailtrixy.integrations.salesforce import oauth
    from salesforce_emulator.testing import ControlClient

    control = ControlClient(args.emulator)
    made = []
    for i in range(args.workspaces):
        org = control.create_org(name=f"Scale org {i}")
        org_id = org["org_id"]
        if args.contacts:
            control.seed(org_id, contacts=args.contacts, seed=i)
        key, secret = f"scale-key-{org_id}", f"scale-secret-{org_id}"
        control.create_app(org_id, key, secret, "http://127.0.0.1/oauth/salesforce/callback")
        username = f"agent-{org_id.lower()}@scale.example"
        control.create_user(org_id, username, "pw-scale", first_name="Ann")
        workspace = Workspace.objects.create(name=f"{args.prefix}-{i}")
        create_pipeline(workspace)
        user = get_user_model().objects.create(username=f"{args.prefix}-{i}-agent")
        if args.password and i == 0:
            user.set_password(args.password)
        else:
            user.set_unusable_password()
        user.save()
        member = Member.objects.create(user=user, workspace=workspace, role=Role.ADMIN)
        AppCredentials.objects.create(
            workspace=workspace, provider="salesforce", client_id=key, client_secret=secret,
            login_url=args.emulator,
        )  # fmt: skip
        body = control.issue_tokens(org_id, key, username)
        tokens = oauth.TokenSet(
            access_token=body["access_token"], refresh_token=body["refresh_token"],
            instance_url=body["instance_url"], identity_url=body["id"],
            issued_at=body["issued_at"], scope=body["scope"],
        )  # fmt: skip
        connections.save_connection(workspace, member, tokens, oauth.fetch_identity(tokens))
        lead = Stage.objects.filter(workspace=workspace).order_by("position", "pk").first()
        for n in range(args.deals):
            Deal.objects.create(
                workspace=workspace, name=f"Deal {n} of {workspace.name}",
                amount=Decimal(1000 + n), currency="USD", stage=lead, owner=member,
            )  # fmt: skip
        entry: dict[str, Any] = {
            "workspace_id": workspace.pk, "org_id": org_id, "username": user.username,
        }  # fmt: skip
        if args.card_contact:
            email = _some_contact_email(args.emulator, body["access_token"])
            contact = Contact.objects.create(
                workspace=workspace, first_name="Card", last_name="Person", email=email
            )
            entry.update(contact_id=contact.pk, email=email)
        control.reset_counters(org_id)
        made.append(entry)
    return made


def _some_contact_email(base_url: str, token: str) -> str:
    import httpx

    soql = "SELECT Email FROM Contact WHERE Email != null ORDER BY Id LIMIT 1"
    response = httpx.get(
        f"{base_url}/services/data/v62.0/query",
        params={"q": soql},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["records"][0]["Email"])


def schedule_round(args: argparse.Namespace) -> Any:
    """Enqueue the periodic round now (what every worker's scheduler does each minute)."""
    from mailtrixy.integrations.salesforce.sync.jobs import schedule_round as round_job

    round_job()
    return {"enqueued": True}


def enqueue(args: argparse.Namespace) -> Any:
    """Sync Now: queue a run, or answer with the one already waiting (as the button does).

    A worker's periodic round may have queued the new connection's first run a moment ago.
    """
    from mailtrixy.integrations.salesforce.sync.jobs import enqueue_sync
    from mailtrixy.integrations.salesforce.sync.runs import SyncAlreadyQueued

    try:
        return {"run_id": enqueue_sync(args.workspace, "manual").pk}
    except SyncAlreadyQueued as waiting:
        return {"run_id": waiting.run.pk}


def report(args: argparse.Namespace) -> Any:
    """Run records, and each workspace's deals with their Opportunity ids."""
    from mailtrixy.inbox.models import Contact, Deal
    from mailtrixy.integrations.models import SyncRun
    from mailtrixy.integrations.salesforce.models import DealLink

    runs = [
        {
            "id": r.pk,
            "workspace_id": r.workspace_id,
            "status": r.status,
            "started_at": r.started_at.timestamp() if r.started_at else None,
            "finished_at": r.finished_at.timestamp() if r.finished_at else None,
            "attempts": r.attempts,
            "lease_owner": r.lease_owner,
            "api_calls": r.api_calls,
            "error": r.error,
            "reason": r.reason,
            "stats": r.stats,
        }
        for r in SyncRun.objects.order_by("pk")
    ]
    links = {link.deal_id: link.salesforce_id for link in DealLink.objects.all()}
    deals: dict[int, list[Any]] = {}
    for deal in Deal.objects.filter(archived_at__isnull=True).order_by("pk"):
        deals.setdefault(deal.workspace_id, []).append([deal.pk, links.get(deal.pk, "")])
    contacts: dict[int, int] = {}
    for contact in Contact.objects.filter(archived_at__isnull=True, salesforce__isnull=False):
        contacts[contact.workspace_id] = contacts.get(contact.workspace_id, 0) + 1
    return {"runs": runs, "deals": deals, "linked_contacts": contacts}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailtrixy.settings")
    django.setup()
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("seed")
    p.add_argument("--emulator", required=True)
    p.add_argument("--workspaces", type=int, default=1)
    p.add_argument("--contacts", type=int, default=0)
    p.add_argument("--deals", type=int, default=0)
    p.add_argument("--prefix", default="scale")
    p.add_argument("--password", default="")
    p.add_argument("--card-contact", action="store_true")
    p.set_defaults(run=seed)
    sub.add_parser("round").set_defaults(run=schedule_round)
    p = sub.add_parser("enqueue")
    p.add_argument("--workspace", type=int, required=True)
    p.set_defaults(run=enqueue)
    sub.add_parser("report").set_defaults(run=report)
    args = parser.parse_args()
    sys.stdout.write(json.dumps(args.run(args)) + "\n")


if __name__ == "__main__":
    main()
