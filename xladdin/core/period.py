"""Reporting periods: a month ("2026-11"), a quarter ("2026-Q4") or a half-year ("2026-H2").

The period names which reports are current: a task not updated since its start is
"not reported this period", and forms and letters carry it in their file names.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .errors import UsageError

_PATTERN = re.compile(r"^\s*(\d{4})\s*-\s*(?:(\d{1,2})|([Qq])([1-4])|([Hh])([12]))\s*$")
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    code: str  # canonical text: 2026-11, 2026-Q4, 2026-H2

    @property
    def label(self) -> str:
        """How a Vietnamese letter names the period."""
        year, part = self.code.split("-")
        if part.startswith("Q"):
            return f"quý {_ROMAN[int(part[1]) - 1]} năm {year}"
        if part.startswith("H"):
            return f"6 tháng {'đầu' if part == 'H1' else 'cuối'} năm {year}"
        return f"tháng {int(part)} năm {year}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    """Parse ``2026-11``, ``2026-Q4`` or ``2026-H2``; raise :class:`UsageError` otherwise."""
    m = _PATTERN.match(str(text or ""))
    if not m:
        raise UsageError(
            f"Kỳ báo cáo “{text}” không đúng dạng: dùng 2026-11 (tháng), "
            "2026-Q4 (quý) hoặc 2026-H2 (6 tháng)."
        )
    year = int(m.group(1))
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise UsageError(f"Kỳ báo cáo “{text}”: tháng phải từ 1 đến 12.")
        return Period(date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}")
    if m.group(4):
        q = int(m.group(4))
        first = 3 * q - 2
        return Period(date(year, first, 1), _month_end(year, first + 2), f"{year}-Q{q}")
    h = int(m.group(6))
    first = 1 if h == 1 else 7
    return Period(date(year, first, 1), _month_end(year, first + 5), f"{year}-H{h}")


def month_of(day: date) -> Period:
    return parse_period(f"{day.year}-{day.month:02d}")


def current_period(configured: str | None, today: date) -> Period:
    """The configured period, or the month of ``today`` when none is set."""
    return parse_period(configured) if configured and configured.strip() else month_of(today)
