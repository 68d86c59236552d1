"""Authorization codes: single use and short-lived, bound to app, user, redirect URI and PKCE."""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from salesforce_emulator.oauth.hashing import token_hash

CODE_LIFETIME_SECONDS = 15 * 60  # Salesforce's is not documented; 15 minutes is generous


@dataclass(frozen=True)
class AuthorizationCode:
    app_id: int
    org_id: str
    user_id: str
    redirect_uri: str
    scope: str
    code_challenge: str | None


class AuthorizationCodes:
    def __init__(self, db: sqlite3.Connection, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    def issue(self, grant: AuthorizationCode) -> str:
        # Real codes look like base64 ending in "==", e.g. "aPrxshT49Bth...Cuipw==".
        code = secrets.token_urlsafe(60).replace("-", "+").replace("_", "/") + "=="
        self._db.execute(
            "INSERT INTO auth_codes (code_hash, app_id, org_id, user_id, redirect_uri, scope,"
            " code_challenge, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token_hash(code),
                grant.app_id,
                grant.org_id,
                grant.user_id,
                grant.redirect_uri,
                grant.scope,
                grant.code_challenge,
                self._clock() + CODE_LIFETIME_SECONDS,
            ),
        )
        return code

    def redeem(self, code: str) -> AuthorizationCode | None:
        """The grant behind a code, used up by this call; None when unknown, used or expired."""
        key = token_hash(code)
        row = self._db.execute(
            "SELECT app_id, org_id, user_id, redirect_uri, scope, code_challenge, expires_at, used"
            " FROM auth_codes WHERE code_hash = ?",
            (key,),
        ).fetchone()
        if row is None or row[7] or row[6] < self._clock():
            return None
        self._db.execute("UPDATE auth_codes SET used = 1 WHERE code_hash = ?", (key,))
        return AuthorizationCode(*row[:6])
