"""Times for generated records: never after now.

The demo dates what it generates from `today` backwards, and gives each record a
plausible hour (a referral in the working day, a triage decision after it, an
assessment signed off forty minutes after it started). Seeded at 05:00, "15:40
today" would be in the future, and a record on a day after today more so. So
every generated moment goes through `moment`: a day after today becomes today,
and the hours of today are fitted, in the same order, into the part of today
that has passed. A past day keeps the hour as given.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

DAY_MINUTES = 24 * 60


def moment(day: date, hour: int, minute: int = 0, *, today: date) -> datetime:
    """The moment `hour:minute` on `day`, for a demo seeded on `today`, never after now."""
    day = min(day, today)
    minutes = min(max(hour, 0) * 60 + max(minute, 0), DAY_MINUTES - 1)
    if day < timezone.localdate():
        return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))
    # In UTC: on the night the clocks change, wall-clock arithmetic would land an hour out.
    start = timezone.make_aware(datetime.combine(day, time.min)).astimezone(UTC)
    passed = max(timezone.now().astimezone(UTC) - start, timedelta(0))
    return start + passed * (minutes / DAY_MINUTES)


def check_today(today: date) -> None:
    """A demo cannot be dated after today: its records would be in the future."""
    if today > timezone.localdate():
        raise ValueError(f"A demo cannot be seeded for {today:%-d %B %Y}, after today ({timezone.localdate():%-d %B %Y})")
