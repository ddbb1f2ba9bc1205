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
from lxml import etree

from xladdin.core.ribbon import BUTTONS, BUTTONS_MODULE, groups, help_text
from xladdin.workbook_build.build import WORKBOOK_PATH, build_workbook
from xladdin.workbook_build.vba_project import read_modules


def test_committed_workbook_equals_fresh_build() -> None:
    assert WORKBOOK_PATH.read_bytes() == build_workbook(), "run: theodoi build-workbook"


def test_two_builds_give_the_same_bytes() -> None:
    assert build_workbook() == build_workbook()


def test_package_parts_and_ribbon_relationship() -> None:
    with zipfile.ZipFile(WORKBOOK_PATH) as zf:
        ct = zf.read("[Content_Types].xml").decode()
        rels = zf.read("_rels/.rels").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in ct
        assert 'Target="customUI/customUI14.xml"' in rels and "ui/extensibility" in rels
        assert "xl/vbaProject.bin" in zf.namelist()


def test_every_ribbon_action_has_a_callback_and_a_python_target() -> None:
    """The ribbon and the Ribbon module in the built workbook hold exactly the button list,
    and each callback runs an existing button function."""
    with zipfile.ZipFile(WORKBOOK_PATH) as zf:
        ribbon = etree.fromstring(zf.read("customUI/customUI14.xml"))
    controls = ribbon.findall(".//{*}button")
    assert [c.get("id") for c in controls] == [b.control_id for b in BUTTONS]
    assert [c.get("onAction") for c in controls] == [b.callback for b in BUTTONS]
    assert [c.get("label") for c in controls] == [b.label for b in BUTTONS]
    assert [g.get("label") for g in ribbon.findall(".//{*}group")] == [g.label for g in groups()]
    source = read_modules(WORKBOOK_PATH)["Ribbon"]
    assert source.isascii()
    buttons = importlib.import_module(BUTTONS_MODULE)
    for b in BUTTONS:
        m = re.search(
            rf"Sub {b.callback}\(control As IRibbonControl\)\r\n(.*?)End Sub", source, re.S
        )
        assert m, f"no ribbon callback for {b.callback}"
        call = re.search(r'RunPython "import ([\w.]+) as b; b\.(\w+)\(\)"', m.group(1))
        assert call, f"{b.callback} does not RunPython a button"
        assert call.groups() == (BUTTONS_MODULE, b.function)
        assert inspect.isfunction(getattr(buttons, b.function))
    assert len(re.findall(r"^Sub ", source, re.M)) == len(BUTTONS)


def test_ribbon_icons_exist_in_excel() -> None:
    """Excel shows no picture for an imageMso it does not know (ExportExcel and ImportExcel
    are Access's controls, ImportWord is in no Excel list); the list is Microsoft's own."""
    listed = (Path(__file__).parent / "data" / "excel_control_ids.txt").read_text(encoding="utf-8")
    known = {
        line.strip() for line in listed.splitlines() if line.strip() and not line.startswith("#")
    }
    assert len(known) > 1000
    with zipfile.ZipFile(WORKBOOK_PATH) as zf:
        ribbon = etree.fromstring(zf.read("customUI/customUI14.xml"))
    images = [c.get("imageMso") for c in ribbon.iter("{*}button")]
    assert images == [b.image for b in BUTTONS]
    assert [i for i in images if i not in known] == []
    assert "ImportWord" not in known


def test_each_button_runs_the_command_the_list_names() -> None:
    """The benchmark measures a click as the imports of its command; keep them true."""
    buttons = importlib.import_module(BUTTONS_MODULE)
    for b in BUTTONS:
        source = inspect.getsource(getattr(buttons, b.function))
        imported = re.findall(r"from \.\.commands import (\w+)", source)
        assert imported == ([b.command] if b.command else []), b.function


def test_help_box_names_every_button() -> None:
    text = help_text()
    for b in BUTTONS:
        if b.function != "show_help":
            assert f"• {b.label}: " in text


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
