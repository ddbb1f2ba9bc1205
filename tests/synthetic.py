"""Synthetic trackers of any size, for the button action-count test and the benchmarks.

Deterministic (seeded): sections of groups of tasks across a dozen agencies, with every
status, deadline kind and a spread of due and update dates, and no validation faults.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from xladdin.commands.plan import catalogue_records
from xladdin.core.agencies import Agency, AgencyCatalogue
from xladdin.core.layout import (
    AGENCY_COLUMNS,
    SHEET_AGENCIES,
    SHEET_TASKS,
    STATUS_DONE,
    STATUS_DONE_LATE,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    STATUS_PAUSED,
    TASK_COLUMNS,
)
from xladdin.io.tracker_io import TrackerWorkbook

AGENCY_NAMES = (
    "Văn phòng Tỉnh ủy",
    "Ban Tổ chức Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Sở Tài chính",
    "Sở Khoa học và Công nghệ",
    "Công an tỉnh",
    "Đảng ủy Ủy ban nhân dân tỉnh",
    "Đảng ủy các cơ quan Đảng tỉnh",
    "Báo Điện Biên Phủ",
    "Trường Chính trị tỉnh",
)
TODAY = date(2026, 11, 21)


def agency_names(n: int = len(AGENCY_NAMES)) -> list[str]:
    """The real-looking names first, then numbered boards for large benchmarks."""
    extra = [
        f"Ban Chỉ đạo chuyên đề số {i:03d}" for i in range(1, max(0, n - len(AGENCY_NAMES)) + 1)
    ]
    return [*AGENCY_NAMES, *extra][:n]


def catalogue(n_agencies: int = len(AGENCY_NAMES)) -> AgencyCatalogue:
    return AgencyCatalogue(Agency(code="", name=n) for n in agency_names(n_agencies))


def task_records(
    n_tasks: int, *, seed: int = 7, per_group: int = 8, n_agencies: int = len(AGENCY_NAMES)
) -> list[dict[str, Any]]:
    """With more agencies than the named ones, leads go round-robin (equal shares)."""
    rng = random.Random(seed)
    names = agency_names(n_agencies)
    records: list[dict[str, Any]] = []
    roman = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
    n_sections = max(1, min(len(roman), n_tasks // 40 or 1))
    made = 0
    s = 0
    while made < n_tasks:
        sec = roman[s % len(roman)] + ("" if s < len(roman) else str(s // len(roman)))
        records.append({"key": sec, "tt": sec, "level": "Phần", "content": f"Phần {sec}"})
        g = 0
        while made < n_tasks and g < max(1, n_tasks // (n_sections * per_group)):
            g += 1
            gkey = f"{sec}.{g}"
            records.append(
                {
                    "key": gkey,
                    "tt": str(g),
                    "level": "Nhóm",
                    "parent": sec,
                    "content": f"Nhóm {gkey}",
                }
            )
            for t in range(1, per_group + 1):
                if made >= n_tasks:
                    break
                made += 1
                task = _task(rng, f"{gkey}.{t}", gkey, t)
                if n_agencies > len(AGENCY_NAMES):
                    task["lead"] = names[(made - 1) % n_agencies]
                records.append(task)
        s += 1
    return records


def _task(rng: random.Random, key: str, parent: str, t: int) -> dict[str, Any]:
    status = rng.choice(
        (STATUS_NOT_STARTED, STATUS_IN_PROGRESS, STATUS_IN_PROGRESS, STATUS_DONE, STATUS_DONE_LATE,
         STATUS_PAUSED, None)
    )  # fmt: skip
    kind = rng.choice(("Ngày cụ thể", "Quý", "Năm", "Thường xuyên", "Theo lộ trình", "Định kỳ"))
    due = (
        TODAY + timedelta(days=rng.randint(-200, 300))
        if kind in ("Ngày cụ thể", "Quý", "Năm")
        else None
    )
    if status in (STATUS_DONE, STATUS_DONE_LATE):
        progress: Any = 100
    elif status == STATUS_NOT_STARTED:
        progress = 0
    elif status is None:
        progress = None
    else:
        progress = rng.randint(2, 99)  # 0 < x <= 1 asks "x% or x*100%?"
    updated = datetime.combine(TODAY - timedelta(days=rng.randint(0, 90)), datetime.min.time())
    return {
        "key": key,
        "tt": str(t),
        "level": "Nhiệm vụ",
        "parent": parent,
        "content": f"Nhiệm vụ {key}: triển khai nội dung số {t} của kế hoạch",
        "lead": rng.choice(AGENCY_NAMES),
        "coordinating": rng.choice(AGENCY_NAMES),
        "timeframe": kind,
        "due_date": due,
        "deadline_kind": kind,
        "status": status,
        "progress": progress,
        "result": "Đã hoàn thành theo kế hoạch."
        if status in (STATUS_DONE, STATUS_DONE_LATE)
        else None,
        "updated_at": updated.date() if status else None,
        "weight": rng.choice((None, None, 1, 2)),
    }


def write_tracker(
    path: Path, n_tasks: int, *, seed: int = 7, n_agencies: int = len(AGENCY_NAMES)
) -> Path:
    """Fill the tracker at ``path`` (from ``theodoi init``) with ``n_tasks`` synthetic tasks."""
    records = task_records(n_tasks, seed=seed, n_agencies=n_agencies)
    with TrackerWorkbook.edit(path, None) as book:
        book.write_table(SHEET_TASKS, TASK_COLUMNS, records, key_field="key")
        book.write_table(
            SHEET_AGENCIES,
            AGENCY_COLUMNS,
            catalogue_records(catalogue(n_agencies)),
            key_field="code",
        )
    return path
