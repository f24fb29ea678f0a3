"""Calendar arithmetic for due and expiry dates, and the days people filter by."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta


def add_months(moment: datetime, months: int) -> datetime:
    """Same day ``months`` later; a day the target month lacks becomes its last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def parse_day(value: str) -> date | None:
    """A day written as YYYY-MM-DD, or None when it is not one."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def day_end(day: date) -> datetime | None:
    """Midnight UTC after ``day`` (an exclusive bound); None after the calendar's last day, where nothing ends."""
    if day == date.max:
        return None
    return day_start(day + timedelta(days=1))
