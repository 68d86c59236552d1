"""The `mailtrixy` command: demo, serve, worker, emulator, the operator commands (sync,
connections, check, rotate-keys), and Django's management commands."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# The emulator's demo user (salesforce_emulator/demo.py), shown so people can log in there.
DEMO_SF_LOGIN = "demo@mailtrixy-demo.example / mailtrixy-demo"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailtrixy.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def prepare_database() -> None:
    """Migrations and the cache table: safe to run on every start."""
    _manage("migrate", "--no-input", "-v", "0")
    _manage("createcachetable")


def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app with waitress, a production WSGI server (static files via WhiteNoise)."""
    from waitress import serve as waitress_serve

    from mailtrixy.wsgi import application

    print(f"MailTrixy is serving on http://{host}:{port}/ (Ctrl+C stops it).", flush=True)
    waitress_serve(application, host=host, port=port, threads=threads, ident="MailTrixy")


EMULATOR_START_SECONDS = 60


def start_emulator(port: int, data_dir: Path, callback_url: str) -> EmulatorProcess:
    """Start the Salesforce emulator as its own process (MailTrixy meets it only over HTTP).

    The demo's Connected App key and secret are generated once and kept in the data directory.
    """
    app = _demo_app_keys(data_dir)
    people_file = data_dir / "demo-people.json"
    people_file.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "salesforce_emulator", "serve",
        "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir),
        "--seed-demo", "--demo-people-file", str(people_file),
        "--app-key", app["key"], "--app-secret", app["secret"], "--app-callback", callback_url,
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603 - our own module
    deadline = time.monotonic() + EMULATOR_START_SECONDS
    while not people_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            raise SystemExit(f"The Salesforce emulator did not start on port {port}.")
        time.sleep(0.2)
    people = json.loads(people_file.read_text())
    return EmulatorProcess(process, f"http://127.0.0.1:{port}", app["key"], app["secret"], people)


class EmulatorProcess:
    def __init__(
        self,
        process: subprocess.Popen[bytes],
        url: str,
        key: str,
        secret: str,
        people: list[dict[str, str]],
    ) -> None:
        self.process, self.url, self.key, self.secret, self.people = (
            process,
            url,
            key,
            secret,
            people,
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _demo_app_keys(data_dir: Path) -> dict[str, str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "demo-app.json"
    if not path.exists():
        keys = {"key": "3MVG9demo" + secrets.token_urlsafe(24), "secret": secrets.token_hex(32)}
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    return dict(json.loads(path.read_text()))


def demo(args: argparse.Namespace) -> None:
    os.environ.setdefault("JOBS_IN_PROCESS", "true")
    os.environ.setdefault("LOG_FORMAT", "plain")  # a person reads the demo's terminal
    os.environ.setdefault("MAILTRIXY_BASE_URL", f"http://127.0.0.1:{args.port}")
    if not args.no_emulator:
        os.environ.setdefault("SALESFORCE_EMULATOR_URL", f"http://127.0.0.1:{args.emulator_port}")
    _setup_django()
    from django.conf import settings

    from mailtrixy import jobs
    from mailtrixy.demo import DemoSalesforce, seed_demo

    prepare_database()
    emulator = None
    if not args.no_emulator:
        emulator = start_emulator(
            args.emulator_port,
            Path(settings.DATA_DIR) / "emulator",
            f"{settings.BASE_URL}/oauth/salesforce/callback",
        )
    preset = DemoSalesforce(emulator.url, emulator.key, emulator.secret) if emulator else None
    logins = seed_demo(salesforce_people=emulator.people if emulator else None, salesforce=preset)
    _start_worker_keeping_signals(jobs)
    print("\nMailTrixy demo", flush=True)
    print(f"  Open {settings.BASE_URL}/ and log in as:")
    for login in logins:
        print(f"    {login.role:<6} username {login.username!r:<10} password {login.password!r}")
    if emulator:
        print(f"  Salesforce emulator: {emulator.url}/ (its login: {DEMO_SF_LOGIN})")
        print("  Connect it in Settings → Integrations → Salesforce → Connect.")
    print(flush=True)
    try:
        serve("127.0.0.1", args.port, threads=8)
    finally:
        if emulator:
            emulator.stop()


def _start_worker_keeping_signals(jobs_module: object) -> None:
    """huey's consumer installs signal handlers; the web server must keep Ctrl+C for itself."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    jobs_module.start_in_process_worker()  # type: ignore[attr-defined]
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def serve_command(args: argparse.Namespace) -> None:
    _setup_django()
    from django.conf import settings

    if settings.JOBS_IN_PROCESS:
        from mailtrixy import jobs

        _start_worker_keeping_signals(jobs)
    serve(args.host, args.port, args.threads)


def worker_command(args: argparse.Namespace) -> None:
    """A job worker: huey's run_huey consumer, on any number of machines."""
    _setup_django()
    _manage("run_huey", "--workers", str(args.workers), "--worker-type", "thread")


def emulator_command(rest: Sequence[str]) -> None:
    os.execv(sys.executable, [sys.executable, "-m", "salesforce_emulator", *rest])  # noqa: S606


def manage_command(rest: Sequence[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailtrixy.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mailtrixy manage", *rest])


def operator_command(args: argparse.Namespace) -> int:
    """sync, connections, check, rotate-keys: see mailtrixy/ops/."""
    _setup_django()
    if args.command == "sync":
        from mailtrixy.ops.sync_now import sync_workspace

        return sync_workspace(args.workspace, sys.stdout)
    if args.command == "connections":
        from mailtrixy.ops.connections import print_connections

        return print_connections(sys.stdout, as_json=args.json)
    if args.command == "check":
        from mailtrixy.ops.check import check_command

        return check_command(sys.stdout)
    from mailtrixy.ops.rotate_keys import rotate_command

    return rotate_command(sys.stdout)


OPERATOR_COMMANDS = {"sync", "connections", "check", "rotate-keys"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mailtrixy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="migrate, seed, start the emulator and serve the demo")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--emulator-port", type=int, default=8800)
    p.add_argument("--no-emulator", action="store_true", help="do not start the emulator")
    p = sub.add_parser("serve", help="serve the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p = sub.add_parser("worker", help="run a job worker")
    p.add_argument("--workers", type=int, default=4)
    sub.add_parser("emulator", help="run the Salesforce emulator (arguments pass through)")
    sub.add_parser("manage", help="run a Django management command (arguments pass through)")
    sub.add_parser("migrate", help="apply database migrations and create the cache table")
    p = sub.add_parser("sync", help="sync one workspace now, printing progress")
    p.add_argument("--workspace", required=True, help="the workspace's id or exact name")
    p = sub.add_parser("connections", help="every connection's status, needs-reconnect first")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    sub.add_parser("check", help="report configuration problems in plain words")
    sub.add_parser("rotate-keys", help="re-encrypt saved secrets with the newest encryption key")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in {"emulator", "manage"}:
        (emulator_command if argv[0] == "emulator" else manage_command)(argv[1:])
        return
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        demo(args)
    elif args.command == "serve":
        serve_command(args)
    elif args.command == "worker":
        worker_command(args)
    elif args.command == "migrate":
        _setup_django()
        prepare_database()
    elif args.command in OPERATOR_COMMANDS:
        sys.exit(operator_command(args))


if __name__ == "__main__":
    main()
