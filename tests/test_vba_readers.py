"""The shipped workbook's VBA project, read back by three independent readers: pyOpenVBA
(which wrote it, and whose ``check_file`` checks the package), olevba and LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from libreoffice import office_env
from pyopenvba import check_file

from xladdin.core.errors import WorkbookFormatError
from xladdin.workbook_build.build import (
    WORKBOOK_PATH,
    build_workbook_bytes,
    sheet_specs,
    vba_modules,
)
from xladdin.workbook_build.vba_project import build_vba_project, checked_source, read_modules

DOCUMENT_MODULES = ["ThisWorkbook", *(s.code_name for s in sheet_specs())]
STANDARD = vba_modules()


def _subs(source: str) -> list[str]:
    return re.findall(r"^(?:Public |Private )?Sub (\w+)", source, re.MULTILINE)


def _body(source: str) -> str:
    """Source without the Attribute lines (each reader shows those differently)."""
    return "\r\n".join(
        line
        for line in source.replace("\r\n", "\n").split("\n")
        if not line.startswith("Attribute ")
    ).strip()


def test_check_file_finds_no_issue_in_the_shipped_workbook() -> None:
    report = check_file(WORKBOOK_PATH)
    assert report.ok and report.complete, report.issues
    assert not report.warnings


def test_pyopenvba_reads_every_module_back() -> None:
    modules = read_modules(WORKBOOK_PATH)
    assert list(modules) == [*DOCUMENT_MODULES, *STANDARD]
    for name, text in STANDARD.items():
        assert _body(modules[name]) == _body(text), name


def test_olevba_lists_the_same_modules_and_sources() -> None:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(WORKBOOK_PATH))
    try:
        found = {Path(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()
    assert sorted(found) == sorted(DOCUMENT_MODULES + list(STANDARD))
    for name, text in STANDARD.items():
        assert _body(found[name]) == _body(text), name
        assert _subs(found[name]) == _subs(text)


def test_olevba_command_reports_no_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "oletools.olevba", "--decode", str(WORKBOOK_PATH)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    log = result.stdout + result.stderr
    assert 'RunPython "import xladdin.adapters.buttons as b; b.import_appendix()"' in log
    assert "Traceback" not in log
    assert not re.search(r"^ERROR ", log, re.MULTILINE), log


def test_libreoffice_imports_every_module(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "ods", "--outdir", str(tmp_path), str(WORKBOOK_PATH)],
        capture_output=True, timeout=300, check=True, env=office_env(tmp_path),
    )  # fmt: skip
    with zipfile.ZipFile(tmp_path / "TheoDoiNhiemVu.ods") as z:
        # LibreOffice keeps the VBA project as a Basic library named after the project.
        parts = {Path(n).stem: n for n in z.namelist() if n.startswith("Basic/")}
        for name in [*DOCUMENT_MODULES, *STANDARD]:
            assert name in parts, sorted(parts)
        for name, text in STANDARD.items():
            xml = z.read(parts[name]).decode("utf-8")
            assert 'script:moduleType="normal"' in xml, name
            for sub in _subs(text):
                assert f"Sub {sub}" in xml, (name, sub)


def test_build_is_reproducible() -> None:
    skeleton = build_workbook_bytes(vba_project=None, ribbon_xml=None)
    assert build_vba_project(skeleton, STANDARD) == build_vba_project(skeleton, STANDARD)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("Ribbon", "' Dấu tiếng Việt\r\n", "dòng 1: ký tự “ấ”"),
        ("Ribbon", 'Attribute VB_Name = "Other"\r\n', "khai báo tên khác"),
        ("1Bad", "", "không hợp lệ"),
    ],
)
def test_bad_sources_are_refused_before_pyopenvba_mangles_them(
    name: str, text: str, message: str
) -> None:
    with pytest.raises(WorkbookFormatError, match=message):
        checked_source(name, text)


def test_sources_get_crlf_and_keep_cp1252_accents() -> None:
    assert checked_source("M", "' café € – naïve\nSub A()\nEnd Sub\n") == (
        "' café € – naïve\r\nSub A()\r\nEnd Sub\r\n"
    )
