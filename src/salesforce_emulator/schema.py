"""Object and field definitions of an emulated org.

The schema depends on three org settings: multi-currency (adds ``CurrencyIsoCode``), the
``MailTrixy_Deal_Id__c`` external-id field on Opportunity, and the opportunity stages (the
``StageName`` restricted picklist is built from the active stages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import invalid_field_on_entity
from .ids import KEY_PREFIXES

# Field types whose values are text in the database and in JSON.
TEXT_TYPES = frozenset(
    {"id", "string", "email", "phone", "picklist", "reference", "textarea", "url", "combobox"}
)
NUMBER_TYPES = frozenset({"currency", "double", "percent", "int"})


@dataclass(frozen=True)
class PicklistValue:
    value: str
    label: str
    active: bool = True
    default_value: bool = False


@dataclass(frozen=True)
class StageDef:
    """One OpportunityStage row. Probabilities and forecast categories are configurable: the
    reference (§5.3) found no authoritative defaults."""

    api_name: str
    master_label: str
    is_active: bool
    is_closed: bool
    is_won: bool
    default_probability: float
    forecast_category_name: str
    sort_order: int

    @property
    def forecast_category(self) -> str:
        """The ``ForecastCategory`` API value: ``Best Case`` -> ``BestCase``, ``Commit`` ->
        ``Forecast``, the others unchanged."""
        return {"Best Case": "BestCase", "Commit": "Forecast"}.get(
            self.forecast_category_name, self.forecast_category_name
        )


STANDARD_STAGES: tuple[StageDef, ...] = (
    StageDef("Prospecting", "Prospecting", True, False, False, 10, "Pipeline", 1),
    StageDef("Qualification", "Qualification", True, False, False, 10, "Pipeline", 2),
    StageDef("Needs Analysis", "Needs Analysis", True, False, False, 20, "Pipeline", 3),
    StageDef("Value Proposition", "Value Proposition", True, False, False, 50, "Pipeline", 4),
    StageDef("Id. Decision Makers", "Id. Decision Makers", True, False, False, 60, "Pipeline", 5),
    StageDef("Perception Analysis", "Perception Analysis", True, False, False, 70, "Pipeline", 6),
    StageDef("Proposal/Price Quote", "Proposal/Price Quote", True, False, False, 75, "Pipeline", 7),
    StageDef("Negotiation/Review", "Negotiation/Review", True, False, False, 90, "Pipeline", 8),
    StageDef("Closed Won", "Closed Won", True, True, True, 100, "Closed", 9),
    StageDef("Closed Lost", "Closed Lost", True, True, False, 0, "Omitted", 10),
)


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str
    label: str
    length: int = 0
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    required_on_create: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    external_id: bool = False
    unique: bool = False
    case_sensitive: bool = False
    picklist_values: tuple[PicklistValue, ...] = ()
    default_value: Any = None
    # Additions beyond the first API:
    restricted_picklist: bool = False
    id_lookup: bool = False
    precision: int = 0
    scale: int = 0
    calculated: bool = False
    defaulted_on_create: bool = False

    @property
    def is_text(self) -> bool:
        return self.type in TEXT_TYPES

    @property
    def is_number(self) -> bool:
        return self.type in NUMBER_TYPES


@dataclass(frozen=True)
class ObjectDef:
    name: str
    label: str
    label_plural: str
    key_prefix: str
    fields: dict[str, FieldDef]
    child_relationships: dict[str, tuple[str, str]] = field(default_factory=dict)
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    # Lower-cased lookups, built once (the dataclass is frozen, hence object.__setattr__).
    _by_lower: dict[str, FieldDef] = field(init=False, repr=False, compare=False)
    _parents_by_lower: dict[str, FieldDef] = field(init=False, repr=False, compare=False)
    _children_by_lower: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_lower", {n.lower(): f for n, f in self.fields.items()})
        parents = {
            f.relationship_name.lower(): f for f in self.fields.values() if f.relationship_name
        }
        object.__setattr__(self, "_parents_by_lower", parents)
        children = {n.lower(): n for n in self.child_relationships}
        object.__setattr__(self, "_children_by_lower", children)

    def field(self, name: str) -> FieldDef:
        """The field named ``name`` (any case); INVALID_FIELD when there is none."""
        found = self._by_lower.get(name.lower())
        if found is None:
            raise invalid_field_on_entity(name, self.name)
        return found

    def find_field(self, name: str) -> FieldDef | None:
        return self._by_lower.get(name.lower())

    def parent_relationship(self, name: str) -> FieldDef | None:
        """The reference field whose relationship name is ``name`` (any case), e.g. ``Account``."""
        return self._parents_by_lower.get(name.lower())

    def child_relationship(self, name: str) -> tuple[str, tuple[str, str]] | None:
        """``(canonical name, (child object, child reference field))`` for a child relationship."""
        canonical = self._children_by_lower.get(name.lower())
        if canonical is None:
            return None
        return canonical, self.child_relationships[canonical]


# ---------------------------------------------------------------------------------------------
# Field builders: short helpers so that the object definitions below read like a describe.


def _text(name: str, label: str, length: int, **kw: Any) -> FieldDef:
    return FieldDef(name, kw.pop("type", "string"), label, length=length, **kw)


def _picklist(name: str, label: str, values: Sequence[str], **kw: Any) -> FieldDef:
    picks = tuple(PicklistValue(v, v) for v in values)
    return FieldDef(name, "picklist", label, length=255, picklist_values=picks, **kw)


def _ref(name: str, label: str, to: str, relationship: str, **kw: Any) -> FieldDef:
    return FieldDef(
        name,
        "reference",
        label,
        length=18,
        reference_to=(to,),
        relationship_name=relationship,
        **kw,
    )


def _read_only(f: FieldDef) -> FieldDef:
    return FieldDef(**{**f.__dict__, "createable": False, "updateable": False})


def _system_fields() -> list[FieldDef]:
    ro: dict[str, Any] = {"createable": False, "updateable": False, "nillable": False}
    return [
        FieldDef("IsDeleted", "boolean", "Deleted", defaulted_on_create=True, **ro),
        FieldDef("CreatedDate", "datetime", "Created Date", defaulted_on_create=True, **ro),
        _ref("CreatedById", "Created By ID", "User", "CreatedBy", defaulted_on_create=True, **ro),
        FieldDef(
            "LastModifiedDate", "datetime", "Last Modified Date", defaulted_on_create=True, **ro
        ),
        _ref(
            "LastModifiedById",
            "Last Modified By ID",
            "User",
            "LastModifiedBy",
            defaulted_on_create=True,
            **ro,
        ),
        FieldDef("SystemModstamp", "datetime", "System Modstamp", defaulted_on_create=True, **ro),
    ]


def _id_field(label: str) -> FieldDef:
    return FieldDef(
        "Id", "id", f"{label} ID", length=18, nillable=False, createable=False, updateable=False,
        id_lookup=True, defaulted_on_create=True,
    )  # fmt: skip


def _owner() -> FieldDef:
    return _ref("OwnerId", "Owner ID", "User", "Owner", nillable=False, defaulted_on_create=True)


def _currency_field(currencies: Sequence[str], default: str) -> FieldDef:
    return _picklist(
        "CurrencyIsoCode", "Currency ISO Code", currencies, nillable=False,
        restricted_picklist=True, default_value=default, defaulted_on_create=True,
    )  # fmt: skip


def _money(name: str, label: str) -> FieldDef:
    return FieldDef(name, "currency", label, precision=18, scale=2)


def _object(
    name: str,
    label: str,
    plural: str,
    fields: list[FieldDef],
    children: dict[str, tuple[str, str]] | None = None,
    **kw: Any,
) -> ObjectDef:
    all_fields = [_id_field(label), *fields, *_system_fields()]
    return ObjectDef(
        name,
        label,
        plural,
        KEY_PREFIXES[name],
        {f.name: f for f in all_fields},
        children or {},
        **kw,
    )


LEAD_SOURCES = ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other")
INDUSTRIES = (
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
    "Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering",
    "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government", "Healthcare",
    "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media", "Not For Profit",
    "Recreation", "Retail", "Shipping", "Technology", "Telecommunications", "Transportation",
    "Utilities", "Other",
)  # fmt: skip
ACCOUNT_TYPES = (
    "Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller",
    "Installation Partner", "Technology Partner", "Other",
)  # fmt: skip
OPPORTUNITY_TYPES = ("Existing Customer - Upgrade", "Existing Customer - Replacement",
                     "Existing Customer - Downgrade", "New Customer")  # fmt: skip
FORECAST_CATEGORIES = ("Omitted", "Pipeline", "Best Case", "Commit", "Closed")
CONTACT_ROLES = (
    "Business User", "Decision Maker", "Economic Buyer", "Economic Decision Maker", "Evaluator",
    "Executive Sponsor", "Influencer", "Technical Buyer", "Other",
)  # fmt: skip

# Records that go to the recycle bin with their parent (and come back with it on undelete).
CASCADE_DELETES: dict[str, tuple[str, ...]] = {
    "Account": ("Contacts", "Opportunities"),
    "Contact": ("OpportunityContactRoles",),
    "Opportunity": ("OpportunityContactRoles",),
}


def _organization(currency: str, multi_currency: bool) -> ObjectDef:
    ro: dict[str, Any] = {"createable": False, "updateable": False}
    fields = [
        _text("Name", "Name", 80, nillable=False, **ro),
        _picklist("DefaultCurrencyIsoCode", "Currency", (currency,), **ro),
        _text("OrganizationType", "Edition", 40, **ro),
        _text("InstanceName", "Instance Name", 5, **ro),
        FieldDef("IsSandbox", "boolean", "Is Sandbox", nillable=False, **ro),
        _text("LanguageLocaleKey", "Language", 40, **ro),
        _text("DefaultLocaleSidKey", "Locale", 40, **ro),
        _text("TimeZoneSidKey", "Default Time Zone", 40, **ro),
    ]
    if multi_currency:
        fields.append(_read_only(_currency_field((currency,), currency)))
    return _object("Organization", "Organization", "Organizations", fields,
                   createable=False, updateable=False, deletable=False)  # fmt: skip


def _user() -> ObjectDef:
    fields = [
        _text("Username", "Username", 80, nillable=False, required_on_create=True, unique=True),
        _text("FirstName", "First Name", 40),
        _text("LastName", "Last Name", 80, nillable=False, required_on_create=True),
        _read_only(_text("Name", "Full Name", 121, calculated=True)),
        _text("Email", "Email", 128, type="email", nillable=False, required_on_create=True),
        _text("Alias", "Alias", 8),
        FieldDef("IsActive", "boolean", "Active", nillable=False, default_value=True,
                 defaulted_on_create=True),
        _text("Title", "Title", 80),
        _text("TimeZoneSidKey", "Time Zone", 40, default_value="America/Los_Angeles"),
        _text("LanguageLocaleKey", "Language", 40, default_value="en_US"),
    ]  # fmt: skip
    return _object("User", "User", "Users", fields, deletable=False)


def _account(currency_field: FieldDef | None) -> ObjectDef:
    fields = [
        _text("Name", "Account Name", 255, nillable=False, required_on_create=True),
        _picklist("Type", "Account Type", ACCOUNT_TYPES),
        _picklist("Industry", "Industry", INDUSTRIES),
        _text("Website", "Website", 255, type="url"),
        _text("Phone", "Account Phone", 40, type="phone"),
        _text("BillingCity", "Billing City", 40),
        _text("BillingCountry", "Billing Country", 80),
        FieldDef("NumberOfEmployees", "int", "Employees", precision=8),
        _money("AnnualRevenue", "Annual Revenue"),
        _text("Description", "Account Description", 32000, type="textarea"),
        _owner(),
    ]
    if currency_field:
        fields.append(currency_field)
    children = {"Contacts": ("Contact", "AccountId"), "Opportunities": ("Opportunity", "AccountId")}
    return _object("Account", "Account", "Accounts", fields, children)


def _contact(currency_field: FieldDef | None) -> ObjectDef:
    fields = [
        _text("FirstName", "First Name", 40),
        _text("LastName", "Last Name", 80, nillable=False, required_on_create=True),
        _read_only(_text("Name", "Full Name", 121, calculated=True)),
        _text("Email", "Email", 80, type="email", id_lookup=True),
        _text("Phone", "Business Phone", 40, type="phone"),
        _text("MobilePhone", "Mobile Phone", 40, type="phone"),
        _text("Title", "Title", 128),
        _text("Department", "Department", 80),
        _picklist("LeadSource", "Lead Source", LEAD_SOURCES),
        FieldDef("HasOptedOutOfEmail", "boolean", "Email Opt Out", nillable=False,
                 default_value=False, defaulted_on_create=True),
        _text("MailingCity", "Mailing City", 40),
        _text("MailingCountry", "Mailing Country", 80),
        _text("Description", "Contact Description", 32000, type="textarea"),
        _ref("AccountId", "Account ID", "Account", "Account"),
        _owner(),
    ]  # fmt: skip
    if currency_field:
        fields.append(currency_field)
    children = {"OpportunityContactRoles": ("OpportunityContactRole", "ContactId")}
    return _object("Contact", "Contact", "Contacts", fields, children)


def _opportunity(
    stages: Sequence[StageDef], currency_field: FieldDef | None, external_id_field: bool
) -> ObjectDef:
    stage_names = [s.api_name for s in sorted(stages, key=lambda s: s.sort_order) if s.is_active]
    ro: dict[str, Any] = {"createable": False, "updateable": False}
    fields = [
        _text("Name", "Name", 120, nillable=False, required_on_create=True),
        _picklist("StageName", "Stage", stage_names, nillable=False, required_on_create=True,
                  restricted_picklist=True),
        FieldDef("CloseDate", "date", "Close Date", nillable=False, required_on_create=True),
        _money("Amount", "Amount"),
        FieldDef("Probability", "percent", "Probability (%)", precision=3,
                 defaulted_on_create=True),
        FieldDef("ExpectedRevenue", "currency", "Expected Amount", precision=18, scale=2,
                 calculated=True, **ro),
        FieldDef("IsClosed", "boolean", "Closed", nillable=False, defaulted_on_create=True, **ro),
        FieldDef("IsWon", "boolean", "Won", nillable=False, defaulted_on_create=True, **ro),
        _picklist("ForecastCategoryName", "Forecast Category", FORECAST_CATEGORIES,
                  defaulted_on_create=True),
        _picklist("Type", "Opportunity Type", OPPORTUNITY_TYPES),
        _picklist("LeadSource", "Lead Source", LEAD_SOURCES),
        _text("NextStep", "Next Step", 255),
        _text("Description", "Description", 32000, type="textarea"),
        _ref("AccountId", "Account ID", "Account", "Account"),
        _owner(),
    ]  # fmt: skip
    if currency_field:
        fields.append(currency_field)
    if external_id_field:
        fields.append(
            _text("MailTrixy_Deal_Id__c", "MailTrixy Deal Id", 255, external_id=True,
                  unique=True, id_lookup=True)
        )  # fmt: skip
    children = {"OpportunityContactRoles": ("OpportunityContactRole", "OpportunityId")}
    return _object("Opportunity", "Opportunity", "Opportunities", fields, children)


def _opportunity_stage() -> ObjectDef:
    ro: dict[str, Any] = {"createable": False, "updateable": False}
    fields = [
        _text("ApiName", "Api Name", 255, nillable=False, **ro),
        _text("MasterLabel", "Master Label", 255, nillable=False, **ro),
        FieldDef("IsActive", "boolean", "Active", nillable=False, **ro),
        FieldDef("IsClosed", "boolean", "Closed", nillable=False, **ro),
        FieldDef("IsWon", "boolean", "Won", nillable=False, **ro),
        FieldDef("DefaultProbability", "percent", "Probability (%)", precision=3, **ro),
        _picklist("ForecastCategory", "Forecast Type",
                  ("Omitted", "Pipeline", "BestCase", "Forecast", "Closed"), **ro),
        _picklist("ForecastCategoryName", "Forecast Category", FORECAST_CATEGORIES, **ro),
        FieldDef("SortOrder", "int", "Sort Order", precision=9, **ro),
        _text("Description", "Description", 255, **ro),
    ]  # fmt: skip
    return _object("OpportunityStage", "Opportunity Stage", "Opportunity Stages", fields,
                   createable=False, updateable=False, deletable=False)  # fmt: skip


def _opportunity_contact_role() -> ObjectDef:
    fields = [
        _ref("OpportunityId", "Opportunity ID", "Opportunity", "Opportunity", nillable=False,
             required_on_create=True, updateable=False),
        _ref("ContactId", "Contact ID", "Contact", "Contact", required_on_create=True),
        _picklist("Role", "Role", CONTACT_ROLES),
        FieldDef("IsPrimary", "boolean", "Primary", nillable=False, default_value=False,
                 defaulted_on_create=True),
    ]  # fmt: skip
    return _object(
        "OpportunityContactRole", "Opportunity Contact Role", "Opportunity Contact Role", fields
    )


def build_schema(
    *,
    multi_currency: bool,
    external_id_field: bool,
    stages: Sequence[StageDef],
    currency: str = "USD",
    currencies: Sequence[str] = ("USD", "EUR", "GBP"),
) -> dict[str, ObjectDef]:
    """All objects of an org, by name (canonical spelling)."""
    codes = list(dict.fromkeys([currency, *currencies]))
    money = _currency_field(codes, currency) if multi_currency else None
    objects = [
        _organization(currency, multi_currency),
        _user(),
        _account(money),
        _contact(money),
        _opportunity(stages, money, external_id_field),
        _opportunity_stage(),
        _opportunity_contact_role(),
    ]
    return {o.name: o for o in objects}
