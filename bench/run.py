"""Run every benchmark against a fresh emulator process and print the results table.

    python -m bench.run --sizes 10000,100000          # make bench
    python -m bench.run --sizes 1000000 --only pull   # make bench-large

Each benchmark is a child process (its own memory, its own database); the emulator is another
process, so the MailTrixy side's peak memory is its own. Results: a Markdown table on stdout and
every raw figure in bench/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import report

ROOT = Path(__file__).resolve().parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_emulator() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "salesforce_emulator", "serve", "--port", str(port),
         "--daily-api-requests", "1000000000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    import httpx

    for _ in range(200):
        try:
            if httpx.get(f"{url}/_emulator/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the emulator did not start")


def child(module: str, args: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    print(f"… {module} {json.dumps(args)}", file=sys.stderr, flush=True)
    done = subprocess.run(
        [PYTHON, "-m", f"bench.{module}", json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT.parent)},
    )
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return {"bench": module, "error": done.stderr.strip().splitlines()[-1:], **args}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return result


def plan(sizes: list[int], only: set[str], emulator: str) -> list[tuple[str, dict[str, Any]]]:
    steps: list[tuple[str, dict[str, Any]]] = []
    base = {"emulator": emulator}
    for size in sizes:
        large = size > 100_000
        if "pull" in only:
            for db in ("sqlite", "postgres"):
                steps.append(("pull", base | {"size": size, "db": db, "incremental": not large}))
            steps.append(("pull", base | {"size": size, "db": "sqlite", "bulk": False,
                                          "incremental": False}))  # fmt: skip
            # At 1M the baseline's reading is capped too (60 s of pages), and projected.
            capped = {"fetch_budget_s": 60} if large else {}
            steps.append(("pull", base | {"size": size, "db": "sqlite", "baseline": True,
                                          "budget_s": 60} | capped))  # fmt: skip
    if "push" in only:
        steps.append(("push", base | {"size": 10_000, "db": "sqlite", "baseline_budget_s": 60}))
        steps.append(("push", base | {"size": 10_000, "db": "postgres", "baseline_budget_s": 5}))
    if "card" in only:
        steps.append(("card", base | {"db": "sqlite", "views": 1000}))
    if "scheduler" in only:
        steps.append(("scheduler", {"db": "sqlite"}))
        steps.append(("scheduler", {"db": "postgres"}))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--only", default="pull,push,card,scheduler")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",") if s]
    only = set(options.only.split(","))
    if sizes and max(sizes) > 100_000:
        only &= {"pull"}  # the large size only changes the pull
    emulator, url = start_emulator()
    started = time.perf_counter()
    try:
        results = [child(module, args) for module, args in plan(sizes, only, url)]
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)
    facts = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": " ".join(["python", "-m", "bench.run", *sys.argv[1:]]),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "total_s": round(time.perf_counter() - started),
    }
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / f"{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps({"facts": facts, "results": results}, indent=1)
    )
    print(report.markdown(facts, results))


if __name__ == "__main__":
    main()
