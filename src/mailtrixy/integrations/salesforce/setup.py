"""The admin's side of setup: saving the Connected App's credentials (secret encrypted)."""

from __future__ import annotations

from typing import Any

from mailtrixy.accounts.models import Member, Workspace
from mailtrixy.inbox.models import Stage
from mailtrixy.integrations.models import AppCredentials
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.client import SalesforceClient
from mailtrixy.integrations.salesforce.errors import SalesforceError, explain
from mailtrixy.integrations.salesforce.forms import ConnectedAppForm, choice_for
from mailtrixy.integrations.salesforce.models import StageMapping
from mailtrixy.integrations.salesforce.sync import metadata
from mailtrixy.integrations.salesforce.sync.stages import ensure_defaults


class NotConnected(Exception):
    """The org's stages can only be read once a member has connected."""


def saved_app(workspace: Workspace) -> AppCredentials | None:
    return connections.app_credentials(workspace)


def initial_values(saved: AppCredentials | None) -> dict[str, Any]:
    if saved is None:
        return {"login": "production"}
    login, my_domain = choice_for(saved.login_url)
    return {"consumer_key": saved.client_id, "login": login, "my_domain": my_domain}


def save_app(member: Member, form: ConnectedAppForm) -> AppCredentials:
    """Save key, login URL and (when given) a new secret; an empty secret keeps the saved one
    (the form allows that only when the key is unchanged)."""
    data = form.cleaned_data
    creds = connections.app_credentials(member.workspace) or AppCredentials(
        workspace=member.workspace, provider=connections.PROVIDER
    )
    creds.client_id = data["consumer_key"]
    creds.login_url = form.login_url
    if data["consumer_secret"]:
        creds.client_secret = data["consumer_secret"]
    creds.updated_by = member
    creds.save()
    return creds


def save_budget(workspace: Workspace, percent: int) -> bool:
    updated = connections.app_credentials(workspace)
    if updated is None:
        return False
    updated.api_budget_percent = percent
    updated.save(update_fields=["api_budget_percent", "updated_at"])
    return True


def stages_and_metadata(workspace: Workspace) -> tuple[list[Stage], metadata.OrgMetadata]:
    """The pipeline and the org's stages (read at most once an hour), defaults filled in."""
    connection = connections.get_connection(workspace)
    if connection is None or connection.needs_reconnect:
        raise NotConnected("Connect Salesforce first: the stages are read from your org.")
    try:
        meta = metadata.load(SalesforceClient(connection), connection)
    except SalesforceError as error:
        raise NotConnected(explain(error)) from error
    ensure_defaults(workspace.pk, meta)
    return list(Stage.objects.filter(workspace=workspace).order_by("position", "id")), meta


def mapping_rows(workspace: Workspace) -> list[tuple[Stage, str]]:
    mapped = {
        m.stage_id: m.salesforce_stage for m in StageMapping.objects.filter(workspace=workspace)
    }
    stages = Stage.objects.filter(workspace=workspace).order_by("position", "id")
    return [(stage, mapped.get(stage.pk, "")) for stage in stages]
