"""Every headless write path keeps what users and the product put in the workbook.

The rich workbook (see richbook.py) carries a VBA project, the ribbon part and its
relationship, shapes, form controls, a chart, comments, images, classic and x14
validations and conditional formats, defined names, protection and column widths.
After each write path every part is compared with the part before.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from pyopenvba import check_file
from richbook import assert_preserved, enrich

from xladdin.commands.config import set_config
from xladdin.commands.plan import import_plan
from xladdin.core.layout import SHEET_AGENCIES, SHEET_CONFIG, SHEET_LOG, SHEET_TASKS
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

WRITTEN = [SHEET_TASKS, SHEET_AGENCIES, SHEET_LOG, SHEET_CONFIG]
NOW = datetime(2026, 11, 21, 9, 0)


@pytest.fixture
def rich(workspace: Workspace, tmp_path: Path) -> Workspace:
    src = tmp_path / "plain.xlsm"
    shutil.copyfile(workspace.workbook, src)
    enrich(src, workspace.workbook, written_sheets=WRITTEN)
    return workspace


def _snapshot(ws: Workspace, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copyfile(ws.workbook, copy)
    return copy


def test_import_preserves_everything(rich: Workspace, plan_docx: Path, tmp_path: Path) -> None:
    before = _snapshot(rich, tmp_path, "before.xlsm")
    outcome = import_plan(plan_docx, workbook=rich.workbook, now=NOW)
    assert outcome.report.counts()["rows"] == 35
    assert_preserved(before, rich.workbook, written_sheets=WRITTEN)
    assert outcome.backup is not None and outcome.backup.read_bytes() == before.read_bytes()
    # re-import of a tracker that now holds data: same guarantee
    second = _snapshot(rich, tmp_path, "second.xlsm")
    import_plan(plan_docx, workbook=rich.workbook, now=NOW)
    assert_preserved(second, rich.workbook, written_sheets=WRITTEN)


def test_config_write_preserves_everything(rich: Workspace, tmp_path: Path) -> None:
    before = _snapshot(rich, tmp_path, "before.xlsm")
    set_config({"period": "2026-11", "signer_name": "Nguyễn Văn A"}, workbook=rich.workbook)
    assert_preserved(before, rich.workbook, written_sheets=[SHEET_CONFIG])
    config = TrackerWorkbook.open(rich.workbook).read_config()
    assert (config["period"], config["signer_name"]) == ("2026-11", "Nguyễn Văn A")


def test_every_written_sheet_part_is_listed(rich: Workspace, plan_docx: Path) -> None:
    """The comparison above is only meaningful if the writes really touch those sheets."""
    book = TrackerWorkbook.open(rich.workbook)
    before = {s: book.pkg.read(book.pkg.sheet_part(s)) for s in WRITTEN}
    import_plan(plan_docx, workbook=rich.workbook, now=NOW)
    after = TrackerWorkbook.open(rich.workbook)
    changed = {s for s in WRITTEN if after.pkg.read(after.pkg.sheet_part(s)) != before[s]}
    assert changed == set(WRITTEN)


def test_written_rich_workbook_opens_elsewhere(
    rich: Workspace, plan_docx: Path, tmp_path: Path
) -> None:
    assert check_file(rich.workbook).ok
    import_plan(plan_docx, workbook=rich.workbook, now=NOW)
    report = check_file(rich.workbook)  # pyOpenVBA: package and VBA project still sound
    assert report.ok and report.complete, report.issues
    wb = openpyxl.load_workbook(rich.workbook)
    try:
        assert wb[SHEET_TASKS]["A2"].value == "I"
        assert wb[SHEET_TASKS]["A1"].comment is not None
    finally:
        wb.close()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    out = tmp_path / "pdf"
    proc = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(out), str(rich.workbook)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (out / "TheoDoiNhiemVu.pdf").stat().st_size > 1000
