"""Working days and the official days off (xladdin/core/holidays_vn.py, workdays.py).

The lunar dates (mùng 1 Tết, Giỗ Tổ 10/3 âm lịch) are checked twice: against the dates the
office calendar shows (written down here by hand) and against the ``holidays`` package's
Vietnamese calendar (UTC+7), which is where they were computed from. The years with a
published notice must match that package day for day; later years must follow the Labour
Code's rules.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from xladdin.core import holidays_vn
from xladdin.core.holidays_vn import (
    CONFIRMED_UNTIL,
    FIRST_YEAR,
    HUNG_KINGS,
    LAST_YEAR,
    MAKE_UP,
    NATIONAL,
    NATIONAL_NEXT,
    NEW_YEAR,
    OFF,
    TET,
    TET_FIRST,
    WORKED,
)
from xladdin.core.workdays import add_working_days, covers, day_off, is_working_day

YEARS = range(FIRST_YEAR, LAST_YEAR + 1)
# From the printed calendar; 2030 is the year the Vietnamese and Chinese calendars part
# (Tết Canh Tuất is 03/02/2030 in China).
TET_DAY = {
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 2),
}
HUNG_KINGS_DAY = {
    2025: date(2025, 4, 7),
    2026: date(2026, 4, 26),
    2027: date(2027, 4, 16),
    2028: date(2028, 4, 4),
    2029: date(2029, 4, 23),
    2030: date(2030, 4, 12),
}
# The package's names for the two lunar holidays, in its Vietnamese localisation.
LIB_TET, LIB_HUNG_KINGS = "Tết Nguyên Đán", "Ngày Giỗ Tổ Hùng Vương"
# Days the package lists that are not (yet) days off: Nghị quyết 80-NQ/TW's Ngày Văn hóa
# Việt Nam needs the Labour Code amended first (see holidays_vn.py).
NOT_YET = "Ngày Văn hóa Việt Nam"


def _ours(year: int) -> dict[date, str]:
    return {d: name for d, name in OFF.items() if d.year == year}


def _package(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("VN", years=year, language="vi").items())


@pytest.mark.parametrize("year", YEARS)
def test_lunar_holidays_are_the_vietnamese_calendar_dates(year: int) -> None:
    ours = _ours(year)
    tet = [d for d, name in ours.items() if name == TET_FIRST]
    hung = [d for d, name in ours.items() if name == HUNG_KINGS]
    assert tet == [TET_DAY[year]] and hung == [HUNG_KINGS_DAY[year]]
    package = _package(year)
    assert [d for d, name in package.items() if name == LIB_TET] == tet
    assert [d for d, name in package.items() if name == LIB_HUNG_KINGS] == hung


@pytest.mark.parametrize("year", range(FIRST_YEAR, CONFIRMED_UNTIL + 1))
def test_years_with_a_notice_match_the_package_day_for_day(year: int) -> None:
    package = {d for d, name in _package(year).items() if not name.startswith(NOT_YET)}
    assert set(_ours(year)) == package


@pytest.mark.parametrize("year", YEARS)
def test_every_year_follows_the_labour_code(year: int) -> None:
    """Điều 112: the fixed days, five working days of Tết, 02/9 with a day next to it, and a
    holiday on a weekend made up on a following weekday."""
    ours = _ours(year)
    for fixed in (date(year, 1, 1), date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)):
        assert fixed in ours, fixed
    assert ours[date(year, 1, 1)] == NEW_YEAR
    assert ours[date(year, 9, 2)] == NATIONAL
    next_to = [d for d, name in ours.items() if name == NATIONAL_NEXT]
    assert next_to in ([date(year, 9, 1)], [date(year, 9, 3)])
    tet = sorted(d for d, name in ours.items() if name in (TET, TET_FIRST))
    assert tet == [tet[0] + timedelta(days=i) for i in range(len(tet))], "Tết is one break"
    assert sum(d.weekday() < 5 for d in tet) == 5
    assert tet[0] < TET_DAY[year] <= tet[-1]
    weekend = [d for d, name in ours.items() if d.weekday() >= 5 and name not in (TET, TET_FIRST)]
    made_up = [d for d, name in ours.items() if MAKE_UP in name]
    assert len(made_up) == len(weekend), (weekend, made_up)
    for day in made_up:
        assert day.weekday() < 5


def test_worked_saturdays_pay_for_swapped_weekdays() -> None:
    assert WORKED  # 26/4/2025 and 22/8/2026
    for day in WORKED:
        assert day.weekday() == 5 and is_working_day(day) and day not in OFF
    swapped = [d for d, name in OFF.items() if name.startswith(holidays_vn.SWAPPED)]
    assert len(swapped) == len(WORKED)
    assert all(d.weekday() < 5 for d in swapped)


def test_data_file_names_its_sources() -> None:
    doc = holidays_vn.__doc__ or ""
    for source in ("Bộ luật Lao động 2019", "Điều 112", "Bộ Lao động – Thương binh và Xã hội"):
        assert source in doc


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        # The brief's case: a reminder dated Saturday 05/12/2026.
        (date(2026, 12, 5), 5, date(2026, 12, 11)),
        # Around Tết Đinh Mùi 2027 (off Thursday 04/02 to Wednesday 10/02).
        (date(2027, 2, 3), 1, date(2027, 2, 11)),
        (date(2027, 2, 3), 5, date(2027, 2, 17)),
        (date(2027, 2, 6), 1, date(2027, 2, 11)),  # dated on mùng 1 itself
        (date(2027, 1, 29), 5, date(2027, 2, 12)),  # 1–3/02, then 11 and 12/02
        # Tết Bính Ngọ 2026 (off Monday 16/02 to Friday 20/02).
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        # 30/4 and 1/5: 2026 Thursday and Friday; 2027 Friday and Saturday (made up Monday 3/5).
        (date(2026, 4, 29), 1, date(2026, 5, 4)),
        (date(2026, 4, 28), 3, date(2026, 5, 5)),
        (date(2027, 4, 29), 1, date(2027, 5, 4)),
        (date(2027, 4, 29), 2, date(2027, 5, 5)),
        # 2025: Friday 02/5 swapped for Saturday 26/4, which is a working day.
        (date(2025, 4, 25), 1, date(2025, 4, 26)),
        (date(2025, 4, 29), 2, date(2025, 5, 6)),
        # Giỗ Tổ 2026 on a Sunday, made up on Monday 27/4.
        (date(2026, 4, 24), 1, date(2026, 4, 28)),
        # 02/9/2026 and the swapped Monday 31/8 (Saturday 22/8 worked).
        (date(2026, 8, 21), 1, date(2026, 8, 22)),
        (date(2026, 8, 28), 1, date(2026, 9, 3)),
    ],
)
def test_add_working_days(start: date, count: int, due: date) -> None:
    assert add_working_days(start, count) == due


def test_the_deadline_is_always_a_later_working_day() -> None:
    """Every letter date of the covered years, every count a setting may hold (up to ten)."""
    day = date(FIRST_YEAR, 1, 1)
    while day.year <= LAST_YEAR:
        for count in range(1, 11):
            due = add_working_days(day, count)
            assert due > day and is_working_day(due)
            between = (day + timedelta(days=i) for i in range(1, (due - day).days + 1))
            assert sum(is_working_day(d) for d in between) == count
        day += timedelta(days=1)


def test_why_a_day_is_off_and_what_is_covered() -> None:
    assert day_off(date(2027, 2, 8)) == TET
    assert day_off(date(2026, 12, 5)) == "thứ Bảy" and day_off(date(2026, 12, 6)) == "Chủ nhật"
    assert day_off(date(2026, 12, 7)) == "" and day_off(date(2025, 4, 26)) == ""
    assert covers(date(2026, 12, 5), date(2026, 12, 11))
    assert not covers(date(2030, 12, 30), date(2031, 1, 6))
    with pytest.raises(ValueError):
        add_working_days(date(2026, 12, 5), 0)
