"""Every command, once per backend: the file on disk and the workbook open in Excel (xlwings'
remote engine), with the same expected results, computed by the pure core.

The button and CLI tests check what users see; these check that the one command function
leaves the same tracker whichever :class:`~xladdin.book.base.Book` it is given.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import synthetic
import xlremote
from backends import BACKENDS, canonical, canonical_rows, run
from test_merge import fill

from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.commands import forms, letters, merge, plan, recalc, validate
from xladdin.commands.config import set_config
from xladdin.commands.forms import issue_forms
from xladdin.core.layout import (
    CHECK_COLUMNS,
    LOG_COLUMNS,
    SHEET_AGENCIES,
    SHEET_CHECKS,
    SHEET_CONFIG,
    SHEET_LOG,
    SHEET_SUMMARY,
    SHEET_TASKS,
    SUMMARY_FIRST_DATA_ROW,
    TASK_COLUMNS,
)
from xladdin.core.summary import summary_grid
from xladdin.core.tracker import check
from xladdin.core.tracker import recalc as core_recalc
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace, init_workspace

xw_remote = xlremote.xw_remote
TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30)
FIELDS = [c.field for c in TASK_COLUMNS]


def _col(field: str) -> int:
    return FIELDS.index(field)


def _faulty(ws: Workspace) -> None:
    with TrackerWorkbook.edit(ws.workbook, None) as book:
        tasks = [
            {k: v for k, v in r.items() if k != "_row"}
            for r in book.read_tasks().to_dict("records")
        ]
        leaves = [t for t in tasks if t["level"] == "Nhiệm vụ"]
        leaves[0].update(status="Xong", progress=150)
        leaves[1].update(status="Hoàn thành", progress=100, result=None)
        leaves[2].update(lead="Sở Không Tồn Tại")
        book.write_table(SHEET_TASKS, TASK_COLUMNS, tasks, key_field="key")


def _cell(rows: list[list[Any]], row: int, col0: int) -> Any:
    line = rows[row - 1] if row - 1 < len(rows) else []
    return line[col0] if col0 < len(line) else None


@pytest.mark.parametrize("backend", BACKENDS)
def test_validate(imported: Workspace, xw_remote: Any, backend: str) -> None:
    _faulty(imported)
    expected = check(read_data(open_tracker(imported.workbook)), TODAY)
    assert len(expected) >= 3
    out = run(backend, imported, lambda b: validate.run(b, TODAY))
    assert out.result.findings == expected
    assert out.sheet(SHEET_CHECKS)[1:] == canonical_rows(
        [[f.record()[c.field] for c in CHECK_COLUMNS] for f in expected]
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_recalc(tmp_path: Path, xw_remote: Any, backend: str) -> None:
    ws = init_workspace(tmp_path / "ws")
    synthetic.write_tracker(ws.workbook, 120)
    # Years later every task is overdue: the summary's overdue block is long. Recalculated
    # for an earlier day, the rows it no longer needs must be emptied, on both backends.
    recalc.recalc_workbook(workbook=ws.workbook, today=date(2031, 1, 1), now=NOW)
    before = len(canonical_rows(TrackerWorkbook.open(ws.workbook).rows(SHEET_SUMMARY)))
    result = core_recalc(read_data(open_tracker(ws.workbook)), TODAY, NOW)
    grid = summary_grid(result)
    assert grid.last_row < before - 20
    out = run(backend, ws, lambda b: recalc.run(b, TODAY, NOW))
    assert out.result.result.plan == result.plan
    tasks = out.sheet(SHEET_TASKS)
    for t in result.tasks:
        for field in recalc.COMPUTED_FIELDS:
            assert _cell(tasks, t["_row"], _col(field)) == canonical(t[field]), (t["key"], field)
    summary = out.sheet(SHEET_SUMMARY)
    for (r, c), value in grid.cells.items():
        assert _cell(summary, r, c - 1) == canonical(value), (r, c)
    stray = [
        (r, c)
        for r, line in enumerate(summary, start=1)
        for c, v in enumerate(line, start=1)
        if r >= SUMMARY_FIRST_DATA_ROW and v is not None and (r, c) not in grid.cells
    ]
    assert not stray, "rows of the last recalc were left below the blocks"


def test_recalc_points_the_chart_at_the_agencies(imported: Workspace, xw_remote: Any) -> None:
    result = core_recalc(read_data(open_tracker(imported.workbook)), TODAY, NOW)
    series = summary_grid(result).chart
    excel = run("excel", imported, lambda b: recalc.run(b, TODAY, NOW))
    calls = [a["args"][1:] for a in xlremote.actions(excel.xl) if a["func"] == "setChartSourceData"]
    assert calls == [[SHEET_SUMMARY, series.source_address()]]
    run("file", imported, lambda b: recalc.run(b, TODAY, NOW))
    (chart,) = xlremote.read_charts(imported.workbook)[SHEET_SUMMARY]
    (info,) = chart.series
    assert (info.categories_ref, info.values_ref) == (series.categories_ref, series.values_ref)


@pytest.mark.parametrize("backend", BACKENDS)
def test_import(workspace: Workspace, plan_docx: Path, xw_remote: Any, backend: str) -> None:
    (workspace.root / plan_docx.name).write_bytes(plan_docx.read_bytes())
    data = read_data(open_tracker(workspace.workbook))
    parsed = plan.read_plan(workspace.root / plan_docx.name)
    merged = plan.merge_plan(parsed, data.tasks, data.agencies, now=NOW)
    out = run(backend, workspace, lambda b: plan.run(b, parsed, now=NOW))
    tasks = out.sheet(SHEET_TASKS)[1:]
    assert [r[0] for r in tasks] == [t["key"] for t in merged.report.tasks]
    assert [r[_col("content")] for r in tasks] == [t["content"] for t in merged.report.tasks]
    agencies = out.sheet(SHEET_AGENCIES)[1:]
    assert [r[1] for r in agencies] == [a["name"] for a in merged.agencies]
    config = {r[-1]: r[1] for r in out.sheet(SHEET_CONFIG)[1:] if r}
    assert config["plan_name"] == merged.title
    assert len(out.sheet(SHEET_LOG)) - 1 == len(merged.report.log)


def test_import_leaves_the_same_tracker_on_both_backends(
    workspace: Workspace, plan_docx: Path, tmp_path: Path, xw_remote: Any
) -> None:
    copy = Workspace(tmp_path / "copy", tmp_path / "copy" / workspace.workbook.name)
    shutil.copytree(workspace.root, copy.root)
    parsed = plan.read_plan(plan_docx)
    by_file = run("file", workspace, lambda b: plan.run(b, parsed, now=NOW))
    by_excel = run("excel", copy, lambda b: plan.run(b, parsed, now=NOW))
    for sheet in (SHEET_TASKS, SHEET_AGENCIES, SHEET_CONFIG, SHEET_LOG):
        assert by_file.sheet(sheet) == by_excel.sheet(sheet), sheet


def _returns(ws: Workspace, n: int) -> None:
    set_config({"period": "2026-11"}, workbook=ws.workbook)
    issued = issue_forms("2026-11", workbook=ws.workbook, now=NOW)
    rows = {0: {"status": "Đang triển khai", "progress": 45, "difficulties": "Thiếu người"}}
    for f in [f for f in issued.forms if f.n_lead][:n]:
        fill(f.path, ws.root / "inbox" / f.path.name, rows)


def test_merge_leaves_the_same_tracker_on_both_backends(
    imported: Workspace, tmp_path: Path, xw_remote: Any
) -> None:
    _returns(imported, 3)
    copy = Workspace(tmp_path / "copy", tmp_path / "copy" / imported.workbook.name)
    shutil.copytree(imported.root, copy.root)
    by_file = run("file", imported, lambda b: merge.run(b, today=TODAY, now=NOW))
    by_excel = run("excel", copy, lambda b: merge.run(b, today=TODAY, now=NOW))
    assert len(by_file.result.accepted) == len(by_excel.result.accepted) == 3
    changes = {(c.key, c.field, str(c.new)) for r in by_file.result.accepted for c in r.changes}
    assert changes == {
        (c.key, c.field, str(c.new)) for r in by_excel.result.accepted for c in r.changes
    }
    assert by_file.sheet(SHEET_TASKS) == by_excel.sheet(SHEET_TASKS)
    log_file, log_excel = by_file.sheet(SHEET_LOG), by_excel.sheet(SHEET_LOG)
    assert log_file == log_excel
    actions = [r[[c.field for c in LOG_COLUMNS].index("action")] for r in log_file[1:]]
    assert actions.count("Nhận phiếu") == 3
    # Both backends backed up the file on disk and archived the returns.
    for ws in (imported, copy):
        assert not list((ws.root / "inbox").glob("*.xlsx"))
        assert list((ws.root / "backups").glob("*.xlsm"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_forms_and_letters_only_read(imported: Workspace, xw_remote: Any, backend: str) -> None:
    before = imported.workbook.read_bytes()
    out = run(backend, imported, lambda b: forms.run(b, now=NOW))
    issued, cover = out.result
    assert len(issued.forms) >= 6 and cover
    made = run(backend, imported, lambda b: letters.run(b, letters.BUTTON_KINDS))
    assert made.result.files
    assert imported.workbook.read_bytes() == before
    if out.xl is not None:
        assert xlremote.count(out.xl) == {}
