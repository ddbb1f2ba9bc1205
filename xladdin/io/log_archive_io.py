"""The archives of the audit log: ``<archive>/nhat-ky/<year>/NhatKy_<first row's time>.xlsx``.

One workbook per move, in a folder per year, rather than one growing file or a database: the
office opens each in Excel or LibreOffice like any other workbook (same columns as "Nhật ký"
plus each row's fingerprint), and a move writes only the rows it moves, so its cost and
memory do not grow with the years. A move stopped before the tracker dropped its rows can
only overlap the newest archive file: the next move reads that one file and skips what it
holds. See :mod:`xladdin.core.log_archive` for the order of a move.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..core.errors import WorkbookFormatError
from ..core.layout import LOG_ARCHIVE_COLUMNS as ARCHIVE_COLUMNS
from ..core.layout import LOG_ROW_ID as ROW_ID
from ..core.layout import SHEET_LOG
from ..core.model import nfc
from . import files
from .tracker_io import TrackerWorkbook

FOLDER = "nhat-ky"
PREFIX = "NhatKy_"
_FORMATS = {"datetime": "dd/mm/yyyy hh:mm:ss", "date": "dd/mm/yyyy", "code": "@"}


def archive_files(folder: Path) -> list[Path]:
    """Every archive file, oldest first (year folders, then file names: times)."""
    root = Path(folder)
    if not root.is_dir():
        return []
    years = sorted(
        (p for p in root.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name)
    )
    return [f for y in years for f in sorted(y.glob(f"{PREFIX}*.xlsx"))]


def _archive_bytes(rows: Sequence[Mapping[str, Any]], year: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_LOG)
    for i, col in enumerate(ARCHIVE_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    bold, top = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header = []
    for col in ARCHIVE_COLUMNS:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font, cell.alignment = bold, top
        header.append(cell)
    ws.append(header)
    formats = [_FORMATS.get(c.kind) for c in ARCHIVE_COLUMNS]
    for rec in rows:
        line = []
        for col, fmt in zip(ARCHIVE_COLUMNS, formats, strict=True):
            cell = WriteOnlyCell(ws, value=rec.get(col.field))
            if fmt and col.kind != "code":
                cell.number_format = fmt
            line.append(cell)
        ws.append(line)
    wb.properties.title = f"Nhật ký năm {year} (lưu trữ của sổ theo dõi nhiệm vụ)"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_archive(path: Path) -> list[dict[str, Any]]:
    """Every row of one archive, fields as in "Nhật ký" plus ROW_ID."""
    frame = TrackerWorkbook.open(path).read_table(SHEET_LOG, ARCHIVE_COLUMNS, required=False)
    frame = frame.drop(columns=["_row"], errors="ignore")
    return [
        {str(k): (None if v != v else v) for k, v in rec.items()}  # NaN (empty) → None
        for rec in frame.to_dict("records")
    ]


def _id(value: Any) -> str:
    # Fingerprints are ASCII hex: not through nfc(), whose cache would keep every one of a
    # merge's thousands alive and the process's memory with them.
    return "" if value is None else str(value).strip()


def archived_ids(path: Path) -> set[str]:
    """The fingerprints one archive holds, read a row at a time: a move checks two files
    of a whole merge's rows each, and reading them as tables set a merge's peak memory."""
    if not path.exists():
        return set()
    from python_calamine import CalamineWorkbook

    header = next(c for c in ARCHIVE_COLUMNS if c.field == ROW_ID).header
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET_LOG)
    except Exception as exc:  # calamine raises its own types for a damaged file
        raise WorkbookFormatError(f"Không đọc được tệp lưu trữ nhật ký {path}: {exc}") from exc
    rows = sheet.iter_rows()
    first = next(rows, [])
    names = [nfc(str(v)) if v is not None else "" for v in first]
    if header not in names:
        raise WorkbookFormatError(
            f"Tệp lưu trữ nhật ký {path} không có cột “{header}” ở dòng 1 trang “{SHEET_LOG}”."
        )
    at = names.index(header)
    return {_id(row[at]) for row in rows if at < len(row) and row[at] not in (None, "")}


def append_to_archive(folder: Path, year: int, rows: Sequence[Mapping[str, Any]]) -> int:
    """Write ``rows`` (of ``year``) as a new archive file, leaving out those the newest
    file of that year already holds; check every row is then archived. Returns the number
    of rows written (0 when a stopped move had written them all)."""
    target_dir = Path(folder) / str(year)
    earlier = sorted(target_dir.glob(f"{PREFIX}*.xlsx")) if target_dir.is_dir() else []
    have = archived_ids(earlier[-1]) if earlier else set()
    new = [r for r in rows if _id(r.get(ROW_ID)) not in have]
    written: set[str] = set()
    if new:
        first = new[0].get("time")
        stamp = first.strftime("%Y%m%d-%H%M%S") if isinstance(first, date) else f"{year}"
        target_dir.mkdir(parents=True, exist_ok=True)
        path = files.unique_path(target_dir, f"{PREFIX}{stamp}", ".xlsx")
        files.atomic_write(path, _archive_bytes(new, year))
        written = archived_ids(path)
    missing = {_id(r.get(ROW_ID)) for r in rows} - written - have
    if missing:
        raise WorkbookFormatError(
            f"Lưu trữ nhật ký ở {target_dir} không ghi đủ {len(missing)} dòng; trang "
            f"“{SHEET_LOG}” của sổ theo dõi chưa bị xóa dòng nào."
        )
    return len(new)
