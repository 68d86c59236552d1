"""MailTrixy: a shared inbox with a Salesforce integration."""
