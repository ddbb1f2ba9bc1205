"""When the scheduled jobs run: their timing rules read from "Cấu hình".

Times as staff type them ("08:00", "8h30", a time cell), weekdays in Vietnamese ("Thứ Sáu",
"thứ 6", "T6", "CN"); each rule becomes a ``schedule`` job (:meth:`Timing.rule`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import schedule

from ..core.layout import CONFIG_ITEMS
from ..core.model import fold, nfc
from ..io.workspace import Workspace

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_SCHEDULE_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _plain(text: Any) -> str:
    """Lower case without diacritics or spaces: "Thứ  sáu", "thu sau", "THỨ SÁU" → "thusau"."""
    decomposed = unicodedata.normalize("NFD", fold(text).replace("đ", "d"))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


_WEEKDAY_NAMES: dict[str, int] = {}
for _i, (_vi, _en) in enumerate(zip(WEEKDAYS, _SCHEDULE_DAYS, strict=True)):
    _WEEKDAY_NAMES.update({_plain(_vi): _i, _en: _i})
    if _i < 6:
        _WEEKDAY_NAMES.update({f"thu{_i + 2}": _i, f"t{_i + 2}": _i})
_WEEKDAY_NAMES["cn"] = 6


def parse_weekday(value: Any) -> int | None:
    """0 = Monday … 6 = Sunday from "Thứ Sáu", "thứ 6", "T6", "CN", "Chủ nhật", "friday"."""
    return _WEEKDAY_NAMES.get(_plain(value))


_TIME = re.compile(r"(\d{1,2})\s*[:hg]\s*(\d{2})?(?::(\d{2}))?(?:\.\d+)?")


def parse_time(value: Any) -> time | None:
    """A time of day from "08:00", "8h30", "8h", "16:00:00" (a time cell) or a day fraction."""
    text = nfc(value).lower()
    m = _TIME.fullmatch(text)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        return time(hour, minute) if hour < 24 and minute < 60 else None
    try:
        fraction = float(text.replace(",", "."))
    except ValueError:
        return None
    if 0 <= fraction < 1:  # Excel keeps a typed time as a fraction of a day
        minutes = round(fraction * 24 * 60) % (24 * 60)
        return time(minutes // 60, minutes % 60)
    return None


def parse_minutes(value: Any) -> int | None:
    text = nfc(value)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() and 1 <= number <= 1440 else None


@dataclass(frozen=True)
class Timing:
    """Every ``every_seconds``, or daily at ``at``, or weekly on ``weekday`` at ``at``."""

    every_seconds: int | None = None
    at: time | None = None
    weekday: int | None = None

    @property
    def period(self) -> timedelta | None:
        return timedelta(seconds=self.every_seconds) if self.every_seconds else None

    def rule(self, sched: schedule.Scheduler) -> schedule.Job:
        """This timing as an unconfigured ``schedule`` job (``.do`` still to be called)."""
        if self.every_seconds:
            return sched.every(self.every_seconds).seconds
        assert self.at is not None
        if self.weekday is None:
            job = sched.every().day
        else:
            job = getattr(sched.every(), _SCHEDULE_DAYS[self.weekday])  # .monday … .sunday
        return job.at(f"{self.at:%H:%M:%S}")

    def describe(self) -> str:
        if self.every_seconds:
            secs = self.every_seconds
            return f"mỗi {secs // 60} phút" if secs % 60 == 0 else f"mỗi {secs} giây"
        assert self.at is not None
        if self.weekday is None:
            return f"{self.at:%H:%M} hằng ngày"
        return f"{self.at:%H:%M} {WEEKDAYS[self.weekday]} hằng tuần"


@dataclass(frozen=True)
class JobSpec:
    name: str  # key in the state file
    label: str  # Vietnamese, for status lines and the log
    timing: Timing
    writes_tracker: bool = False


COLLECT, REMINDERS, REPORT = "collect", "reminders", "report"
LABELS = {COLLECT: "thu phiếu", REMINDERS: "công văn đôn đốc", REPORT: "báo cáo tổng hợp"}
_DEFAULTS = {item.key: item.default for item in CONFIG_ITEMS}


def specs_from_config(
    config: Mapping[str, str], *, interval_seconds: int | None = None
) -> tuple[list[JobSpec], list[str]]:
    """The jobs and their times from "Cấu hình", in run order, and Vietnamese problems.

    A value that cannot be read falls back to the default (``theodoi validate`` reports it);
    an empty time turns that job off. Collecting cannot be turned off."""
    problems: list[str] = []

    def value(key: str) -> str:
        return nfc(config.get(key, _DEFAULTS[key]))

    def fallback(key: str, what: str) -> str:
        problems.append(
            f"“Cấu hình”: {what} “{value(key)}” không đọc được; dùng mặc định {_DEFAULTS[key]}."
        )
        return _DEFAULTS[key]

    if interval_seconds:
        every = interval_seconds
    else:
        minutes = parse_minutes(value("collect_minutes") or _DEFAULTS["collect_minutes"])
        if minutes is None:
            minutes = parse_minutes(fallback("collect_minutes", "chu kỳ thu phiếu"))
        every = 60 * (minutes or 10)
    specs = [JobSpec(COLLECT, LABELS[COLLECT], Timing(every_seconds=every), writes_tracker=True)]

    def at(key: str, what: str) -> time | None:
        if not value(key):
            return None
        return parse_time(value(key)) or parse_time(fallback(key, what))

    reminder = at("reminder_time", "giờ lập công văn đôn đốc")
    if reminder is not None:
        specs.append(JobSpec(REMINDERS, LABELS[REMINDERS], Timing(at=reminder)))
    report = at("report_time", "giờ lập báo cáo tổng hợp")
    if report is not None and value("report_weekday"):
        weekday = parse_weekday(value("report_weekday"))
        if weekday is None:
            weekday = parse_weekday(fallback("report_weekday", "ngày lập báo cáo"))
        specs.append(JobSpec(REPORT, LABELS[REPORT], Timing(at=report, weekday=weekday)))
    return specs, problems


@dataclass
class JobContext:
    """What a job gets: the workspace, the jobs' "now", the config and its own memo (a dict
    kept in the state file between runs)."""

    workspace: Workspace
    now: datetime
    config: Mapping[str, str]
    memo: dict[str, Any] = field(default_factory=dict)
