"""Built projects in real .xlsm packages, opened by independent readers (oletools, LibreOffice)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings

from xladdin.workbook_build.vba import (
    VbaModule,
    build_vba_project,
    document_module,
    parse_bas,
    read_vba_modules,
    with_vba_project,
)

XLWINGS_DIR = Path(xlwings.__file__).parent
SAMPLE_XLSM = XLWINGS_DIR / "quickstart_standalone.xlsm"
PROJECT = "TheoDoiNhiemVu"
RIBBON = (
    'Attribute VB_Name = "Ribbon"\n'
    "Option Explicit\n\n"
    "Sub BtnImport(control As IRibbonControl)\n"
    '    RunPython "import xladdin.adapters.buttons as b; b.import_appendix()"\n'
    "End Sub\n"
)
COUNTER_CLS = (
    "VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\n"
    'Attribute VB_Name = "Counter"\r\n'
    "Attribute VB_GlobalNameSpace = False\r\n"
    "Attribute VB_Creatable = False\r\n"
    "Attribute VB_PredeclaredId = False\r\n"
    "Attribute VB_Exposed = False\r\n"
    "Private n As Long\r\n\r\n"
    "Public Sub Increment()\r\n    n = n + 1\r\nEnd Sub\r\n"
)


def modules() -> list[VbaModule]:
    return [
        document_module("ThisWorkbook", "workbook", "Private Sub Workbook_Open()\nEnd Sub\n"),
        document_module("Sheet1", "worksheet"),
        parse_bas((XLWINGS_DIR / "xlwings.bas").read_bytes().decode("cp1252")),
        VbaModule("Ribbon", RIBBON, "standard"),
        parse_bas(COUNTER_CLS),
    ]


def sub_names(mods: list[VbaModule]) -> dict[str, list[str]]:
    pattern = re.compile(r"^(?:Public |Private )?Sub (\w+)", re.MULTILINE)
    return {m.name: pattern.findall(m.source) for m in mods}


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vba") / "built.xlsm"
    vba = build_vba_project(modules(), PROJECT)
    path.write_bytes(with_vba_project(SAMPLE_XLSM.read_bytes(), vba))
    return path


def test_olevba_lists_every_module_and_sub(xlsm: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "oletools.olevba", "--decode", str(xlsm)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = result.stdout
    assert "VBA MACRO" in out, result.stderr
    listed = set(re.findall(r"^VBA MACRO (\w+)\.(?:bas|cls)", out, re.MULTILINE))
    assert listed == {m.name for m in modules()}
    for module, subs in sub_names(modules()).items():
        for sub in subs:
            assert f"Sub {sub}" in out, (module, sub)
    assert 'RunPython "import xladdin.adapters.buttons as b; b.import_appendix()"' in out
    log = result.stdout + result.stderr
    assert "Traceback" not in log
    assert not re.search(r"^ERROR ", log, re.MULTILINE), log


def test_package_keeps_sample_parts_and_is_reproducible(xlsm: Path) -> None:
    vba = build_vba_project(modules(), PROJECT)
    assert with_vba_project(xlsm.read_bytes(), vba) == with_vba_project(xlsm.read_bytes(), vba)
    with zipfile.ZipFile(xlsm) as z, zipfile.ZipFile(SAMPLE_XLSM) as original:
        assert sorted(z.namelist()) == sorted(original.namelist())
        assert z.read("xl/vbaProject.bin") == vba
        assert z.read("xl/workbook.xml") == original.read("xl/workbook.xml")


def test_xlsx_from_openpyxl_becomes_macro_enabled(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.code_name = "ThisWorkbook"
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.sheet_properties.codeName = "Sheet1"
    buffer = io.BytesIO()
    wb.save(buffer)
    vba = build_vba_project(modules(), PROJECT)
    package = with_vba_project(buffer.getvalue(), vba)
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        assert read_vba_modules(z.read("xl/vbaProject.bin"))["Ribbon"].startswith("Attribute")
    assert 'PartName="/xl/vbaProject.bin"' in types
    assert "application/vnd.ms-office.vbaProject" in types
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert "sheet.main+xml" not in types.replace("macroEnabled.main+xml", "")
    assert "relationships/vbaProject" in rels and 'Target="vbaProject.bin"' in rels
    assert with_vba_project(package, vba) == package  # idempotent
    # keep_vba=True would leave a ZipFile that raises from __del__ once its buffer is gone.
    loaded = openpyxl.load_workbook(io.BytesIO(package))
    assert loaded.sheetnames == ["Sheet1"]
    loaded.close()


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    _soffice() is None,
    reason="LibreOffice not installed: apt-get install -y --no-install-recommends "
    "libreoffice-calc-nogui",
)
def test_libreoffice_imports_the_modules(xlsm: Path, tmp_path: Path) -> None:
    soffice = _soffice()
    assert soffice is not None
    profile = (tmp_path / "profile").as_uri()
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(xlsm),
        ],
        capture_output=True,
        timeout=300,
        check=True,
        env=env,
    )
    ods = tmp_path / "built.ods"
    assert ods.exists(), "LibreOffice wrote no .ods"
    with zipfile.ZipFile(ods) as z:
        # LibreOffice keeps the VBA project as a Basic library named after the project.
        parts = {n for n in z.namelist() if n.startswith(f"Basic/{PROJECT}/")}
        expected_types = {"document", "normal", "class"}
        for m in modules():
            part = f"Basic/{PROJECT}/{m.name}.xml"
            assert part in parts, sorted(parts)
            xml = z.read(part).decode("utf-8")
            kind = {"standard": "normal"}.get(m.kind, m.kind)
            assert kind in expected_types
            assert f'script:moduleType="{kind}"' in xml, m.name
            for sub in sub_names([m])[m.name]:
                assert f"Sub {sub}" in xml, (m.name, sub)
        ribbon = z.read(f"Basic/{PROJECT}/Ribbon.xml").decode("utf-8")
    assert (
        "RunPython &quot;import xladdin.adapters.buttons as b; b.import_appendix()&quot;" in ribbon
    )
