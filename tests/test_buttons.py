"""The ribbon buttons through xlwings' remote engine, on payloads built from real tracker files.

Each button must make the same core call as the CLI (same findings, same figures), write
back in a fixed number of bulk actions whatever the number of rows, and end with a message
box; errors become message boxes too.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import python_calamine
import synthetic
import xlremote
from backends import canonical, canonical_rows
from xlremote import actions, alerts, count, notes_added, open_book, payload_from_workbook

from xladdin.adapters import buttons
from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.commands.recalc import recalc_workbook
from xladdin.commands.validate import NOTE_MARK, validate_workbook
from xladdin.core.layout import (
    CHECK_COLUMNS,
    SHEET_CHECKS,
    SHEET_SUMMARY,
    SHEET_TASKS,
    SUMMARY_FIRST_DATA_ROW,
    TASK_COLUMNS,
)
from xladdin.core.summary import summary_grid
from xladdin.core.table import col_letter
from xladdin.core.tracker import check, recalc
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace, init_workspace

xw_remote = xlremote.xw_remote
TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30)
FIELDS = [c.field for c in TASK_COLUMNS]


def _col(field: str) -> int:
    return FIELDS.index(field) + 1


def _faulty(ws: Workspace) -> Path:
    """The imported sample with a handful of faults typed into "Nhiệm vụ"."""
    with TrackerWorkbook.edit(ws.workbook, None) as book:
        tasks = [
            {k: v for k, v in r.items() if k != "_row"}
            for r in book.read_tasks().to_dict("records")
        ]
        leaves = [t for t in tasks if t["level"] == "Nhiệm vụ"]
        leaves[0].update(status="Xong", progress=150)
        leaves[1].update(status="Hoàn thành", progress=100, result=None)
        leaves[2].update(lead="Sở Không Tồn Tại")
        leaves[3].update(status="Đang triển khai", progress=40, updated_at=date(2026, 11, 5))
        book.write_table(SHEET_TASKS, TASK_COLUMNS, tasks, key_field="key")
    return ws.workbook


def _rows_of(written: dict[str, list[list[Any]]], anchor: str) -> list[list[Any]]:
    for address, values in written.items():
        if address.split(":")[0] == anchor:
            return values
    raise AssertionError(f"nothing written at {anchor}: {sorted(written)}")


def _blank(v: Any) -> Any:
    return None if v == "" else v


def test_validate_button_matches_the_library(imported: Workspace, xw_remote: Any) -> None:
    path = _faulty(imported)
    expected = check(read_data(open_tracker(path)), TODAY)
    assert len(expected) == 4
    book = open_book(path)
    message = buttons.validate(book, today=TODAY)
    written = xlremote.values_written(book, SHEET_CHECKS)
    rows = _rows_of(written, "A2")
    assert [[_blank(v) for v in r[: len(CHECK_COLUMNS)]] for r in rows] == [
        [f.record()[c.field] for c in CHECK_COLUMNS] for f in expected
    ]
    assert alerts(book) == [message]
    assert message.startswith("Có 4 lỗi dữ liệu (4 ở trang “Nhiệm vụ”)")
    notes = notes_added(book)
    assert [(n.sheet, n.text) for n in notes] == [
        (f.sheet, NOTE_MARK + f.message) for f in expected
    ]
    first = expected[0]
    assert notes[0].address.replace("$", "") == f"{col_letter(_col(first.field))}{first.row}"


def test_validate_button_clears_last_run_and_says_so(imported: Workspace, xw_remote: Any) -> None:
    path = _faulty(imported)
    validate_workbook(workbook=path, today=TODAY)  # leaves 4 findings in "Kiểm tra"
    with TrackerWorkbook.edit(path, None) as book:  # fix the faults
        tasks = [
            {k: v for k, v in r.items() if k != "_row"}
            for r in book.read_tasks().to_dict("records")
        ]
        for t in tasks:
            if t["level"] == "Nhiệm vụ":
                t.update(
                    status="Chưa triển khai", progress=0, lead="Văn phòng Tỉnh ủy", result=None
                )
        book.write_table(SHEET_TASKS, TASK_COLUMNS, tasks, key_field="key")
    book = open_book(path)
    message = buttons.validate(book, today=TODAY)
    assert message == "Không phát hiện lỗi dữ liệu. Trang “Kiểm tra” đã được làm trống."
    kinds = [a["func"] for a in actions(book) if a["sheet_name"] == SHEET_CHECKS]
    assert kinds == ["rangeClearContents"]
    cleared = next(a for a in actions(book) if a["func"] == "rangeClearContents")
    assert cleared["row_count"] == 4


def test_recalc_button_gives_the_library_figures(imported: Workspace, xw_remote: Any) -> None:
    path = imported.workbook
    result = recalc(read_data(open_tracker(path)), TODAY, NOW)
    grid = summary_grid(result)
    book = open_book(path)
    message = buttons.recalc(book, today=TODAY, now=NOW)
    tasks = xlremote.sheet_after(book, SHEET_TASKS)
    for field in ("progress", "due_state"):
        column = [canonical(tasks[t["_row"] - 1][_col(field) - 1]) for t in result.tasks]
        assert column == [canonical(t[field]) for t in result.tasks]
    summary = xlremote.sheet_after(book, SHEET_SUMMARY)
    assert summary[1][0] == grid.stamp
    for (r, c), value in grid.cells.items():
        assert canonical(summary[r - 1][c - 1]) == canonical(value), (r, c)
    source = [a for a in actions(book) if a["func"] == "setChartSourceData"]
    assert [a["args"][1:] for a in source] == [
        [SHEET_SUMMARY, f"$AH$4:$AI${4 + len(result.agencies)}"]  # the chart's data block
    ]
    assert alerts(book) == [message]
    assert f"{result.plan.tasks} nhiệm vụ" in message
    assert f"quá hạn {result.plan.overdue}" in message


def test_button_cli_and_library_agree_on_the_summary_sheet(
    imported: Workspace, xw_remote: Any
) -> None:
    """The figures a button writes equal what the headless recalc writes into the file."""
    path = imported.workbook
    book = open_book(path)
    buttons.recalc(book, today=TODAY, now=NOW)
    by_button = canonical_rows(xlremote.sheet_after(book, SHEET_SUMMARY))
    recalc_workbook(workbook=path, today=TODAY, now=NOW)
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    on_disk = canonical_rows(wb.get_sheet_by_name(SHEET_SUMMARY).to_python(skip_empty_area=False))
    assert len(by_button) > SUMMARY_FIRST_DATA_ROW
    assert by_button == on_disk


def test_both_date_conventions_give_the_same_overdue_count(
    imported: Workspace, xw_remote: Any
) -> None:
    """Office.js sends serial numbers for dates in formats its locale does not know."""
    messages = []
    for custom in (True, False):
        book = open_book(imported.workbook, custom_date_formats=custom)
        messages.append(buttons.recalc(book, today=TODAY, now=NOW))
    assert messages[0] == messages[1]
    assert "quá hạn 0" not in messages[0]


@pytest.mark.parametrize("button", ["validate", "recalc"])
def test_action_count_does_not_grow_with_rows(tmp_path: Path, xw_remote: Any, button: str) -> None:
    counts: list[Counter[str]] = []
    for n in (30, 3000):
        ws = init_workspace(tmp_path / f"ws{n}")
        synthetic.write_tracker(ws.workbook, n)
        book = open_book(ws.workbook)
        getattr(buttons, button)(book, today=synthetic.TODAY)
        assert not any("Lỗi" in a for a in alerts(book)), alerts(book)
        counts.append(count(book))
    assert counts[0] == counts[1]
    assert sum(counts[0].values()) <= 12


def test_import_button_reads_the_plan_in_the_workbook_folder(
    workspace: Workspace, plan_docx: Path, xw_remote: Any
) -> None:
    from xladdin.commands.plan import merge_plan, read_plan

    (workspace.root / plan_docx.name).write_bytes(plan_docx.read_bytes())
    payload = payload_from_workbook(workspace.workbook)
    payload["book"]["name"] = str(workspace.workbook)
    book = open_book(payload)
    message = buttons.import_appendix(book, now=NOW)
    data = read_data(open_tracker(workspace.workbook))
    merged = merge_plan(read_plan(plan_docx), data.tasks, data.agencies, now=NOW)
    rows = _rows_of(xlremote.values_written(book, SHEET_TASKS), "A2")
    assert [r[0] for r in rows] == [t["key"] for t in merged.report.tasks]
    assert [r[_col("content") - 1] for r in rows] == [t["content"] for t in merged.report.tasks]
    assert message.startswith(f"Đã nhập phụ lục từ “{plan_docx.name}”: 35 dòng")
    assert alerts(book) == [message]


def test_import_button_without_a_plan_says_where_to_put_it(
    workspace: Workspace, xw_remote: Any
) -> None:
    payload = payload_from_workbook(workspace.workbook)
    payload["book"]["name"] = str(workspace.workbook)
    book = open_book(payload)
    message = buttons.import_appendix(book)
    assert message.startswith("Chưa có tệp kế hoạch (.docx) trong thư mục làm việc")
    assert [a["func"] for a in actions(book)] == ["alert"]


def test_errors_become_message_boxes(imported: Workspace, xw_remote: Any) -> None:
    payload = payload_from_workbook(imported.workbook)
    for sheet in payload["sheets"]:
        if sheet["name"] == SHEET_TASKS:
            sheet["values"][0] = ["Cột lạ"] * len(sheet["values"][0])
    book = open_book(payload)
    message = buttons.recalc(book, today=TODAY)
    assert "thiếu cột" in message and "“Mã NV”" in message
    assert "Traceback" not in message
    assert [a["func"] for a in actions(book)] == ["alert"]


@pytest.mark.parametrize("name", ["make_forms", "merge_returns", "make_letters", "show_help"])
def test_other_buttons_answer_with_a_message(
    imported: Workspace, xw_remote: Any, name: str
) -> None:
    book = open_book(imported.workbook)
    message = getattr(buttons, name)(book)
    assert alerts(book) == [message] and message
