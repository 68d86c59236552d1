"""The way integrations are commonly written, run on the same data in the same run, for ratios.

- pull: simple-salesforce's `query_all` into one list, then one ORM save per record (the contact,
  then its link), each in its own transaction;
- push: one REST call per record (`sf.Opportunity.create` / `.update`), one save per link.
Per-record saves are slow, so a run may stop saving after `budget_s` seconds and report the rate
it reached (marked "extrapolated"); `query_all` always reads everything.
"""

from __future__ import annotations

import time
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


def pull(org: common.Org, workspace: Any, budget_s: float) -> dict[str, Any]:
    from django.utils import timezone

    from mailtrixy.inbox.models import Contact
    from mailtrixy.integrations.salesforce.models import ContactLink

    sf = simple_salesforce(org)
    org.reset()
    before = common.rss_mb()
    start = time.perf_counter()
    rows = sf.query_all(
        "SELECT Id, FirstName, LastName, Email, Phone, Title, AccountId, Account.Name, "
        "SystemModstamp FROM Contact"
    )["records"]
    fetched = time.perf_counter() - start
    peak_after_fetch = common.peak_rss_mb()
    saved = 0
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
        if time.perf_counter() - start > budget_s:
            break
    elapsed = time.perf_counter() - start
    save_rate = saved / max(elapsed - fetched, 1e-9)
    total = len(rows)
    projected = fetched + total / save_rate if saved < total else elapsed
    return {
        "baseline_wall_s": round(projected, 2),
        "baseline_extrapolated": saved < total,
        "baseline_saved": saved,
        "baseline_records_per_s": round(total / projected),
        "baseline_api_calls": org.api_calls(),
        "baseline_peak_growth_mb": round(max(peak_after_fetch, common.peak_rss_mb()) - before, 1),
    }


def push(org: common.Org, deals: list[Any], budget_s: float, *, update: bool) -> dict[str, Any]:
    """One REST call per deal: create each Opportunity, or change each one's Amount."""
    from mailtrixy.integrations.salesforce.models import DealLink

    sf = simple_salesforce(org)
    org.reset()
    start = time.perf_counter()
    done = 0
    for deal in deals:
        if update:
            link = DealLink.objects.filter(deal=deal).first()
            if link is None:  # the create baseline stopped before this deal
                continue
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
