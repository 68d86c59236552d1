"""One way to say when something happened (or will), on every page that says it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.template import Context, Template

from mailtrixy.templatetags.relative_time import relative_time

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


def test_under_a_minute_ago_is_just_now() -> None:
    assert relative_time(NOW, NOW) == "just now"
    assert relative_time(NOW - timedelta(seconds=59), NOW) == "just now"


def test_earlier_moments_say_their_largest_unit() -> None:
    assert relative_time(NOW - timedelta(minutes=1), NOW) == "1\xa0minute ago"
    assert relative_time(NOW - timedelta(minutes=7, seconds=30), NOW) == "7\xa0minutes ago"
    assert relative_time(NOW - timedelta(hours=2, minutes=5), NOW) == "2\xa0hours ago"


def test_later_moments_say_in_how_long() -> None:
    assert relative_time(NOW + timedelta(seconds=20), NOW) == "in under a minute"
    assert relative_time(NOW + timedelta(minutes=4, seconds=10), NOW) == "in 4\xa0minutes"


def test_templates_use_the_same_words() -> None:
    moment = datetime.now(UTC) - timedelta(seconds=3)
    html = Template("{% load relative_time %}{{ moment|relative_time }}").render(
        Context({"moment": moment})
    )
    assert html == "just now"
