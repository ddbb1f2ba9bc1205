"""``theodoi close-period`` and the "Chốt kỳ báo cáo" button: record a period's snapshot;
and the change since the last closed period, for ``recalc`` and the report letter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..book.base import Book, read_config, read_data
from ..book.file import open_tracker
from ..core.errors import UsageError, WorkbookFormatError
from ..core.period import Period, parse_period
from ..core.period_history import (
    Closing,
    PeriodChange,
    PeriodTotals,
    change_since,
    close,
    parse_snapshot_row,
    parse_totals,
    previous_closed,
    with_closing,
)
from ..core.recalc import Recalc
from ..core.tracker import period_of, recalc
from ..io import period_history_io as history_io
from ..io.workspace import Workspace


@dataclass
class CloseOutcome:
    workspace: Workspace
    closing: Closing
    file: Path
    change: PeriodChange | None  # against the period closed before this one
    trend: list[PeriodTotals]


def read_trend(folder: Path) -> list[PeriodTotals]:
    """The closed periods' totals, oldest first (none before the first closing)."""
    try:
        return [parse_totals(r) for r in history_io.read_trend_rows(folder)]
    except ValueError as exc:
        path = history_io.history_folder(folder) / history_io.TREND_FILE
        raise WorkbookFormatError(
            f"Tệp {path} có dòng không đọc được ({exc}); hãy lấy lại tệp từ bản sao lưu."
        ) from exc


def read_snapshot(folder: Path, period: str) -> list[dict[str, Any]]:
    """Each leaf task's row of a closed period."""
    try:
        return [parse_snapshot_row(r) for r in history_io.read_snapshot_rows(folder, period)]
    except ValueError as exc:
        path = history_io.snapshot_file(folder, period)
        raise WorkbookFormatError(
            f"Tệp {path} có dòng không đọc được ({exc}); hãy lấy lại tệp từ bản sao lưu."
        ) from exc


def archive_dir(book: Book) -> Path:
    return book.workspace.folder(read_config(book), "archive_dir")


def change_for(
    folder: Path, trend: Sequence[PeriodTotals], result: Recalc, current: Period
) -> PeriodChange | None:
    """The change from the last period closed before ``current`` (in ``trend``, the folder's
    :func:`read_trend`) to ``result``."""
    previous = previous_closed(trend, current)
    if previous is None:
        return None
    return change_since(previous, read_snapshot(folder, previous.period), result)


def run(book: Book, today: date, now: datetime, period: str | None = None) -> CloseOutcome:
    data = read_data(book)
    chosen = parse_period(period) if period else period_of(data.config, today)
    if chosen.start > today:
        raise UsageError(
            f"Kỳ {chosen.code} chưa bắt đầu (bắt đầu ngày {chosen.start:%d/%m/%Y}); chỉ chốt "
            "được kỳ đã bắt đầu."
        )
    result = recalc(data, min(today, chosen.end), now)
    folder = archive_dir(book)
    closing = close(result, chosen, now)
    closed = read_trend(folder)
    change = change_for(folder, closed, result, chosen)
    trend = with_closing(closed, closing.totals)
    rows = [t.as_row() for t in trend]
    target = history_io.write_closing(folder, chosen.code, closing.rows, rows)
    return CloseOutcome(book.workspace, closing, target, change, trend)


def close_period(
    period: str | None = None,
    *,
    workbook: Path | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> CloseOutcome:
    """:func:`run` on the tracker file (``theodoi close-period``, the scheduled job). The
    tracker is only read: the snapshot goes to the archive folder."""
    book = open_tracker(workbook)
    return run(book, today or date.today(), now or datetime.now().replace(microsecond=0), period)


def message(outcome: CloseOutcome) -> str:
    t = outcome.closing.totals
    lines = [
        f"Đã chốt kỳ báo cáo {parse_period(t.period).label}: {t.tasks} nhiệm vụ, hoàn thành "
        f"{t.completed} ({t.completion_rate * 100:.1f}%), quá hạn {t.overdue}, tiến độ bình "
        f"quân {t.mean_progress}%. Số liệu từng nhiệm vụ lưu ở {outcome.file}."
    ]
    if outcome.change is not None:
        lines.append(outcome.change.sentence())
    return "\n".join(lines).replace(".0%", "%")


def last_closed(folder: Path) -> str | None:
    trend = read_trend(folder)
    return trend[-1].period if trend else None
