"""The one way MailTrixy writes an amount of money: "USD 12,500.00".

Locale-neutral on purpose: a shared inbox is read by people of many locales, and a code with a
plain number reads the same to all of them (no guessing whether "1.200" is a thousand or one).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NO_AMOUNT = "—"


def format_money(amount: Decimal | float | int | str | None, currency: str = "") -> str:
    """The currency code, a space, the amount with comma thousands and two decimals.

    "—" when there is no amount; the number alone when the currency is not known.
    """
    if amount is None or amount == "":
        return NO_AMOUNT
    try:
        number = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return NO_AMOUNT
    text = f"{number:,.2f}"
    code = (currency or "").strip().upper()
    return f"{code} {text}" if code else text
