"""What every endpoint reads from a request: the registry, the server settings, the public URL."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from salesforce_emulator.registry import Registry


@dataclass(frozen=True)
class Settings:
    public_url: str | None = None  # instance_url and login URL when the server sits behind a proxy


def registry_of(request: Request) -> Registry:
    registry: Registry = request.app.state.registry
    return registry


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def base_url(request: Request) -> str:
    """`instance_url` and login URL: the scheme and host the client used, unless configured."""
    configured = settings_of(request).public_url
    if configured:
        return configured.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"
