"""Redaction, for any generated secret: no piece of it survives; org ids and instance URLs do.

A secret counts as leaked when any run of WINDOW of its characters appears in the redacted line
although the line without the secret did not hold it (so a coincidence with the org id or the
words around it is not a leak).
"""

from __future__ import annotations

import json
import string
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock
from urllib.parse import quote, quote_plus

from hypothesis import given
from hypothesis import strategies as st

from mailtrixy.integrations.models import Connection
from mailtrixy.observability import secrets
from mailtrixy.observability.redact import MASK, redact

WINDOW = 12  # longer than MASK, so the mask itself is never mistaken for a piece of a secret
ALNUM = string.ascii_letters + string.digits
TOKEN_CHARS = ALNUM + "._"

org_ids = st.builds(
    lambda body, suffix: f"00D{body}{suffix}",
    st.text(ALNUM, min_size=12, max_size=12),
    st.one_of(st.just(""), st.text(ALNUM, min_size=3, max_size=3)),  # 15 or 18 characters
)
opaque_parts = st.text(TOKEN_CHARS, min_size=20, max_size=120)
refresh_tokens = st.text(TOKEN_CHARS, min_size=40, max_size=100).map(lambda t: f"5Aep861{t}")
consumer_secrets = st.one_of(
    st.text("0123456789ABCDEF", min_size=64, max_size=64),
    st.text(string.digits, min_size=19, max_size=19),
)
codes = st.text(ALNUM + "+/", min_size=40, max_size=100).map(lambda c: f"aPrx{c}==")
passwords = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), min_size=8, max_size=40
).filter(lambda p: p.strip() == p and p != "")
my_domains = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,38}[A-Za-z0-9]", fullmatch=True)
instance_urls = st.one_of(
    my_domains.map(lambda d: f"https://{d}.my.salesforce.com"),
    st.tuples(my_domains, st.from_regex(r"[a-z][a-z0-9]{0,9}", fullmatch=True)).map(
        lambda p: f"https://{p[0]}--{p[1]}.sandbox.my.salesforce.com"
    ),
    st.from_regex(r"(na|eu|ap|cs|um)[0-9]{1,3}", fullmatch=True).map(
        lambda pod: f"https://{pod}.salesforce.com"
    ),
    st.integers(1024, 65535).map(lambda port: f"http://127.0.0.1:{port}"),
)

# Where a secret meets a log line: each returns (the line, the secret as written in it).
Context = Callable[[str], tuple[str, str]]


def _plain(template: str) -> Context:
    return lambda secret: (template.format(secret), secret)


TOKEN_CONTEXTS: list[Context] = [
    _plain("token {} expired"),
    _plain("Authorization: Bearer {}"),
    _plain("Authorization: OAuth {}"),
    _plain("POST /services/oauth2/revoke token={}&x=1"),
    lambda t: (json.dumps({"access_token": t, "instance_url": "https://x.my.salesforce.com"}), t),
    lambda t: (repr({"refresh_token": t}), t),
    lambda t: (f"access_token={quote_plus(t)}", quote_plus(t)),
]
NAMED_SECRET_CONTEXTS: list[Context] = [
    _plain("client_secret={}"),
    _plain("grant_type=refresh_token&client_id=abc&client_secret={}&refresh_token=x"),
    _plain("consumer_secret: {}"),
    lambda s: (json.dumps({"client_secret": s}), s),
]
CODE_CONTEXTS: list[Context] = [
    lambda c: (
        f"GET /oauth/salesforce/callback?code={quote(c, safe='')}&state=s1",
        quote(c, safe=""),
    ),
    lambda c: (f"grant_type=authorization_code&code={quote_plus(c)}", quote_plus(c)),
    lambda c: (json.dumps({"code": c, "state": "s1"}), c),
]
PASSWORD_CONTEXTS: list[Context] = [
    lambda p: (
        json.dumps({"password": p}, ensure_ascii=False),
        json.dumps(p, ensure_ascii=False)[1:-1],
    ),
    lambda p: (repr({"password": p}), repr(p)[1:-1]),
    lambda p: (f"username=ann&password={quote_plus(p)}", quote_plus(p)),
    lambda p: (
        f"DATABASE_URL=postgresql://mailtrixy:{quote(p, safe='')}@db:5432/x",
        quote(p, safe=""),
    ),
]


def leaked(secret: str, line: str, redacted: str) -> list[str]:
    """The pieces of `secret` that redaction let through."""
    around = line.replace(secret, "\0")
    shown = redacted.replace(MASK, "\0")
    pieces = {secret[i : i + WINDOW] for i in range(max(1, len(secret) - WINDOW + 1))}
    return sorted(p for p in pieces if p in shown and p not in around)


@contextmanager
def held_secrets() -> Iterator[None]:
    """The secrets this process holds, emptied for the example and restored after it."""
    with mock.patch.object(secrets, "_recent", OrderedDict()):
        yield


@given(org_ids, opaque_parts, st.sampled_from(TOKEN_CONTEXTS))
def test_an_access_token_never_survives(org_id: str, opaque: str, context: Context) -> None:
    line, _ = context(f"{org_id}!{opaque}")
    redacted = redact(line)
    assert leaked(opaque, line, redacted) == [], redacted


@given(org_ids, opaque_parts)
def test_a_bare_access_token_keeps_its_org_id(org_id: str, opaque: str) -> None:
    with held_secrets():
        Connection._meta.get_field("access_token").get_prep_value(f"{org_id}!{opaque}")
        for line in (
            f"Refreshed {org_id}!{opaque} for connection 9",
            f"new token {org_id}!{opaque}",
        ):
            redacted = redact(line)
            assert leaked(opaque, line, redacted) == [] and f"{org_id}!{MASK}" in redacted


@given(refresh_tokens, st.sampled_from(TOKEN_CONTEXTS))
def test_a_refresh_token_never_survives(token: str, context: Context) -> None:
    line, written = context(token)
    assert leaked(written, line, redact(line)) == []


@given(consumer_secrets, st.sampled_from(NAMED_SECRET_CONTEXTS))
def test_a_named_client_secret_never_survives(secret: str, context: Context) -> None:
    line, written = context(secret)
    assert leaked(written, line, redact(line)) == []


@given(codes, st.sampled_from(CODE_CONTEXTS))
def test_an_authorization_code_never_survives(code: str, context: Context) -> None:
    line, written = context(code)
    assert leaked(written, line, redact(line)) == []


@given(passwords, st.sampled_from(PASSWORD_CONTEXTS))
def test_a_password_never_survives(password: str, context: Context) -> None:
    line, written = context(password)
    assert leaked(written, line, redact(line)) == []


@given(st.one_of(consumer_secrets, passwords, refresh_tokens), st.text(max_size=30))
def test_a_held_secret_never_survives_even_bare(secret: str, words: str) -> None:
    """A secret the process stored or read (a consumer secret looks like any digest) is masked
    by value wherever it appears."""
    with held_secrets():
        Connection._meta.get_field("refresh_token").get_prep_value(secret)
        line = f"{words} {secret} {words}"
        assert leaked(secret, line, redact(line)) == []


@given(org_ids, instance_urls, st.sampled_from(["Connected", "Pulled 3 contacts from"]))
def test_org_ids_and_instance_urls_survive(org_id: str, url: str, verb: str) -> None:
    with held_secrets():
        for name in ("external_org_id", "instance_url"):  # held, like a connection's own values
            Connection._meta.get_field(name).get_prep_value(org_id if "org" in name else url)
        for line in (
            f"{verb} org {org_id} at {url}.",
            f"org_id={org_id} instance_url={url}",
            json.dumps({"organization_id": org_id, "instance_url": url}),
            f"GET {url}/services/data/v62.0/query?q=SELECT+Id+FROM+Contact",
            f"identity https://login.salesforce.com/id/{org_id}/005000000000001AAA",
        ):
            redacted = redact(line)
            assert org_id in redacted or org_id not in line, redacted
            assert url in redacted or url not in line, redacted
