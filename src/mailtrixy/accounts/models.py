"""Workspaces and the people in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Workspace(models.Model):
    """A team sharing one inbox; every piece of inbox data belongs to exactly one workspace."""

    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    AGENT = "agent", "Agent"


class Member(models.Model):
    """A login's place in a workspace. One login belongs to one workspace."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AGENT)

    def __str__(self) -> str:
        return f"{self.user} ({self.role} of {self.workspace})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()
