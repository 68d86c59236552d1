"""Test connection: does Salesforce accept the saved Consumer Key and Secret?

The admin learns it at once, without a member logging in, instead of at the next Connect or at
the connection's next token renewal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from mailtrixy.accounts.models import Workspace
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce import oauth
from mailtrixy.integrations.salesforce.errors import SalesforceUnavailable

log = logging.getLogger(__name__)

# The answers that prove the pair: the token endpoint got past the key and secret to the code.
PAIR_ACCEPTED = {"invalid_grant", ""}


@dataclass(frozen=True)
class AppCheck:
    works: bool
    sentence: str
    """What Salesforce answered and what to do, for the admin page."""


def check_app(workspace: Workspace) -> AppCheck:
    """Ask Salesforce, at the saved login address, whether it accepts the saved key and secret."""
    app = connections.app_config(workspace)
    if app is None:
        return AppCheck(False, "Save the Consumer Key and Secret first, then test them.")
    try:
        verdict = oauth.check_client(app)
    except SalesforceUnavailable as error:
        log.info("Test connection of workspace %s: %s", workspace.pk, error.message)
        return AppCheck(False, unreachable(app.login_url))
    log.info("Test connection of workspace %s: Salesforce answered %r.", workspace.pk, verdict)
    return verdict_sentence(verdict, app.login_url)


def verdict_sentence(verdict: str, login_url: str) -> AppCheck:
    if verdict in PAIR_ACCEPTED:
        return AppCheck(
            True,
            f"Salesforce ({login_url}) accepted the Consumer Key and Secret. "
            "Members can now connect in Settings → Integrations.",
        )
    if verdict == "invalid_client_id":
        return AppCheck(
            False,
            f"Salesforce ({login_url}) does not know this Consumer Key. Copy it again from the "
            "app in Salesforce Setup, and check “Users log in at”: a sandbox's app is known only "
            "at test.salesforce.com or the sandbox's My Domain. A new app can take up to 10 "
            "minutes before Salesforce knows it.",
        )
    if verdict == "invalid_client":
        return AppCheck(
            False,
            f"Salesforce ({login_url}) knows the Consumer Key but refused the Consumer Secret. "
            "Copy the secret of the same app again from Salesforce Setup, enter it here, save, "
            "and test again.",
        )
    return AppCheck(
        False,
        f"Salesforce ({login_url}) refused the test with “{verdict}”. Check the app's OAuth "
        "settings and policies in Salesforce Setup, then test again.",
    )


def unreachable(login_url: str) -> str:
    return (
        f"Salesforce could not be reached at {login_url} (no answer, or not one from "
        "Salesforce). Check “Users log in at”, and that this server can reach Salesforce; "
        "then test again."
    )
