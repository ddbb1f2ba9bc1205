"""Schemas of the "Cơ quan" (agency catalogue) and "Cấu hình" (settings) sheets."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..core.agencies import display_name, normalize_key
from ..core.agency_names import standard_name
from ..core.errors import UsageError
from ..core.model import fold, nfc, yes_no
from ..core.period import parse_period
from .findings import Rule, show_value

# Pragmatic address check: one @, a dot in the domain, no spaces; several separated by ";".
EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,.]+$")
TIME = re.compile(r"^([01]?\d|2[0-3])[:h]([0-5]\d)$")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
DATE_TEXT = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def _blank(value: Any) -> bool:
    return nfc(value) == ""


def emails(value: Any) -> list[str]:
    return [e.strip() for e in re.split(r"[;,]", nfc(value)) if e.strip()]


def _email_ok(value: Any) -> bool:
    return all(EMAIL.match(e) for e in emails(value))


def _duplicates(values: pd.Series, key: Any) -> pd.Series:
    keys = values.map(key)
    return ~((keys != "") & keys.duplicated(keep="first"))


class AgencySchema(pa.DataFrameModel):
    code: Series[object] = pa.Field(nullable=True)
    name: Series[object] = pa.Field(nullable=True)
    email: Series[object] = pa.Field(nullable=True)
    ctx_alias_taken: Series[object] = pa.Field(nullable=True)
    ctx_code_first: Series[object] = pa.Field(nullable=True)
    ctx_name_first: Series[object] = pa.Field(nullable=True)
    ctx_standard_name: Series[object] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False

    @pa.dataframe_check(name="code_missing")
    def code_missing(cls, df: pd.DataFrame) -> pd.Series:
        return ~df["code"].map(_blank)

    @pa.dataframe_check(name="code_duplicate")
    def code_duplicate(cls, df: pd.DataFrame) -> pd.Series:
        return _duplicates(df["code"], fold)

    @pa.dataframe_check(name="name_missing")
    def name_missing(cls, df: pd.DataFrame) -> pd.Series:
        return ~df["name"].map(_blank)

    @pa.dataframe_check(name="name_duplicate")
    def name_duplicate(cls, df: pd.DataFrame) -> pd.Series:
        return _duplicates(df["name"], lambda v: normalize_key(nfc(v)))

    @pa.dataframe_check(name="name_not_standard")
    def name_not_standard(cls, df: pd.DataFrame) -> pd.Series:
        return df["ctx_standard_name"].map(_blank)

    @pa.dataframe_check(name="alias_taken")
    def alias_taken(cls, df: pd.DataFrame) -> pd.Series:
        return df["ctx_alias_taken"].map(_blank)

    @pa.check("email", name="email_invalid")
    def email_invalid(cls, s: pd.Series) -> pd.Series:
        return s.map(_email_ok)


def prepare_agencies(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds, per row, the aliases already used (as name, code or alias) by an earlier row and
    the standard spelling of a name written otherwise."""
    out = frame.copy()
    owner: dict[str, str] = {}
    taken: list[str | None] = []
    for rec in out.to_dict("records"):
        name = nfc(rec.get("name"))
        mine = {normalize_key(name)} if name else set()
        mine |= {normalize_key(nfc(rec.get("code")))} if nfc(rec.get("code")) else set()
        clashes = []
        for alias in str(rec.get("aliases") or "").split(";"):
            key = normalize_key(nfc(alias))
            if key and key in owner and key not in mine:
                clashes.append(f"“{nfc(alias)}” (đã thuộc {owner[key]})")
            elif key:
                mine.add(key)
        for key in mine:
            owner.setdefault(key, name or nfc(rec.get("code")))
        taken.append("; ".join(clashes) or None)
    out["ctx_alias_taken"] = pd.Series(taken, index=out.index, dtype=object)
    out["ctx_code_first"] = _first_rows(out, out["code"].map(fold))
    out["ctx_name_first"] = _first_rows(out, out["name"].map(lambda v: normalize_key(nfc(v))))
    out["ctx_standard_name"] = pd.Series(
        [_proposed_name(v) for v in out["name"]], index=out.index, dtype=object
    )
    return out


def _proposed_name(value: Any) -> str | None:
    """The standard spelling of a name the catalogue shows otherwise; None when it is standard
    (or blank: "name_missing" reports that)."""
    if not isinstance(value, str):
        return None
    shown = display_name(nfc(value))
    if not normalize_key(shown):
        return None
    proposed = standard_name(shown)
    return proposed if proposed != shown else None


def _first_rows(frame: pd.DataFrame, keys: pd.Series) -> pd.Series:
    """For each row, the Excel row where its key first appears."""
    first: dict[str, Any] = {}
    for k, r in zip(keys, frame["_row"], strict=True):
        first.setdefault(k, r)
    return pd.Series([first.get(k) for k in keys], index=frame.index, dtype=object)


AGENCY_RULES: dict[str, Rule] = {
    "code_missing": Rule("code", lambda r: "Thiếu mã cơ quan."),
    "code_duplicate": Rule(
        "code",
        lambda r: f"Mã cơ quan {show_value(r['code'])} bị trùng với dòng {r['ctx_code_first']}.",
    ),
    "name_missing": Rule("name", lambda r: "Thiếu tên cơ quan."),
    "name_duplicate": Rule(
        "name",
        lambda r: f"Tên cơ quan {show_value(r['name'])} bị trùng với dòng {r['ctx_name_first']}.",
    ),
    "name_not_standard": Rule(
        "name",
        lambda r: (
            f"Tên cơ quan {show_value(r['name'])} chưa viết hoa theo quy định (Nghị định "
            f"30/2020/NĐ-CP, Phụ lục II); tên chuẩn là “{r['ctx_standard_name']}”. Nếu đồng ý, "
            "hãy sửa ô này; phần mềm không tự đổi tên, tên cũ vẫn được nhận ra khi đối chiếu."
        ),
    ),
    "alias_taken": Rule(
        "aliases",
        lambda r: f"Tên gọi khác {r['ctx_alias_taken']}: mỗi tên chỉ được thuộc một cơ quan.",
    ),
    "email_invalid": Rule(
        "email",
        lambda r: (
            f"Email {show_value(r['email'])} không đúng dạng (ví dụ: vanphong@dienbien.dcs.vn; "
            "nhiều địa chỉ thì cách nhau bởi dấu ;)."
        ),
    ),
}


# -- "Cấu hình": one row per setting, checked by its key --------------------------------
def _period_ok(value: Any) -> bool:
    try:
        parse_period(nfc(value))
    except UsageError:
        return False
    return True


def _date_ok(value: Any) -> bool:
    if isinstance(value, date | datetime):
        return True
    m = DATE_TEXT.match(nfc(value))
    if not m:
        return False
    try:
        date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return False
    return True


def _int_between(low: int, high: int) -> Any:
    def ok(value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            return float(value).is_integer() and low <= value <= high
        text = nfc(value)
        return text.isdigit() and low <= int(text) <= high

    return ok


def _time_ok(value: Any) -> bool:
    if isinstance(value, datetime):
        return True
    if isinstance(value, float | int) and not isinstance(value, bool):
        return 0 <= value < 1  # Excel stores a typed time as a day fraction
    return TIME.match(nfc(value)) is not None


def _weekday_ok(value: Any) -> bool:
    return fold(value) in {fold(w) for w in WEEKDAYS}


CONFIG_CHECKS: dict[str, tuple[Any, str]] = {
    "period": (
        _period_ok,
        "Kỳ báo cáo không đúng: ghi dạng 2026-11 (tháng), 2026-Q4 (quý) hoặc 2026-H2 (6 tháng)",
    ),
    "return_deadline": (_date_ok, "Hạn gửi phiếu phải là một ngày, dạng 25/11/2026"),
    "due_soon_days": (_int_between(0, 366), "Số ngày “sắp đến hạn” phải là số nguyên từ 0 đến 366"),
    "collect_minutes": (
        _int_between(1, 1440),
        "Chu kỳ thu phiếu phải là số phút nguyên từ 1 đến 1440",
    ),
    "reminder_time": (_time_ok, "Giờ lập công văn đôn đốc phải từ 00:00 đến 23:59, dạng 08:00"),
    "report_time": (_time_ok, "Giờ lập báo cáo tổng hợp phải từ 00:00 đến 23:59, dạng 16:00"),
    "report_weekday": (_weekday_ok, "Ngày trong tuần phải là một trong: " + ", ".join(WEEKDAYS)),
    "reply_working_days": (
        _int_between(1, 60),
        "Số ngày làm việc để báo cáo khi được đôn đốc phải là số nguyên từ 1 đến 60",
    ),
    "log_keep_rows": (
        _int_between(0, 1_000_000),
        "Số dòng tối đa của trang “Nhật ký” phải là số nguyên từ 0 (không chuyển) đến 1000000",
    ),
    "imap_port": (_int_between(1, 65535), "Cổng máy chủ thư phải là số nguyên từ 1 đến 65535"),
    "imap_tls_verify": (
        lambda v: yes_no(v) is not None,
        "Kiểm tra chứng chỉ máy chủ thư phải là “có” hoặc “không”",
    ),
}


class ConfigSchema(pa.DataFrameModel):
    key: Series[object] = pa.Field(nullable=True)
    value: Series[object] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False

    @pa.dataframe_check(name="config_invalid")
    def config_invalid(cls, df: pd.DataFrame) -> pd.Series:
        def ok(key: Any, value: Any) -> bool:
            check = CONFIG_CHECKS.get(nfc(key))
            return check is None or _blank(value) or bool(check[0](value))

        return pd.Series(
            [ok(k, v) for k, v in zip(df["key"], df["value"], strict=True)], index=df.index
        )


CONFIG_RULES: dict[str, Rule] = {
    "config_invalid": Rule(
        "value",
        lambda r: f"{CONFIG_CHECKS[nfc(r['key'])][1]} (đang là {show_value(r['value'])}).",
    ),
}
