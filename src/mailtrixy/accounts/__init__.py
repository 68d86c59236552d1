"""Workspaces, their members and roles, and the one place that scopes data to a workspace."""
