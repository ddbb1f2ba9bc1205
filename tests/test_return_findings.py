"""Returns judged fairly: every finding at once, the office's own edits never blamed on the
agency, any issued period accepted, clocks that cannot win, and a log in the right columns.

Each test works on a copy of the corpus tracker (tests/data/returns/make_returns.py) and
returns made from its real forms, merged through the same call the CLI makes.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import corpus_generator

from xladdin.book.base import read_log
from xladdin.book.file import edit_tracker, open_tracker
from xladdin.commands.config import set_config
from xladdin.commands.forms import issue_forms
from xladdin.commands.merge import merge_returns
from xladdin.core.layout import (
    FORM_COORD_SHEET,
    FORM_FIRST_ROW,
    LOG_COLUMNS,
    SHEET_LOG,
    SHEET_TASKS,
    TASK_COLUMNS,
)
from xladdin.core.merge import ACTION_RECEIVED
from xladdin.io.forms_ledger import LEDGER_NAME, read_ledger
from xladdin.io.workspace import Workspace

mk = corpus_generator()
NOW = datetime(2026, 11, 27, 9, 0)
TODAY = NOW.date()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws: Workspace = mk.build_workspace(tmp_path_factory.mktemp("findings") / "ws")
    return ws


@pytest.fixture
def ws(built: Workspace, tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(built.root, root)
    return Workspace(root, root / built.workbook.name)


def write(ws: Workspace, name: str, data: bytes) -> Path:
    path = ws.root / name
    path.write_bytes(data)
    return path


def merge(ws: Workspace, *paths: Path, now: datetime = NOW, today: date | None = None) -> Any:
    return merge_returns(
        list(paths), workbook=ws.workbook, now=now, today=today or now.date(), archive=False
    )


def task_row(ws: Workspace, key: str) -> int:
    with edit_tracker(ws.workbook) as book:
        rows = book.rows(SHEET_TASKS)
    return next(n for n, r in enumerate(rows, start=1) if r and r[0] == key)


def test_five_faults_are_listed_together_in_sheet_row_column_order(ws: Workspace) -> None:
    def merged(wb: openpyxl.Workbook) -> None:
        wb[mk.FORM_SHEET].merge_cells("I10:J10")
        wb[mk.FORM_SHEET].cell(FORM_FIRST_ROW + 2, mk.COL["content"]).value = "Đã sửa"

    data = mk.fill(
        mk.form_path(ws, "VPTU"),
        {
            0: {"status": "Đang triển khai", "progress": "abc"},
            1: {"status": "Hoàn thành", "progress": 100},
            2: {"status": "Chưa hoàn thành"},
        },
        report_date="31/02/2026",
        edit=merged,
    )
    (res,) = merge(ws, write(ws, "nam_loi.xlsx", data)).results
    assert res.status == "refused"
    where = [re.search(r"dòng (\d+)", r) for r in res.reasons]
    rows = [int(m.group(1)) for m in where if m]
    assert rows == sorted(rows), res.reasons
    said = "\n".join(res.reasons)
    for part in (
        "ngày 31/02/2026 không tồn tại",
        "dòng 7, cột “Tiến độ (%)”",
        "dòng 8, cột “Kết quả thực hiện”",
        "dòng 9, cột “Nội dung nhiệm vụ”: cột này bị khóa",
        "dòng 9, cột “Trạng thái”",
        "các ô I10:J10 bị gộp",
    ):
        assert part in said, (part, res.reasons)
    assert len(res.reasons) == 6


def test_the_offices_own_edit_after_issue_is_a_warning_not_a_refusal(ws: Workspace) -> None:
    row = task_row(ws, "I.2")
    col = [c.field for c in TASK_COLUMNS].index("content") + 1
    with edit_tracker(ws.workbook) as book:
        before = book.rows(SHEET_TASKS)[row - 1][col - 1]
        book.write_cells(SHEET_TASKS, {(row, col): before + " (đã sửa lỗi chính tả)"})
        book.save()
    untouched = mk.fill(mk.form_path(ws, "VPTU"), {1: {"status": "Đang triển khai"}})
    (res,) = merge(ws, write(ws, "dung.xlsx", untouched)).results
    assert res.status == "accepted", res.reasons
    assert any("đã được văn phòng sửa sau khi phát hành" in w for w in res.warnings)

    # The agency editing the same locked cell is still refused, and told what was issued.
    edited = mk.fill(
        mk.form_path(ws, "VPTU"),
        {1: {"status": "Đang triển khai", "content": "Nội dung cơ quan tự sửa"}},
        saved=datetime(2026, 11, 25, 8, 0),
    )
    (res,) = merge(ws, write(ws, "sua.xlsx", edited)).results
    assert res.status == "refused"
    assert "dòng 8, cột “Nội dung nhiệm vụ”: cột này bị khóa" in res.reasons[0]


def test_forms_of_any_issued_period_are_accepted_and_late_ones_flagged(ws: Workspace) -> None:
    issue_forms("2026-Q4", workbook=ws.workbook, now=datetime(2026, 11, 26, 8, 0))
    ledger = read_ledger(ws.root / "outbox")
    assert [e.period for e in ledger] == ["2026-11", "2026-Q4"]
    assert (ws.root / "outbox" / LEDGER_NAME).read_bytes().startswith(b"\xef\xbb\xbf")
    quarter = mk.fill(mk.form_path(ws, "UBKTTU", "2026-Q4"), {0: {"status": "Đang triển khai"}})
    (res,) = merge(ws, write(ws, "quy.xlsx", quarter)).results  # "Cấu hình" says 2026-11
    assert res.status == "accepted", res.reasons
    assert not any("nộp sau khi kỳ đã qua" in w for w in res.warnings)

    # November's forms issued (again) with a deadline of 25/11; then "Cấu hình" moves on to
    # December's deadline and a blank "Kỳ báo cáo": a November return merged on 3 December
    # is accepted, flagged late against its own period's deadline.
    set_config({"return_deadline": "25/11/2026"}, workbook=ws.workbook)
    issue_forms("2026-11", workbook=ws.workbook, now=datetime(2026, 11, 20, 8, 0))
    set_config({"period": "", "return_deadline": "28/12/2026"}, workbook=ws.workbook)
    november = mk.fill(
        mk.form_path(ws, "VPTU"),
        {0: {"status": "Đang triển khai", "progress": 40}},
        saved=datetime(2026, 11, 30, 16, 0),
    )
    later = datetime(2026, 12, 3, 9, 0)
    (res,) = merge(ws, write(ws, "thang11.xlsx", november), now=later).results
    assert res.status == "accepted", res.reasons
    assert any("nộp sau khi kỳ đã qua" in w for w in res.warnings)
    assert any("sau hạn gửi 25/11/2026" in w for w in res.warnings), res.warnings


def test_a_wrong_clock_cannot_make_later_returns_stale(ws: Workspace) -> None:
    form = mk.form_path(ws, "VPTU")
    future = mk.fill(form, {0: {"status": "Đang triển khai"}}, saved=datetime(2099, 1, 1))
    (res,) = merge(ws, write(ws, "tuong_lai.xlsx", future)).results
    assert res.status == "accepted" and res.saved_at == NOW
    assert any("đồng hồ máy tính" in w for w in res.warnings)
    genuine = mk.fill(
        form, {0: {"status": "Đang triển khai", "progress": 60}}, saved=datetime(2026, 11, 28, 8)
    )
    (res,) = merge(ws, write(ws, "that.xlsx", genuine), now=datetime(2026, 11, 28, 9)).results
    assert res.status == "accepted", res.reasons
    assert [(c.key, c.field, c.new) for c in res.changes] == [("I.1", "progress", 60)]


def test_text_typed_on_the_coordination_sheet_is_reported_as_ignored(ws: Workspace) -> None:
    def typed(wb: openpyxl.Workbook) -> None:
        sheet = wb[FORM_COORD_SHEET]
        sheet.cell(FORM_FIRST_ROW, 5).value = "Đã phối hợp xong"

    data = mk.fill(mk.form_path(ws, "VPTU"), {0: {"status": "Đang triển khai"}}, edit=typed)
    (res,) = merge(ws, write(ws, "phoi_hop.xlsx", data)).results
    assert res.status == "accepted", res.reasons
    (warning,) = [w for w in res.warnings if FORM_COORD_SHEET in w]
    assert f"dòng {FORM_FIRST_ROW}" in warning and "không được tổng hợp" in warning

    untouched = mk.fill(mk.form_path(ws, "UBKTTU"), {0: {"status": "Đang triển khai"}})
    (res,) = merge(ws, write(ws, "khong_sua.xlsx", untouched)).results
    assert not any(FORM_COORD_SHEET in w for w in res.warnings)


def test_receipt_rows_use_their_own_log_columns(ws: Workspace) -> None:
    data = mk.fill(
        mk.form_path(ws, "VPTU"), {0: {"status": "Đang triển khai"}}, report_date="26/11/2026"
    )
    merge(ws, write(ws, "mot.xlsx", data))
    (rec,) = [r for r in read_log(open_tracker(ws.workbook)) if r["action"] == ACTION_RECEIVED]
    assert rec["period"] == "2026-11" and not rec.get("key") and not rec.get("column")
    assert rec["saved_at"] == datetime(2026, 11, 24, 15, 0)
    assert str(rec["report_date"])[:10] == "2026-11-26"
    assert rec["note"].startswith("1 ô thay đổi")


OLD_RECEIPT = {
    "time": datetime(2026, 11, 25, 9),
    "action": ACTION_RECEIVED,
    "file": "cu.xlsx",
    "sha256": "ab" * 32,
    "agency": "VPTU – Văn phòng Tỉnh ủy",
    "key": "2026-11",
    "column": "Lưu lúc",
    "old": "3 ô thay đổi",
    "new": "2026-11-25T08:00:00",
}


def test_an_older_tracker_log_gains_the_new_columns_and_is_still_read(ws: Workspace) -> None:
    """A tracker written before the log had "Kỳ báo cáo"…: its receipt rows kept the period
    under "Mã NV" and the save time under "Giá trị mới"; they still count for staleness."""
    old = len(LOG_COLUMNS) - 4
    with edit_tracker(ws.workbook) as book:
        book.write_cells(SHEET_LOG, {(1, c): None for c in range(old + 1, len(LOG_COLUMNS) + 1)})
        book.append_rows(
            SHEET_LOG,
            LOG_COLUMNS[:old],
            [OLD_RECEIPT],
        )
        book.save()
    header = open_tracker(ws.workbook).rows(SHEET_LOG)[0]
    assert [h for h in header if h] == [c.header for c in LOG_COLUMNS[:old]]
    older = mk.fill(mk.form_path(ws, "VPTU"), {0: {"status": "Đang triển khai"}})  # saved 24/11
    (res,) = merge(ws, write(ws, "cu_hon.xlsx", older)).results
    assert res.status == "stale", res.reasons
    newer = mk.fill(
        mk.form_path(ws, "VPTU"), {0: {"status": "Đang triển khai"}}, saved=datetime(2026, 11, 26)
    )
    (res,) = merge(ws, write(ws, "moi.xlsx", newer)).results
    assert res.status == "accepted", res.reasons
    header = open_tracker(ws.workbook).rows(SHEET_LOG)[0]
    assert list(header[: len(LOG_COLUMNS)]) == [c.header for c in LOG_COLUMNS]
    last = read_log(open_tracker(ws.workbook))[-1]
    assert last["action"] == ACTION_RECEIVED and last["period"] == "2026-11"


def test_two_merges_in_the_same_second_keep_both_reports(ws: Workspace) -> None:
    one = mk.fill(mk.form_path(ws, "VPTU"), {0: {"status": "Đang triển khai"}})
    two = mk.fill(mk.form_path(ws, "UBKTTU"), {0: {"status": "Đang triển khai"}})
    first = merge(ws, write(ws, "mot.xlsx", one)).report
    second = merge(ws, write(ws, "hai.xlsx", two)).report
    assert first is not None and second is not None and first != second
    assert first.parent == second.parent
    assert "mot.xlsx" in first.read_text(encoding="utf-8-sig")
    assert "hai.xlsx" in second.read_text(encoding="utf-8-sig")
