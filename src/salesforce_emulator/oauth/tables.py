"""The emulator's own OAuth tables, kept in the registry database (not in any org's data).

Secrets that grant access (codes, access and refresh tokens, passwords) are stored only as hashes.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS connected_apps (
    id INTEGER PRIMARY KEY,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    consumer_key TEXT NOT NULL,
    consumer_secret TEXT NOT NULL,
    callback_urls TEXT NOT NULL,
    scopes TEXT NOT NULL,
    rotate_refresh_tokens INTEGER NOT NULL DEFAULT 0,
    require_secret INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL,
    UNIQUE (org_id, consumer_key)
);
CREATE INDEX IF NOT EXISTS connected_apps_key ON connected_apps (consumer_key);
CREATE TABLE IF NOT EXISTS credentials (
    username TEXT PRIMARY KEY COLLATE NOCASE,
    org_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_codes (
    code_hash TEXT PRIMARY KEY,
    app_id INTEGER NOT NULL,
    org_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    code_challenge TEXT,
    expires_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    org_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    app_id INTEGER NOT NULL,
    scope TEXT NOT NULL,
    issued_at REAL NOT NULL,
    expires_at REAL,
    refresh_hash TEXT,
    revoked_at REAL,
    revoked_reason TEXT
);
CREATE INDEX IF NOT EXISTS tokens_org ON tokens (org_id, kind);
CREATE INDEX IF NOT EXISTS tokens_refresh ON tokens (refresh_hash);
CREATE TABLE IF NOT EXISTS approvals (
    user_id TEXT NOT NULL,
    app_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, app_id)
);
"""


def create_tables(db: sqlite3.Connection) -> None:
    db.executescript(SCHEMA)
