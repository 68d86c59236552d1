"""The admin's form for the Connected App: consumer key, consumer secret, where users log in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings

from mailtrixy.integrations.models import AppCredentials

PRODUCTION = "https://login.salesforce.com"
SANDBOX = "https://test.salesforce.com"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def login_choices() -> list[tuple[str, str]]:
    choices = [
        ("production", "Production (login.salesforce.com)"),
        ("sandbox", "Sandbox (test.salesforce.com)"),
        ("my_domain", "My Domain URL"),
    ]
    if settings.SALESFORCE_EMULATOR_URL:
        choices.append(("emulator", f"Demo: local Salesforce emulator ({emulator_url()})"))
    return choices


def emulator_url() -> str:
    return str(settings.SALESFORCE_EMULATOR_URL)


def login_url_for(choice: str, my_domain: str) -> str:
    return {"production": PRODUCTION, "sandbox": SANDBOX, "emulator": emulator_url()}.get(
        choice, my_domain
    )


def choice_for(login_url: str) -> tuple[str, str]:
    """The form's (login, my_domain) for a saved login URL."""
    for choice in ("production", "sandbox", "emulator"):
        if login_url and login_url == login_url_for(choice, ""):
            return choice, ""
    return "my_domain", login_url


def validate_my_domain(url: str) -> str:
    """Any https URL (a My Domain, an enhanced sandbox domain); http only on loopback hosts."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise forms.ValidationError(
            "Enter the full address of your My Domain, like https://yourcompany.my.salesforce.com."
        )
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise forms.ValidationError("Use an https:// address: Salesforce only answers over https.")
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        raise forms.ValidationError(
            "Enter only the domain, without a path: https://yourcompany.my.salesforce.com."
        )
    return f"{parts.scheme}://{parts.netloc}"


class ConnectedAppForm(forms.Form):
    consumer_key = forms.CharField(
        label="Consumer Key",
        max_length=255,
        help_text="From the Connected App (or External Client App) in Salesforce Setup.",
    )
    consumer_secret = forms.CharField(
        label="Consumer Secret",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    login = forms.ChoiceField(label="Users log in at", widget=forms.RadioSelect)
    my_domain = forms.CharField(label="My Domain URL", required=False, max_length=255)

    def __init__(self, *args: Any, saved: AppCredentials | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved = saved
        self.fields["login"].choices = login_choices()  # type: ignore[attr-defined]
        self.fields["consumer_secret"].help_text = self._secret_help()

    def _secret_help(self) -> str:
        if self.is_bound and self.data.get("consumer_secret"):
            # A secret is never sent back into the page, so a refused form loses it.
            return "Enter the secret again: it is not kept when the form is refused."
        if self.saved is not None:
            return (
                "A secret is saved (it is never shown). Enter a new one to replace it; "
                "a new Consumer Key needs its own secret."
            )
        return "Stored encrypted; never shown again."

    def clean_consumer_key(self) -> str:
        key: str = self.cleaned_data["consumer_key"].strip()
        if any(ch.isspace() for ch in key):
            raise forms.ValidationError("The Consumer Key has no spaces: copy it again whole.")
        return key

    def clean_consumer_secret(self) -> str:
        secret: str = self.cleaned_data["consumer_secret"].strip()
        if not secret and self.saved is None:
            raise forms.ValidationError("Enter the Consumer Secret from Salesforce.")
        return secret

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.key_changed(data) and not data.get("consumer_secret"):
            # The saved secret belongs to the old key: keeping it would break the connection at
            # its next token renewal.
            self.add_error(
                "consumer_secret",
                "You changed the Consumer Key: enter the Consumer Secret of the same app too.",
            )
        if data.get("login") == "my_domain":
            if not data.get("my_domain", "").strip():
                self.add_error("my_domain", "Enter your My Domain URL, or choose another option.")
            else:
                try:
                    data["my_domain"] = validate_my_domain(data["my_domain"])
                except forms.ValidationError as error:
                    self.add_error("my_domain", error)
        return data

    def key_changed(self, data: dict[str, Any]) -> bool:
        key = data.get("consumer_key")
        return self.saved is not None and key is not None and key != self.saved.client_id

    @property
    def login_url(self) -> str:
        return login_url_for(self.cleaned_data["login"], self.cleaned_data.get("my_domain", ""))
