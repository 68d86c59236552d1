"""`salesforce-emulator`: serve the emulator, or set up orgs, users and apps in a data directory.

    salesforce-emulator serve --port 8443 --data-dir .var/sf --tls --seed-demo \\
        --app-key KEY --app-secret SECRET --app-callback http://localhost:8000/oauth/salesforce/callback
    salesforce-emulator create-org --data-dir .var/sf --name "Acme" --contacts 2500
    salesforce-emulator create-user --data-dir .var/sf --org-id 00D... --username a@b.example \
        --password pw
    salesforce-emulator create-app --data-dir .var/sf --org-id 00D... --key K --secret S \
        --callback URL
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from salesforce_emulator.faults import FaultConfig
from salesforce_emulator.oauth.tokens import DEFAULT_TOKEN_LIFETIME_SECONDS
from salesforce_emulator.registry import Registry


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command: Any = args.command
    return int(command(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesforce-emulator", description="A local Salesforce org."
    )
    commands = parser.add_subparsers(required=True)
    _serve_parser(commands.add_parser("serve", help="run the emulator"))
    org = commands.add_parser("create-org", help="create an org in a data directory")
    _data_dir(org, required=True)
    org.add_argument("--name", default="MailTrixy Demo")
    org.add_argument("--currency", default="USD")
    org.add_argument("--multi-currency", action="store_true")
    org.add_argument("--no-external-id-field", action="store_true")
    org.add_argument("--seed-demo", action="store_true", help="add the demo data")
    org.add_argument("--contacts", type=int, default=0, help="generated contacts to add")
    org.add_argument("--seed", type=int, default=0)
    org.set_defaults(command=_create_org)
    user = commands.add_parser("create-user", help="create a user who can log in")
    _data_dir(user, required=True)
    user.add_argument("--org-id", required=True)
    user.add_argument("--username", required=True)
    user.add_argument("--password", required=True)
    user.set_defaults(command=_create_user)
    app = commands.add_parser("create-app", help="create or update a Connected App")
    _data_dir(app, required=True)
    app.add_argument("--org-id", required=True)
    app.add_argument("--key", required=True)
    app.add_argument("--secret", required=True)
    app.add_argument("--callback", action="append", required=True)
    app.add_argument("--name", default="")
    app.add_argument("--rotate-refresh-tokens", action="store_true")
    app.set_defaults(command=_create_app)
    return parser


def _serve_parser(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    _data_dir(serve, required=False)
    serve.add_argument("--tls", action="store_true", help="serve https with a local CA (ca.pem)")
    serve.add_argument("--public-url", help="instance URL to announce (behind a proxy)")
    serve.add_argument("--token-lifetime", type=float, default=DEFAULT_TOKEN_LIFETIME_SECONDS)
    serve.add_argument("--daily-api-requests", type=int, default=15_000)
    serve.add_argument("--seed-demo", action="store_true", help="demo org, user and app")
    serve.add_argument("--demo-password", default=None)
    serve.add_argument("--demo-contacts", type=int, default=0)
    serve.add_argument(
        "--demo-people-file", type=Path, help="write the demo org's contacts here (JSON)"
    )
    serve.add_argument("--app-key")
    serve.add_argument("--app-secret")
    serve.add_argument("--app-callback")
    serve.add_argument("--app-rotate-refresh-tokens", action="store_true")
    faults = serve.add_argument_group("faults (every org starts with them)")
    faults.add_argument("--latency-ms", type=int, default=0)
    faults.add_argument("--error-500-rate", type=float, default=0.0)
    faults.add_argument("--error-503-rate", type=float, default=0.0)
    faults.add_argument("--lock-row-rate", type=float, default=0.0)
    faults.add_argument("--drop-response-rate", type=float, default=0.0)
    faults.add_argument("--drop-mode", choices=("disconnect", "hang"), default="disconnect")
    faults.add_argument("--hang-seconds", type=float, default=30.0)
    faults.add_argument("--daily-api-limit", type=int, default=None)
    faults.add_argument("--fault-seed", type=int, default=0)
    serve.set_defaults(command=_serve)


def _data_dir(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--data-dir", type=Path, required=required,
        help="one SQLite file per org plus the registry; in memory when omitted",
    )  # fmt: skip


def _serve(args: argparse.Namespace) -> int:
    from salesforce_emulator.serve import ServeOptions, serve

    faults = FaultConfig(
        latency_ms=args.latency_ms, error_500_rate=args.error_500_rate,
        error_503_rate=args.error_503_rate, lock_row_rate=args.lock_row_rate,
        drop_response_rate=args.drop_response_rate, drop_mode=args.drop_mode,
        hang_seconds=args.hang_seconds, daily_api_limit=args.daily_api_limit, seed=args.fault_seed,
    )  # fmt: skip
    return serve(ServeOptions.from_args(args, faults))


def _create_org(args: argparse.Namespace) -> int:
    from salesforce_emulator.seeding import seed

    registry = Registry(args.data_dir)
    handle = registry.create_org(
        name=args.name, currency=args.currency, multi_currency=args.multi_currency,
        external_id_field=not args.no_external_id_field,
    )  # fmt: skip
    seeded = seed(handle, demo=args.seed_demo, contacts=args.contacts, seed_value=args.seed)
    _print(
        {
            "org_id": handle.id,
            "name": handle.org.name,
            "admin_user_id": handle.org.admin_user_id,
            "seeded": seeded,
        }
    )
    registry.close()
    return 0


def _create_user(args: argparse.Namespace) -> int:
    from salesforce_emulator.users import create_user

    registry = Registry(args.data_dir)
    handle = registry.get(args.org_id)
    user_id = create_user(registry, handle, args.username, args.password)
    _print({"org_id": handle.id, "user_id": user_id, "username": args.username})
    registry.close()
    return 0


def _create_app(args: argparse.Namespace) -> int:
    registry = Registry(args.data_dir)
    handle = registry.get(args.org_id)
    app = registry.apps.save(
        handle.id, args.key, args.secret, args.callback, name=args.name,
        rotate_refresh_tokens=args.rotate_refresh_tokens,
    )  # fmt: skip
    _print(app.public())
    registry.close()
    return 0


def _print(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2) + "\n")
