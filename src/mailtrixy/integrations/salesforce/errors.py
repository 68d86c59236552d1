"""What can go wrong talking to Salesforce, as a small typed hierarchy, and the words for it.

Branching is on Salesforce's `errorCode` (REST) or `error` (OAuth), never on messages, which
Salesforce localises to the org's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class SalesforceError(Exception):
    """Base of every failure talking to Salesforce."""

    metrics_outcome: ClassVar[str] = "error"
    """How the API-call counters (metrics.API_OUTCOMES) label a request that failed so."""

    def __init__(self, message: str, *, error_code: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.error_code = error_code
        self.status = status


class SalesforceUnavailable(SalesforceError):
    """Salesforce did not answer usefully (timeout, network, 5xx, a non-JSON edge page).

    Safe to retry later; a write may or may not have happened.
    """

    metrics_outcome = "unavailable"


class SalesforceTimeout(SalesforceUnavailable):
    """No answer within the time limit: a write may have been committed all the same."""

    metrics_outcome = "timeout"


class SessionExpired(SalesforceError):
    """401 INVALID_SESSION_ID: the access token expired or was revoked; refresh and retry once."""

    metrics_outcome = "session_expired"


class NeedsReconnect(SalesforceError):
    """The refresh token was refused (`invalid_grant`): only a person reconnecting can fix this."""

    metrics_outcome = "session_expired"


class ApiLimitExceeded(SalesforceError):
    """403 REQUEST_LIMIT_EXCEEDED: the org's daily API allocation is used up."""

    metrics_outcome = "limit_exceeded"


class ApiError(SalesforceError):
    """Salesforce refused the request (a 4xx with an errorCode), e.g. MALFORMED_QUERY."""


class OAuthError(SalesforceError):
    """The OAuth token endpoint answered `{"error": ..., "error_description": ...}`."""

    def __init__(self, error: str, description: str = "", status: int | None = None) -> None:
        super().__init__(description or error, error_code=error, status=status)
        self.error = error
        self.description = description


def explain(error: SalesforceError) -> str:
    """The sentence a person reads: what happened and what to do."""
    if isinstance(error, NeedsReconnect):
        return (
            "Salesforce refused the saved login. Reconnect Salesforce in Settings → Integrations."
        )
    if isinstance(error, ApiLimitExceeded):
        return (
            "Your Salesforce org has used up its daily API allowance. "
            "Syncing resumes by itself when Salesforce allows calls again."
        )
    if isinstance(error, SalesforceTimeout):
        return "Salesforce did not answer in time. MailTrixy will try again shortly."
    if isinstance(error, SalesforceUnavailable):
        return "Salesforce is not reachable right now. MailTrixy will try again shortly."
    if isinstance(error, OAuthError):
        return explain_oauth_error(error.error, error.description)
    code = f" ({error.error_code})" if error.error_code else ""
    return f"Salesforce refused the request{code}: {error.message}"


ADMIN_PAGE = "Admin → Settings → Integrations → Salesforce"


@dataclass(frozen=True)
class AdminFix:
    """An error whose fix is on the Salesforce admin page, worded for each reader.

    An agent reads `happened` and `agent_todo` ("Ask a workspace admin …"); a workspace admin
    reads `happened`, `admin_todo` and a link to the admin page, since they can fix it themselves.
    """

    happened: str
    agent_todo: str
    admin_todo: str
    """What the admin does, ending just before the link to the admin page (e.g. "Check it in")."""

    def __str__(self) -> str:
        return f"{self.happened} {self.agent_todo}"


ADMIN_FIXES = {
    "invalid_client_id": AdminFix(
        "Salesforce does not know the Consumer Key saved in MailTrixy.",
        f"Ask a workspace admin to check it in {ADMIN_PAGE}.",
        "Check it in",
    ),
    "invalid_client": AdminFix(
        "Salesforce refused the Consumer Key and Secret saved in MailTrixy.",
        f"Ask a workspace admin to check them in {ADMIN_PAGE}.",
        "Check them in",
    ),
    "redirect_uri_mismatch": AdminFix(
        "The Callback URL of the Salesforce Connected App does not match MailTrixy's.",
        "Ask a Salesforce admin to set it to the URL shown in Admin → Settings → Integrations.",
        "In Salesforce Setup, set it to the Callback URL shown in",
    ),
}
NOT_SET_UP = AdminFix(
    "Salesforce is not set up for this workspace yet.",
    f"Ask a workspace admin to enter the Connected App's Consumer Key and Secret in {ADMIN_PAGE}.",
    "Enter the Connected App's Consumer Key and Secret in",
)

OAUTH_ERRORS = {
    "access_denied": (
        "You chose not to allow MailTrixy to access Salesforce, so nothing was connected. "
        "Click Connect again and choose Allow to connect."
    ),
    "invalid_grant": (
        "Salesforce did not accept the authorization (it may have expired or been used). "
        "Click Connect to try again."
    ),
    "invalid_scope": (
        "The Connected App does not allow the scopes MailTrixy needs "
        "(api, refresh_token, offline_access). Ask a Salesforce admin to add them."
    ),
    "inactive_user": "Your Salesforce user is inactive. Ask a Salesforce admin to activate it.",
    "inactive_org": "The Salesforce org is inactive or locked. Contact your Salesforce admin.",
    "immediate_unsuccessful": "Salesforce needs you to approve access. Click Connect again.",
}


def oauth_admin_fix(error: str, description: str = "") -> AdminFix | None:
    """How an OAuth error is fixed on the admin page, or None when the fix lies elsewhere."""
    if error in ADMIN_FIXES:
        return ADMIN_FIXES[error]
    if error in OAUTH_ERRORS:
        return None
    detail = f" ({description})" if description else ""
    return AdminFix(
        f"Salesforce could not complete the connection: {error}{detail}. Click Connect to try "
        "again.",
        "If it keeps failing, ask a workspace admin to check the Salesforce settings.",
        "If it keeps failing, check the settings in",
    )


def explain_oauth_error(error: str, description: str = "") -> str:
    fix = oauth_admin_fix(error, description)
    return str(fix) if fix is not None else OAUTH_ERRORS[error]
