"""``theodoi demo``: the main job on the bundled sample plan, end to end.

Import the plan, issue forms and cover letters, let four agencies "return" their forms the
way people do (one late, one with mistakes), merge the returns, validate, recalculate and
write the letters, all in a fresh workspace.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..commands.config import set_config
from ..commands.export import export_tasks
from ..commands.forms import FormsOutcome, issue_forms_with_letters
from ..commands.merge import MergeOutcome, merge_returns
from ..commands.plan import ImportOutcome, import_plan
from ..commands.recalc import RecalcOutcome, recalc_workbook
from ..commands.validate import ValidateOutcome, validate_workbook
from ..core.layout import FORM_COLUMNS, FORM_FIRST_ROW, FORM_REPORT_DATE_CELL, FORM_SHEET
from ..io.form_io import restamp
from ..io.workspace import Workspace, bundled, init_workspace

SAMPLE_PLAN = "KeHoach_DienBien_2026.docx"
COL = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}


@dataclass
class DemoResult:
    workspace: Workspace
    import_outcome: ImportOutcome
    forms: FormsOutcome
    merge: MergeOutcome
    tasks: list[dict[str, Any]]
    validation: ValidateOutcome
    recalc: RecalcOutcome


def run_demo(folder: Path, *, now: datetime | None = None) -> DemoResult:
    now = (now or datetime.now()).replace(microsecond=0)
    today = now.date()
    ws = init_workspace(folder, force=True)
    outcome = import_plan(bundled("xladdin._examples", SAMPLE_PLAN), workbook=ws.workbook, now=now)
    deadline = today - timedelta(days=2)
    set_config(
        {"period": f"{today.year}-{today.month:02d}", "return_deadline": f"{deadline:%d/%m/%Y}",
         "signer_name": "Nguyễn Văn A"},
        workbook=ws.workbook,
    )  # fmt: skip
    forms, _letters = issue_forms_with_letters(
        None, workbook=ws.workbook, now=now - timedelta(days=7)
    )
    _fill_returns(forms, ws.root / "inbox", now)
    merged = merge_returns(workbook=ws.workbook, now=now, today=today)
    validation = validate_workbook(workbook=ws.workbook, today=today)
    recalc = recalc_workbook(workbook=ws.workbook, today=today, now=now)
    return DemoResult(
        ws,
        outcome,
        forms,
        merged,
        export_tasks(workbook=ws.workbook, today=today),
        validation,
        recalc,
    )


# -- agencies filling their forms -------------------------------------------------------
def _fill_returns(forms: FormsOutcome, inbox: Path, now: datetime) -> None:
    """Four agencies answer: two on time, one after the deadline, one with mistakes."""
    leading = [f for f in forms.forms if f.n_lead][:4]
    plans: list[tuple[list[dict[str, Any]], datetime]] = [
        (
            [{"status": "Hoàn thành", "progress": 100, "result": "Đã hoàn thành, đưa vào sử dụng."},
             {"status": "Đang triển khai", "progress": "60%",
              "difficulties": "Kinh phí bố trí chậm.", "proposals": "Đề nghị bổ sung kinh phí."}],
            now - timedelta(days=4),
        ),
        (
            [{"status": "đang thực hiện", "progress": 0.4, "result": "Đã khảo sát hiện trạng."}],
            now - timedelta(days=3, hours=2),
        ),
        (
            [{"status": "Hoàn thành chậm", "progress": 100, "result": "Đã hoàn thành."}],
            now - timedelta(hours=5),  # after the return deadline: merged, with a warning
        ),
        (
            [{"status": "Xong", "progress": 150}],  # refused whole: nothing of it is merged
            now - timedelta(days=3),
        ),
    ]  # fmt: skip
    for form, (rows, saved) in zip(leading, plans, strict=False):
        _fill(form.path, inbox / form.path.name, rows, saved)


def _fill(form: Path, target: Path, rows: list[dict[str, Any]], saved: datetime) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(form)
    sheet = wb[FORM_SHEET]
    r, c = FORM_REPORT_DATE_CELL
    sheet.cell(r, c).value = saved.strftime("%d/%m/%Y")
    for i, values in enumerate(rows):
        for field, value in values.items():
            sheet.cell(FORM_FIRST_ROW + i, COL[field]).value = value
    buf = io.BytesIO()
    wb.save(buf)
    wb.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(restamp(buf.getvalue(), saved))
