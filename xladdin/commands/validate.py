"""``theodoi validate`` and the "Kiểm tra dữ liệu" button: findings into "Kiểm tra".

Every finding names its sheet, row and column; the conditional format built into the
template highlights those cells. In Excel the first :data:`NOTE_LIMIT` findings also get a
note on their cell (the last run's notes are removed first).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..book.base import Book, NoteCell, read_config, read_data
from ..book.file import edit_tracker
from ..core.layout import (
    CHECK_COLUMNS,
    FIRST_DATA_ROW,
    SHEET_AGENCIES,
    SHEET_CHECKS,
    SHEET_CONFIG,
    SHEET_TASKS,
)
from ..core.table import Rows
from ..core.tracker import check
from ..io import files
from ..io.workspace import Workspace
from ..validators import Finding

NOTE_MARK = "[Kiểm tra] "
NOTE_LIMIT = 100


@dataclass
class ValidateOutcome:
    workspace: Workspace | None
    findings: list[Finding]
    backup: Path | None
    csv_file: Path | None = None  # the whole list, beside the forms (file backend)


def _cell(
    headers: dict[str, dict[object, int]], sheet: object, row: object, column: object
) -> NoteCell | None:
    col = headers.get(str(sheet), {}).get(column)
    if not isinstance(row, int | float) or isinstance(row, bool) or col is None:
        return None
    return (str(sheet), int(row), col)


def run(book: Book, today: date) -> ValidateOutcome:
    data = read_data(book)
    findings = check(data, today)
    sheets = {name: book.rows(name) for name in (SHEET_TASKS, SHEET_AGENCIES, SHEET_CONFIG)}
    headers = {
        name: {h: i + 1 for i, h in enumerate(rows[0] if rows else [])}
        for name, rows in sheets.items()
    }
    previous: Rows = book.rows(SHEET_CHECKS)
    # The last run's notes sit on the cells its first NOTE_LIMIT "Kiểm tra" rows name.
    old = [
        cell
        for line in previous[FIRST_DATA_ROW - 1 : FIRST_DATA_ROW - 1 + NOTE_LIMIT]
        if (cell := _cell(headers, *(list(line) + [None] * 3)[:3])) is not None
    ]
    new = {
        cell: f.message
        for f in findings[:NOTE_LIMIT]
        if (cell := _cell(headers, f.sheet, f.row, f.column)) is not None
    }
    book.write_table(SHEET_CHECKS, CHECK_COLUMNS, [f.record() for f in findings])
    book.replace_notes(old, new, mark=NOTE_MARK)
    return ValidateOutcome(None, findings, None)


def message(findings: Sequence[Finding]) -> str:
    if not findings:
        return "Không phát hiện lỗi dữ liệu. Trang “Kiểm tra” đã được làm trống."
    by_sheet: dict[str, int] = {}
    for f in findings:
        by_sheet[f.sheet] = by_sheet.get(f.sheet, 0) + 1
    detail = "; ".join(f"{n} ở trang “{s}”" for s, n in by_sheet.items())
    first = findings[0]
    return (
        f"Có {len(findings)} lỗi dữ liệu ({detail}).\n"
        "Các ô lỗi được tô vàng; danh sách đầy đủ ở trang “Kiểm tra”.\n"
        f"Lỗi đầu tiên: trang “{first.sheet}”, dòng {first.row}, cột “{first.column}”: "
        f"{first.message}"
    )


def validate_workbook(
    *, workbook: Path | None = None, today: date | None = None
) -> ValidateOutcome:
    """:func:`run` on the tracker file (``theodoi validate``)."""
    with edit_tracker(workbook) as book:
        outcome = run(book, today or date.today())
        config = read_config(book)
    outcome.workspace, outcome.backup = book.workspace, book.last_backup
    if outcome.findings:
        folder = book.workspace.folder(config, "outbox_dir")
        outcome.csv_file = write_findings_csv(folder, outcome.findings, datetime.now())
    return outcome


def write_findings_csv(folder: Path, findings: Sequence[Finding], now: datetime) -> Path:
    """Every finding as CSV (UTF-8 with BOM, the "Kiểm tra" columns): thousands of them are
    read in Excel with a filter, not on a terminal."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.header for c in CHECK_COLUMNS])
    for f in findings:
        rec = f.record()
        writer.writerow([files.csv_cell(rec.get(c.field)) for c in CHECK_COLUMNS])
    target = files.unique_path(folder, f"KiemTraDuLieu_{now:%Y%m%d-%H%M%S}", ".csv")
    files.atomic_write(target, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return target
