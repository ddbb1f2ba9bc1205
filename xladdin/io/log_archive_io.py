"""The yearly archives of the audit log: ``<archive>/nhat-ky/NhatKy_<year>.xlsx``.

An .xlsx per year rather than a database: the office opens it in Excel or LibreOffice like
any other workbook, with the same columns as "Nhật ký" plus each row's fingerprint. New rows
are appended to the sheet's XML (the rows already there are not re-encoded) and the file is
replaced atomically; see :mod:`xladdin.core.log_archive` for the order of a move.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
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


def archive_path(folder: Path, year: int) -> Path:
    return Path(folder) / f"{PREFIX}{year}.xlsx"


def archive_files(folder: Path) -> list[Path]:
    """The archives in year order."""
    if not Path(folder).is_dir():
        return []
    found = [p for p in Path(folder).glob(f"{PREFIX}*.xlsx") if p.stem[len(PREFIX) :].isdigit()]
    return sorted(found, key=lambda p: int(p.stem[len(PREFIX) :]))


def _empty_archive(year: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_LOG
    for i, col in enumerate(ARCHIVE_COLUMNS, start=1):
        cell = ws.cell(1, i, col.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = col.width
        # Column styles: rows appended later take them (see sheetxml.column_styles).
        dim.number_format = _FORMATS.get(col.kind, "General")
    ws.freeze_panes = "A2"
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


def archived_ids(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {nfc(r.get(ROW_ID)) for r in read_archive(path) if r.get(ROW_ID)}


def append_to_archive(path: Path, rows: Sequence[Mapping[str, Any]]) -> int:
    """Append the rows the archive does not have yet; check they are all there before
    returning. The number of rows written (0 when a stopped move had written them)."""
    path = Path(path)
    if not path.exists():
        year = int(path.stem[len(PREFIX) :])
        path.parent.mkdir(parents=True, exist_ok=True)
        files.atomic_write(path, _empty_archive(year))
    have = archived_ids(path)
    new = [r for r in rows if nfc(r.get(ROW_ID)) not in have]
    if new:
        book = TrackerWorkbook.open(path)
        book.append_rows(SHEET_LOG, ARCHIVE_COLUMNS, new)
        book.save(None)
    missing = {nfc(r.get(ROW_ID)) for r in rows} - archived_ids(path)
    if missing:
        raise WorkbookFormatError(
            f"Lưu trữ nhật ký {path} không ghi đủ {len(missing)} dòng; trang “{SHEET_LOG}” "
            "của sổ theo dõi chưa bị xóa dòng nào."
        )
    return len(new)
