"""The files of closed periods: ``<archive>/lich-su-ky/``.

``CacKy.csv`` holds one row per closed period (the plan's totals: the trend) and
``Ky_<period>.csv`` one row per leaf task of that period. CSV in UTF-8 with a byte-order
mark: Excel and LibreOffice open them as they are, and the tracker does not grow with the
years (a period's file is about 75 bytes per task plus its result text; docs/design.md).
Each file is written whole to a temp file and renamed, so a kill leaves the old file or
the new one; the task rows are written before the trend row that names them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..core.errors import WorkbookFormatError
from ..core.layout import HISTORY_TASK_HEADERS, HISTORY_TREND_HEADERS
from ..core.model import fold
from . import files

FOLDER = "lich-su-ky"
TREND_FILE = "CacKy.csv"


def history_folder(archive_dir: Path) -> Path:
    return Path(archive_dir) / FOLDER


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else files.csv_cell(value)


def _csv(headers: Mapping[str, str], rows: Sequence[Mapping[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers.values())
    for row in rows:
        writer.writerow([_text(row.get(f)) for f in headers])
    return out.getvalue().encode("utf-8-sig")


def _read(path: Path, headers: Mapping[str, str]) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    lines = list(csv.reader(io.StringIO(text)))
    if not lines:
        return []
    by_header = {fold(h): f for f, h in headers.items()}
    fields = [by_header.get(fold(h)) for h in lines[0]]
    missing = [h for f, h in headers.items() if f not in fields]
    if missing:
        raise WorkbookFormatError(
            f"Tệp {path} thiếu cột {', '.join(f'“{m}”' for m in missing)} ở dòng đầu; tệp "
            "lịch sử kỳ báo cáo bị sửa, hãy lấy lại từ bản sao lưu."
        )
    return [
        {f: v for f, v in zip(fields, line, strict=False) if f is not None}
        for line in lines[1:]
        if any(cell.strip() for cell in line)
    ]


def snapshot_file(archive_dir: Path, period: str) -> Path:
    return history_folder(archive_dir) / f"Ky_{period}.csv"


def read_trend_rows(archive_dir: Path) -> list[dict[str, Any]]:
    """The trend file's rows as text by field; none before the first closing."""
    return _read(history_folder(archive_dir) / TREND_FILE, HISTORY_TREND_HEADERS)


def read_snapshot_rows(archive_dir: Path, period: str) -> list[dict[str, Any]]:
    return _read(snapshot_file(archive_dir, period), HISTORY_TASK_HEADERS)


def write_closing(
    archive_dir: Path,
    period: str,
    rows: Sequence[Mapping[str, Any]],
    trend: Sequence[Mapping[str, Any]],
) -> Path:
    """Record a closed period: its task rows first, then the trend that names it."""
    folder = history_folder(archive_dir)
    unwritten = "chưa chốt kỳ báo cáo"
    files.make_folder(folder, unwritten)
    target = snapshot_file(archive_dir, period)
    files.atomic_write(target, _csv(HISTORY_TASK_HEADERS, rows), unwritten=unwritten)
    files.atomic_write(folder / TREND_FILE, _csv(HISTORY_TREND_HEADERS, trend), unwritten=unwritten)
    return target
