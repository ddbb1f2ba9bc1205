"""The consolidated progress report (báo cáo tổng hợp) as data: figures by plan, section
and lead agency, the overdue list, the agencies' difficulties and proposals, and the chart.
Pure; :func:`report_letter` is the builder of the "bao-cao" row of
:data:`~xladdin.core.letter_kinds.KINDS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .chart import Chart
from .layout import STATUS_UNSET
from .letter_kinds import LetterKind, file_name
from .letter_model import Leaf, Letter, leaves_of
from .letterhead import Letterhead, clean_text, decimal, percent, short_date
from .model import nfc
from .period_history import PeriodChange, PeriodTotals, trend_points
from .recalc import NO_LEAD, Recalc

CHART_TITLE = "Tỷ lệ hoàn thành nhiệm vụ theo cơ quan chủ trì (%)"
TREND_TITLE = "Tỷ lệ hoàn thành của kế hoạch qua các kỳ báo cáo (%)"


def _figures(f: Any) -> dict[str, Any]:
    return {
        "tasks": f.tasks,
        "completed": f.completed,
        "completed_on_time": f.completed_on_time,
        "completed_late": f.completed_late,
        "overdue": f.overdue,
        "due_soon": f.due_soon,
        "no_fixed_deadline": f.no_fixed_deadline,
        "not_reported": f.not_reported,
        "completion_rate": percent(f.completion_rate),
        "mean_progress": decimal(f.mean_progress),
    }


def _remarks(leaves: Sequence[Leaf], column: str) -> list[dict[str, Any]]:
    """Non-empty difficulties / proposals of leaf tasks, by lead agency then plan order."""
    found = []
    for leaf in leaves:
        text = clean_text(leaf.record.get(column))
        if not text.strip():
            continue
        lead = "; ".join(clean_text(name) for _, name in leaf.state.leads)
        found.append((lead, leaf.index, clean_text(leaf.record.get("key")), text))
    found.sort(key=lambda x: (x[0] == NO_LEAD, x[0], x[1]))
    return [
        {"n": n, "lead": lead, "key": key, "text": text}
        for n, (lead, _, key, text) in enumerate(found, 1)
    ]


def report_letter(result: Recalc, head: Letterhead) -> Letter:
    """The consolidated progress report: figures, overdue list, remarks and a chart."""
    leaves = leaves_of(result)
    content_by_key: dict[str, Any] = {}
    for leaf in leaves:
        content_by_key.setdefault(nfc(leaf.record.get("key")), leaf.record.get("content"))
    agencies = [
        {"n": n, "code": a.code, "name": clean_text(a.name), **_figures(a)}
        for n, a in enumerate(result.agencies, 1)
    ]
    sections = [
        {
            "key": clean_text(s.key),
            "title": clean_text(s.title),
            **_figures(s),
            "progress": "" if s.progress is None else decimal(s.progress),
        }
        for s in result.sections
    ]
    overdue = [
        {
            "n": n,
            "key": clean_text(o.key),
            "content": clean_text(content_by_key.get(o.key, o.content)),
            "lead": clean_text(o.lead),
            "due_date": short_date(o.due_date),
            "days_late": o.days_late,
            "status": o.status or STATUS_UNSET,
            "progress": "" if o.progress is None else decimal(o.progress),
        }
        for n, o in enumerate(result.overdue, 1)
    ]
    # At most MAX_BARS bars, the most overdue agencies first: a report of 200 agencies
    # gets a chart a reader can read on one page.
    chart = (
        Chart.of_agencies(CHART_TITLE, result.agencies, label=clean_text)
        if result.agencies
        else None
    )
    context = {
        **head.context(),
        "plan": _figures(result.plan),
        "sections": sections,
        "agencies": agencies,
        "overdue": overdue,
        "difficulties": _remarks(leaves, "difficulties"),
        "proposals": _remarks(leaves, "proposals"),
        "since": "",  # "so với kỳ trước", once a period is closed: with_history()
    }
    return Letter(
        LetterKind.REPORT, file_name(LetterKind.REPORT, head.period_code), context, chart=chart
    )


def with_history(
    letter: Letter,
    result: Recalc,
    change: PeriodChange | None,
    trend: Sequence[PeriodTotals],
) -> Letter:
    """The report with "so với kỳ trước" (``since``) and the trend of the completion rate:
    the last closed periods before the current one, then the current figures."""
    context = {**letter.context, "since": change.sentence() if change is not None else ""}
    points = trend_points(trend, result)
    if not points:
        return replace(letter, context=context)
    labels, values = zip(*points, strict=True)
    return replace(letter, context=context, trend_chart=Chart(TREND_TITLE, labels, values))
