"""The Salesforce card in the conversation's details panel.

- `render.py`: when the card shows, and its HTML (`render_card`, `card_for`).
- `cache.py`: the per-workspace, per-email cache with single-flight lookups.
- `lookup.py`: the Composite request with the two SOQL queries, and its answer as a card.
- `model.py`: the card as plain data.
"""

from mailtrixy.integrations.salesforce.card.render import card_for, render_card

__all__ = ["card_for", "render_card"]
