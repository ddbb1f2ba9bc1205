"""``theodoi recalc`` and the "Tính tiến độ" button: progress, due states and "Tổng hợp".

Only the computed cells of "Nhiệm vụ" change; "Tổng hợp" is rewritten from its first data
row down, with its time stamp and the chart repointed at the agency block.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..book.base import Book, header_positions, read_data
from ..book.file import edit_tracker
from ..core.errors import WorkspaceError
from ..core.layout import SHEET_SUMMARY, SHEET_TASKS, SUMMARY_FIRST_DATA_ROW, TASK_COLUMNS
from ..core.period_history import PeriodChange, trend_points
from ..core.recalc import Recalc
from ..core.summary import summary_grid
from ..core.tracker import recalc
from ..io.workspace import Workspace
from .history import archive_dir, change_for, read_trend

COMPUTED_FIELDS = ("progress", "due_state")


@dataclass
class RecalcOutcome:
    workspace: Workspace | None
    result: Recalc
    backup: Path | None
    # Against the last closed period ("Chốt kỳ báo cáo"); None before any is closed.
    change: PeriodChange | None = None


def task_cells(result: Recalc, positions: Mapping[str, int]) -> dict[tuple[int, int], Any]:
    """The computed cells of "Nhiệm vụ" (progress, due state) by (row, column)."""
    cells: dict[tuple[int, int], Any] = {}
    for t in result.tasks:
        row = t.get("_row")
        if row is None:
            continue
        for field in COMPUTED_FIELDS:
            cells[(int(row), positions[field])] = t.get(field)
    return cells


def run(book: Book, today: date, now: datetime | None = None) -> RecalcOutcome:
    result = recalc(read_data(book), today, now)
    book.write_cells(
        SHEET_TASKS, task_cells(result, header_positions(book, SHEET_TASKS, TASK_COLUMNS))
    )
    try:
        folder = archive_dir(book)
    except WorkspaceError:  # a book Excel opened from the web: no folder, no history
        folder = None
    change, points = None, []
    if folder is not None:
        closed = read_trend(folder)
        change = change_for(folder, closed, result, result.period)
        points = trend_points(closed, result)
    grid = summary_grid(result, change, points)
    book.write_block(SHEET_SUMMARY, grid.cells, clear_from_row=SUMMARY_FIRST_DATA_ROW)
    book.set_chart(SHEET_SUMMARY, grid.chart)
    return RecalcOutcome(None, result, None, change)


def message(result: Recalc, change: PeriodChange | None = None) -> str:
    plan = result.plan
    since = f"{change.sentence()}\n" if change is not None else ""
    return (
        f"Đã tính tiến độ (ngày tính hạn {result.today:%d/%m/%Y}, kỳ báo cáo "
        f"{result.period.label}).\n"
        f"{plan.tasks} nhiệm vụ: hoàn thành {plan.completed} "
        f"({plan.completion_rate * 100:.1f}%), quá hạn {plan.overdue}, sắp đến hạn "
        f"{plan.due_soon}, chưa báo cáo kỳ này {plan.not_reported}.\n"
        f"{since}Xem trang “Tổng hợp”."
    ).replace(".0%", "%")


def recalc_workbook(
    *, workbook: Path | None = None, today: date | None = None, now: datetime | None = None
) -> RecalcOutcome:
    """:func:`run` on the tracker file (``theodoi recalc``, the scheduled job)."""
    with edit_tracker(workbook) as book:
        outcome = run(book, today or date.today(), now)
    outcome.workspace, outcome.backup = book.workspace, book.last_backup
    return outcome
