"""The pages' routes."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from salesforce_emulator.pages import home, login, oauth_usage, records, setup

RECORD = "/lightning/r/{sobject}/{record_id}"

ROUTES: list[BaseRoute] = [
    Route("/", home.root, methods=["GET"]),
    Route("/home", home.home, methods=["GET"]),
    Route("/login", login.login, methods=["GET", "POST"]),
    Route("/secur/logout.jsp", login.logout, methods=["GET", "POST"]),
    Route(f"{RECORD}/view", records.view, methods=["GET"]),
    Route(f"{RECORD}/edit", records.edit, methods=["POST"]),
    Route(f"{RECORD}/delete", records.delete, methods=["POST"]),
    Route("/setup/connected-apps", setup.connected_apps, methods=["GET", "POST"]),
    Route("/setup/connected-apps/{app_id}/edit", setup.edit_connected_app, methods=["GET", "POST"]),
    Route("/setup/oauth-usage", oauth_usage.usage, methods=["GET"]),
    Route("/setup/oauth-usage/{app_id}", oauth_usage.app_users, methods=["GET"]),
    Route("/setup/oauth-usage/{app_id}/revoke", oauth_usage.revoke, methods=["POST"]),
]
