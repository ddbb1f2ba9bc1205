"""The "Tạo phiếu báo cáo" and "Tổng hợp phiếu" buttons through xlwings' remote engine:
the same forms and the same merged values as the CLI, a fixed number of bulk actions."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xlremote
from backends import canonical
from test_merge import fill
from xlremote import actions, alerts, open_book, payload_from_workbook

from xladdin.adapters import buttons
from xladdin.commands.config import set_config
from xladdin.commands.export import export_tasks
from xladdin.commands.forms import issue_forms
from xladdin.commands.merge import merge_returns
from xladdin.core.layout import LOG_COLUMNS, SHEET_LOG, SHEET_TASKS, TASK_COLUMNS
from xladdin.io.workspace import Workspace

xw_remote = xlremote.xw_remote
NOW = datetime(2026, 11, 21, 9, 0)
TODAY = date(2026, 11, 21)
FIELDS = [c.field for c in TASK_COLUMNS]


def _book(ws: Workspace) -> Any:
    payload = payload_from_workbook(ws.workbook)
    payload["book"]["name"] = str(ws.workbook)  # Excel's FullName: the workspace is its folder
    return open_book(payload)


def _returns(ws: Workspace, n: int) -> list[Path]:
    set_config({"period": "2026-11"}, workbook=ws.workbook)
    issued = issue_forms("2026-11", workbook=ws.workbook, now=NOW)
    forms = [f for f in issued.forms if f.n_lead][:n]
    rows = {0: {"status": "Đang triển khai", "progress": 45, "difficulties": "Thiếu người"}}
    return [fill(f.path, ws.root / "inbox" / f.path.name, rows) for f in forms]


def test_forms_button_writes_the_forms_and_letters(imported: Workspace, xw_remote: Any) -> None:
    book = _book(imported)
    message = buttons.make_forms(book, now=NOW)
    assert alerts(book) == [message]
    folder = imported.root / "outbox" / "2026-11"
    forms = sorted(p.name for p in folder.glob("PhieuBaoCao_*.xlsx"))
    assert len(forms) >= 6, message
    assert message.startswith(f"Đã tạo {len(forms)} phiếu báo cáo kỳ tháng 11 năm 2026")
    assert list(folder.glob("*.docx")), "cover letters"
    assert [a["func"] for a in actions(book)] == ["alert"]  # the tracker is only read


def test_merge_button_writes_what_the_cli_writes(
    imported: Workspace, tmp_path: Path, xw_remote: Any
) -> None:
    _returns(imported, 3)
    copy = tmp_path / "copy"
    shutil.copytree(imported.root, copy)
    book = _book(imported)
    message = buttons.merge_returns(book, today=TODAY, now=NOW)
    assert message.startswith("Tổng hợp phiếu kỳ tháng 11 năm 2026: 3 phiếu được tổng hợp"), message
    # The CLI on an identical copy: the button must write the same values.
    cli = merge_returns(workbook=copy / imported.workbook.name, now=NOW, today=TODAY)
    after = {t["key"]: t for t in export_tasks(workbook=copy / imported.workbook.name, today=TODAY)}
    tasks = xlremote.sheet_after(book, SHEET_TASKS)
    changed = {(c.key, c.field) for r in cli.accepted for c in r.changes}
    assert changed
    rows_by_key = {r[0]: r for r in tasks[1:] if r and r[0]}
    for key, field in changed:
        got = rows_by_key[key][FIELDS.index(field)]
        assert canonical(got) == canonical(after[key][field]), (key, field)
    log = xlremote.values_written(book, SHEET_LOG)
    (block,) = log.values()
    actions_log = [row[[c.field for c in LOG_COLUMNS].index("action")] for row in block]
    assert actions_log.count("Nhận phiếu") == 3
    assert actions_log.count("Tổng hợp phiếu") == cli.cells_changed
    funcs = [a["func"] for a in actions(book)]
    assert funcs[-2:] == ["save", "alert"]
    # Processed returns left the inbox; the tracker file on disk was backed up first.
    assert not list((imported.root / "inbox").glob("*.xlsx"))
    assert list((imported.root / "backups").glob("*.xlsm"))


@pytest.mark.parametrize("n", [1, 4])
def test_merge_button_action_count_is_fixed(imported: Workspace, xw_remote: Any, n: int) -> None:
    _returns(imported, n)
    book = _book(imported)
    buttons.merge_returns(book, today=TODAY, now=NOW)
    counts = xlremote.count(book)
    # status, progress, difficulties, updated_at, source columns + the log block + save + alert
    assert counts == {"setValues": 6, "save": 1, "alert": 1}, counts


def test_merge_button_with_empty_inbox(imported: Workspace, xw_remote: Any) -> None:
    book = _book(imported)
    message = buttons.merge_returns(book, today=TODAY, now=NOW)
    assert "đang trống" in message
    assert [a["func"] for a in actions(book)] == ["alert"]
