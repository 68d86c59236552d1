"""Run the emulator in a background thread for tests, and drive its control API.

    from salesforce_emulator.testing import EmulatorServer

    with EmulatorServer() as server:                      # http://127.0.0.1:<free port>
        org = server.control.create_org(name="Acme")      # {"org_id": "00D...", ...}
        server.control.create_app(org["org_id"], "key", "secret", "http://localhost/cb")
        server.control.create_user(org["org_id"], "ann@acme.example", "pw")
        tokens = server.control.issue_tokens(org["org_id"], "key", "ann@acme.example")
        # tokens["access_token"], tokens["refresh_token"], tokens["instance_url"] == server.base_url

`EmulatorServer(tls=True)` serves https with a fresh local CA; `server.ca_pem` is its certificate
(pass it as `verify=` to httpx/requests). Everything is in memory unless `data_dir` is given.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from salesforce_emulator.app import create_app
from salesforce_emulator.context import Settings
from salesforce_emulator.oauth.tokens import DEFAULT_TOKEN_LIFETIME_SECONDS
from salesforce_emulator.registry import Registry
from salesforce_emulator.tls import make_tls_files

__all__ = ["ControlClient", "EmulatorServer", "OrgSetup", "setup_org"]


class ControlClient:
    """The control API (`/_emulator/...`) as Python calls. Every method returns the JSON answer
    and raises `httpx.HTTPStatusError` when the emulator refuses."""

    def __init__(self, base_url: str, verify: ssl.SSLContext | bool = True) -> None:
        self._http = httpx.Client(base_url=base_url, verify=verify, timeout=60)

    def create_org(self, **options: Any) -> dict[str, Any]:
        """Options: name, currency, multi_currency, currencies, external_id_field, seed_demo,
        contacts (generated contacts), seed, admin_username, admin_password."""
        return self._call("POST", "/_emulator/orgs", options)

    def orgs(self) -> list[dict[str, Any]]:
        return self._call("GET", "/_emulator/orgs")

    def seed(
        self, org_id: str, *, contacts: int = 0, demo: bool = False, seed: int = 0
    ) -> dict[str, Any]:
        return self._call(
            "POST",
            f"/_emulator/orgs/{org_id}/seed",
            {"contacts": contacts, "demo": demo, "seed": seed},
        )

    def create_app(
        self,
        org_id: str,
        key: str,
        secret: str,
        callback: str | list[str],
        rotate: bool = False,
        **options: Any,
    ) -> dict[str, Any]:
        """A Connected App; options: name, scopes (list), require_secret."""
        callbacks = [callback] if isinstance(callback, str) else list(callback)
        body = {
            "consumer_key": key,
            "consumer_secret": secret,
            "callback_urls": callbacks,
            "rotate_refresh_tokens": rotate,
            **options,
        }
        return self._call("POST", f"/_emulator/orgs/{org_id}/apps", body)

    def create_user(
        self, org_id: str, username: str, password: str, **fields: str
    ) -> dict[str, Any]:
        """A User who can log in on the authorize page; fields: first_name, last_name, email."""
        return self._call(
            "POST",
            f"/_emulator/orgs/{org_id}/users",
            {"username": username, "password": password, **fields},
        )

    def issue_tokens(
        self, org_id: str, app_key: str, username: str | None = None, scope: str | None = None
    ) -> dict[str, Any]:
        """The web-server flow's token response without a browser (the admin without username)."""
        body: dict[str, Any] = {"consumer_key": app_key, "username": username}
        if scope:
            body["scope"] = scope
        return self._call("POST", f"/_emulator/orgs/{org_id}/tokens", body)

    def counters(self, org_id: str) -> dict[str, Any]:
        """{"api_requests": {kind: n}, "api_requests_total", "soql_queries", "oauth": {kind: n},
        "faults": {kind: n}, "api_usage": {"used", "max"}}."""
        return self._call("GET", f"/_emulator/orgs/{org_id}/counters")

    def reset_counters(self, org_id: str, *, usage: bool = False) -> dict[str, Any]:
        """Zero the counters (and the daily API usage too when `usage`)."""
        return self._call("DELETE", f"/_emulator/orgs/{org_id}/counters", {"usage": usage})

    def set_faults(self, org_id: str, **faults: Any) -> dict[str, Any]:
        """Change some faults (see `salesforce_emulator.faults.FaultConfig`); returns them all."""
        return self._call("PUT", f"/_emulator/orgs/{org_id}/faults", faults)

    def clear_faults(self, org_id: str) -> dict[str, Any]:
        return self._call("DELETE", f"/_emulator/orgs/{org_id}/faults")

    def undelete(self, org_id: str, sobject: str, record_id: str) -> dict[str, Any]:
        """Restore a record from the org's recycle bin."""
        return self._call(
            "POST", f"/_emulator/orgs/{org_id}/undelete", {"sobject": sobject, "id": record_id}
        )

    def backdate(self, org_id: str, sobject: str, ids: list[str], system_modstamp_ms: int) -> int:
        """Set the records' SystemModstamp (epoch ms): a late commit, or a shared stamp."""
        body = {"sobject": sobject, "ids": ids, "system_modstamp_ms": system_modstamp_ms}
        return int(self._call("POST", f"/_emulator/orgs/{org_id}/backdate", body)["updated"])

    def expire_sessions(self, org_id: str) -> int:
        return int(self._call("POST", f"/_emulator/orgs/{org_id}/sessions/expire")["expired"])

    def revoke_refresh_tokens(self, org_id: str) -> int:
        return int(self._call("POST", f"/_emulator/orgs/{org_id}/refresh-tokens/revoke")["revoked"])

    def revoked_tokens(self, org_id: str) -> list[dict[str, Any]]:
        """[{"token_sha256", "kind", "user_id", "app_id", "revoked_at", "reason"}]."""
        return self._call("GET", f"/_emulator/orgs/{org_id}/revoked-tokens")

    def is_revoked(self, org_id: str, token: str) -> bool:
        digest = hashlib.sha256(token.encode()).hexdigest()
        return any(item["token_sha256"] == digest for item in self.revoked_tokens(org_id))

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._http.request(method, path, json=body if body is not None else None)
        if response.is_error:
            raise httpx.HTTPStatusError(
                f"{method} {path}: {response.status_code} {response.text}",
                request=response.request,
                response=response,
            )
        return response.json()


class EmulatorServer:
    """The emulator on a free 127.0.0.1 port, served by uvicorn in a daemon thread."""

    def __init__(
        self,
        *,
        tls: bool = False,
        data_dir: str | Path | None = None,
        token_lifetime: float = DEFAULT_TOKEN_LIFETIME_SECONDS,
        daily_api_requests: int | None = None,
        port: int | None = None,
    ) -> None:
        self._tmp = (
            tempfile.TemporaryDirectory(prefix="sf-emulator-") if tls and data_dir is None else None
        )
        self.data_dir = Path(data_dir) if data_dir else None
        options: dict[str, Any] = {"token_lifetime": token_lifetime}
        if daily_api_requests is not None:
            options["daily_api_requests"] = daily_api_requests
        self.registry = Registry(self.data_dir, **options)
        self.port = port or _free_port()
        self.tls = tls
        self.ca_pem: Path | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.control: ControlClient

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def ssl_context(self) -> ssl.SSLContext | bool:
        """What to pass as httpx's `verify=`: trust the local CA when serving TLS."""
        if self.ca_pem is None:
            return True
        return ssl.create_default_context(cafile=str(self.ca_pem))

    def start(self) -> EmulatorServer:
        config = uvicorn.Config(
            create_app(self.registry, Settings()), host="127.0.0.1", port=self.port,
            log_level="warning", lifespan="off", timeout_graceful_shutdown=1, **self._tls_options(),
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, name="salesforce-emulator", daemon=True
        )
        self._thread.start()
        self._wait_until_started()
        self.control = ControlClient(self.base_url, verify=self.ssl_context())
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if hasattr(self, "control"):
            self.control.close()
        self.registry.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _tls_options(self) -> dict[str, Any]:
        if not self.tls:
            return {}
        directory = self.data_dir or Path(self._tmp.name if self._tmp else tempfile.mkdtemp())
        files = make_tls_files(directory)
        self.ca_pem = files.ca_pem
        return {"ssl_certfile": str(files.cert_pem), "ssl_keyfile": str(files.key_pem)}

    def _wait_until_started(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._server is not None and self._server.started:
                return
            if self._thread is not None and not self._thread.is_alive():
                break
            time.sleep(0.02)
        raise RuntimeError("the Salesforce emulator did not start")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class OrgSetup:
    """A fresh org with a Connected App and a user who can log in (see `setup_org`)."""

    server: EmulatorServer
    org_id: str
    admin_user_id: str
    app_key: str
    app_secret: str
    callback: str
    username: str
    password: str
    user_id: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def tokens(self, **kwargs: Any) -> dict[str, Any]:
        """A fresh token response for the user (kwargs: scope)."""
        return self.server.control.issue_tokens(self.org_id, self.app_key, self.username, **kwargs)

    def api(self, version: str = "62.0") -> httpx.Client:
        """An httpx client on `/services/data/v{version}/` with a fresh access token."""
        token = self.tokens()["access_token"]
        return httpx.Client(
            base_url=f"{self.base_url}/services/data/v{version}/",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
            verify=self.server.ssl_context(),
        )


def setup_org(
    server: EmulatorServer,
    *,
    rotate: bool = False,
    callback: str = "http://localhost:8000/oauth/salesforce/callback",
    **org_options: Any,
) -> OrgSetup:
    """Create an org (options as `ControlClient.create_org`), a Connected App and a user, all with
    names unique in the server (usernames are global, as in Salesforce)."""
    n = uuid.uuid4().hex[:10]
    name = org_options.pop("name", f"Test Org {n}")
    org = server.control.create_org(name=name, **org_options)
    key, secret = f"test-key-{n}", f"test-secret-{n}"
    server.control.create_app(org["org_id"], key, secret, callback, rotate=rotate)
    username, password = f"user{n}@emulator.example", f"pw-{n}"
    user = server.control.create_user(
        org["org_id"], username, password, first_name="Test", last_name=f"User {n}"
    )
    return OrgSetup(
        server=server,
        org_id=org["org_id"],
        admin_user_id=org["admin_user_id"],
        app_key=key,
        app_secret=secret,
        callback=callback,
        username=username,
        password=password,
        user_id=user["user_id"],
    )
