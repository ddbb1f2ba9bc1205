"""A sheet's values as a table: the one reader of rows, whether they come from the file or Excel.

Row 1 holds the headers; columns are found by header text (folded), never by position, so a
user can reorder columns. Cell values are normalised the same way for every backend: NFC
text, Excel serial dates of 2000–2099 as dates, whole numbers in text columns as text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from .errors import WorkbookFormatError
from .layout import CONFIG_ITEMS, FIRST_DATA_ROW, HEADER_ROW, OPTIONAL_FIELDS, Column
from .model import fold
from .normalize import parse_date, parse_progress

Rows = list[list[Any]]


_TYPED_KINDS = ("number", "percent", "date", "datetime")


def _typed_text(text: str, kind: str) -> Any:
    """A number or date typed into a cell formatted as text, read as the person meant it:
    "50%", "50 %", "50,5" (decimal comma) and day-first "05/11/2026". Anything unreadable
    stays text, and validation names the cell."""
    if kind in ("number", "percent"):
        number = parse_progress(text.strip(), percent_format=False)
        return number.value if number.ok and number.value is not None else text
    if kind in ("date", "datetime"):
        day = parse_date(text.strip())
        return day.value if day.ok and day.value is not None else text
    return text


def _cell_value(value: Any, kind: str, percent: bool = False) -> Any:
    """One cell as the core reads it; ``percent``: the cell has a % number format, so a typed
    "50%" is stored as 0.5 and means 50."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
        if not value.strip():
            return None
        return _typed_text(value, kind) if kind in _TYPED_KINDS else value
    if (
        kind in ("text", "wrap", "code")
        and isinstance(value, float | int)
        and not isinstance(value, bool)
    ):
        return str(int(value)) if float(value).is_integer() else str(value)
    is_number = isinstance(value, float | int) and not isinstance(value, bool)
    if percent and is_number and kind in ("number", "percent"):
        return round(float(value) * 100, 9)  # 0.57 * 100 is 56.99999999999999
    # Office.js (and a cell whose date format Excel's locale does not know) gives the serial
    # number; only serials of 2000-2099 are taken as dates, so a typed year such as 2026
    # stays a number and validation reports it.
    if kind in ("date", "datetime") and is_number and SERIAL_2000 <= value < SERIAL_2100:
        value = (EXCEL_EPOCH + timedelta(days=float(value))).replace(microsecond=0)
    if kind == "date" and isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


EXCEL_EPOCH = datetime(1899, 12, 30)


SERIAL_2000 = 36526  # 2000-01-01


SERIAL_2100 = 73051  # 2100-01-01


def records_frame(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A frame of object columns: missing values stay ``None``, never NaN, and
    strings are not converted to pandas' string dtype."""
    return pd.DataFrame(
        {c: pd.Series([r.get(c) for r in records], dtype=object) for c in columns},
        columns=list(columns),
    )


def column_positions(
    header: Mapping[int, Any],
    columns: Sequence[Column],
    *,
    sheet: str,
    source: str,
    required: bool = True,
) -> dict[str, int]:
    """Column (1-based) of each field, found by its header text in row 1."""
    found = {fold(h): i for i, h in header.items() if h is not None and str(h).strip()}
    out: dict[str, int] = {}
    missing = []
    for col in columns:
        pos = found.get(fold(col.header))
        if pos is None:
            if col.field not in OPTIONAL_FIELDS:
                missing.append(col.header)
        else:
            out[col.field] = pos
    if missing and required:
        names = ", ".join(f"“{m}”" for m in missing)
        raise WorkbookFormatError(
            f"Trang tính “{sheet}” của {source} thiếu cột {names} ở dòng tiêu đề (dòng 1)."
        )
    return out


def table_from_rows(
    rows: Sequence[Sequence[Any]],
    columns: Sequence[Column],
    *,
    sheet: str,
    source: str,
    required: bool = True,
    percent: Collection[tuple[int, int]] = (),
) -> pd.DataFrame:
    """A sheet's values (row 1 = headers) as a frame of fields plus ``_row`` (Excel row).

    The one reader of table values, whether they come from the file or from Excel.
    ``percent``: (row, column) of the cells with a % number format."""
    fields = [c.field for c in columns]
    if not rows:
        return records_frame([], [*fields, "_row"])
    header = {i + 1: h for i, h in enumerate(rows[HEADER_ROW - 1])}
    positions = column_positions(header, columns, sheet=sheet, source=source, required=required)
    records = []
    for n, raw in enumerate(rows[FIRST_DATA_ROW - 1 :], start=FIRST_DATA_ROW):
        rec: dict[str, Any] = {}
        for col in columns:
            p = positions.get(col.field)
            v = raw[p - 1] if p is not None and p - 1 < len(raw) else None
            rec[col.field] = _cell_value(v, col.kind, p is not None and (n, p) in percent)
        if all(v is None for v in rec.values()):
            continue
        rec["_row"] = n
        records.append(rec)
    return records_frame(records, [*fields, "_row"])


def config_values(table: pd.DataFrame) -> dict[str, str]:
    """Settings by key, defaults filled in; dates as dd/mm/yyyy text, whole numbers as integers."""
    by_label = {fold(i.label): i.key for i in CONFIG_ITEMS}
    out = {i.key: i.default for i in CONFIG_ITEMS}
    for rec in table.to_dict("records"):
        key = rec.get("key") or by_label.get(fold(rec.get("label") or ""))
        if not key:
            continue
        value = rec.get("value")
        if isinstance(value, datetime | date):
            value = value.strftime("%d/%m/%Y")
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        out[str(key)] = "" if value is None else str(value).strip()
    return out


def col_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n
