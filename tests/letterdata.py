"""The imported sample plan with a few agency reports typed in, for the letter tests and the
page images in docs/images (``docs/make_letter_images.py``).

Deterministic: fixed statuses, dates and remarks; some remarks carry ``&``, ``<``, quotes, a
line break and jinja-looking braces, which the letters must print literally.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from xladdin.commands.config import set_config
from xladdin.core.layout import SHEET_TASKS, TASK_COLUMNS
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

TODAY = date(2026, 11, 21)
SIGNER = "Nguyễn Văn An"
CONFIG = {
    "period": "2026-11",
    "return_deadline": "28/11/2026",
    "due_soon_days": "45",  # makes II.2.2 (due 31/12/2026) "due soon" on TODAY
    "signer_name": SIGNER,
    "plan_number": "08-KH/TU",
}
DIFFICULTY_AMP = "Thiếu kinh phí nâng cấp đường truyền & thiết bị <MCU> tại 2 điểm cầu."
PROPOSAL_BREAK = "Đề nghị bố trí bổ sung kinh phí năm 2026\n(dự kiến 2,5 tỷ đồng)."
PROPOSAL_JINJA = 'Đề nghị Trung ương sớm hướng dẫn "dùng chung" dữ liệu {{ cán bộ }} {% if %}.'

REPORTS: dict[str, dict[str, Any]] = {
    "I.4": {"status": "Hoàn thành", "progress": 100, "result": "Đã rà soát 45 điểm cầu.",
            "updated_at": date(2026, 11, 10)},
    "I.5": {"status": "Hoàn thành quá hạn", "progress": 100, "result": "Đã hoàn thành.",
            "updated_at": date(2026, 11, 12)},
    "I.6": {"status": "Đang triển khai", "progress": 70, "difficulties": DIFFICULTY_AMP,
            "updated_at": date(2026, 10, 20)},
    "I.7": {"status": "Đang triển khai", "progress": 40,
            "difficulties": "Nguồn ngân sách năm 2026 chưa bố trí đủ.",
            "proposals": PROPOSAL_BREAK, "updated_at": date(2026, 11, 15)},
    "I.8": {"status": "Chưa triển khai", "progress": 0, "updated_at": date(2026, 11, 5)},
    "II.2.2": {"status": "Đang triển khai", "progress": 55, "updated_at": date(2026, 11, 17)},
    "II.2.5": {"status": "Đang triển khai", "progress": 50, "proposals": PROPOSAL_JINJA,
               "updated_at": date(2026, 11, 18)},
    "IV.1": {"status": "Đang triển khai", "progress": 60, "updated_at": date(2026, 11, 16)},
    "IV.2": {"status": "Hoàn thành", "progress": 100, "result": "Đã tổ chức 3 hội nghị.",
             "updated_at": date(2026, 11, 14)},
}  # fmt: skip


def add_reports(workbook: Path) -> Path:
    """Type the reports above into "Nhiệm vụ" and the settings into "Cấu hình"."""
    with TrackerWorkbook.edit(workbook, None) as book:
        tasks = [
            {k: v for k, v in r.items() if k != "_row"}
            for r in book.read_tasks().to_dict("records")
        ]
        for t in tasks:
            t.update(REPORTS.get(t["key"], {}))
        book.write_table(SHEET_TASKS, TASK_COLUMNS, tasks, key_field="key")
    set_config(CONFIG, workbook=workbook)
    return workbook


def reported_source(root: Path, plan: Path) -> Path:
    """A tracker with the sample imported and the reports above (make it once, copy it)."""
    from datetime import datetime

    from xladdin.commands.plan import import_plan
    from xladdin.io.workspace import init_workspace

    ws = init_workspace(root)
    import_plan(plan, workbook=ws.workbook, now=datetime(2026, 11, 21, 9, 0))
    return add_reports(ws.workbook)


def workspace_with(source: Path, root: Path) -> Workspace:
    """A fresh workspace whose tracker is a copy of ``source``."""
    from xladdin.io.workspace import init_workspace

    ws = init_workspace(root)
    ws.workbook.write_bytes(source.read_bytes())
    return ws
