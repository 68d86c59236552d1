"""The Starlette application: OAuth, REST, the pages, the control API, static files."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from salesforce_emulator import control
from salesforce_emulator.context import Settings
from salesforce_emulator.oauth.authorize import authorize
from salesforce_emulator.oauth.identity import identity, userinfo
from salesforce_emulator.oauth.revoke import revoke
from salesforce_emulator.oauth.token_endpoint import token
from salesforce_emulator.pages.routes import ROUTES as PAGE_ROUTES
from salesforce_emulator.registry import Registry
from salesforce_emulator.rest.drop import DropResponseMiddleware
from salesforce_emulator.rest.endpoint import data_api, versions_list

STATIC_DIR = Path(__file__).parent / "pages" / "static"


def routes() -> list[BaseRoute]:
    return [
        Route("/services/oauth2/authorize", authorize, methods=["GET", "POST"]),
        Route("/services/oauth2/token", token, methods=["POST"]),
        Route("/services/oauth2/revoke", revoke, methods=["GET", "POST"]),
        Route("/services/oauth2/userinfo", userinfo, methods=["GET", "POST"]),
        Route("/id/{org_id}/{user_id}", identity, methods=["GET", "POST"]),
        Route("/services/data", versions_list, methods=["GET"]),
        Route("/services/data/", versions_list, methods=["GET"]),
        Route(
            "/services/data/{version}{rest:path}",
            data_api,
            methods=["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"],
        ),
        *control.ROUTES,
        *PAGE_ROUTES,
        Mount("/_emulator/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]


def create_app(registry: Registry, settings: Settings | None = None) -> Starlette:
    app = Starlette(routes=routes(), middleware=[Middleware(DropResponseMiddleware)])
    app.state.registry = registry
    app.state.settings = settings or Settings()
    return app
