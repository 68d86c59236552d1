"""The way integrations are commonly written, run on the same data in the same run, for ratios.

- pull: simple-salesforce's `query_all` into one list, then one ORM save per record (the contact,
  then its link), each in its own transaction;
- push: one REST call per record (`sf.Opportunity.create` / `.update`), one save per link;
- incremental: `query_all` of each object changed since the last poll, one ORM save per changed
  record, one REST update per contact changed in MailTrixy since then;
- scheduler: each connection's last run looked up on its own.
Per-record saves are slow, so a run may stop saving after `budget_s` seconds and report the rate
it reached (marked "extrapolated"); `query_all` always reads everything.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from bench import common


class _PlainHttp(HTTPAdapter):
    """simple-salesforce insists on https; the emulator here speaks plain http."""

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        request.url = request.url.replace("https://", "http://", 1)
        return super().send(request, *args, **kwargs)


def simple_salesforce(org: common.Org) -> Any:
    from simple_salesforce import Salesforce

    session = requests.Session()
    session.trust_env = False
    session.mount("https://", _PlainHttp())
    token = org.control.issue_tokens(org.org_id, org.key, org.username)["access_token"]
    instance = org.base_url.replace("http://", "https://")
    return Salesforce(instance_url=instance, session_id=token, version="62.0", session=session)


SOQL = (
    "SELECT Id, FirstName, LastName, Email, Phone, Title, AccountId, Account.Name, "
    "SystemModstamp FROM Contact"
)


def _query_all(sf: Any, soql: str, budget_s: float | None) -> tuple[list[Any], int]:
    """`query_all` into one list; with a budget, its own loop (query, then query_more) stops
    reading pages after `budget_s` seconds. Returns the rows read and the org's total."""
    if budget_s is None:
        answer = sf.query_all(soql)
        return list(answer["records"]), int(answer["totalSize"])
    start = time.perf_counter()
    page = sf.query(soql)
    rows = list(page["records"])
    while not page["done"] and time.perf_counter() - start < budget_s:
        page = sf.query_more(page["nextRecordsUrl"], identifier_is_url=True)
        rows.extend(page["records"])
    return rows, int(page["totalSize"])


def pull(
    org: common.Org, workspace: Any, budget_s: float, fetch_budget_s: float | None = None
) -> dict[str, Any]:
    """Read the org, then save row by row; saving stops after `budget_s` s, reading (if
    `fetch_budget_s` is given) after `fetch_budget_s` s; what was cut is projected linearly."""
    from django.utils import timezone

    from mailtrixy.inbox.models import Contact
    from mailtrixy.integrations.salesforce.models import ContactLink

    sf = simple_salesforce(org)
    org.reset()
    before = common.rss_mb()
    start = time.perf_counter()
    rows, total = _query_all(sf, SOQL, fetch_budget_s)
    fetched = time.perf_counter() - start
    fetch_calls = org.api_calls()
    fetch_growth = common.peak_rss_mb() - before
    saved = 0
    save_start = time.perf_counter()
    for row in rows:
        email = row["Email"] or ""
        contact = Contact.objects.filter(workspace=workspace, email__iexact=email).first()
        if contact is None or not email:
            contact = Contact(workspace=workspace, email=email)
        contact.first_name = row["FirstName"] or ""
        contact.last_name = row["LastName"] or ""
        contact.phone = row["Phone"] or ""
        contact.title = row["Title"] or ""
        contact.company = (row["Account"] or {}).get("Name") or ""
        contact.save()
        ContactLink.objects.update_or_create(
            workspace=workspace,
            salesforce_id=row["Id"],
            defaults={
                "contact": contact,
                "remote_modstamp": row["SystemModstamp"],
                "base": {},
                "synced_at": timezone.now(),
            },
        )
        saved += 1
        if time.perf_counter() - save_start > budget_s:
            break
    saving = time.perf_counter() - save_start
    share = total / max(len(rows), 1)  # > 1 when reading was cut short
    fetch_s = fetched * share
    save_s = saving * total / max(saved, 1)
    projected = fetch_s + save_s
    return {
        "baseline_wall_s": round(projected, 2),
        "baseline_extrapolated": saved < total,
        "baseline_fetch_extrapolated": len(rows) < total,
        "baseline_fetched": len(rows),
        "baseline_fetch_s": round(fetched, 2),
        "baseline_saved": saved,
        "baseline_save_s": round(saving, 2),
        "baseline_records_per_s": round(total / projected),
        "baseline_api_calls": round(fetch_calls * share),
        "baseline_api_calls_measured": org.api_calls(),
        "baseline_peak_growth_mb": round(max(fetch_growth * share, 0.0), 1),
        "baseline_peak_growth_measured_mb": round(common.peak_rss_mb() - before, 1),
    }


def push(org: common.Org, deals: list[Any], budget_s: float, *, update: bool) -> dict[str, Any]:
    """One REST call per deal: create each Opportunity, or change each one's Amount."""
    from mailtrixy.integrations.salesforce.models import DealLink

    sf = simple_salesforce(org)
    links = {
        link.deal_id: link for link in DealLink.objects.filter(workspace_id=deals[0].workspace_id)
    }
    todo = [deal for deal in deals if deal.pk in links] if update else deals
    org.reset()
    start = time.perf_counter()
    done = 0
    for deal in todo:  # changed: only the deals the create baseline reached before its budget
        if update:
            link = links[deal.pk]
            sf.Opportunity.update(link.salesforce_id, {"Amount": float(deal.amount) + 1})
            link.save()
        else:
            created = sf.Opportunity.create(
                {
                    "Name": deal.name,
                    "Amount": float(deal.amount),
                    "StageName": "Prospecting",
                    "CloseDate": "2030-01-01",
                }
            )
            DealLink.objects.update_or_create(
                workspace_id=deal.workspace_id, deal=deal, defaults={"salesforce_id": created["id"]}
            )
        done += 1
        if time.perf_counter() - start > budget_s:
            break
    elapsed = time.perf_counter() - start
    projected = elapsed * len(deals) / done
    return {
        "baseline_wall_s": round(projected, 2),
        "baseline_extrapolated": done < len(deals),
        "baseline_done": done,
        "baseline_api_calls": org.api_calls() * len(deals) // done,
    }


CHANGED_CONTACTS = (
    "SELECT Id, FirstName, LastName, Email, Phone, Title, AccountId, Account.Name, "
    "SystemModstamp FROM Contact WHERE SystemModstamp > {since}"
)
CHANGED_OPPORTUNITIES = (
    "SELECT Id, Name, Amount, StageName, CloseDate, IsWon, IsClosed, SystemModstamp "
    "FROM Opportunity WHERE SystemModstamp > {since}"
)


def incremental(
    org: common.Org, workspace: Any, since: datetime, since_in_org: str
) -> dict[str, Any]:
    """One poll as commonly written: what changed on each side since the last poll (`since` by
    MailTrixy's clock, `since_in_org` a SystemModstamp by the org's), record by record; then an
    idle poll right after it."""
    from mailtrixy.inbox.models import Contact
    from mailtrixy.integrations.salesforce.models import ContactLink

    sf = simple_salesforce(org)
    org.reset()
    start = time.perf_counter()
    local = list(
        Contact.objects.filter(workspace=workspace, updated_at__gt=since).select_related(
            "salesforce"
        )
    )
    changed = sf.query_all(CHANGED_CONTACTS.format(since=_literal(since_in_org)))["records"]
    sf.query_all(CHANGED_OPPORTUNITIES.format(since=_literal(since_in_org)))  # no deal changed
    for row in changed:
        link = ContactLink.objects.select_related("contact").get(
            workspace=workspace, salesforce_id=row["Id"]
        )
        contact = link.contact
        contact.title = row["Title"] or ""
        contact.save()
        link.remote_modstamp = row["SystemModstamp"]
        link.save()
    for contact in local:
        sf.Contact.update(contact.salesforce.salesforce_id, {"Title": contact.title})
    wall = time.perf_counter() - start
    calls = org.api_calls()
    org.reset()
    idle_start = time.perf_counter()
    newest = max((row["SystemModstamp"] for row in changed), default=since_in_org)
    sf.query_all(CHANGED_CONTACTS.format(since=_literal(newest)))
    sf.query_all(CHANGED_OPPORTUNITIES.format(since=_literal(newest)))
    return {
        "baseline_incremental_wall_s": round(wall, 2),
        "baseline_incremental_calls": calls,
        "baseline_incremental_pulled": len(changed),
        "baseline_incremental_pushed": len(local),
        "baseline_idle_calls": org.api_calls(),
        "baseline_idle_wall_s": round(time.perf_counter() - idle_start, 2),
    }


def _literal(stamp: str) -> str:
    """A SystemModstamp (`…000+0000`) as a SOQL literal."""
    from mailtrixy.integrations.salesforce.soql import datetime_literal, parse_datetime

    return datetime_literal(parse_datetime(stamp))


def scheduler_round(interval_s: float) -> list[int]:
    """Which connections are due, as commonly written: their last run, one query each."""
    from django.utils import timezone

    from mailtrixy.integrations.models import Connection, SyncRun

    due: list[int] = []
    cutoff = timezone.now().timestamp() - interval_s
    for connection in Connection.objects.filter(provider="salesforce"):
        last = (
            SyncRun.objects.filter(workspace_id=connection.workspace_id, provider="salesforce")
            .order_by("-queued_at")
            .first()
        )
        if last is None or last.queued_at.timestamp() < cutoff:
            due.append(connection.workspace_id)
    return due


def card(org: common.Org, emails: list[str], budget_s: float) -> dict[str, Any]:
    """The card as commonly written: no cache, the spec's two SOQL queries as two REST calls
    (simple-salesforce), for each view in `emails`; stops after `budget_s` s, calls projected."""
    sf = simple_salesforce(org)
    org.reset()
    took: list[float] = []
    start = time.perf_counter()
    for email in emails:
        began = time.perf_counter()
        quoted = email.replace("\\", "\\\\").replace("'", "\\'")
        found = sf.query(
            f"SELECT Id, Title, LeadSource, AccountId, Account.Name FROM Contact "
            f"WHERE Email = '{quoted}' LIMIT 1"
        )["records"]
        if found and found[0]["AccountId"]:
            sf.query(
                "SELECT Name, StageName, Amount, IsWon, IsClosed FROM Opportunity "
                f"WHERE AccountId = '{found[0]['AccountId']}' ORDER BY CloseDate DESC LIMIT 5"
            )
        took.append((time.perf_counter() - began) * 1000)
        if time.perf_counter() - start > budget_s:
            break
    calls = org.api_calls()
    return {
        "baseline_views": len(took),
        "baseline_view_ms": _percentiles(took),
        "baseline_calls_per_1000_views": round(calls * 1000 / len(took), 1),
        "baseline_extrapolated": len(took) < len(emails),
    }


def _percentiles(samples: list[float]) -> dict[str, float]:
    import statistics

    cuts = statistics.quantiles(samples, n=100) if len(samples) > 1 else [samples[0]] * 99
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "p99": round(cuts[98], 1)}
