"""OAuth usage: which connected apps an org's users hold live tokens for, and revoking them.

What Setup → Connected Apps OAuth Usage shows. As there, an app is listed while at least one
of its tokens still works (a refresh token not revoked, or an access token neither revoked nor
expired); when all are revoked or expired it disappears. The app may belong to another org:
the page is about this org's users. "Use count" counts the access tokens issued (each login and
each refresh), the emulator's measure of how often the user used the app.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

# A token still works: not revoked, and not past its expiry (refresh tokens have none).
_LIVE = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > :now)"


@dataclass(frozen=True)
class AppUsage:
    app_id: int
    user_count: int
    live_tokens: int


@dataclass(frozen=True)
class UserUsage:
    user_id: str
    first_used: float
    last_used: float
    use_count: int
    live_tokens: int


class OAuthUsage:
    def __init__(self, db: sqlite3.Connection, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    def apps(self, org_id: str) -> list[AppUsage]:
        """The apps this org's users hold live tokens for, in the order they were created."""
        rows = self._db.execute(
            f"SELECT app_id, COUNT(DISTINCT user_id), COUNT(*) FROM tokens"
            f" WHERE org_id = :org AND {_LIVE} GROUP BY app_id ORDER BY app_id",
            {"org": org_id, "now": self._clock()},
        ).fetchall()
        return [AppUsage(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    def users(self, org_id: str, app_id: int) -> list[UserUsage]:
        """The users of the org who hold a live token for the app, the latest user first."""
        rows = self._db.execute(
            f"SELECT user_id, MIN(issued_at), MAX(issued_at), SUM(kind = 'access'),"
            f" SUM({_LIVE}) FROM tokens WHERE org_id = :org AND app_id = :app"
            f" GROUP BY user_id HAVING SUM({_LIVE}) > 0 ORDER BY MAX(issued_at) DESC, user_id",
            {"org": org_id, "app": app_id, "now": self._clock()},
        ).fetchall()
        return [UserUsage(str(r[0]), float(r[1]), float(r[2]), int(r[3]), int(r[4])) for r in rows]

    def revoke(self, org_id: str, app_id: int, user_id: str | None = None) -> int:
        """Revoke the access and refresh tokens of one user (or, with None, of every user of the
        org) for the app. Returns how many tokens stopped working."""
        params: dict[str, object] = {"org": org_id, "app": app_id, "now": self._clock()}
        where = "org_id = :org AND app_id = :app AND revoked_at IS NULL"
        if user_id is not None:
            where += " AND user_id = :user"
            params["user"] = user_id
        cursor = self._db.execute(
            "UPDATE tokens SET revoked_at = :now, revoked_reason = 'revoked in Setup (OAuth Usage)'"
            f" WHERE {where}",
            params,
        )
        return cursor.rowcount
