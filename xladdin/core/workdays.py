"""Working days of a Party office: Monday to Friday, less the official days off. Pure.

The days off and the Saturdays worked in exchange for a swapped day come from
:mod:`xladdin.core.holidays_vn` (2025–2030, sources named there). Outside those years only
weekends are skipped, and :func:`covers` says so, so that a letter can warn instead of
silently counting a holiday as a working day.
"""

from __future__ import annotations

from datetime import date, timedelta

from .holidays_vn import FIRST_YEAR, LAST_YEAR, OFF, WORKED


def day_off(day: date) -> str:
    """Why ``day`` is not a working day ("" when it is one)."""
    if day in WORKED:
        return ""
    if day in OFF:
        return OFF[day]
    if day.weekday() == 5:
        return "thứ Bảy"
    if day.weekday() == 6:
        return "Chủ nhật"
    return ""


def is_working_day(day: date) -> bool:
    return not day_off(day)


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself never counts, so the
    result is always later than ``start`` for a positive ``count``)."""
    if count < 1:
        raise ValueError(f"count must be positive, got {count}")
    day = start
    left = count
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def covers(start: date, end: date) -> bool:
    """Whether the holiday data knows every year from ``start`` to ``end``."""
    return start.year >= FIRST_YEAR and end.year <= LAST_YEAR


__all__ = ["FIRST_YEAR", "LAST_YEAR", "add_working_days", "covers", "day_off", "is_working_day"]
