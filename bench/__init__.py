"""Benchmarks: how fast, how cheap in Salesforce API calls, and how it grows (issue 8)."""
