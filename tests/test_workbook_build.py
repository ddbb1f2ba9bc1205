"""The shipped workbook is a fresh build of its text sources, and is well formed."""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from xladdin.workbook_build.build import SRC_DIR, WORKBOOK_PATH, build_workbook
from xladdin.workbook_build.vba import read_vba_modules


def test_committed_workbook_equals_fresh_build() -> None:
    assert WORKBOOK_PATH.read_bytes() == build_workbook(), "run: theodoi build-workbook"


def test_package_parts_and_ribbon_relationship() -> None:
    with zipfile.ZipFile(WORKBOOK_PATH) as zf:
        ct = zf.read("[Content_Types].xml").decode()
        rels = zf.read("_rels/.rels").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in ct
        assert 'Target="customUI/customUI14.xml"' in rels and "ui/extensibility" in rels
        assert "xl/vbaProject.bin" in zf.namelist()


def test_every_ribbon_action_has_a_callback_and_a_python_target() -> None:
    ribbon = (SRC_DIR / "customUI14.xml").read_text(encoding="utf-8")
    actions = re.findall(r'onAction="(\w+)"', ribbon)
    assert len(actions) == 8
    with zipfile.ZipFile(WORKBOOK_PATH) as zf:
        modules = read_vba_modules(zf.read("xl/vbaProject.bin"))
    source = modules["Ribbon"]
    buttons = importlib.import_module("xladdin.adapters.buttons")
    for action in actions:
        m = re.search(rf"Sub {action}\(control As IRibbonControl\)\r\n(.*?)End Sub", source, re.S)
        assert m, f"no ribbon callback for {action}"
        call = re.search(
            r'RunPython "import xladdin\.adapters\.buttons as b; b\.(\w+)\(\)"', m.group(1)
        )
        assert call, f"{action} does not RunPython a button"
        assert inspect.isfunction(getattr(buttons, call.group(1)))


def test_libreoffice_reads_the_vba_modules(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    proc = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "ods",
         "--outdir", str(tmp_path), str(WORKBOOK_PATH)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(tmp_path / "TheoDoiNhiemVu.ods") as zf:
        names = zf.namelist()
        ribbon = next(n for n in names if n.startswith("Basic/") and n.endswith("/Ribbon.xml"))
        assert "OnImportAppendix" in zf.read(ribbon).decode()
        assert any(n.endswith("/xlwings.xml") for n in names)
