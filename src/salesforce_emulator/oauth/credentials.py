"""Users' passwords for the login page: username → (org, user), password kept as a scrypt hash.

Usernames are unique across the whole emulator, as they are across all of Salesforce, so the
login page needs no org picker.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from salesforce_emulator.oauth.hashing import check_password, hash_password


@dataclass(frozen=True)
class Login:
    org_id: str
    user_id: str
    username: str


class Credentials:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def set_password(self, username: str, org_id: str, user_id: str, password: str) -> None:
        self._db.execute(
            "INSERT INTO credentials (username, org_id, user_id, password_hash) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (username) DO UPDATE SET org_id = excluded.org_id,"
            " user_id = excluded.user_id, password_hash = excluded.password_hash",
            (username, org_id, user_id, hash_password(password)),
        )

    def authenticate(self, username: str, password: str) -> Login | None:
        row = self._db.execute(
            "SELECT org_id, user_id, username, password_hash FROM credentials WHERE username = ?",
            (username.strip(),),
        ).fetchone()
        if row is None or not check_password(password, row[3]):
            return None
        return Login(org_id=row[0], user_id=row[1], username=row[2])

    def find(self, username: str) -> Login | None:
        row = self._db.execute(
            "SELECT org_id, user_id, username FROM credentials WHERE username = ?", (username,)
        ).fetchone()
        return Login(*row) if row else None

    def exists(self, username: str) -> bool:
        return self.find(username) is not None
