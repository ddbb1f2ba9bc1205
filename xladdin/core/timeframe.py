"""Parse the free-text "thời gian thực hiện" column of a plan's appendix into a deadline.

Plans are typed by hand, so the same deadline arrives as "Hoàn thành Qúy I/2026", "quý 1/2026"
or "Trong quý I năm 2026". The parser matches on a diacritic-free, case-folded copy of the text
against a closed grammar: a text either matches a form completely or is UNPARSED. It never
guesses, because a wrong due date silently makes a task overdue (or hides that it is).

Decisions on ambiguous forms (each pinned by a test):

* Matching ignores diacritics, so "Quy", "Qúy", "Quý" and "Quí" are the same word and text
  typed without accents ("Hoan thanh 30/6/2026") is understood.
* "trước" is accepted only before an explicit date: "trước ngày 30/6/2026" is due 30/6/2026,
  but "trước quý III/2026" could mean the end of Q2 or of Q3, so it is UNPARSED.
* "cuối"/"hết" before a period is a no-op ("cuối năm 2026" → 31/12/2026); "đầu"/"giữa" are
  vague and UNPARSED (except "từ đầu ..." as the start of a range).
* A range of quarters ("Quý I - Quý II/2026", "Quý I-II/2026") is a RANGE, not a half-year;
  half-years are only the explicit "6 tháng đầu/cuối năm" and "nửa đầu/cuối năm" forms.
* Ranges must be strictly ordered and disjoint: "2028 - 2025", "2026 - 2026" and
  "Quý I/2026 - tháng 3/2026" are UNPARSED. A range side without a year takes the other side's
  year ("Từ tháng 3 đến tháng 6/2026").
* A roadmap phrase ("Theo lộ trình ...") together with exactly one explicit deadline in another
  clause yields that deadline ("Theo lộ trình, hoàn thành trước 30/6/2026" → 30/6/2026); with
  several different deadlines the text is UNPARSED; without any it is ROADMAP.
* A text starting with a recurrence ("Hằng năm, trước ngày 15/12") is RECURRING: the
  qualifier refines the cycle and there is still no single due date.
* Two-digit years and years outside 1900–2199 are UNPARSED.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "FIXED_DEADLINE_KINDS",
    "KIND_LABELS",
    "DeadlineKind",
    "Timeframe",
    "kind_from_label",
    "parse_timeframe",
]


class DeadlineKind(StrEnum):
    """How a task's timeframe text fixes (or does not fix) its due date."""

    FIXED_DATE = "fixed_date"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"
    ONGOING = "ongoing"
    RECURRING = "recurring"
    ROADMAP = "roadmap"
    UNPARSED = "unparsed"


KIND_LABELS: dict[DeadlineKind, str] = {
    DeadlineKind.FIXED_DATE: "Ngày cụ thể",
    DeadlineKind.QUARTER: "Quý",
    DeadlineKind.HALF_YEAR: "Nửa năm",
    DeadlineKind.MONTH: "Tháng",
    DeadlineKind.YEAR: "Năm",
    DeadlineKind.RANGE: "Khoảng thời gian",
    DeadlineKind.ONGOING: "Thường xuyên",
    DeadlineKind.RECURRING: "Định kỳ",
    DeadlineKind.ROADMAP: "Theo lộ trình",
    DeadlineKind.UNPARSED: "Chưa xác định",
}

# Kinds whose text fixes one due date (validation requires it filled in).
FIXED_DEADLINE_KINDS = frozenset(
    {
        DeadlineKind.FIXED_DATE,
        DeadlineKind.QUARTER,
        DeadlineKind.HALF_YEAR,
        DeadlineKind.MONTH,
        DeadlineKind.YEAR,
        DeadlineKind.RANGE,
    }
)

_YEAR_MIN = 1900
_YEAR_MAX = 2199

# Zero-width characters survive copy/paste from Word and would otherwise break matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


@dataclass(frozen=True)
class Timeframe:
    """A parsed timeframe; ``text`` is what the plan says, NFC with whitespace collapsed."""

    text: str
    kind: DeadlineKind
    due: date | None = None
    start: date | None = None

    @property
    def has_fixed_deadline(self) -> bool:
        return self.kind in FIXED_DEADLINE_KINDS

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def _clean_text(text: str) -> str:
    nfc = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return " ".join(nfc.split())


def _fold(text: str) -> str:
    """Case-fold and strip diacritics so typos in tone placement do not matter."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # U+00D0/U+00F0 (Icelandic eth) is what legacy-encoding converters often emit for Đ/đ.
    return bare.replace("đ", "d").replace("ð", "d")


def kind_from_label(label: str) -> DeadlineKind | None:
    """Inverse of KIND_LABELS; also accepts the English codes and unaccented labels."""
    wanted = " ".join(unicodedata.normalize("NFC", label).casefold().split())
    if not wanted:
        return None
    for kind, text in KIND_LABELS.items():
        if wanted in (text.casefold(), kind.value):
            return kind
    bare = _fold(wanted)
    for kind, text in KIND_LABELS.items():
        if bare == _fold(text):
            return kind
    return None


class _Period(NamedTuple):
    kind: DeadlineKind
    start: date
    end: date


def _year(raw: str | None, default: int | None) -> int | None:
    if raw is None:
        return default
    value = int(raw)
    return value if _YEAR_MIN <= value <= _YEAR_MAX else None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_SEP = r"(?:\s*[/-]\s*(?:nam\s*)?|\s*,?\s+nam\s+)"
_YEAR = r"([0-9]{4})"

_DATE_NUMERIC = re.compile(
    r"(?:ngay\s*)?([0-9]{1,2})\s*([/.-])\s*([0-9]{1,2})(?:\s*\2\s*" + _YEAR + r")?"
)
_DATE_WORDS = re.compile(
    r"(?:ngay\s+)?([0-9]{1,2})\s+thang\s+([0-9]{1,2})(?:" + _SEP + _YEAR + r")?"
)
_QUARTER = re.compile(r"qu[yi]\s*(iv|i{1,3}|0?[1-4])(?:" + _SEP + _YEAR + r")?")
_HALF = re.compile(
    r"(?:(?:0?6|sau)\s+thang\s+(dau|cuoi)(?:\s+nam)?|nua\s+(dau|cuoi)\s+nam|nua\s+nam\s+(dau|cuoi))"
    r"(?:(?:\s*[/-]\s*|\s+)(?:nam\s+)?" + _YEAR + r")?"
)
_MONTH = re.compile(r"thang\s*(0?[1-9]|1[0-2])(?:" + _SEP + _YEAR + r")?")
# A bare "6/2026" is a month: the four-digit year rules out reading it as a day and month.
_MONTH_BARE = re.compile(r"(0?[1-9]|1[0-2])\s*/\s*" + _YEAR + r"|(0?[1-9]|1[0-2])-" + _YEAR)
_YEAR_ONLY = re.compile(r"(?:nam\s+)?" + _YEAR)


def _date_period(day: int, month: int, year: int | None) -> _Period | None:
    if year is None:
        return None
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    return _Period(DeadlineKind.FIXED_DATE, when, when)


def _month_period(month: int, year: int | None) -> _Period | None:
    if year is None:
        return None
    return _Period(DeadlineKind.MONTH, date(year, month, 1), _last_day(year, month))


def _parse_single(s: str, default_year: int | None = None) -> _Period | None:
    """One period (no ranges); ``default_year`` is only given for a range's sides."""
    if m := _DATE_NUMERIC.fullmatch(s):
        return _date_period(int(m[1]), int(m[3]), _year(m[4], default_year))
    if m := _DATE_WORDS.fullmatch(s):
        return _date_period(int(m[1]), int(m[2]), _year(m[3], default_year))
    if m := _QUARTER.fullmatch(s):
        year = _year(m[2], default_year)
        if year is None:
            return None
        quarter = _ROMAN[m[1]] if m[1] in _ROMAN else int(m[1])
        first = 3 * quarter - 2
        return _Period(DeadlineKind.QUARTER, date(year, first, 1), _last_day(year, first + 2))
    if m := _HALF.fullmatch(s):
        year = _year(m[4], default_year)
        if year is None:
            return None
        if (m[1] or m[2] or m[3]) == "dau":
            return _Period(DeadlineKind.HALF_YEAR, date(year, 1, 1), date(year, 6, 30))
        return _Period(DeadlineKind.HALF_YEAR, date(year, 7, 1), date(year, 12, 31))
    if m := _MONTH.fullmatch(s):
        return _month_period(int(m[1]), _year(m[2], default_year))
    if m := _MONTH_BARE.fullmatch(s):
        return _month_period(int(m[1] or m[3]), _year(m[2] or m[4], None))
    if m := _YEAR_ONLY.fullmatch(s):
        year = _year(m[1], None)
        if year is None:
            return None
        return _Period(DeadlineKind.YEAR, date(year, 1, 1), date(year, 12, 31))
    return None


_RANGE_SEP = re.compile(r"\s*(?:-|~|\bden\b|\btoi\b)\s*")
_UNIT = re.compile(r"(qu[yi]|thang)\b")


def _parse_range(s: str) -> _Period | None:
    s = re.sub(r"^tu\s+", "", s)
    for sep in _RANGE_SEP.finditer(s):
        left, right = s[: sep.start()].strip(), s[sep.end() :].strip()
        if not left or not right:
            continue
        left, from_start = re.subn(r"^dau\s+", "", left)
        right = re.sub(r"^(?:het|cuoi)\s+", "", right)
        end = _parse_single(right)
        if end is None and (unit := _UNIT.match(left)):
            # "Quý I-II/2026", "tháng 3-6/2026": the right side borrows the left side's unit.
            end = _parse_single(f"{unit[1]} {right}")
        if end is None:
            continue
        begin = _parse_single(left) or _parse_single(left, default_year=end.start.year)
        if begin is None:
            continue
        if from_start:
            # "từ đầu năm 2026": the range opens on the period's first day, not after it.
            begin = begin._replace(end=begin.start)
        if begin.end < end.start:
            return _Period(DeadlineKind.RANGE, begin.start, end.end)
        return None
    return None


_PREFIX = re.compile(
    r"(?:hoan thanh|thuc hien|trien khai|xong|cham nhat|muon nhat|tu nay den(?: het)?|"
    r"den het|den|het|cuoi|vao|trong(?: thoi gian)?|thoi han|han|thoi gian|(?P<before>truoc))"
    r"\s*:?(?:\s+|$)"
)
_PERIOD_PREFIX = re.compile(r"(?:trong\s+)?giai doan\s+")


def _parse_plain(s: str) -> _Period | None:
    """A deadline without ongoing/recurring/roadmap wording; None when not understood."""
    before = False
    while m := _PREFIX.match(s):
        before = before or m["before"] is not None
        s = s[m.end() :]
    span_only = False
    if m := _PERIOD_PREFIX.match(s):
        span_only, s = True, s[m.end() :]
    s = s.strip(" :")
    found = None if span_only else _parse_single(s)
    if found is None:
        found = _parse_range(s)
    # "trước quý III" may mean before Q3 starts or by its end; only dates are unambiguous.
    if found is None or (before and found.kind is not DeadlineKind.FIXED_DATE):
        return None
    return found


_RECURRING = re.compile(
    r"(?:(?:thuc hien|bao cao|to chuc)\s+)?"
    r"(?:(?:hang|moi)\s+(?:ngay|tuan|thang|qu[yi]|nam|ky|[0-9]+\s+thang)\b"
    r"|dinh ky\b|[0-9]+\s+thang\s*/\s*(?:1\s+)?lan\b)"
)
_ONGOING = re.compile(r"(?:thuc hien\s+)?(?:thuong xuyen|lien tuc)\b")
_JOINER = re.compile(r"^\s*(?:[,;&-]\s*)?(?:va\s+)?")
_ROADMAP = re.compile(
    r"\btheo\s+(?:lo trinh|huong dan|tien do|ke hoach|chi dao|yeu cau|quy dinh|van ban|de an"
    r"|chuong trinh|thong bao)\b|\b(?:sau\s+)?khi\s+co\s+(?:huong dan|chi dao|van ban)\b"
)
_CLAUSE = re.compile(r"[,;()\[\]]")


def _match_key(text: str) -> str:
    s = _fold(text)
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = " ".join(s.split())
    s = re.sub(r"^[\s\-+*\u2022]+", "", s)
    s = re.sub(r"[\s.,;:!?\u2026]+$", "", s)
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1].strip(" .,;:")
    return s


def _ongoing_or_recurring(s: str) -> DeadlineKind | None:
    if _RECURRING.match(s):
        return DeadlineKind.RECURRING
    kind = None
    rest = s
    while m := _ONGOING.match(rest):
        kind = DeadlineKind.ONGOING
        rest = rest[m.end() :]
        rest = _JOINER.sub("", rest, count=1)
        if not rest:
            return kind
        if _RECURRING.match(rest):
            return DeadlineKind.RECURRING
    return None


def _roadmap_deadline(s: str, phrase: re.Match[str]) -> _Period | DeadlineKind:
    """The single explicit deadline beside a roadmap phrase, ROADMAP, or UNPARSED."""
    clauses = _CLAUSE.split(s[: phrase.start()]) + _CLAUSE.split(s[phrase.start() :])[1:]
    found = {p for c in clauses if (p := _parse_plain(c.strip())) is not None}
    if not found:
        return DeadlineKind.ROADMAP
    if len(found) == 1:
        return found.pop()
    return DeadlineKind.UNPARSED


def _to_timeframe(text: str, period: _Period) -> Timeframe:
    start = None if period.kind is DeadlineKind.FIXED_DATE else period.start
    return Timeframe(text, period.kind, period.end, start)


def parse_timeframe(text: str | None) -> Timeframe:
    """Interpret a timeframe text; anything not understood with confidence is UNPARSED."""
    clean = _clean_text(text or "")
    key = _match_key(clean)
    if not key:
        return Timeframe(clean, DeadlineKind.UNPARSED)
    stripped = key
    while m := _PREFIX.match(stripped):
        if m["before"] is not None:
            break
        stripped = stripped[m.end() :]
    if (kind := _ongoing_or_recurring(stripped)) is not None:
        return Timeframe(clean, kind)
    if phrase := _ROADMAP.search(key):
        result = _roadmap_deadline(key, phrase)
        if isinstance(result, DeadlineKind):
            return Timeframe(clean, result)
        return _to_timeframe(clean, result)
    period = _parse_plain(key)
    if period is None:
        return Timeframe(clean, DeadlineKind.UNPARSED)
    return _to_timeframe(clean, period)
