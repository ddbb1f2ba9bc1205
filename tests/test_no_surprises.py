"""Commands that never surprise (part of the never-surprise work): no write when nothing
changed, a report per merge even in the same second, CSV cells Excel will not run, and files
with the mode the user's umask asks for."""

from __future__ import annotations

import csv
import io
import os
import stat
from datetime import date, datetime
from pathlib import Path

import pytest

from xladdin.adapters.cli import main
from xladdin.commands.validate import validate_workbook
from xladdin.core.errors import WorkbookBusyError
from xladdin.core.layout import SHEET_TASKS, TASK_COLUMNS
from xladdin.io import files
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

TODAY = date(2026, 11, 21)


def test_a_validate_that_changes_nothing_writes_nothing(imported: Workspace) -> None:
    validate_workbook(workbook=imported.workbook, today=TODAY)
    before = imported.workbook.read_bytes()
    backups = sorted((imported.root / "backups").iterdir())
    outcome = validate_workbook(workbook=imported.workbook, today=TODAY)
    assert outcome.backup is None
    assert imported.workbook.read_bytes() == before
    assert sorted((imported.root / "backups").iterdir()) == backups


def test_two_reports_in_the_same_second_keep_both(tmp_path: Path) -> None:
    first = files.unique_path(tmp_path / "out", "KetQua_20261121-090000", ".csv")
    second = files.unique_path(tmp_path / "out", "KetQua_20261121-090000", ".csv")
    assert first.name == "KetQua_20261121-090000.csv"
    assert second.name == "KetQua_20261121-090000-2.csv"


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1", "'+1"), ("-x", "'-x"), ("@SUM(1)", "'@SUM(1)"),
     ("Đã xong", "Đã xong"), (-5, -5), (None, "")],
)  # fmt: skip
def test_csv_cells_are_never_formulas(value: object, cell: object) -> None:
    assert files.csv_cell(value) == cell


def test_export_csv_neutralises_a_formula_typed_as_a_result(
    imported: Workspace, tmp_path: Path
) -> None:
    with TrackerWorkbook.edit(imported.workbook, None) as book:
        tasks = [
            {k: v for k, v in r.items() if k != "_row"}
            for r in book.read_tasks().to_dict("records")
        ]
        tasks[1]["result"] = "=cmd|' /C calc'!A0"
        book.write_table(SHEET_TASKS, TASK_COLUMNS, tasks, key_field="key")
    out = tmp_path / "tasks.csv"
    assert (
        main(["export", "--format", "csv", "-o", str(out), "--workbook", str(imported.workbook)])
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[1]["result"] == "'=cmd|' /C calc'!A0"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664)])
def test_written_files_follow_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        target = tmp_path / "x.bin"
        files.atomic_write(target, b"data")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_a_recalc_after_a_write_still_saves(imported: Workspace) -> None:
    """The no-change rule compares bytes: a real change is always written."""
    from xladdin.commands.recalc import recalc_workbook

    outcome = recalc_workbook(
        workbook=imported.workbook, today=TODAY, now=datetime(2026, 11, 21, 9)
    )
    assert outcome.backup is not None


def test_a_writer_killed_holding_the_lock_blocks_nobody(imported: Workspace) -> None:
    """SIGKILL between creating the lock and anything else: the OS drops the lock with the
    process, so the next write goes ahead at once (an empty lock file left behind is harmless)."""
    import signal
    import subprocess
    import sys

    lock = imported.workbook.with_name(imported.workbook.name + ".lock")
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from xladdin.io import files\n"
         "l = files.os_lock(Path(sys.argv[1]), timeout=0); l.acquire()\n"
         "print('held', flush=True); time.sleep(600)", str(lock)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    # held: a second writer would wait for it (here: refused at once)
    with pytest.raises(WorkbookBusyError), files.file_lock(imported.workbook, timeout=0):
        pass
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert lock.exists()  # left behind, as after a crash or a full disk
    outcome = validate_workbook(workbook=imported.workbook, today=TODAY)  # no 120 s wait
    assert outcome.backup is not None or outcome.findings == []
