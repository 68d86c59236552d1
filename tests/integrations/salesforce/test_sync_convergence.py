"""Random histories of edits on both sides, syncs and faults always converge (a Dropbox-paper test).

Each example is a fresh org and workspace. Rules create, edit and delete contacts and
opportunities in Salesforce, and contacts and deals in MailTrixy; syncs run under faults (expired
sessions, 503s, lock errors, responses dropped after commit, a worker killed mid-run). At the end
the faults stop, failing records are retried, and one sync must make both sides agree on every
mapped field; the next sync must write nothing; no Opportunity or Contact exists twice.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from mailtrixy.inbox.models import Contact, Deal
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.errors import SalesforceError
from mailtrixy.integrations.salesforce.models import DealLink, SyncIssue
from mailtrixy.integrations.salesforce.sync import mapping
from mailtrixy.integrations.salesforce.sync.engine import SyncEngine
from tests.factories import make_team
from tests.integrations.salesforce.conftest import SfOrg, connect, make_org

EXAMPLES = int(os.environ.get("CONVERGENCE_EXAMPLES", "200"))
WORDS = ["alpha", "beta", "gamma", "delta"]
SF_STAGES = ["Prospecting", "Qualification", "Closed Won", "Closed Lost"]
FAULTS: dict[str, dict[str, Any]] = {
    "503": {"error_503_rate": 0.5},
    "lock": {"lock_row_rate": 0.5},
    "drop": {"drop_response_rate": 1.0, "drop_mode": "disconnect"},
}
_names = itertools.count()


class Killed(Exception):
    """The worker died mid-run."""


class SyncMachine(RuleBasedStateMachine):
    emulator: Any = None

    @initialize()
    def setup(self) -> None:
        n = next(_names)
        self.team = make_team(f"Convergence {n}")
        self.sf: SfOrg = make_org(self.emulator)
        self.connection: Connection = connect(self.team, self.sf)
        self.sf_contacts: list[str] = []
        self.sf_deleted: list[tuple[str, str]] = []
        self.emails = itertools.count()

    # -- Salesforce side ---------------------------------------------------------------------

    @rule(word=st.sampled_from(WORDS))
    def sf_create_contact(self, word: str) -> None:
        body = {"LastName": word, "Email": f"c{next(self.emails)}-{word}@x.example"}
        self.sf_contacts.append(self._sf("POST", "sobjects/Contact", body)["id"])

    @rule(
        data=st.data(),
        field=st.sampled_from(["Title", "Phone", "LastName"]),
        word=st.sampled_from(WORDS),
    )
    def sf_edit_contact(self, data: st.DataObject, field: str, word: str) -> None:
        if self.sf_contacts:
            sf_id = data.draw(st.sampled_from(self.sf_contacts))
            self._sf("PATCH", f"sobjects/Contact/{sf_id}", {field: word})

    @rule(data=st.data())
    def sf_delete_contact(self, data: st.DataObject) -> None:
        if self.sf_contacts:
            sf_id = data.draw(st.sampled_from(self.sf_contacts))
            self._sf("DELETE", f"sobjects/Contact/{sf_id}")
            self.sf_contacts.remove(sf_id)
            self.sf_deleted.append(("Contact", sf_id))

    @rule(data=st.data())
    def sf_undelete(self, data: st.DataObject) -> None:
        if self.sf_deleted:
            sobject, sf_id = data.draw(st.sampled_from(self.sf_deleted))
            self.sf_deleted.remove((sobject, sf_id))
            try:
                self.sf.control.undelete(self.sf.org_id, sobject, sf_id)
            except Exception:  # its parent was deleted meanwhile, or it is already back
                return
            if sobject == "Contact":
                self.sf_contacts.append(sf_id)

    @rule(data=st.data(), stage=st.sampled_from(SF_STAGES), amount=st.integers(0, 5))
    def sf_edit_opportunity(self, data: st.DataObject, stage: str, amount: int) -> None:
        opportunities = self._sf_opportunity_ids()
        if opportunities:
            sf_id = data.draw(st.sampled_from(opportunities))
            body = {"StageName": stage, "Amount": amount * 100}
            self._sf("PATCH", f"sobjects/Opportunity/{sf_id}", body)

    @rule(data=st.data())
    def sf_delete_opportunity(self, data: st.DataObject) -> None:
        opportunities = self._sf_opportunity_ids()
        if opportunities:
            sf_id = data.draw(st.sampled_from(opportunities))
            self._sf("DELETE", f"sobjects/Opportunity/{sf_id}")
            self.sf_deleted.append(("Opportunity", sf_id))

    # -- MailTrixy side ------------------------------------------------------------------------

    @rule(
        data=st.data(),
        field=st.sampled_from(["title", "phone", "last_name"]),
        word=st.sampled_from(WORDS),
    )
    def local_edit_contact(self, data: st.DataObject, field: str, word: str) -> None:
        contacts = list(Contact.objects.filter(workspace=self.team.workspace))
        if contacts:
            contact = data.draw(st.sampled_from(contacts))
            setattr(contact, field, f"{word}!")
            contact.save()

    @rule(
        word=st.sampled_from(WORDS),
        amount=st.integers(0, 5),
        stage=st.sampled_from(["Lead", "Qualified", "Won", "Lost"]),
    )
    def local_create_deal(self, word: str, amount: int, stage: str) -> None:
        contact = Contact.objects.filter(workspace=self.team.workspace).first()
        Deal.objects.create(
            workspace=self.team.workspace,
            name=f"Deal {word}",
            amount=Decimal(amount * 100),
            currency="USD",
            stage=self.team.stage(stage),
            contact=contact,
        )

    @rule(data=st.data(), amount=st.integers(0, 5), stage=st.sampled_from(["Lead", "Won"]))
    def local_edit_deal(self, data: st.DataObject, amount: int, stage: str) -> None:
        deals = list(Deal.objects.filter(workspace=self.team.workspace))
        if deals:
            deal = data.draw(st.sampled_from(deals))
            deal.amount, deal.stage = Decimal(amount * 100), self.team.stage(stage)
            deal.save()

    @rule(data=st.data())
    def local_delete_deal(self, data: st.DataObject) -> None:
        deals = list(Deal.objects.filter(workspace=self.team.workspace))
        if deals:
            data.draw(st.sampled_from(deals)).delete()

    # -- syncs ---------------------------------------------------------------------------------

    @rule()
    def sync(self) -> None:
        self._sync()

    @rule(fault=st.sampled_from(sorted(FAULTS)), seed=st.integers(0, 3))
    def sync_under_fault(self, fault: str, seed: int) -> None:
        self.sf.control.set_faults(self.sf.org_id, seed=seed, **FAULTS[fault])
        try:
            self._sync()
        finally:
            self.sf.control.clear_faults(self.sf.org_id)

    @rule()
    def sync_after_sessions_expired(self) -> None:
        self.sf.control.expire_sessions(self.sf.org_id)
        self._sync()

    @rule(after=st.integers(1, 3))
    def worker_killed_mid_run(self, after: int) -> None:
        beats = itertools.count(1)

        def heartbeat(_progress: object) -> None:
            if next(beats) == after:
                raise Killed()

        with contextlib.suppress(Killed, SalesforceError):
            SyncEngine(Connection.objects.get(pk=self.connection.pk), heartbeat=heartbeat).run()

    # -- the properties --------------------------------------------------------------------------

    @invariant()
    def no_duplicate_opportunities(self) -> None:
        if not hasattr(self, "sf"):
            return
        keys = [
            r["MailTrixy_Deal_Id__c"]
            for r in self.sf.query("SELECT MailTrixy_Deal_Id__c, IsDeleted FROM Opportunity")
            if not r["IsDeleted"]
        ]
        assert len(keys) == len(set(keys)), "an Opportunity was created twice"

    def teardown(self) -> None:
        if not hasattr(self, "sf"):
            return
        self.sf.control.clear_faults(self.sf.org_id)
        SyncIssue.objects.filter(workspace=self.team.workspace).update(retry_after=None)
        self._sync(expect_success=True)
        self._assert_converged()
        again = self._sync(expect_success=True)
        writes = {
            k: v
            for k, v in again.items()
            if k.endswith(
                ("_pushed", "_created", "_updated", "_deleted", "_archived", "_restored", "_linked")
            )
        }
        assert writes == {}, f"a second sync still wrote: {writes}"

    # -- helpers -------------------------------------------------------------------------------

    def _sync(self, expect_success: bool = False) -> dict[str, Any]:
        try:
            return SyncEngine(Connection.objects.get(pk=self.connection.pk)).run()
        except SalesforceError:
            if expect_success:
                raise
            return {}

    def _sf(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.sf.rest(method, path, json=body) if body else self.sf.rest(method, path)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def _sf_opportunity_ids(self) -> list[str]:
        rows = self.sf.query("SELECT Id, IsDeleted FROM Opportunity ORDER BY Id")
        return [r["Id"] for r in rows if not r["IsDeleted"]]

    def _assert_converged(self) -> None:
        workspace = self.team.workspace
        remote = {
            r["Id"]: r
            for r in self.sf.query(
                "SELECT Id, FirstName, LastName, Email, Phone, Title, IsDeleted FROM Contact"
            )
            if not r["IsDeleted"]
        }
        local = {
            c.salesforce.salesforce_id: c
            for c in Contact.objects.filter(workspace=workspace, archived_at__isnull=True)
            .exclude(salesforce__isnull=True)
            .select_related("salesforce")
        }
        assert set(local) == set(remote), "contacts differ between the two sides"
        for sf_id, row in remote.items():
            assert mapping.contact_local(local[sf_id]) == mapping.contact_remote(row)
        emails = [c.email.lower() for c in Contact.objects.filter(workspace=workspace)]
        assert len(emails) == len(set(emails)), "a contact exists twice"
        opportunities = {
            r["Id"]: r
            for r in self.sf.query(
                "SELECT Id, Name, Amount, StageName, CloseDate, IsDeleted FROM Opportunity"
            )
            if not r["IsDeleted"]
        }
        links = DealLink.objects.filter(
            workspace=workspace, deal__isnull=False, deal__archived_at__isnull=True
        ).select_related("deal", "deal__stage")
        assert {link.salesforce_id for link in links} == set(opportunities)
        assert Deal.objects.filter(workspace=workspace, archived_at__isnull=True).count() == len(
            opportunities
        )
        for link in links:
            assert link.deal is not None
            row = opportunities[link.salesforce_id]
            assert mapping.deal_remote(row, multi_currency=False) == {
                **mapping.deal_local(link.deal, row["StageName"], multi_currency=False),
            }
            assert link.deal.stage.salesforce.salesforce_stage == row["StageName"]


@pytest.mark.django_db(transaction=True)
def test_random_histories_with_faults_converge(emulator: Any) -> None:
    SyncMachine.emulator = emulator
    machine = SyncMachine.TestCase
    machine.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    machine().runTest()
