"""`salesforce-emulator serve`: build the registry, maybe the demo org and TLS, run uvicorn."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from salesforce_emulator.app import create_app
from salesforce_emulator.context import Settings
from salesforce_emulator.demo import DEMO_PASSWORD, DEMO_USERNAME, DemoApp, ensure_demo_org
from salesforce_emulator.faults import FaultConfig
from salesforce_emulator.registry import Registry
from salesforce_emulator.seed import demo_people
from salesforce_emulator.tls import make_tls_files


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    data_dir: Path | None
    tls: bool
    public_url: str | None
    token_lifetime: float
    daily_api_requests: int
    faults: FaultConfig
    seed_demo: bool
    demo_password: str | None
    demo_contacts: int
    app: DemoApp | None
    demo_people_file: Path | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace, faults: FaultConfig) -> ServeOptions:
        app = None
        if args.app_key:
            app = DemoApp(
                args.app_key,
                args.app_secret or secrets.token_hex(16),
                args.app_callback or "http://localhost:8000/oauth/salesforce/callback",
                args.app_rotate_refresh_tokens,
            )
        return cls(
            host=args.host, port=args.port, data_dir=args.data_dir, tls=args.tls,
            public_url=args.public_url, token_lifetime=args.token_lifetime,
            daily_api_requests=args.daily_api_requests, faults=faults, seed_demo=args.seed_demo,
            demo_password=args.demo_password, demo_contacts=args.demo_contacts, app=app,
            demo_people_file=args.demo_people_file,
        )  # fmt: skip


def serve(options: ServeOptions) -> int:
    registry = Registry(
        options.data_dir,
        token_lifetime=options.token_lifetime,
        daily_api_requests=options.daily_api_requests,
    )
    registry.default_faults = options.faults
    scheme = "https" if options.tls else "http"
    url = options.public_url or f"{scheme}://{options.host}:{options.port}"
    if options.seed_demo:
        _seed_demo(registry, options, url)
    tls_options: dict[str, str] = {}
    if options.tls:
        directory = options.data_dir or Path(tempfile.mkdtemp(prefix="sf-emulator-tls-"))
        files = make_tls_files(directory)
        tls_options = {"ssl_certfile": str(files.cert_pem), "ssl_keyfile": str(files.key_pem)}
        _say(f"TLS: trust the local CA at {files.ca_pem}")
    _say(f"Salesforce emulator at {url} (login URL and instance URL)")
    app = create_app(registry, Settings(public_url=options.public_url))
    uvicorn.run(app, host=options.host, port=options.port, log_level="info", **tls_options)  # type: ignore[arg-type]
    registry.close()
    return 0


def _seed_demo(registry: Registry, options: ServeOptions, url: str) -> None:
    password = options.demo_password or DEMO_PASSWORD
    handle = ensure_demo_org(registry, options.app, password, options.demo_contacts)
    _say(f"Demo org {handle.id} ({handle.org.name})")
    _say(f"  log in as {DEMO_USERNAME} / {password}")
    if options.app:
        _say(f"  Connected App key={options.app.key} secret={options.app.secret}")
        _say(f"  callback {options.app.callback}")
    _say(f"  home page {url}/home")
    if options.demo_people_file is not None:
        people = demo_people(handle.org)
        options.demo_people_file.parent.mkdir(parents=True, exist_ok=True)
        options.demo_people_file.write_text(json.dumps(people, indent=1))


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
