"""The inbox core: contacts, deals and their pipeline, conversations and messages."""
