"""Read and write the tracker workbook without Excel.

Reads go through python-calamine (fast, values only). Writes patch only the
worksheets that change (see :mod:`sheetxml`), then save atomically after a
backup. This module is the one place where the tracker file is touched.
"""

from __future__ import annotations

import contextlib
import io
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputFileError, WorkbookFormatError
from ..layout import (
    AGENCY_COLUMNS,
    CONFIG_COLUMNS,
    CONFIG_ITEMS,
    SHEET_AGENCIES,
    SHEET_CONFIG,
    SHEET_TASKS,
    TASK_COLUMNS,
    Column,
)
from ..model import fold
from . import files
from .sheetxml import append_xml_rows, build_rows, read_state, replace_sheet_data
from .xlsxpkg import XlsxPackage


def _cell_value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
        return value if value.strip() else None
    if (
        kind in ("text", "wrap", "code")
        and isinstance(value, float | int)
        and not isinstance(value, bool)
    ):
        return str(int(value)) if float(value).is_integer() else str(value)
    if kind == "date" and isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def records_frame(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A frame of object columns: missing values stay ``None``, never NaN, and
    strings are not converted to pandas' string dtype."""
    return pd.DataFrame(
        {c: pd.Series([r.get(c) for r in records], dtype=object) for c in columns},
        columns=list(columns),
    )


class TrackerWorkbook:
    """The tracker as bytes in memory plus the parts changed since opening."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = Path(path)
        self._data = data
        self.pkg = XlsxPackage.from_bytes(data, self.path.name)
        self._calamine: Any = None
        self._locked = False
        self.backup_dir: Path | None = None
        self.last_backup: Path | None = None
        self.changed_sheets: list[str] = []

    @classmethod
    def open(cls, path: Path) -> TrackerWorkbook:
        path = Path(path)
        if not path.exists():
            raise InputFileError(f"Không tìm thấy sổ theo dõi {path}.")
        return cls(path, path.read_bytes())

    @classmethod
    @contextlib.contextmanager
    def edit(cls, path: Path, backup_dir: Path | None) -> Iterator[TrackerWorkbook]:
        """Read-modify-write under the tracker's lock; saved only if the block
        changed something and raised nothing, so a failure changes nothing.
        The block may set ``book.backup_dir`` once it has read the config."""
        path = Path(path)
        files.ensure_not_open_in_excel(path)
        with files.file_lock(path):
            book = cls.open(path)
            book._locked = True
            book.backup_dir = backup_dir
            yield book
            if book.changed_sheets:
                book.last_backup = book.save(book.backup_dir)

    # -- reading ---------------------------------------------------------------
    def _rows(self, sheet: str) -> list[list[Any]]:
        import python_calamine

        if self._calamine is None:
            try:
                self._calamine = python_calamine.CalamineWorkbook.from_filelike(
                    io.BytesIO(self._data)
                )
            except Exception as exc:  # calamine raises its own hierarchy
                raise InputFileError(f"Không đọc được sổ theo dõi {self.path.name}: {exc}") from exc
        if sheet not in self._calamine.sheet_names:
            raise WorkbookFormatError(
                f"Sổ theo dõi {self.path.name} không có trang tính “{sheet}”."
            )
        rows: list[list[Any]] = self._calamine.get_sheet_by_name(sheet).to_python(
            skip_empty_area=False
        )
        return rows

    def read_table(
        self, sheet: str, columns: Sequence[Column], *, required: bool = True
    ) -> pd.DataFrame:
        """One row per non-empty sheet row, fields as columns, plus ``_row`` (Excel row)."""
        rows = self._rows(sheet)
        fields = [c.field for c in columns]
        if not rows:
            return records_frame([], [*fields, "_row"])
        header = {i + 1: h for i, h in enumerate(rows[0])}
        positions = self._positions(sheet, header, columns, required=required)
        records = []
        for n, raw in enumerate(rows[1:], start=2):
            rec: dict[str, Any] = {}
            for col in columns:
                p = positions.get(col.field)
                v = raw[p - 1] if p is not None and p - 1 < len(raw) else None
                rec[col.field] = _cell_value(v, col.kind)
            if all(v is None for v in rec.values()):
                continue
            rec["_row"] = n
            records.append(rec)
        return records_frame(records, [*fields, "_row"])

    def _positions(
        self, sheet: str, header: Mapping[int, Any], columns: Sequence[Column], *, required: bool
    ) -> dict[str, int]:
        """Column of each field, found by its header text in row 1."""
        found = {fold(h): i for i, h in header.items() if str(h).strip()}
        out: dict[str, int] = {}
        missing = []
        for col in columns:
            pos = found.get(fold(col.header))
            if pos is None:
                missing.append(col.header)
            else:
                out[col.field] = pos
        if missing and required:
            names = ", ".join(f"“{m}”" for m in missing)
            raise WorkbookFormatError(
                f"Trang tính “{sheet}” của {self.path.name} thiếu cột {names} ở dòng tiêu đề (dòng 1)."
            )
        return out

    def read_tasks(self) -> pd.DataFrame:
        return self.read_table(SHEET_TASKS, TASK_COLUMNS)

    def read_agencies(self) -> pd.DataFrame:
        return self.read_table(SHEET_AGENCIES, AGENCY_COLUMNS)

    def read_config(self) -> dict[str, str]:
        """Configuration values by key, defaults filled in; dates as dd/mm/yyyy text."""
        table = self.read_table(SHEET_CONFIG, CONFIG_COLUMNS)
        by_label = {fold(i.label): i.key for i in CONFIG_ITEMS}
        out = {i.key: i.default for i in CONFIG_ITEMS}
        for rec in table.to_dict("records"):
            key = rec.get("key") or by_label.get(fold(rec.get("label") or ""))
            if not key:
                continue
            value = rec.get("value")
            if isinstance(value, datetime | date):
                value = value.strftime("%d/%m/%Y")
            out[str(key)] = "" if value is None else str(value).strip()
        return out

    # -- writing ---------------------------------------------------------------
    def write_table(
        self,
        sheet: str,
        columns: Sequence[Column],
        records: Sequence[Mapping[str, Any]],
        *,
        key_field: str | None = None,
    ) -> None:
        """Replace the data rows of ``sheet`` (header and everything else kept)."""
        part = self.pkg.sheet_part(sheet)
        state = read_state(self.pkg, part)
        if any(state.headers.values()):
            positions = self._positions(sheet, state.headers, columns, required=True)
        else:
            positions = {c.field: i + 1 for i, c in enumerate(columns)}
        pos_list = [positions[c.field] for c in columns]
        values = [[rec.get(c.field) for c in columns] for rec in records]
        keys = (
            [str(rec.get(key_field) or f"#new{n}") for n, rec in enumerate(records)]
            if key_field
            else None
        )
        key_col = positions[key_field] if key_field else None
        body, last_row, last_col = build_rows(
            state, pos_list, values, keys, [c.header for c in columns], key_col
        )
        xml = replace_sheet_data(self.pkg.read(part), body, last_row, last_col)
        self.pkg.write(part, xml)
        self.pkg.drop_calc_chain_if_needed(sheet)
        self._mark(sheet)

    def append_rows(
        self, sheet: str, columns: Sequence[Column], records: Sequence[Mapping[str, Any]]
    ) -> None:
        """Append rows at the end (for the audit log): existing rows stay untouched."""
        if not records:
            return
        part = self.pkg.sheet_part(sheet)
        state = read_state(self.pkg, part)
        values = [[rec.get(c.field) for c in columns] for rec in records]
        xml = append_xml_rows(self.pkg.read(part), state.last_row + 1, values, state.col_styles)
        self.pkg.write(part, xml)
        self._mark(sheet)

    def _mark(self, sheet: str) -> None:
        if sheet not in self.changed_sheets:
            self.changed_sheets.append(sheet)

    def to_bytes(self) -> bytes:
        return self.pkg.to_bytes()

    def save(self, backup_dir: Path | None, *, path: Path | None = None) -> Path | None:
        """Back up the file on disk, then replace it atomically. Returns the backup."""
        target = Path(path) if path is not None else self.path
        files.ensure_not_open_in_excel(target)
        data = self.to_bytes()
        lock = contextlib.nullcontext() if self._locked else files.file_lock(target)
        with lock:
            copy = files.backup(target, backup_dir) if backup_dir is not None else None
            files.atomic_write(target, data)
        self._data = data
        self._calamine = None
        return copy
