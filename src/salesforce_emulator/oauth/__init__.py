"""OAuth 2.0 as Salesforce speaks it: connected apps, passwords, codes, tokens, endpoints."""
