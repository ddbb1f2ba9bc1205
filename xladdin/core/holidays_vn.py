"""Official days off in Việt Nam, 2025–2030: the data the working-day rule skips. Pure data.

Sources
-------
* Bộ luật Lao động 2019 (Luật số 45/2019/QH14), Điều 112: Tết Dương lịch 1 ngày (01/01),
  Tết Âm lịch 5 ngày, Giỗ Tổ Hùng Vương 1 ngày (10/3 âm lịch), Ngày Chiến thắng 1 ngày
  (30/4), Ngày Quốc tế Lao động 1 ngày (01/5), Quốc khánh 2 ngày (02/9 và 01 ngày liền kề
  trước hoặc sau); a holiday falling on the weekly rest day is made up on the next working
  day (khoản 3). The Prime Minister fixes each year which days of Tết and which day next to
  02/9 are off.
* Each year's notice (thông báo) of Bộ Lao động – Thương binh và Xã hội (from 03/2025 its
  tasks passed to Bộ Nội vụ) on the days off of cán bộ, công chức, viên chức, which also
  sets swapped days (nghỉ hoán đổi, with a Saturday worked instead). 2025: Thông báo
  6150/TB-BLĐTBXH (Tết Ất Tỵ: 25/01–02/02/2025) and the swap of Friday 02/5 with Saturday
  26/4/2025; 2026: Tết Bính Ngọ 14/02–22/02/2026 and the swap of Monday 31/8 with Saturday
  22/8/2026.
* Lunar dates (mùng 1 Tết, 10/3 âm lịch) as the Vietnamese calendar (UTC+7) gives them,
  checked against the ``holidays`` package's Vietnamese calendar (tests/test_workdays.py).
  The two calendars part in 2030: Tết Canh Tuất is 02/02/2030 in Việt Nam, 03/02 in China.

Years 2027–2030 are *expected* days (``CONFIRMED_UNTIL`` marks where notices end): the
Labour Code's rules, with Tết placed as in recent notices (the working days around mùng 1).
Update a year here when its notice comes out; the test checks the rules still hold.

Not included: Ngày Văn hóa Việt Nam (24/11). Nghị quyết 80-NQ/TW (2026) makes it a paid
day off in principle, but it needs Điều 112 amended; add it here once that is in force.

Party offices keep the state's calendar, so these are their days off too.
"""

from __future__ import annotations

from datetime import date

FIRST_YEAR, LAST_YEAR = 2025, 2030
CONFIRMED_UNTIL = 2026  # later years: expected, from the Labour Code's rules

NEW_YEAR = "Tết Dương lịch"
TET = "Tết Nguyên đán"
TET_FIRST = "Mùng 1 Tết Nguyên đán"
HUNG_KINGS = "Giỗ Tổ Hùng Vương (10/3 âm lịch)"
VICTORY = "Ngày Chiến thắng (30/4)"
LABOUR = "Ngày Quốc tế Lao động (01/5)"
NATIONAL = "Quốc khánh (02/9)"
NATIONAL_NEXT = "Quốc khánh (ngày liền kề)"
MAKE_UP = "nghỉ bù"
SWAPPED = "nghỉ hoán đổi"

# (day, name): every day off, weekend ones included so that each holiday is listed on its own
# date; a weekday off in place of a weekend holiday says "nghỉ bù".
DAYS_OFF: tuple[tuple[str, str], ...] = (
    # 2025
    ("2025-01-01", NEW_YEAR),
    ("2025-01-27", TET),
    ("2025-01-28", TET),
    ("2025-01-29", TET_FIRST),
    ("2025-01-30", TET),
    ("2025-01-31", TET),
    ("2025-02-01", TET),
    ("2025-04-07", HUNG_KINGS),
    ("2025-04-30", VICTORY),
    ("2025-05-01", LABOUR),
    ("2025-05-02", f"{SWAPPED} (làm bù thứ Bảy 26/4/2025)"),
    ("2025-09-01", NATIONAL_NEXT),
    ("2025-09-02", NATIONAL),
    # 2026
    ("2026-01-01", NEW_YEAR),
    ("2026-02-16", TET),
    ("2026-02-17", TET_FIRST),
    ("2026-02-18", TET),
    ("2026-02-19", TET),
    ("2026-02-20", TET),
    ("2026-04-26", HUNG_KINGS),
    ("2026-04-27", f"{HUNG_KINGS}, {MAKE_UP}"),
    ("2026-04-30", VICTORY),
    ("2026-05-01", LABOUR),
    ("2026-08-31", f"{SWAPPED} (làm bù thứ Bảy 22/8/2026)"),
    ("2026-09-01", NATIONAL_NEXT),
    ("2026-09-02", NATIONAL),
    # 2027 (expected)
    ("2027-01-01", NEW_YEAR),
    ("2027-02-04", TET),
    ("2027-02-05", TET),
    ("2027-02-06", TET_FIRST),
    ("2027-02-07", TET),
    ("2027-02-08", TET),
    ("2027-02-09", TET),
    ("2027-02-10", TET),
    ("2027-04-16", HUNG_KINGS),
    ("2027-04-30", VICTORY),
    ("2027-05-01", LABOUR),
    ("2027-05-03", f"{LABOUR}, {MAKE_UP}"),
    ("2027-09-02", NATIONAL),
    ("2027-09-03", NATIONAL_NEXT),
    # 2028 (expected)
    ("2028-01-01", NEW_YEAR),
    ("2028-01-03", f"{NEW_YEAR}, {MAKE_UP}"),
    ("2028-01-24", TET),
    ("2028-01-25", TET),
    ("2028-01-26", TET_FIRST),
    ("2028-01-27", TET),
    ("2028-01-28", TET),
    ("2028-01-29", TET),
    ("2028-04-04", HUNG_KINGS),
    ("2028-04-30", VICTORY),
    ("2028-05-01", LABOUR),
    ("2028-05-02", f"{VICTORY}, {MAKE_UP}"),
    ("2028-09-01", NATIONAL_NEXT),
    ("2028-09-02", NATIONAL),
    ("2028-09-04", f"{NATIONAL}, {MAKE_UP}"),
    # 2029 (expected)
    ("2029-01-01", NEW_YEAR),
    ("2029-02-12", TET),
    ("2029-02-13", TET_FIRST),
    ("2029-02-14", TET),
    ("2029-02-15", TET),
    ("2029-02-16", TET),
    ("2029-04-23", HUNG_KINGS),
    ("2029-04-30", VICTORY),
    ("2029-05-01", LABOUR),
    ("2029-09-02", NATIONAL),
    ("2029-09-03", NATIONAL_NEXT),
    ("2029-09-04", f"{NATIONAL}, {MAKE_UP}"),
    # 2030 (expected)
    ("2030-01-01", NEW_YEAR),
    ("2030-01-31", TET),
    ("2030-02-01", TET),
    ("2030-02-02", TET_FIRST),
    ("2030-02-03", TET),
    ("2030-02-04", TET),
    ("2030-02-05", TET),
    ("2030-02-06", TET),
    ("2030-04-12", HUNG_KINGS),
    ("2030-04-30", VICTORY),
    ("2030-05-01", LABOUR),
    ("2030-09-02", NATIONAL),
    ("2030-09-03", NATIONAL_NEXT),
)

# Saturdays worked in exchange for a swapped day off (the notices' "làm bù").
WORKED_SATURDAYS: tuple[tuple[str, str], ...] = (
    ("2025-04-26", "làm bù cho thứ Sáu 02/5/2025"),
    ("2026-08-22", "làm bù cho thứ Hai 31/8/2026"),
)


def _days(rows: tuple[tuple[str, str], ...]) -> dict[date, str]:
    return {date.fromisoformat(day): name for day, name in rows}


OFF: dict[date, str] = _days(DAYS_OFF)
WORKED: dict[date, str] = _days(WORKED_SATURDAYS)
