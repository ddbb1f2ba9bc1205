"""Normalise the values agencies type by hand into returned forms, before they are merged.

Each parser takes whatever a cell reader gives (None, str, int, float, date, datetime) and
returns a small result: the normalised ``value``, ``ok``, a ``note`` when the value was
reinterpreted (the merge logs it as a warning) and an ``error`` in Vietnamese when the value
is refused (the merge refuses the return). The functions do no I/O and never guess beyond the
decisions below, because a silently wrong status, progress or date misreports a task.

Decisions (each pinned by a test):

* Empty cells (None, "", spaces only) are ``ok`` with value None: nothing was reported.
* Progress is a percentage 0–100. "50%", "50 %", "50", "50,5" (Vietnamese decimal comma) and
  "50.5" are read literally. A number strictly between 0 and 1 is read as a percentage typed
  with Excel's % format ("50%" typed in a number cell is stored as 0.5) and noted; 0 and 1
  stay 0% and 1%, since both readings are possible. A caller that knows the cell's number
  format passes ``percent_format`` to decide instead. Text is never rescaled: "0,5" is 0.5%.
  bool, NaN, ±inf, negative numbers and values above 100 are refused.
* Dates are day-first (Vietnamese usage), never month-first: "05/11/2026", "5-11-2026",
  "5.11.2026", ISO "2026-11-05" (year first, with - / or .), "ngày 5 tháng 11 năm 2026",
  date/datetime cells and Excel serial numbers (``date1904`` for workbooks on the 1904
  system). Years must have four digits and lie in 2000–2099, for date cells too (a date
  outside that range in a return is a typing slip, such as "5" typed into a date cell). A
  time of day is dropped with a note. Impossible dates (31/02/2026) are refused with the
  reason.
* Statuses map to ``layout.STATUSES`` through exact matching, then a closed synonym table
  (:data:`STATUS_SYNONYMS`); case, spacing, punctuation and diacritics may differ, except
  for one-word synonyms whose unaccented form is another word ("dung" may be đúng, not
  dừng). "Chưa hoàn thành" is refused: it may mean not started or in progress. A synonym or
  a match that ignored diacritics is noted; case, spacing and punctuation are not.
* Text is trimmed, made NFC, and repaired when it was typed in a legacy 8-bit encoding (TCVN3
  or VNI, see :mod:`xladdin.core.legacy_vn`); line breaks typed in the cell are kept. Progress,
  dates and statuses typed as text go through the same repair first, so "Hoµn thµnh" is a
  status (with the conversion noted).
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from numbers import Real
from typing import Any

from .layout import (
    STATUS_DONE,
    STATUS_DONE_LATE,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    STATUS_PAUSED,
    STATUSES,
)
from .legacy_vn import Encoding, detect_legacy, from_font, to_tcvn3, to_vni

__all__ = [
    "STATUS_SYNONYMS",
    "YEAR_MAX",
    "YEAR_MIN",
    "DateResult",
    "ProgressResult",
    "StatusResult",
    "TextResult",
    "normalize_text",
    "parse_date",
    "parse_progress",
    "parse_status",
    "to_tcvn3",
    "to_vni",
]


def _join(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None


def _vn_number(x: float) -> str:
    """A number as Vietnamese readers write it: decimal comma, no trailing zeros."""
    if x.is_integer():
        return str(int(x))
    return f"{x:.10g}".replace(".", ",")


def _fold(text: str) -> str:
    """Case-folded and without diacritics; đ (and the look-alike eth ð) become d."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("ð", "d")


# -- text ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TextResult:
    """Normalised text; ``encoding`` names the legacy encoding it was converted from."""

    text: str
    encoding: Encoding | None = None
    note: str | None = None


# Illegal in XML 1.0 (C0 except tab/newline, surrogates, U+FFFE/F) or never typed on purpose
# (DEL, C1): openpyxl refuses to save the former, and both only come from broken exports.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Zero-width characters survive copy/paste from Word and web pages and break matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000 ]+")


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # what Excel shows
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # calamine reads every number as float
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def normalize_text(value: Any, *, font_encoding: str | None = None) -> TextResult:
    """NFC text with spaces tidied and typed line breaks kept; legacy encodings repaired.

    ``font_encoding``: the cell's font is a TCVN3 or VNI font (see
    :func:`~xladdin.core.legacy_vn.legacy_font`), which decides the conversion; without it
    the cautious detection guesses from the text alone.

    Removed: zero-width characters, soft hyphens (after legacy detection: TCVN3 uses that
    byte for ư), and control characters (noted). NBSP and other spaces become one space.
    """
    text = _as_text(value).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").translate(_INVISIBLE)
    text, controls = _CONTROL.subn("", text)
    text = _SPACES.sub(" ", text)
    notes: list[str] = []
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        notes.append("đã chuyển chữ tổ hợp (NFD) sang dạng dựng sẵn (NFC)")
    encoding: Encoding | None = None
    if font_encoding is not None and nfc.strip():
        converted = from_font(nfc, font_encoding)
        if converted != nfc:
            encoding = "VNI" if font_encoding == "vni" else "TCVN3"
            nfc = converted
            notes.insert(0, f"đã chuyển từ mã {encoding} (theo phông chữ của ô) sang Unicode")
    elif legacy := detect_legacy(nfc):
        nfc, encoding = legacy.text, legacy.encoding
        notes.insert(0, f"đã chuyển từ mã {legacy.encoding} sang Unicode")
    if controls:
        notes.append(f"đã bỏ {controls} ký tự điều khiển không in được")
    lines = [line.strip(" ") for line in nfc.replace("\u00ad", "").split("\n")]
    return TextResult("\n".join(lines).strip("\n"), encoding, _join(*notes))


# -- progress --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ProgressResult:
    """Progress in percent (0–100); None when the cell is empty or the value refused."""

    value: float | None
    ok: bool = True
    note: str | None = None
    error: str | None = None


_PROGRESS = re.compile(r"([+-]?)\s*([0-9]+)(?:[.,]([0-9]+))?\s*%?")


def _progress_error(message: str) -> ProgressResult:
    return ProgressResult(None, ok=False, error=message)


def _checked_progress(value: float, note: str | None) -> ProgressResult:
    if not 0 <= value <= 100:
        return _progress_error(f"tiến độ {_vn_number(value)}% nằm ngoài khoảng 0–100%.")
    return ProgressResult(value + 0.0, note=note)  # + 0.0 turns -0.0 into 0.0


def parse_progress(value: Any, *, percent_format: bool | None = None) -> ProgressResult:
    """Read a progress cell; see the module docstring for the accepted forms.

    ``percent_format``: True when the cell has a % number format (0.5 and 1 mean 50% and
    100%), False when it has not (0.5 means 0.5%), None when unknown (fraction rule).
    """
    if isinstance(value, bool):
        return _progress_error("tiến độ phải là số phần trăm từ 0 đến 100, không phải đúng/sai.")
    if isinstance(value, Real | Decimal):
        number = float(value)
        if not math.isfinite(number):
            return _progress_error("tiến độ không phải là một số hữu hạn.")
        if percent_format or (percent_format is None and 0 < number < 1):
            percent = round(number * 100, 9)  # 0.57 * 100 is 56.99999999999999
            note = None
            if not percent_format:
                note = f"đã hiểu {_vn_number(number)} là {_vn_number(percent)}%"
            return _checked_progress(percent, note)
        return _checked_progress(number, None)
    if value is not None and not isinstance(value, str):
        return _progress_error("tiến độ phải là số phần trăm từ 0 đến 100.")
    cleaned = normalize_text(value)
    text = cleaned.text.replace("\uff05", "%")
    if not text:
        return ProgressResult(None)
    m = _PROGRESS.fullmatch(text)
    if m is None:
        return _progress_error(
            f"không đọc được tiến độ “{text}”: cần một số từ 0 đến 100, ví dụ 50 hoặc 50%."
        )
    number = float(f"{m[1]}{m[2]}.{m[3] or 0}")
    return _checked_progress(number, cleaned.note)


# -- dates -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DateResult:
    """A calendar date; None when the cell is empty or the value refused."""

    value: date | None
    ok: bool = True
    note: str | None = None
    error: str | None = None


YEAR_MIN = 2000
YEAR_MAX = 2099
_EPOCH_1900 = date(1899, 12, 30)  # serial 1 is 1900-01-01 counting Excel's phantom 29/02/1900
_EPOCH_1904 = date(1904, 1, 1)
_TIME_DROPPED = "đã bỏ phần giờ"
_EXAMPLE = "ví dụ 05/11/2026"

_TIME = r"(?:(?:\s+|t)([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?)?"
_DMY = re.compile(r"([0-9]{1,2})\s*([/.-])\s*([0-9]{1,2})\s*\2\s*([0-9]+)" + _TIME)
_YMD = re.compile(r"([0-9]{4})([/.-])([0-9]{1,2})\2([0-9]{1,2})" + _TIME)
_WORDS = re.compile(
    r"([0-9]{1,2})\s+thang\s+([0-9]{1,2})(?:\s*,?\s*nam\s+|\s*[/-]\s*)([0-9]+)" + _TIME
)
_NO_YEAR = re.compile(r"[0-9]{1,2}\s*[/.-]\s*[0-9]{1,2}|[0-9]{1,2}\s+thang\s+[0-9]{1,2}")
_MONTH_ONLY = re.compile(r"(?:thang\s+)?[0-9]{1,2}\s*[/.-]\s*[0-9]{4}|thang\s+[0-9]{1,2}.*")


def _date_error(message: str) -> DateResult:
    return DateResult(None, ok=False, error=message)


def _checked_date(when: date, note: str | None) -> DateResult:
    if not YEAR_MIN <= when.year <= YEAR_MAX:
        return _date_error(
            f"ngày {when:%d/%m/%Y} nằm ngoài khoảng năm {YEAR_MIN}–{YEAR_MAX} "
            "(có thể ô đã bị gõ một số thay vì ngày)."
        )
    return DateResult(when, note=note)


def _from_serial(number: float, epoch: date) -> DateResult:
    low = (date(YEAR_MIN, 1, 1) - epoch).days
    high = (date(YEAR_MAX, 12, 31) - epoch).days
    if not math.isfinite(number) or not low <= number < high + 1:
        return _date_error(
            f"số {_vn_number(number) if math.isfinite(number) else number} không phải là "
            f"ngày: ngày lưu dạng số trong Excel phải rơi vào các năm {YEAR_MIN}–{YEAR_MAX}."
        )
    days = math.floor(number)
    return DateResult(epoch + timedelta(days=days), note=_TIME_DROPPED if number != days else None)


def _from_parts(day: str, month: str, year: str, time: tuple[str | None, ...]) -> DateResult:
    if len(year) != 4:
        return _date_error(f"năm “{year}” phải ghi đủ 4 chữ số, {_EXAMPLE}.")
    d, m, y = int(day), int(month), int(year)
    if not 1 <= m <= 12:
        return _date_error(
            f"không có tháng {m}: ngày phải ghi theo thứ tự ngày/tháng/năm, {_EXAMPLE}."
        )
    if not YEAR_MIN <= y <= YEAR_MAX:
        return _date_error(f"năm {y} nằm ngoài khoảng {YEAR_MIN}–{YEAR_MAX}.")
    last = calendar.monthrange(y, m)[1]
    if not 1 <= d <= last:
        return _date_error(
            f"ngày {d:02d}/{m:02d}/{y} không tồn tại (tháng {m}/{y} có {last} ngày)."
        )
    midnight = all(part is None or int(part) == 0 for part in time)
    return DateResult(date(y, m, d), note=None if midnight else _TIME_DROPPED)


def _date_key(text: str) -> str:
    key = _fold(text)
    key = re.sub(r"[\u2010-\u2015\u2212]", "-", key)
    key = " ".join(key.split()).strip(" .,;")
    return re.sub(r"^ngay\s+", "", key)


def parse_date(value: Any, *, date1904: bool = False) -> DateResult:
    """Read a date cell; see the module docstring for the accepted forms.

    ``date1904``: the workbook uses the 1904 date system (serial 0 is 01/01/1904).
    """
    if isinstance(value, bool):
        return _date_error("ô ngày chứa giá trị đúng/sai, không phải ngày.")
    if isinstance(value, datetime):
        if value != value:  # pandas.NaT, an empty cell, is a datetime unequal to itself
            return DateResult(None)
        midnight = value.time() == datetime.min.time()
        return _checked_date(value.date(), None if midnight else _TIME_DROPPED)
    if isinstance(value, date):
        return _checked_date(value, None)
    if isinstance(value, Real | Decimal):
        return _from_serial(float(value), _EPOCH_1904 if date1904 else _EPOCH_1900)
    # Anything else (numpy.datetime64, ...) is read as the text it prints as.
    cleaned = normalize_text(value)
    if not cleaned.text:
        return DateResult(None)
    key = _date_key(cleaned.text)
    for pattern, order in ((_DMY, (1, 3, 4)), (_WORDS, (1, 2, 3)), (_YMD, (4, 3, 1))):
        if m := pattern.fullmatch(key):
            d, mo, y = (m[i] for i in order)
            found = _from_parts(d, mo, y, m.groups()[-3:])
            if found.ok:
                return DateResult(found.value, note=_join(cleaned.note, found.note))
            return found
    if _NO_YEAR.fullmatch(key):
        return _date_error(f"ngày “{cleaned.text}” thiếu năm, {_EXAMPLE}.")
    if _MONTH_ONLY.fullmatch(key):
        return _date_error(f"“{cleaned.text}” chỉ có tháng và năm, cần ghi đủ ngày, {_EXAMPLE}.")
    return _date_error(
        f"không đọc được ngày “{cleaned.text}”: cần ghi theo dạng ngày/tháng/năm, {_EXAMPLE}."
    )


# -- statuses --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StatusResult:
    """One of ``layout.STATUSES``; None when the cell is empty or the value refused."""

    value: str | None
    ok: bool = True
    note: str | None = None
    error: str | None = None


# What people type for each status. Matching ignores case, spacing and punctuation, and
# diacritics too for phrases of two words or more (unaccented, they name nothing else).
STATUS_SYNONYMS: dict[str, tuple[str, ...]] = {
    STATUS_NOT_STARTED: (
        "Chưa triển khai",
        "Chưa thực hiện",
        "Chưa tiến hành",
        "Chưa bắt đầu",
        "Chưa triển khai thực hiện",
    ),
    STATUS_IN_PROGRESS: (
        "Đang triển khai",
        "Đang thực hiện",
        "Đang tiến hành",
        "Đang triển khai thực hiện",
        "Đang làm",
    ),
    STATUS_DONE: (
        "Hoàn thành",
        "Đã hoàn thành",
        "Hoàn thành đúng hạn",
        "Đã hoàn thành đúng hạn",
        "Hoàn tất",
        "Đã hoàn tất",
        "Xong",
        "Đã xong",
        "Đã thực hiện xong",
    ),
    STATUS_DONE_LATE: (
        "Hoàn thành quá hạn",
        "Đã hoàn thành quá hạn",
        "Quá hạn, đã hoàn thành",
        "Hoàn thành chậm",
        "Đã hoàn thành chậm",
        "Hoàn thành chậm tiến độ",
        "Hoàn thành muộn",
        "Hoàn thành trễ hạn",
        "Hoàn thành sau thời hạn",
        "Hoàn thành nhưng quá hạn",
    ),
    STATUS_PAUSED: (
        "Tạm dừng",
        "Dừng",
        "Đã dừng",
        "Tạm dừng thực hiện",
        "Dừng thực hiện",
        "Tạm ngừng",
        "Ngừng",
        "Tạm ngưng",
        "Tạm hoãn",
    ),
}

# Why a common answer is refused, in addition to the list of allowed statuses.
_STATUS_HINTS = {
    "chua hoan thanh": "“Chưa hoàn thành” có thể là chưa triển khai hoặc đang triển khai",
    "qua han": "“Quá hạn” là tình trạng hạn, được tính tự động",
}
_PUNCTUATION = re.compile(r"[\s.,;:!?…()\[\]{}\"'“”‘’«»/\\*+\u2010-\u2015-]+")


def _status_key(text: str) -> str:
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


def _status_tables() -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for status, phrases in STATUS_SYNONYMS.items():
        for phrase in phrases:
            key = _status_key(phrase)
            exact[key] = status
            if " " in key:
                loose[_fold(key)] = status
    return exact, loose


_STATUS_EXACT, _STATUS_LOOSE = _status_tables()


def _status_error(text: str) -> StatusResult:
    allowed = "; ".join(STATUSES)
    hint = _STATUS_HINTS.get(_fold(_status_key(text)))
    why = f" ({hint})" if hint else ""
    return StatusResult(
        None,
        ok=False,
        error=f"trạng thái “{text}” không thuộc danh sách cho phép{why}: {allowed}.",
    )


def parse_status(value: Any) -> StatusResult:
    """Map a typed status to one of ``layout.STATUSES``; see :data:`STATUS_SYNONYMS`."""
    if value is not None and not isinstance(value, str):
        return _status_error(_as_text(value))
    cleaned = normalize_text(value)
    text = " ".join(cleaned.text.split())
    if not text:
        return StatusResult(None)
    key = _status_key(text)
    status = _STATUS_EXACT.get(key) or _STATUS_LOOSE.get(_fold(key))
    if status is None:
        return _status_error(text)
    # Case, spacing and punctuation are not worth a warning; synonyms and diacritics are.
    understood = None if key == _status_key(status) else f"đã hiểu “{text}” là “{status}”"
    return StatusResult(status, note=_join(cleaned.note, understood))
