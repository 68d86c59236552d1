"""The `mailtrixy` command: demo, serve, worker, emulator, and Django's management commands."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


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


def start_emulator(port: int, data_dir: Path, callback_url: str) -> subprocess.Popen[bytes]:
    """Start the Salesforce emulator as its own process (MailTrixy meets it only over HTTP)."""
    command = [
        sys.executable,
        "-m",
        "salesforce_emulator",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--seed-demo",
        "--app-callback",
        callback_url,
    ]
    return subprocess.Popen(command)  # noqa: S603 - our own interpreter and module


def demo(args: argparse.Namespace) -> None:
    os.environ.setdefault("JOBS_IN_PROCESS", "true")
    os.environ.setdefault("MAILTRIXY_BASE_URL", f"http://127.0.0.1:{args.port}")
    _setup_django()
    from django.conf import settings

    from mailtrixy import jobs
    from mailtrixy.demo import seed_demo

    prepare_database()
    logins = seed_demo()
    emulator = None
    if not args.no_emulator:
        emulator = start_emulator(
            args.emulator_port,
            Path(settings.DATA_DIR) / "emulator",
            f"{settings.BASE_URL}/oauth/salesforce/callback",
        )
    _start_worker_keeping_signals(jobs)
    print("\nMailTrixy demo", flush=True)
    print(f"  Open {settings.BASE_URL}/ and log in as:")
    for login in logins:
        print(f"    {login.role:<6} username {login.username!r:<10} password {login.password!r}")
    if emulator:
        print(f"  Salesforce emulator: http://127.0.0.1:{args.emulator_port}/")
    print(flush=True)
    try:
        serve("127.0.0.1", args.port, threads=8)
    finally:
        if emulator:
            emulator.terminate()
            emulator.wait(timeout=10)


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


if __name__ == "__main__":
    main()
