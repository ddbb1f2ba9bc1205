"""``theodoi export``: the tasks with freshly computed fields, and the summary figures.

Nothing is written; other systems read this (JSON or CSV, English field names and codes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..book.base import Book, read_data
from ..book.file import open_tracker
from ..core.agencies import AgencyCatalogue
from ..core.model import level_from_label, nfc
from ..core.timeframe import kind_from_label
from ..core.tracker import recalc

EXPORT_FIELDS = (
    "key", "tt", "level", "parent", "content", "lead", "lead_code", "coordinating", "timeframe",
    "due_date", "deadline_kind", "status", "progress", "result", "difficulties", "proposals",
    "updated_at", "source", "due_state", "weight", "notes", "completed_on",
)  # fmt: skip


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_records(
    tasks: Iterable[Mapping[str, Any]], catalogue: AgencyCatalogue
) -> list[dict[str, Any]]:
    """Tasks with English field names and codes: the format other systems read."""
    out = []
    for t in tasks:
        level = level_from_label(t.get("level"))
        kind = (
            kind_from_label(str(t.get("deadline_kind") or "")) if t.get("deadline_kind") else None
        )
        lead = nfc(t.get("lead"))
        agency = catalogue.resolve(lead) if lead else None
        rec = {f: _iso(t.get(f)) for f in EXPORT_FIELDS}
        rec.update(
            {
                "level": level.value if level else None,
                "deadline_kind": kind.value if kind else None,
                "lead_code": agency.code if agency else None,
            }
        )
        for f, v in rec.items():
            if v == "" or (isinstance(v, float) and v != v):
                rec[f] = None
        out.append(rec)
    return out


def run(book: Book, today: date) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Tasks with freshly computed fields, and the summary figures."""
    data = read_data(book)
    result = recalc(data, today)
    return export_records(result.tasks, data.catalogue()), result.figures()


def summary_figures(
    *, workbook: Path | None = None, today: date | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    return run(open_tracker(workbook), today or date.today())


def export_tasks(
    *, workbook: Path | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    return summary_figures(workbook=workbook, today=today)[0]
