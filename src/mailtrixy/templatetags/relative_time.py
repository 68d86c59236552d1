"""When something happened, or will, as people say it: "just now", "5 minutes ago", "in 2 hours".

The one way every page says a relative time (`{% load relative_time %}`, `moment|relative_time`).
Django's `timesince` alone says "0 minutes" for the last minute; here that minute is "just now"
(or "in under a minute"), and longer spans keep only their largest unit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

register = template.Library()

WITHIN_A_MINUTE = timedelta(minutes=1)


@register.filter
def relative_time(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return ""
    now = now or timezone.now()
    if abs(now - moment) < WITHIN_A_MINUTE:
        return "just now" if moment <= now else "in under a minute"
    if moment < now:
        return f"{timesince(moment, now, depth=1)} ago"
    return f"in {timeuntil(moment, now, depth=1)}"
