"""Forms out, returns in: the round trip through real files, as an agency fills them."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xladdin.commands.config import set_config
from xladdin.commands.export import export_tasks
from xladdin.commands.forms import issue_forms
from xladdin.commands.merge import merge_returns
from xladdin.core.layout import (
    FORM_COLUMNS,
    FORM_FIRST_ROW,
    FORM_SHEET,
    LOG_COLUMNS,
    SHEET_LOG,
)
from xladdin.io.form_io import restamp
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

NOW = datetime(2026, 11, 21, 9, 0)
TODAY = date(2026, 11, 21)
COL = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}


@pytest.fixture
def issued(imported: Workspace) -> tuple[Workspace, Any]:
    set_config({"period": "2026-11"}, workbook=imported.workbook)
    outcome = issue_forms("2026-11", workbook=imported.workbook, now=NOW)
    return imported, outcome


def fill(
    form: Path,
    target: Path,
    rows: dict[int, dict[str, Any]],
    *,
    saved: datetime = datetime(2026, 11, 20, 15, 0),
    edit: Any = None,
) -> Path:
    """Fill a form the way an agency does: open in a spreadsheet program, type, save."""
    wb = openpyxl.load_workbook(form)
    ws = wb[FORM_SHEET]
    for i, values in rows.items():
        for field, value in values.items():
            ws.cell(FORM_FIRST_ROW + i, COL[field]).value = value
    if edit is not None:
        edit(wb)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    wb.close()
    set_saved_at(target, saved)
    return target


def set_saved_at(path: Path, when: datetime) -> None:
    """What Excel records as "last saved" (openpyxl always writes the current time)."""
    path.write_bytes(restamp(path.read_bytes(), when))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip_changes_exactly_the_filled_cells(issued: tuple[Workspace, Any]) -> None:
    ws, outcome = issued
    vptu = next(f for f in outcome.forms if f.code == "VPTU")
    keys = [r[0].value for r in openpyxl.load_workbook(vptu.path)[FORM_SHEET].iter_rows(
        min_row=FORM_FIRST_ROW, max_col=1)]  # fmt: skip
    filled = fill(
        vptu.path,
        ws.root / "inbox" / "Phieu_VPTU.xlsx",
        {
            0: {"status": "Hoàn thành", "progress": 100, "result": "Đã xong & nghiệm thu <đợt 1>"},
            1: {"status": "Đang triển khai", "progress": "60%", "difficulties": "Thiếu kinh phí"},
            2: {"status": "đang thực hiện", "progress": 0.3, "proposals": "Bổ sung  nhân lực"},
        },
    )
    name = filled.name
    before = {t["key"]: t for t in export_tasks(workbook=ws.workbook, today=TODAY)}
    result = merge_returns(workbook=ws.workbook, now=NOW, today=TODAY)
    assert [r.status for r in result.results] == ["accepted"], result.results[0].reasons
    after = {t["key"]: t for t in export_tasks(workbook=ws.workbook, today=TODAY)}
    k0, k1, k2 = keys[:3]
    assert after[k0]["status"] == "Hoàn thành" and after[k0]["progress"] == 100
    assert after[k0]["result"] == "Đã xong & nghiệm thu <đợt 1>"
    assert after[k1]["status"] == "Đang triển khai" and after[k1]["progress"] == 60
    assert after[k1]["difficulties"] == "Thiếu kinh phí"
    assert after[k2]["status"] == "Đang triển khai" and after[k2]["progress"] == 30
    for k in (k0, k1, k2):
        assert after[k]["source"] == name and after[k]["updated_at"] == "2026-11-20"
    untouched = [k for k in before if k not in (k0, k1, k2)]
    for k in untouched:
        assert {f: after[k][f] for f in ("status", "result", "source")} == {
            f: before[k][f] for f in ("status", "result", "source")
        }
    # One log entry per changed cell, plus one receipt.
    log = TrackerWorkbook.open(ws.workbook).read_table(SHEET_LOG, LOG_COLUMNS).to_dict("records")
    changed = [r for r in log if r["action"] == "Tổng hợp phiếu"]
    # 3 rows x (status, progress, a text), and the completed row's date (the report date)
    assert len(changed) == result.cells_changed == 10
    assert after[k0]["completed_on"] == "2026-11-20"
    assert {(r["key"], r["column"]) for r in changed} >= {(k0, "Trạng thái"), (k1, "Tiến độ (%)")}
    assert [r["action"] for r in log].count("Nhận phiếu") == 1
    # The file went to the archive under its hash; merging again changes nothing.
    assert not filled.exists()
    archived = list((ws.root / "archive").glob("*_Phieu_VPTU.xlsx"))
    assert len(archived) == 1
    snapshot = digest(ws.workbook)
    shutil.copy(archived[0], ws.root / "inbox" / "again.xlsx")
    again = merge_returns(workbook=ws.workbook, now=NOW, today=TODAY)
    assert [r.status for r in again.results] == ["duplicate"]
    assert digest(ws.workbook) == snapshot


def test_refused_return_leaves_tracker_byte_identical(issued: tuple[Workspace, Any]) -> None:
    ws, outcome = issued
    form = outcome.forms[0].path
    fill(form, ws.root / "inbox" / "bad.xlsx", {0: {"progress": 150, "status": "Đang triển khai"}})
    snapshot = digest(ws.workbook)
    result = merge_returns(workbook=ws.workbook, now=NOW, today=TODAY)
    (res,) = result.results
    assert res.status == "refused"
    assert res.reasons == [
        f"Trang “{FORM_SHEET}”, dòng {FORM_FIRST_ROW}, cột “Tiến độ (%)”: "
        + res.reasons[0].split(": ", 1)[1]
    ]
    assert "150" in res.reasons[0]
    assert digest(ws.workbook) == snapshot
    assert list((ws.root / "archive" / "tu-choi").glob("*_bad.xlsx"))
