"""The admin's side of setup: saving the Connected App's credentials (secret encrypted)."""

from __future__ import annotations

from typing import Any

from mailtrixy.accounts.models import Member, Workspace
from mailtrixy.integrations.models import AppCredentials
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.forms import ConnectedAppForm, choice_for


def saved_app(workspace: Workspace) -> AppCredentials | None:
    return connections.app_credentials(workspace)


def initial_values(saved: AppCredentials | None) -> dict[str, Any]:
    if saved is None:
        return {"login": "production"}
    login, my_domain = choice_for(saved.login_url)
    return {"consumer_key": saved.client_id, "login": login, "my_domain": my_domain}


def save_app(member: Member, form: ConnectedAppForm) -> AppCredentials:
    """Save key, login URL and (when given) a new secret; an empty secret keeps the saved one."""
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
