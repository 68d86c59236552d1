"""Forms for contacts and deals; each is bound to the member's workspace."""

from __future__ import annotations

from typing import Any

from django import forms

from mailtrixy.accounts.models import Member, Workspace
from mailtrixy.inbox.models import Contact, Deal, Stage


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

    def clean_currency(self) -> str:
        currency: str = self.cleaned_data["currency"]
        return currency.strip().upper()
