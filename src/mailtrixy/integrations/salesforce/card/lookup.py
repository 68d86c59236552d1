"""One lookup: the Contact by email and its Account's Opportunities, in one Composite request.

The two SOQL queries of the product page travel as two subrequests of one Composite call, so a
lookup costs one API request. The second refers to the first (`@{contact.records[0].AccountId}`);
when the Contact has no Account, or no Contact matched, Salesforce fails or skips that dependent
subrequest, and the card simply has no opportunity list.

Stated rules:
- Several Contacts with the email: the most recently modified one wins, ties broken by the
  smallest Id (`ORDER BY LastModifiedDate DESC, Id ASC LIMIT 1`).
- "Most recent" opportunities: `ORDER BY CloseDate DESC, LastModifiedDate DESC, Id DESC LIMIT 5`
  (the close date, expected or actual, latest first).
- A Contact counts only when its Email equals the looked-up email ignoring case, as SOQL's `=`
  does for email fields; anything else Salesforce returns is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote as url_quote

from mailtrixy.integrations.salesforce.card.model import CardOpportunity, OrgFacts, SalesforceCard
from mailtrixy.integrations.salesforce.client import SalesforceClient, subresponse_body
from mailtrixy.integrations.salesforce.soql import quote

OPPORTUNITY_LIMIT = 5
CONTACT_REF = "contact"
OPPORTUNITIES_REF = "opportunities"
ACCOUNT_REFERENCE = "@{contact.records[0].AccountId}"
CONTACT_FIELDS = "Id, Name, Email, Title, LeadSource, AccountId, Account.Name"
CONTACT_ORDER = "ORDER BY LastModifiedDate DESC, Id ASC LIMIT 1"
OPPORTUNITY_FIELDS = "Id, Name, StageName, Amount, IsClosed, IsWon"
OPPORTUNITY_ORDER = (
    f"ORDER BY CloseDate DESC, LastModifiedDate DESC, Id DESC LIMIT {OPPORTUNITY_LIMIT}"
)


@dataclass(frozen=True)
class LookupResult:
    card: SalesforceCard | None
    """None when no Salesforce Contact has the email."""
    facts: OrgFacts
    """The org facts used, learned by this lookup when the caller did not know them."""


def contact_soql(email: str) -> str:
    return f"SELECT {CONTACT_FIELDS} FROM Contact WHERE Email = {quote(email)} {CONTACT_ORDER}"


def opportunities_soql(account: str, *, multi_currency: bool) -> str:
    """`account` is a quoted literal or the composite reference to the Contact's AccountId."""
    fields = OPPORTUNITY_FIELDS + (", CurrencyIsoCode" if multi_currency else "")
    return f"SELECT {fields} FROM Opportunity WHERE AccountId = {account} {OPPORTUNITY_ORDER}"


def lookup(
    client: SalesforceClient, email: str, *, org_id: str, facts: OrgFacts | None
) -> LookupResult:
    """The card for `email` (already lower-cased), in one API request.

    When `facts` is None the same request also reads the Opportunity describe and the
    Organization record (neither is a SOQL query). If that reveals a multi-currency org, the
    opportunities are read once more with their currency: a second request, once per org.
    """
    multi_currency = facts.multi_currency if facts else False
    subrequests = [
        _query(client, CONTACT_REF, url_quote(contact_soql(email), safe="")),
        _query(client, OPPORTUNITIES_REF, _url_keeping_reference(multi_currency)),
    ]
    if facts is None:
        subrequests += _facts_subrequests(client, org_id)
    answers = {a["referenceId"]: a for a in client.composite(subrequests)}
    learned = facts or _facts(answers)
    row = _matching_contact(subresponse_body(answers[CONTACT_REF]), email)
    if row is None:
        return LookupResult(None, learned)
    account_id = str(row.get("AccountId") or "")
    opportunities: list[dict[str, Any]] = []
    if account_id and learned.multi_currency and not multi_currency:
        opportunities = client.query(opportunities_soql(quote(account_id), multi_currency=True))[
            "records"
        ]
    elif account_id:
        opportunities = subresponse_body(answers[OPPORTUNITIES_REF])["records"]
    return LookupResult(_card(row, account_id, opportunities, learned), learned)


def _query(client: SalesforceClient, reference_id: str, encoded_soql: str) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": client.service_path(f"query?q={encoded_soql}"),
        "referenceId": reference_id,
    }


def _url_keeping_reference(multi_currency: bool) -> str:
    """URL-encode the query but leave the reference as Salesforce must see it: `@{...}`.

    Only this query carries a reference; the Contact query is encoded whole, so an email that
    looks like a reference (`x@{contact.Id}`) stays data.
    """
    soql = opportunities_soql(f"'{ACCOUNT_REFERENCE}'", multi_currency=multi_currency)
    return ACCOUNT_REFERENCE.join(
        url_quote(part, safe="") for part in soql.split(ACCOUNT_REFERENCE)
    )


def _facts_subrequests(client: SalesforceClient, org_id: str) -> list[dict[str, Any]]:
    subrequests = [
        {
            "method": "GET",
            "url": client.service_path("sobjects/Opportunity/describe"),
            "referenceId": "describe",
        }
    ]
    if org_id.isalnum():
        subrequests.append(
            {
                "method": "GET",
                "url": client.service_path(
                    f"sobjects/Organization/{org_id}?fields=DefaultCurrencyIsoCode"
                ),
                "referenceId": "org",
            }
        )
    return subrequests


def _facts(answers: dict[str, dict[str, Any]]) -> OrgFacts:
    """Multi-currency orgs have an Opportunity.CurrencyIsoCode field; the org has a default."""
    fields = {f.get("name") for f in subresponse_body(answers["describe"]).get("fields", [])}
    default = ""
    if "org" in answers:
        default = str(subresponse_body(answers["org"]).get("DefaultCurrencyIsoCode") or "")
    return OrgFacts(multi_currency="CurrencyIsoCode" in fields, default_currency=default)


def _matching_contact(body: dict[str, Any], email: str) -> dict[str, Any] | None:
    rows: list[dict[str, Any]] = body.get("records") or []
    if not rows or str(rows[0].get("Email") or "").lower() != email:
        return None
    return rows[0]


def _card(
    row: dict[str, Any], account_id: str, opportunities: list[dict[str, Any]], facts: OrgFacts
) -> SalesforceCard:
    account = row.get("Account") or {}
    return SalesforceCard(
        contact_id=str(row["Id"]),
        name=str(row.get("Name") or ""),
        title=str(row.get("Title") or ""),
        lead_source=str(row.get("LeadSource") or ""),
        account_id=account_id,
        account_name=str(account.get("Name") or ""),
        opportunities=tuple(_opportunity(o, facts) for o in opportunities[:OPPORTUNITY_LIMIT]),
    )


def _opportunity(row: dict[str, Any], facts: OrgFacts) -> CardOpportunity:
    amount = row.get("Amount")
    currency = row.get("CurrencyIsoCode") if facts.multi_currency else None
    return CardOpportunity(
        id=str(row["Id"]),
        name=str(row.get("Name") or ""),
        stage=str(row.get("StageName") or ""),
        amount=None if amount is None else Decimal(str(amount)),
        currency=str(currency or facts.default_currency),
        is_closed=bool(row.get("IsClosed")),
        is_won=bool(row.get("IsWon")),
    )
