"""The reply deadline a letter (or a form) prints, and what the output says about it. Pure.

* A reminder (đôn đốc) asks for a report within a number of working days of its date:
  letter date + N working days, N = "reply_working_days" in "Cấu hình" (default 5). The
  scheduled job makes reminders every morning, so a fixed date would soon lie in the past.
* A request (đề nghị) and its form carry "Hạn gửi phiếu báo cáo" from "Cấu hình" while that
  day is still ahead. On or after it ("trước ngày 03/12/2026" in a letter dated 05/12 cannot
  be met) they use the working-day rule instead, and the output says so in one sentence.
* Working days skip weekends and the official days off of :mod:`xladdin.core.holidays_vn`;
  a deadline beyond the years that data covers says that only weekends were skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .layout import CONFIG_ITEMS, SHEET_CONFIG
from .letter_kinds import DeadlineRule
from .model import nfc
from .normalize import parse_date
from .workdays import FIRST_YEAR, LAST_YEAR, add_working_days, covers

REPLY_DAYS_KEY = "reply_working_days"
DEFAULT_REPLY_DAYS = 5
MAX_REPLY_DAYS = 60
_SKIPPED = "không tính thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết"


def _label(key: str) -> str:
    return next((i.label for i in CONFIG_ITEMS if i.key == key), key)


def _short(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


@dataclass(frozen=True)
class Deadline:
    """A deadline as printed: ``text`` is "dd/mm/yyyy", the configured text when it is not a
    date, or "" when none is set; ``lines`` are the Vietnamese sentences for the output."""

    day: date | None
    text: str
    by_rule: bool = False
    lines: tuple[str, ...] = ()


def reply_days(config: Mapping[str, Any]) -> tuple[int, str]:
    """The configured number of working days, and a sentence when it could not be used."""
    raw = nfc(config.get(REPLY_DAYS_KEY))
    if not raw:
        return DEFAULT_REPLY_DAYS, ""
    try:
        days = int(float(raw.replace(",", ".")))
        whole = float(raw.replace(",", ".")) == days
    except ValueError:
        days, whole = 0, False
    if whole and 1 <= days <= MAX_REPLY_DAYS:
        return days, ""
    return DEFAULT_REPLY_DAYS, (
        f"“{_label(REPLY_DAYS_KEY)}” ở trang “{SHEET_CONFIG}” phải là số nguyên từ 1 đến "
        f"{MAX_REPLY_DAYS} (đang là “{raw}”): hạn được tính với {DEFAULT_REPLY_DAYS} ngày "
        "làm việc."
    )


def _by_working_days(letter_date: date, config: Mapping[str, Any], why: str) -> Deadline:
    days, problem = reply_days(config)
    due = add_working_days(letter_date, days)
    lines = [problem] if problem else []
    lines.append(
        f"{why} {_short(due)} (ngày lập {_short(letter_date)} cộng {days} ngày làm việc, "
        f"{_SKIPPED})."
    )
    if not covers(letter_date, due):
        lines.append(
            f"Lịch nghỉ lễ, Tết trong phần mềm có từ năm {FIRST_YEAR} đến năm {LAST_YEAR}: "
            f"hạn {_short(due)} chỉ trừ thứ Bảy, Chủ nhật, cần xem lại trước khi gửi."
        )
    return Deadline(due, _short(due), by_rule=True, lines=tuple(lines))


def working_day_deadline(letter_date: date, config: Mapping[str, Any]) -> Deadline:
    """A reminder's deadline: the letter date plus the configured working days."""
    return _by_working_days(letter_date, config, "Hạn báo cáo ghi trong công văn đôn đốc là")


def configured_deadline(letter_date: date, config: Mapping[str, Any]) -> Deadline:
    """The configured return deadline while it is after ``letter_date``; the working-day rule
    once it is not (the reason is the first line)."""
    raw = nfc(config.get("return_deadline"))
    if not raw:
        return Deadline(None, "")
    parsed = parse_date(raw)
    if not parsed.ok or parsed.value is None:
        return Deadline(None, raw)  # "Kiểm tra dữ liệu" reports it; printed as typed
    day = parsed.value
    if day > letter_date:
        return Deadline(day, _short(day))
    return _by_working_days(
        letter_date,
        config,
        f"“{_label('return_deadline')}” ở trang “{SHEET_CONFIG}” ({_short(day)}) không còn "
        f"sau ngày lập {_short(letter_date)}, nên hạn được tính lại là",
    )


def letter_deadline(
    rule: DeadlineRule, config: Mapping[str, Any], letter_date: date
) -> Deadline | None:
    """The deadline a letter kind prints (None: the kind has no deadline)."""
    if rule is DeadlineRule.WORKING_DAYS:
        return working_day_deadline(letter_date, config)
    if rule is DeadlineRule.CONFIGURED:
        return configured_deadline(letter_date, config)
    return None


__all__ = [
    "DEFAULT_REPLY_DAYS",
    "MAX_REPLY_DAYS",
    "REPLY_DAYS_KEY",
    "Deadline",
    "configured_deadline",
    "letter_deadline",
    "reply_days",
    "working_day_deadline",
]
