"""Connected Apps: consumer key and secret, callback URLs, scopes, refresh-token rotation.

A consumer key is unique within an org, not across the emulator, so that many test orgs in one
server can each register the same well-known test app. Lookups by key therefore return a list.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

_SELECT = (
    "SELECT id, org_id, name, consumer_key, consumer_secret, callback_urls, scopes,"
    " rotate_refresh_tokens, require_secret FROM connected_apps"
)
DEFAULT_SCOPES = ("api", "id", "refresh_token", "web", "openid")


@dataclass(frozen=True)
class ConnectedApp:
    id: int
    org_id: str
    name: str
    consumer_key: str
    consumer_secret: str
    callback_urls: tuple[str, ...]
    scopes: tuple[str, ...]
    rotate_refresh_tokens: bool
    require_secret: bool

    def allows_redirect(self, redirect_uri: str) -> bool:
        """Salesforce compares the redirect URI with the configured callback exactly."""
        return redirect_uri in self.callback_urls

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "org_id": self.org_id,
            "name": self.name,
            "consumer_key": self.consumer_key,
            "callback_urls": list(self.callback_urls),
            "scopes": list(self.scopes),
            "rotate_refresh_tokens": self.rotate_refresh_tokens,
            "require_secret": self.require_secret,
        }


class ConnectedApps:
    def __init__(self, db: sqlite3.Connection, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    def save(
        self,
        org_id: str,
        consumer_key: str,
        consumer_secret: str,
        callback_urls: list[str] | tuple[str, ...],
        *,
        name: str = "",
        scopes: list[str] | tuple[str, ...] = DEFAULT_SCOPES,
        rotate_refresh_tokens: bool = False,
        require_secret: bool = True,
    ) -> ConnectedApp:
        """Create the app, or replace its settings when the key already exists in that org."""
        if not consumer_key or not consumer_secret or not callback_urls:
            raise ValueError("consumer key, consumer secret and a callback URL are required")
        self._db.execute(
            "INSERT INTO connected_apps (org_id, name, consumer_key, consumer_secret,"
            " callback_urls, scopes, rotate_refresh_tokens, require_secret, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (org_id, consumer_key) DO UPDATE SET name = excluded.name,"
            " consumer_secret = excluded.consumer_secret, callback_urls = excluded.callback_urls,"
            " scopes = excluded.scopes, rotate_refresh_tokens = excluded.rotate_refresh_tokens,"
            " require_secret = excluded.require_secret",
            (
                org_id,
                name or consumer_key,
                consumer_key,
                consumer_secret,
                "\n".join(callback_urls),
                " ".join(scopes),
                int(rotate_refresh_tokens),
                int(require_secret),
                self._clock(),
            ),
        )
        found = self._rows("WHERE org_id = ? AND consumer_key = ?", (org_id, consumer_key))
        return found[0]

    def by_key(self, consumer_key: str) -> list[ConnectedApp]:
        return self._rows("WHERE consumer_key = ?", (consumer_key,))

    def by_id(self, app_id: int) -> ConnectedApp | None:
        found = self._rows("WHERE id = ?", (app_id,))
        return found[0] if found else None

    def of_org(self, org_id: str) -> list[ConnectedApp]:
        return self._rows("WHERE org_id = ?", (org_id,))

    def choose(self, consumer_key: str, org_id: str) -> ConnectedApp | None:
        """The app a user of `org_id` means by this key: their org's, else the only one."""
        apps = self.by_key(consumer_key)
        own = [app for app in apps if app.org_id == org_id]
        if own:
            return own[0]
        return apps[0] if len(apps) == 1 else None

    def _rows(self, where: str, params: tuple[object, ...]) -> list[ConnectedApp]:
        # `where` is always one of this class's constant clauses; values are bound parameters.
        sql = f"{_SELECT} {where} ORDER BY id"
        rows = self._db.execute(sql, params).fetchall()
        return [_app(row) for row in rows]


def _app(row: tuple[object, ...]) -> ConnectedApp:
    return ConnectedApp(
        id=int(str(row[0])),
        org_id=str(row[1]),
        name=str(row[2]),
        consumer_key=str(row[3]),
        consumer_secret=str(row[4]),
        callback_urls=tuple(str(row[5]).split("\n")),
        scopes=tuple(str(row[6]).split()),
        rotate_refresh_tokens=bool(row[7]),
        require_secret=bool(row[8]),
    )
