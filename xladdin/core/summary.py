"""The "Tổng hợp" sheet as cells: the same grid for the headless writer and the ribbon button.

The sheet has fixed blocks side by side (see :mod:`xladdin.core.layout`), each growing
downwards from row 5, so a block's length never moves another block. The chart plots the
bars of :func:`xladdin.core.chart.chart_bars` (at most 25, the rest added up), written to a
block of their own right of the printed ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .chart import Bar, ChartSeries, chart_bars, range_ref
from .layout import (
    PLAN_FIGURES,
    SHEET_SUMMARY,
    STATUS_UNSET,
    STATUSES,
    SUMMARY_AGENCIES,
    SUMMARY_BLOCKS,
    SUMMARY_CHART_DATA,
    SUMMARY_FIRST_DATA_ROW,
    SUMMARY_HEADER_ROW,
    SUMMARY_OVERDUE,
    SUMMARY_PLAN,
    SUMMARY_SECTIONS,
    SUMMARY_STAMP_CELL,
    SummaryBlock,
)
from .period_history import PeriodChange, short_label
from .printing import wrap_text
from .recalc import Recalc

# The overdue block's texts written a line per row; a line leaves a tenth of the column
# free: the cells do not wrap, and a line a little longer than estimated must show whole.
OVERDUE_SPLIT = ("content", "lead")
OVERDUE_SLACK = 0.9

Cells = dict[tuple[int, int], Any]


@dataclass(frozen=True)
class SummaryGrid:
    cells: Cells
    stamp: str
    blocks: dict[str, list[list[Any]]]  # block title -> data rows (for bulk writes)

    @property
    def last_row(self) -> int:
        return max((r for r, _ in self.cells), default=SUMMARY_FIRST_DATA_ROW)

    @property
    def chart(self) -> ChartSeries:
        return agency_chart(self.blocks[SUMMARY_CHART_DATA.title])


def chart_rows(bars: Sequence[Bar]) -> list[list[Any]]:
    """The chart's data block: each bar's label and completion rate (a fraction)."""
    return [[b.label, b.completion_rate] for b in bars]


def agency_chart(rows: Sequence[Sequence[Any]]) -> ChartSeries:
    """The chart on "Tổng hợp": completion rate by lead agency, read from the chart's data
    block (:func:`chart_rows`); one (empty) row when there are no agencies yet, as in the
    template. The one description of that chart: the template, the file backend's cached
    points and Excel's ``SetSourceData`` all come from here."""
    col = SUMMARY_CHART_DATA.first_col
    first = SUMMARY_FIRST_DATA_ROW
    last = first + max(len(rows), 1) - 1
    return ChartSeries(
        name_ref=range_ref(SHEET_SUMMARY, col + 1, SUMMARY_HEADER_ROW),
        name=SUMMARY_CHART_DATA.columns[1].header,
        categories_ref=range_ref(SHEET_SUMMARY, col, first, last),
        categories=[str(r[0]) for r in rows],
        values_ref=range_ref(SHEET_SUMMARY, col + 1, first, last),
        values=[float(r[1]) for r in rows],
    )


def stamp_text(result: Recalc) -> str:
    return (
        f"Tính lúc {result.computed_at:%d/%m/%Y %H:%M}\n"
        f"Ngày tính hạn: {result.today:%d/%m/%Y}\n"
        f"Kỳ báo cáo: {result.period.label} ({result.period.code})"
    )


def _plan_rows(result: Recalc) -> list[list[Any]]:
    figures = result.plan.as_dict()
    rows: list[list[Any]] = [[label, figures[key]] for key, label in PLAN_FIGURES]
    for status in STATUSES:
        rows.append([f"Trạng thái: {status}", result.plan.statuses.get(status, 0)])
    rows.append([STATUS_UNSET, result.plan.statuses.get("", 0)])
    return rows


def _block_rows(block: SummaryBlock, records: list[dict[str, Any]]) -> list[list[Any]]:
    return [[rec.get(c.field) for c in block.columns] for rec in records]


def _overdue_rows(records: list[dict[str, Any]]) -> list[list[Any]]:
    """The overdue block, each task's content and lead broken into one line per row (its
    other cells on the first row): rows are shared by the blocks side by side, so a task
    wrapped in one tall row would stretch the plan's, agencies' and sections' rows beside
    it, and split the plan block and the chart over two pages."""
    columns = SUMMARY_OVERDUE.columns
    split = [i for i, c in enumerate(columns) if c.field in OVERDUE_SPLIT]
    rows: list[list[Any]] = []
    for rec in records:
        first: list[Any] = [rec.get(c.field) for c in columns]
        lines = {
            i: wrap_text(str(first[i] or ""), columns[i].width, slack=OVERDUE_SLACK) for i in split
        }
        for n in range(max(len(v) for v in lines.values())):
            row: list[Any] = first if n == 0 else [None] * len(columns)
            for i, text in lines.items():
                row[i] = text[n] if n < len(text) else None
            rows.append(row)
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


TREND_LABEL = "Tỷ lệ hoàn thành qua các kỳ (%)"


def history_rows(
    change: PeriodChange | None, trend: Sequence[tuple[str, float]]
) -> list[list[Any]]:
    """The plan block's last rows once a period is closed ("Chốt kỳ báo cáo"): the change
    since the last closed period, then the completion rate per period (the report letter's
    trend chart, as numbers). Labels fit the block's column on one line: rows are shared
    with the blocks beside it."""
    rows: list[list[Any]] = []
    if change is not None:
        rows += [
            ["So với kỳ trước", short_label(change.previous)],
            ["Hoàn thành thêm", len(change.new_completions)],
            ["Mới quá hạn", len(change.newly_overdue)],
            ["Tỷ lệ hoàn thành (± điểm)", _round(change.rate_delta)],
            ["Tiến độ bình quân (± điểm)", _round(change.progress_delta)],
        ]
    if trend:
        rows.append([TREND_LABEL, None])
        rows += [[label, value] for label, value in trend]
    return rows


def summary_grid(
    result: Recalc,
    change: PeriodChange | None = None,
    trend: Sequence[tuple[str, float]] = (),
) -> SummaryGrid:
    """The sheet's cells; ``change`` and ``trend`` (:func:`period_history.trend_points`) add
    the comparison with closed periods to the plan block."""
    agencies = [
        {**a.as_dict(), "code": a.code, "name": a.name, "mean_progress": _round(a.mean_progress)}
        for a in result.agencies
    ]
    sections = [
        {**s.as_dict(), "key": s.key, "title": s.title, "progress": _round(s.progress)}
        for s in result.sections
    ]
    overdue = [
        {
            "key": o.key,
            "content": o.content,
            "lead": o.lead,
            "due_date": o.due_date,
            "days_late": o.days_late,
            "status": o.status or None,
            "progress": o.progress,
        }
        for o in result.overdue
    ]
    plan = _plan_rows(result)
    # The plan block's value column is plain numbers: the rate is shown in percent.
    keys = [k for k, _ in PLAN_FIGURES]
    plan[keys.index("completion_rate")][1] = _round(result.plan.completion_rate * 100)
    plan[keys.index("mean_progress")][1] = _round(result.plan.mean_progress)
    plan += history_rows(change, trend)
    blocks = {
        SUMMARY_PLAN.title: plan,
        SUMMARY_AGENCIES.title: _block_rows(SUMMARY_AGENCIES, agencies),
        SUMMARY_SECTIONS.title: _block_rows(SUMMARY_SECTIONS, sections),
        SUMMARY_OVERDUE.title: _overdue_rows(overdue),
        SUMMARY_CHART_DATA.title: chart_rows(chart_bars(result.agencies)),
    }
    cells: Cells = {}
    stamp = stamp_text(result)
    cells[SUMMARY_STAMP_CELL] = stamp
    for block in SUMMARY_BLOCKS:
        for r, row in enumerate(blocks[block.title], start=SUMMARY_FIRST_DATA_ROW):
            for c, value in enumerate(row, start=block.first_col):
                if value is not None and value != "":
                    cells[(r, c)] = value
    return SummaryGrid(cells, stamp, blocks)
