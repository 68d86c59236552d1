"""Running syncs in tests, and reading both sides to compare them."""

from __future__ import annotations

from typing import Any

from mailtrixy.inbox.models import Contact, Deal
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.sync.engine import SyncEngine
from tests.integrations.salesforce.conftest import SfOrg


def sync(connection: Connection) -> dict[str, Any]:
    """One sync run, as the job would do it (fresh connection row, no lease)."""
    return SyncEngine(Connection.objects.get(pk=connection.pk)).run()


def sf_contacts(sf: SfOrg) -> dict[str, dict[str, Any]]:
    rows = sf.query("SELECT Id, FirstName, LastName, Email, Phone, Title, IsDeleted FROM Contact")
    return {r["Id"]: r for r in rows if not r["IsDeleted"]}


def local_contacts(workspace_id: int) -> dict[str, Contact]:
    rows = Contact.objects.filter(
        workspace_id=workspace_id, archived_at__isnull=True, salesforce__isnull=False
    ).select_related("salesforce")
    return {c.salesforce.salesforce_id: c for c in rows}


def sf_opportunities(sf: SfOrg, *, external_id: bool = True) -> dict[str, dict[str, Any]]:
    extra = ", MailTrixy_Deal_Id__c" if external_id else ""
    rows = sf.query(
        f"SELECT Id, Name, Amount, StageName, CloseDate, AccountId{extra}, IsDeleted "
        "FROM Opportunity"
    )
    return {r["Id"]: r for r in rows if not r["IsDeleted"]}


def local_deals(workspace_id: int) -> list[Deal]:
    return list(Deal.objects.filter(workspace_id=workspace_id, archived_at__isnull=True))


def create_contact(sf: SfOrg, **fields: Any) -> str:
    response = sf.rest("POST", "sobjects/Contact", json=fields)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
