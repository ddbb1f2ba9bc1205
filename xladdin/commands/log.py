"""``theodoi log``: the whole audit log, the yearly archives and "Nhật ký" read as one.

Nothing is written to the tracker. The rows come oldest first: each archive in year order,
then the sheet; a row a stopped move left in both places is given once.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..book.base import Book, read_config, read_log
from ..book.file import open_tracker
from ..core.layout import LOG_COLUMNS
from ..core.log_archive import ROW_ID, row_id
from ..io import files
from ..io.log_archive_io import FOLDER, archive_files, read_archive


@dataclass
class LogOutcome:
    rows: list[dict[str, Any]]
    in_sheet: int
    archived: int
    archives: list[Path]


def run(book: Book) -> LogOutcome:
    folder = book.workspace.folder(read_config(book), "archive_dir") / FOLDER
    found = archive_files(folder)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in found:
        for rec in read_archive(path):
            seen.add(str(rec.get(ROW_ID) or ""))
            rows.append({c.field: rec.get(c.field) for c in LOG_COLUMNS})
    archived = len(rows)
    sheet = [r for r in read_log(book) if row_id(r) not in seen]
    rows.extend({c.field: r.get(c.field) for c in LOG_COLUMNS} for r in sheet)
    return LogOutcome(rows, len(sheet), archived, found)


def read_whole_log(workbook: Path | None = None) -> LogOutcome:
    """:func:`run` on the tracker file (``theodoi log``)."""
    return run(open_tracker(workbook))


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with BOM (Excel shows the Vietnamese text), Vietnamese headers, cells that
    would start a formula neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.header for c in LOG_COLUMNS])
    for r in rows:
        writer.writerow([files.csv_cell(_text(r.get(c.field))) for c in LOG_COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def message(outcome: LogOutcome, output: Path | None) -> str:
    text = (
        f"Nhật ký có {len(outcome.rows)} dòng: {outcome.in_sheet} dòng trong trang “Nhật ký” "
        f"của sổ, {outcome.archived} dòng trong {len(outcome.archives)} tệp lưu trữ"
    )
    return f"{text}; đã ghi vào {output}." if output else f"{text}."
