"""The two-way sync engine: pull contacts, push deals, merge, cursors."""
