"""The demo org: demo data, a user who can log in, and the Connected App MailTrixy is set up with.

Idempotent, so `serve --seed-demo` on an existing data directory reuses what is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesforce_emulator.registry import OrgHandle, Registry
from salesforce_emulator.seeding import seed
from salesforce_emulator.users import create_user

DEMO_ORG_NAME = "MailTrixy Demo"
DEMO_USERNAME = "demo@mailtrixy-demo.example"
DEMO_PASSWORD = "mailtrixy-demo"  # noqa: S105 - a demo login, printed at start-up


@dataclass(frozen=True)
class DemoApp:
    key: str
    secret: str
    callback: str
    rotate: bool = False


def ensure_demo_org(
    registry: Registry, app: DemoApp | None, password: str = DEMO_PASSWORD, contacts: int = 0
) -> OrgHandle:
    handle = registry.find_by_name(DEMO_ORG_NAME)
    if handle is None:
        handle = registry.create_org(name=DEMO_ORG_NAME)
        seed(handle, demo=True, contacts=contacts)
    login = registry.credentials.find(DEMO_USERNAME)
    if login is None:
        create_user(registry, handle, DEMO_USERNAME, password, first_name="Demo", last_name="User")
    else:
        registry.credentials.set_password(DEMO_USERNAME, login.org_id, login.user_id, password)
    if app is not None:
        registry.apps.save(
            handle.id, app.key, app.secret, [app.callback], name="MailTrixy",
            rotate_refresh_tokens=app.rotate,
        )  # fmt: skip
    return handle
