"""Closed reporting periods: what each task stood at, and the change since then (pure).

Closing a period ("Chốt kỳ báo cáo") records each leaf task's status, progress, result,
completion date and due state, plus the plan's totals, so a later recalculation or report
can say what changed "so với kỳ trước": tasks newly completed, tasks newly overdue, and
the change in mean progress and completion rate. The files that hold them are written by
:mod:`xladdin.io.period_history_io`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from .layout import COMPLETED_STATUSES, DUE_OVERDUE, HISTORY_TASK_HEADERS, HISTORY_TREND_HEADERS
from .model import as_date, nfc, number
from .period import Period, parse_period
from .recalc import Recalc

# One row per leaf task per closed period; the files' headers are in core/layout.py.
SNAPSHOT_FIELDS: tuple[str, ...] = tuple(HISTORY_TASK_HEADERS)
TOTALS_FIELDS: tuple[str, ...] = tuple(HISTORY_TREND_HEADERS)


@dataclass(frozen=True)
class PeriodTotals:
    """The plan's figures when a period was closed: one row of the trend."""

    period: str
    closed_at: datetime
    tasks: int
    completed: int
    completed_on_time: int
    completed_late: int
    overdue: int
    completion_rate: float  # 0..1
    mean_progress: float  # 0..100

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Closing:
    """A closed period: its totals and each leaf task's row."""

    totals: PeriodTotals
    rows: tuple[dict[str, Any], ...]


def close(result: Recalc, period: Period, closed_at: datetime) -> Closing:
    """The snapshot of ``result`` (a recalculation) recorded as ``period``."""
    rows = []
    for i, leaf in sorted(result.leaves.items()):
        task = result.tasks[i]
        done = as_date(task.get("completed_on"))
        rows.append(
            {
                "key": leaf.key,
                "status": leaf.status or None,
                "progress": _round(leaf.progress),
                "due_state": leaf.due_state,
                "completed_on": done,
                "result": nfc(task.get("result")) or None,
            }
        )
    plan = result.plan
    totals = PeriodTotals(
        period=period.code,
        closed_at=closed_at,
        tasks=plan.tasks,
        completed=plan.completed,
        completed_on_time=plan.completed_on_time,
        completed_late=plan.completed_late,
        overdue=plan.overdue,
        completion_rate=round(plan.completion_rate, 4),
        mean_progress=_round(plan.mean_progress),
    )
    return Closing(totals, tuple(rows))


def _round(value: float) -> float:
    r = round(float(value), 1)
    return int(r) if r.is_integer() else r


def with_closing(trend: Sequence[PeriodTotals], totals: PeriodTotals) -> list[PeriodTotals]:
    """The trend with ``totals`` in (closing a period again replaces its row), by period."""
    kept = [t for t in trend if t.period != totals.period]
    return sorted([*kept, totals], key=lambda t: parse_period(t.period))


def previous_closed(trend: Sequence[PeriodTotals], current: Period) -> PeriodTotals | None:
    """The last period closed before ``current`` starts (what "kỳ trước" means)."""
    before = [t for t in trend if parse_period(t.period).start < current.start]
    return max(before, key=lambda t: parse_period(t.period), default=None)


@dataclass(frozen=True)
class PeriodChange:
    """The change from a closed period to now."""

    previous: str  # period code
    previous_label: str
    new_completions: tuple[str, ...]  # task keys
    newly_overdue: tuple[str, ...]
    progress_delta: float  # points of mean progress
    rate_delta: float  # points of completion rate (percent)
    progress: dict[str, float] = field(default_factory=dict)  # key -> delta, moved tasks only

    def sentence(self) -> str:
        """One Vietnamese sentence for messages and the report letter."""
        return (
            f"So với kỳ trước ({self.previous_label}): thêm {len(self.new_completions)} nhiệm "
            f"vụ hoàn thành, {len(self.newly_overdue)} nhiệm vụ mới quá hạn; tỷ lệ hoàn thành "
            f"{_moved(self.rate_delta)}, tiến độ bình quân {_moved(self.progress_delta)}."
        )


def _moved(points: float) -> str:
    if abs(points) < 0.05:
        return "không đổi"
    amount = f"{abs(points):.1f}".removesuffix(".0").replace(".", ",")
    return f"{'tăng' if points > 0 else 'giảm'} {amount} điểm phần trăm"


def change_since(
    previous: PeriodTotals, rows: Sequence[Mapping[str, Any]], result: Recalc
) -> PeriodChange:
    """What changed between the closed ``previous`` period (its task ``rows``) and ``result``."""
    before = {nfc(r.get("key")): r for r in rows}
    completed: list[str] = []
    overdue: list[str] = []
    moved: dict[str, float] = {}
    for leaf in result.leaves.values():
        old = before.get(leaf.key)
        was_done = old is not None and nfc(old.get("status")) in COMPLETED_STATUSES
        was_overdue = old is not None and nfc(old.get("due_state")) == DUE_OVERDUE
        if leaf.completed and not was_done:
            completed.append(leaf.key)
        if leaf.due_state == DUE_OVERDUE and not was_overdue:
            overdue.append(leaf.key)
        old_progress = number(old.get("progress")) if old is not None else None
        delta = leaf.progress - (old_progress or 0.0)
        if abs(delta) >= 0.05:
            moved[leaf.key] = round(delta, 1)
    plan = result.plan
    return PeriodChange(
        previous=previous.period,
        previous_label=parse_period(previous.period).label,
        new_completions=tuple(sorted(completed)),
        newly_overdue=tuple(sorted(overdue)),
        progress_delta=round(plan.mean_progress - previous.mean_progress, 1),
        rate_delta=round((plan.completion_rate - previous.completion_rate) * 100, 1),
        progress=moved,
    )


TREND_PERIODS = 12  # the last closed periods a trend shows (a year of months)


def short_label(code: str) -> str:
    """A period as a chart or table label: "Tháng 11/2026", "Quý IV/2026"."""
    label = parse_period(code).label.replace(" năm ", "/")
    return label[0].upper() + label[1:]


def trend_points(trend: Sequence[PeriodTotals], result: Recalc) -> list[tuple[str, float]]:
    """The plan's completion rate (percent) in the last closed periods before the current
    one, then now; none before a period was closed."""
    closed = [t for t in trend if parse_period(t.period).start < result.period.start]
    if not closed:
        return []
    points = [(short_label(t.period), t.completion_rate * 100) for t in closed[-TREND_PERIODS:]]
    now = (f"{short_label(result.period.code)} (hiện nay)", result.plan.completion_rate * 100)
    return [(label, round(value, 1)) for label, value in [*points, now]]


def _num(value: Any) -> float | None:
    """A number from a cell or from CSV text (what the history files hold)."""
    if isinstance(value, str):
        try:
            return float(value) if value.strip() else None
        except ValueError:
            return None
    return number(value)


def parse_totals(row: Mapping[str, Any]) -> PeriodTotals:
    """A trend row as read back (text from a CSV file) into typed totals."""
    closed = row.get("closed_at")
    when = closed if isinstance(closed, datetime) else datetime.fromisoformat(str(closed))
    return PeriodTotals(
        period=parse_period(str(row.get("period"))).code,
        closed_at=when,
        tasks=int(_num(row.get("tasks")) or 0),
        completed=int(_num(row.get("completed")) or 0),
        completed_on_time=int(_num(row.get("completed_on_time")) or 0),
        completed_late=int(_num(row.get("completed_late")) or 0),
        overdue=int(_num(row.get("overdue")) or 0),
        completion_rate=float(_num(row.get("completion_rate")) or 0.0),
        mean_progress=float(_num(row.get("mean_progress")) or 0.0),
    )


def parse_snapshot_row(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {f: (row.get(f) or None) for f in SNAPSHOT_FIELDS}
    out["progress"] = _num(out["progress"])
    text = out["completed_on"]
    out["completed_on"] = date.fromisoformat(text) if isinstance(text, str) else as_date(text)
    return out
