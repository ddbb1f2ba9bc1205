"""LibreOffice as the client: a tracker open there is never written, and what it leaves behind
(a lock of a crashed session) is reported with how to clear it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest
from libreoffice import held_open, needs_libreoffice
from test_merge import fill

from xladdin.adapters.cli import main
from xladdin.adapters.jobs import FakeClock, run_once
from xladdin.commands.config import set_config
from xladdin.commands.forms import issue_forms
from xladdin.io import files
from xladdin.io.workspace import Workspace

pytestmark = needs_libreoffice
NOW = datetime(2026, 11, 21, 9, 0)


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
