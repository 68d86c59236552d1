"""`{{ deal.amount|money:deal.currency }}`: the money format of mailtrixy.money in templates."""

from __future__ import annotations

from decimal import Decimal

from django import template

from mailtrixy.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | float | int | str | None, currency: str = "") -> str:
    return format_money(amount, currency)
