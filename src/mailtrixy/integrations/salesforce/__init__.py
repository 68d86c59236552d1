"""The Salesforce integration: connect, card, two-way sync."""
