"""Forms for contacts and deals; each is bound to the member's workspace."""

from __future__ import annotations

from typing import Any

from django import forms

from mailtrixy.accounts.models import Member, Workspace
from mailtrixy.inbox.models import Contact, Deal, Stage
from mailtrixy.inbox.providers import CurrencyLimit, currency_limit


class WorkspaceForm(forms.ModelForm):
    """A model form whose instance belongs to `workspace`."""

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.instance.workspace = workspace


class ContactForm(WorkspaceForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "phone", "company", "title"]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if not email:
            return email
        others = Contact.objects.filter(workspace=self.workspace).with_emails([email.lower()])
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                "Another contact in this workspace already has this email. "
                "Open that contact instead, or use a different address."
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f) for f in ("first_name", "last_name", "email")):
            raise forms.ValidationError("Give the contact a name or an email address.")
        return data


class DealForm(WorkspaceForm):
    class Meta:
        model = Deal
        fields = ["name", "amount", "currency", "stage", "expected_close_date", "contact", "owner"]
        widgets = {"expected_close_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, workspace=workspace, **kwargs)
        fields: Any = self.fields
        fields["stage"].queryset = Stage.objects.filter(workspace=workspace)
        fields["contact"].queryset = Contact.objects.filter(workspace=workspace)
        fields["owner"].queryset = Member.objects.filter(workspace=workspace).select_related("user")
        fields["owner"].label_from_instance = lambda m: m.display_name
        self.currency_limit = currency_limit(workspace.pk)
        if self.currency_limit is not None:
            self._choose_currency_from(self.currency_limit)

    def _choose_currency_from(self, limit: CurrencyLimit) -> None:
        """A list of the integrations' currencies (and the deal's own, so that it shows)."""
        choices = list(limit.codes)
        if self.instance.pk and self.instance.currency not in choices:
            choices.append(self.instance.currency)
        field = self.fields["currency"]
        field.widget = forms.Select(choices=[(code, code) for code in choices])
        field.help_text = f"The currencies {_names(limit.names)} {_verb(limit.names)} deals in."
        if not self.instance.pk and limit.codes and self.initial.get("currency") not in limit.codes:
            self.initial["currency"] = limit.codes[0]

    def clean_currency(self) -> str:
        currency: str = self.cleaned_data["currency"].strip().upper()
        limit = self.currency_limit
        if limit is not None and currency not in limit.codes:
            raise forms.ValidationError(currency_refusal(limit, currency))
        return currency


def currency_refusal(limit: CurrencyLimit, currency: str) -> str:
    """ "Linked CRM takes deals only in USD, not EUR. Choose USD, or ask …" """
    names = _names(limit.names)
    if not limit.codes:
        return (
            f"{names} {_verb(limit.names)} no currency in common. Ask their admins to agree on one."
        )
    if len(limit.codes) == 1:
        allowed, choose = limit.codes[0], limit.codes[0]
    else:
        allowed, choose = f"{', '.join(limit.codes[:-1])} or {limit.codes[-1]}", "one of them"
    return (
        f"{names} {_verb(limit.names)} deals only in {allowed}, not {currency}. Choose {choose}, "
        f"or ask your {names} admin to turn on {currency} there."
    )


def _names(names: tuple[str, ...]) -> str:
    return " and ".join(names)


def _verb(names: tuple[str, ...]) -> str:
    return "takes" if len(names) == 1 else "take"
