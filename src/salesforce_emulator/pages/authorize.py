"""The HTML of the authorize flow: the login form, the Allow/Deny page, and its error page."""

from __future__ import annotations

from starlette.responses import HTMLResponse

from salesforce_emulator.pages.html import Markup, card, error_box, esc, hidden, join, page

LOGIN_FAILED = (
    "Please check your username and password. If you still can't log in, "
    "contact your Salesforce administrator."
)
SCOPE_LABELS = {
    "api": "Access and manage your data (api)",
    "id": "Access your basic information (id, profile, email, address, phone)",
    "refresh_token": "Perform requests on your behalf at any time (refresh_token, offline_access)",
    "offline_access": "Perform requests on your behalf at any time (refresh_token, offline_access)",
    "web": "Provide access to your data via the Web (web)",
    "openid": "Allow access to your unique identifier (openid)",
    "full": "Full access (full)",
}


def login_page(
    action: str, oauth_params: dict[str, str], *, error: str | None = None, username: str = ""
) -> HTMLResponse:
    body = Markup(
        f'<div class="slds-login">{error_box(error)}'
        f'<form method="post" action="{esc(action)}">{hidden(oauth_params)}'
        '<input type="hidden" name="action" value="login">'
        '<div class="slds-form-element"><label for="username">Username</label>'
        '<input class="slds-input" id="username" name="username" type="email" '
        f'autocomplete="username" value="{esc(username)}" required></div>'
        '<div class="slds-form-element"><label for="password">Password</label>'
        '<input class="slds-input" id="password" name="password" type="password" '
        'autocomplete="current-password" required></div>'
        '<button class="slds-button slds-button_brand" type="submit" id="Login">Log In</button>'
        "</form></div>"
    )
    return page(
        "Login", card("Log In to Salesforce", body), nav=False, status=401 if error else 200
    )


def approve_page(
    app_name: str, username: str, scope: str, oauth_params: dict[str, str], csrf: str
) -> HTMLResponse:
    labels = sorted({SCOPE_LABELS.get(s, s) for s in scope.split()})
    items = join([Markup(f"<li>{esc(label)}</li>") for label in labels])
    body = Markup(
        f"<p><strong>{esc(app_name)}</strong> is asking to:</p>"
        f'<ul class="slds-scopes">{items}</ul>'
        f"<p>You are logged in as <strong>{esc(username)}</strong>.</p>"
        f'<form method="post" action="/services/oauth2/authorize">{hidden(oauth_params)}'
        f'<input type="hidden" name="csrf" value="{esc(csrf)}">'
        '<button class="slds-button" type="submit" name="action" value="deny" '
        'id="oaapprove_deny">Deny</button> '
        '<button class="slds-button slds-button_brand" type="submit" name="action" '
        'value="allow" id="oaapprove">Allow</button>'
        "</form>"
    )
    return page("Allow Access?", card("Allow Access?", body), nav=False)


def error_page(error: str, description: str) -> HTMLResponse:
    body = Markup(
        f'<div class="slds-error"><strong>error={esc(error)}</strong><br>'
        f"error_description={esc(description)}</div>"
        "<p>The application that sent you here is not set up correctly. "
        "Check its consumer key and callback URL in Setup → Connected Apps.</p>"
    )
    return page("Remote Access Error", card("Remote Access Error", body), nav=False, status=400)
