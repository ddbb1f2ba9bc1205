"""LibreOffice as the client: a tracker open there is never written, and what it leaves behind
(a lock of a crashed session) is reported with how to clear it."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from backends import assert_vba_intact
from libreoffice import ODS_FILTER, XLSX_FILTER, held_open, needs_libreoffice, type_and_save
from test_merge import fill

from xladdin.adapters.cli import main
from xladdin.adapters.jobs import FakeClock, run_once
from xladdin.commands.config import set_config
from xladdin.commands.forms import issue_forms
from xladdin.commands.merge import merge_returns
from xladdin.core.layout import FORM_COLUMNS, FORM_FIRST_ROW, FORM_SHEET, SHEET_TASKS, TASK_COLUMNS
from xladdin.core.table import col_letter
from xladdin.io import files
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

pytestmark = needs_libreoffice
NOW = datetime(2026, 11, 21, 9, 0)
TODAY = NOW.date()
FIELDS = [c.field for c in TASK_COLUMNS]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def with_return(imported: Workspace) -> Workspace:
    set_config({"period": "2026-11"}, workbook=imported.workbook)
    forms = issue_forms("2026-11", workbook=imported.workbook, now=NOW)
    form = next(f for f in forms.forms if f.n_lead)
    fill(form.path, imported.root / "inbox" / form.path.name, {0: {"progress": 30}})
    return imported


def test_a_tracker_open_in_libreoffice_is_never_written(
    with_return: Workspace, tmp_path: Path, plan_docx: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = with_return
    book = str(ws.workbook)
    commands = [
        ["import", str(plan_docx), "--workbook", book],
        ["validate", "--workbook", book],
        ["recalc", "--workbook", book],
        ["merge", "--workbook", book],
    ]
    before = _digest(ws.workbook)
    backups = sorted((ws.root / "backups").iterdir())
    with held_open(ws.workbook, tmp_path):
        lock = files.libreoffice_lock(ws.workbook)
        assert lock.exists(), "LibreOffice writes .~lock.<name># beside the file it opens"
        for argv in commands:
            assert main(argv) == 2, argv
            err = capsys.readouterr().err
            assert "đang được mở trong LibreOffice" in err, (argv, err)
            assert lock.name in err and "chưa có gì bị thay đổi" in err
            assert _digest(ws.workbook) == before, argv
        lines: list[str] = []
        runs = run_once(ws, clock=FakeClock(datetime(2026, 11, 24, 16, 0)), status=lines.append)
        assert [(r.name, r.status) for r in runs] == [("collect", "skipped")]
        assert lines == [
            "2026-11-24 16:00 thu phiếu: Sổ theo dõi đang mở trong LibreOffice; bỏ qua lần này."
        ]
        left_behind = lock.read_bytes()
    assert _digest(ws.workbook) == before
    assert sorted((ws.root / "backups").iterdir()) == backups
    assert list((ws.root / "inbox").glob("*.xlsx")), "the return waits for the next run"

    # LibreOffice killed with the tracker open leaves its lock: reported, never ignored.
    files.libreoffice_lock(ws.workbook).write_bytes(left_behind)
    assert main(["recalc", "--workbook", book]) == 2
    err = capsys.readouterr().err
    host = left_behind.decode("utf-8").split(",")[2]
    assert f"trên máy “{host}”" in err
    assert (
        "Nếu chắc không còn ai mở sổ" in err
        and f"xóa tệp {files.libreoffice_lock(ws.workbook)}" in err
    )
    files.libreoffice_lock(ws.workbook).unlink()
    assert main(["recalc", "--workbook", book]) == 0


def _tasks(ws: Workspace) -> list[dict[str, object]]:
    """The "Nhiệm vụ" records as stored (export would recompute progress)."""
    return TrackerWorkbook.open(ws.workbook).read_tasks().to_dict("records")


def test_saved_by_libreoffice_then_repaired(
    imported: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """LibreOffice's Excel filter drops the VBA project; repair puts it back, data unchanged."""
    ws = imported
    book = str(ws.workbook)
    progress = f"{col_letter(FIELDS.index('progress') + 1)}3"
    type_and_save(ws.workbook, [(SHEET_TASKS, progress, "40")], tmp_path, save_as=ws.workbook,
                  filter=XLSX_FILTER)  # fmt: skip
    with zipfile.ZipFile(ws.workbook) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
    saved = _tasks(ws)
    assert saved[1]["progress"] == 40

    assert main(["validate", "--workbook", book]) in (0, 1)
    err = capsys.readouterr().err
    assert "không còn macro (dự án VBA)" in err and "theodoi repair" in err

    assert main(["repair", "--workbook", book]) == 0
    out = capsys.readouterr().out
    assert "Đã khôi phục macro và thẻ ribbon" in out and "Dữ liệu các trang giữ nguyên" in out
    assert_vba_intact(ws.workbook)
    assert _tasks(ws) == saved
    # olevba (a third reader) sees the project; a second repair has nothing to do.
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(ws.workbook))
    try:
        names = {Path(stream).name for _, stream, _, _ in parser.extract_macros()}
    finally:
        parser.close()
    assert {"Ribbon", "xlwings", "ThisWorkbook", "Sheet1"} <= names
    before = _digest(ws.workbook)
    assert main(["repair", "--workbook", book]) == 0
    assert "không cần sửa" in capsys.readouterr().out
    assert _digest(ws.workbook) == before
    # LibreOffice opens the repaired tracker and keeps what was typed.
    type_and_save(ws.workbook, [], tmp_path, save_as=tmp_path / "check.ods", filter=ODS_FILTER)
    assert (tmp_path / "check.ods").stat().st_size > 1000


def test_forms_filled_in_libreoffice_as_xlsx_and_ods_are_merged(
    with_return: Workspace, tmp_path: Path
) -> None:
    ws = with_return
    for old in (ws.root / "inbox").iterdir():
        old.unlink()
    forms = [f for f in issue_forms("2026-11", workbook=ws.workbook, now=NOW).forms if f.n_lead][:2]
    col = {c.field: col_letter(i + 1) for i, c in enumerate(FORM_COLUMNS)}
    row = FORM_FIRST_ROW

    def typed(progress: str) -> list[tuple[str, str, str]]:
        return [
            (FORM_SHEET, f"{col['status']}{row}", "Đang triển khai"),
            (FORM_SHEET, f"{col['progress']}{row}", progress),
            (FORM_SHEET, f"{col['difficulties']}{row}", "Thiếu người"),
        ]

    as_xlsx = ws.root / "inbox" / forms[0].path.name
    type_and_save(forms[0].path, typed("45%"), tmp_path, save_as=as_xlsx, filter=XLSX_FILTER)
    as_ods = ws.root / "inbox" / forms[1].path.with_suffix(".ods").name
    type_and_save(forms[1].path, typed("60"), tmp_path, save_as=as_ods, filter=ODS_FILTER)
    (ws.root / "inbox" / "ghi-chu.txt").write_text("không phải phiếu", encoding="utf-8")

    outcome = merge_returns(workbook=ws.workbook, now=NOW, today=TODAY)
    by_name = {r.name: r for r in outcome.results}
    assert by_name[as_xlsx.name].status == "accepted", by_name[as_xlsx.name].reasons
    assert by_name[as_ods.name].status == "accepted", by_name[as_ods.name].reasons
    assert "không phải phiếu báo cáo" in by_name["ghi-chu.txt"].reasons[0]
    changed = {(r.name, c.field, c.new) for r in outcome.accepted for c in r.changes}
    assert (as_xlsx.name, "progress", 45) in changed or (as_xlsx.name, "progress", 45.0) in changed
    assert (as_ods.name, "progress", 60) in changed or (as_ods.name, "progress", 60.0) in changed
    assert not list((ws.root / "inbox").iterdir()), "every file got an outcome and left the inbox"
