"""The Salesforce card over real HTTP: hit and miss latency, 20 concurrent users, calls per view.

    python -m bench.card '{"emulator": URL, "db": "sqlite", "views": 1000}'

The emulator adds 150 ms to every API call. The web app runs in this process on a threaded WSGI
server; requests go through httpx with a logged-in session cookie. The email mix: 1,000 views
drawn (fixed seed) from 300 known emails with a skew (a few people write often) plus 10% unknown.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from bench import baseline, common

LATENCY_MS = 150


def main(args: dict[str, Any]) -> dict[str, Any]:
    url, drop = common.database_url(str(args.get("db", "sqlite")))
    try:
        common.start_django(url)
        return run(args["emulator"], int(args.get("views", 1000)), args)
    finally:
        drop()


def serve() -> tuple[str, Any]:
    from wsgiref.simple_server import WSGIRequestHandler

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def views(contact_ids: list[int], unknown_ids: list[int], count: int) -> list[int]:
    rng = random.Random(8)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(contact_ids))]
    picks = rng.choices(contact_ids, weights=weights, k=count)
    return [rng.choice(unknown_ids) if rng.random() < 0.1 else pick for pick in picks]


def run(emulator: str, count: int, args: dict[str, Any]) -> dict[str, Any]:
    from django.core.cache import cache
    from django.test import Client

    from mailtrixy.inbox.models import Contact

    org = common.make_org(emulator, contacts=2000, seed=5)
    workspace, member = common.make_workspace()
    common.connect(workspace, member, org)
    with org.admin_http() as api:
        soql = "SELECT Email FROM Contact WHERE Email != null ORDER BY Id LIMIT 300"
        emails = [r["Email"] for r in api.get("query", params={"q": soql}).json()["records"]]
    known = [Contact.objects.create(workspace=workspace, email=e, last_name="x").pk for e in emails]
    unknown = [
        Contact.objects.create(workspace=workspace, email=f"nobody{i}@nowhere.example").pk
        for i in range(100)
    ]
    email_of = dict(Contact.objects.filter(workspace=workspace).values_list("pk", "email"))
    client = Client()
    client.force_login(member.user)
    cookie = client.cookies["sessionid"].value
    base, server = serve()
    org.control.set_faults(org.org_id, latency_ms=LATENCY_MS)
    sequence = views(known, unknown, count)
    try:
        with httpx.Client(base_url=base, cookies={"sessionid": cookie}, timeout=30) as http:
            http.get(f"/cards/salesforce/{known[-1]}/")  # warm up (imports, templates)
            cache.clear()
            org.reset()
            hits, misses = one_user(http, sequence)
            calls_per_1000 = org.api_calls() * 1000 / len(sequence)
        cache.clear()
        org.reset()
        throughput = concurrent(base, cookie, sequence, users=20)
        concurrent_calls = org.api_calls()
        # The same views, the way cards are commonly written (same org, same 150 ms per call).
        common_way = baseline.card(org, [email_of[pk] for pk in sequence], budget_s=60)
    finally:
        server.shutdown()
        org.control.clear_faults(org.org_id)
    return {
        "bench": "card",
        "views": len(sequence),
        "distinct": len(set(sequence)),
        "latency_ms_per_call": LATENCY_MS,
        "hit": percentiles(hits),
        "miss": percentiles(misses),
        "calls_per_1000_views": round(calls_per_1000, 1),
        "rps_20_users": round(throughput, 1),
        "calls_20_users": concurrent_calls,
        **common_way,
    }


def one_user(http: httpx.Client, sequence: list[int]) -> tuple[list[float], list[float]]:
    """One person's views in order: the first view of a contact is a miss, later ones hits."""
    seen: set[int] = set()
    hits: list[float] = []
    misses: list[float] = []
    for contact_id in sequence:
        start = time.perf_counter()
        answer = http.get(f"/cards/salesforce/{contact_id}/")
        took = (time.perf_counter() - start) * 1000
        answer.raise_for_status()
        (hits if contact_id in seen else misses).append(took)
        seen.add(contact_id)
    return hits, misses


def concurrent(base: str, cookie: str, sequence: list[int], users: int) -> float:
    local = threading.local()

    def view(contact_id: int) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(base_url=base, cookies={"sessionid": cookie}, timeout=30)
        local.http.get(f"/cards/salesforce/{contact_id}/").raise_for_status()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(view, sequence))
    return len(sequence) / (time.perf_counter() - start)


def percentiles(samples: list[float]) -> dict[str, float]:
    if len(samples) < 2:
        return {"n": len(samples)}
    cuts = statistics.quantiles(samples, n=100)
    return {
        "n": len(samples),
        "p50": round(cuts[49], 1),
        "p95": round(cuts[94], 1),
        "p99": round(cuts[98], 1),
    }


if __name__ == "__main__":
    common.emit(main(common.child_args()))
