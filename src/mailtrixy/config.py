"""Reading configuration from the environment, with defaults that work for the demo.

Every knob MailTrixy has is read here or in settings.py through these helpers, and each one is
documented in docs/configuration.md.
"""

from __future__ import annotations

import os
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

Network = IPv4Network | IPv6Network


def env_str(name: str, default: str) -> str:
    """The variable's value, or `default` when it is unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[Network]:
    """Addresses and networks (`10.0.0.0/8`, `::1`), comma-separated; `none` for no address."""
    items = env_list(name, default)
    if [item.lower() for item in items] == ["none"]:
        return []
    networks = []
    for item in items:
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"{name} must list IP addresses or networks such as 10.0.0.0/8, not {item!r}."
            ) from None
    return networks


def data_dir() -> Path:
    """Where the embedded defaults keep their files (SQLite databases, generated keys)."""
    path = Path(env_str("MAILTRIXY_DATA_DIR", ".var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
