"""Creating the users people log in as: a User record in the org plus a password in the registry."""

from __future__ import annotations

from salesforce_emulator.registry import OrgHandle, Registry


class UsernameTaken(ValueError):
    pass


def create_user(
    registry: Registry,
    handle: OrgHandle,
    username: str,
    password: str,
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> str:
    """The new user's id. Usernames are unique across the emulator, as across Salesforce."""
    if registry.credentials.exists(username):
        raise UsernameTaken(f"username {username} is already taken")
    local = username.split("@")[0]
    user_id = handle.org.insert(
        "User",
        {
            "Username": username,
            "FirstName": first_name or None,
            "LastName": last_name or local.title(),
            "Email": email or username,
            "Alias": local[:8],
        },
    )
    registry.credentials.set_password(username, handle.id, user_id, password)
    return user_id


def set_admin_login(
    registry: Registry, handle: OrgHandle, username: str | None, password: str
) -> str:
    """Give the org's admin user a password (and optionally a new username); its username."""
    org = handle.org
    if username:
        if registry.credentials.exists(username):
            raise UsernameTaken(f"username {username} is already taken")
        org.update("User", org.admin_user_id, {"Username": username, "Email": username})
    name = str(org.get("User", org.admin_user_id, ["Username"])["Username"])
    registry.credentials.set_password(name, handle.id, org.admin_user_id, password)
    return name
