"""Access and refresh tokens: issue, look up, expire, revoke.

An access token is `<15-char org id>!<opaque>`, as Salesforce's are, so a request names its org.
Access tokens expire after the configured lifetime; refresh tokens live until revoked. Only
SHA-256 hashes are stored; the revoked ones are kept so tests can confirm a revoke.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from salesforce_emulator.oauth.hashing import token_hash

ACCESS = "access"
REFRESH = "refresh"
DEFAULT_TOKEN_LIFETIME_SECONDS = 2 * 60 * 60  # Salesforce's default session timeout


@dataclass(frozen=True)
class Grant:
    """Who a token speaks for, and through which app."""

    org_id: str
    user_id: str
    app_id: int
    scope: str


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str | None
    issued_at: float


class Tokens:
    def __init__(
        self,
        db: sqlite3.Connection,
        clock: Callable[[], float] = time.time,
        lifetime: float = DEFAULT_TOKEN_LIFETIME_SECONDS,
    ) -> None:
        self._db = db
        self._clock = clock
        self.lifetime = lifetime

    def issue(
        self, grant: Grant, *, with_refresh: bool, refresh_token: str | None = None
    ) -> IssuedTokens:
        """A new access token; a new refresh token too when `with_refresh`.

        `refresh_token` names the refresh token the access token comes from, so revoking that
        refresh token also revokes this access token.
        """
        now = self._clock()
        refresh = _refresh_token() if with_refresh else None
        parent = refresh or refresh_token
        if refresh:
            self._insert(refresh, REFRESH, grant, now, None, None)
        access = f"{grant.org_id[:15]}!{_opaque()}"
        self._insert(access, ACCESS, grant, now, now + self.lifetime, parent)
        return IssuedTokens(access_token=access, refresh_token=refresh, issued_at=now)

    def access_grant(self, token: str) -> Grant | None:
        """The grant of a live access token; None when unknown, revoked or expired."""
        return self._live(token, ACCESS)

    def refresh_grant(self, token: str) -> Grant | None:
        return self._live(token, REFRESH)

    def owner(self, token: str) -> Grant | None:
        """The grant of any live (not revoked) token of either kind, expired or not."""
        row = self._db.execute(
            "SELECT org_id, user_id, app_id, scope FROM tokens"
            " WHERE token_hash = ? AND revoked_at IS NULL",
            (token_hash(token),),
        ).fetchone()
        return Grant(*row) if row else None

    def kind_of(self, token: str) -> str | None:
        row = self._db.execute(
            "SELECT kind FROM tokens WHERE token_hash = ? AND revoked_at IS NULL",
            (token_hash(token),),
        ).fetchone()
        return str(row[0]) if row else None

    def revoke(self, token: str, reason: str = "revoked") -> bool:
        """Revoke a token; a refresh token takes its access tokens with it. False if not live."""
        key = token_hash(token)
        kind = self.kind_of(token)
        if kind is None:
            return False
        now = self._clock()
        self._db.execute(
            "UPDATE tokens SET revoked_at = ?, revoked_reason = ? WHERE token_hash = ?",
            (now, reason, key),
        )
        if kind == REFRESH:
            self._db.execute(
                "UPDATE tokens SET revoked_at = ?, revoked_reason = ?"
                " WHERE refresh_hash = ? AND revoked_at IS NULL",
                (now, f"{reason} (its refresh token)", key),
            )
        return True

    def expire_sessions(self, org_id: str) -> int:
        """Every access token of the org stops working now, as after a session timeout."""
        now = self._clock()
        cursor = self._db.execute(
            "UPDATE tokens SET expires_at = ? WHERE org_id = ? AND kind = ? AND expires_at > ?",
            (now, org_id, ACCESS, now),
        )
        return cursor.rowcount

    def revoke_refresh_tokens(self, org_id: str) -> int:
        keys = [
            row[0]
            for row in self._db.execute(
                "SELECT token_hash FROM tokens"
                " WHERE org_id = ? AND kind = ? AND revoked_at IS NULL",
                (org_id, REFRESH),
            )
        ]
        for key in keys:
            self._revoke_hash(key)
        return len(keys)

    def revoked(self, org_id: str) -> list[dict[str, object]]:
        rows = self._db.execute(
            "SELECT token_hash, kind, user_id, app_id, revoked_at, revoked_reason FROM tokens"
            " WHERE org_id = ? AND revoked_at IS NOT NULL ORDER BY revoked_at",
            (org_id,),
        ).fetchall()
        names = ("token_sha256", "kind", "user_id", "app_id", "revoked_at", "reason")
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _revoke_hash(self, key: str) -> None:
        now = self._clock()
        self._db.execute(
            "UPDATE tokens SET revoked_at = ?, revoked_reason = 'revoked by control API'"
            " WHERE (token_hash = ? OR refresh_hash = ?) AND revoked_at IS NULL",
            (now, key, key),
        )

    def _live(self, token: str, kind: str) -> Grant | None:
        row = self._db.execute(
            "SELECT org_id, user_id, app_id, scope, expires_at FROM tokens"
            " WHERE token_hash = ? AND kind = ? AND revoked_at IS NULL",
            (token_hash(token), kind),
        ).fetchone()
        if row is None or (row[4] is not None and row[4] <= self._clock()):
            return None
        return Grant(org_id=row[0], user_id=row[1], app_id=row[2], scope=row[3])

    def _insert(
        self,
        token: str,
        kind: str,
        grant: Grant,
        now: float,
        expires: float | None,
        parent: str | None,
    ) -> None:
        self._db.execute(
            "INSERT INTO tokens (token_hash, kind, org_id, user_id, app_id, scope, issued_at,"
            " expires_at, refresh_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token_hash(token),
                kind,
                grant.org_id,
                grant.user_id,
                grant.app_id,
                grant.scope,
                now,
                expires,
                token_hash(parent) if parent else None,
            ),
        )


def _opaque() -> str:
    # Salesforce's opaque part uses letters, digits, '.' and '_' (e.g. "ARgAQOG9W.wPt01Kw...").
    return "AR8AQ" + secrets.token_urlsafe(72).replace("-", ".")


def _refresh_token() -> str:
    return "5Aep861" + secrets.token_urlsafe(64).replace("-", ".")
