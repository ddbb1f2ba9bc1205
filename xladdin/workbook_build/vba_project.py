"""The workbook's VBA project (``xl/vbaProject.bin``), made by pyOpenVBA.

pyOpenVBA starts from a project Excel itself authored and is checked by its maintainers
against live Office (the project reopens without a repair prompt and its code runs), which a
project written from the specification cannot promise. It works on whole files, so the build
hands it the macro-free package (whose ``workbookPr``/``sheetPr`` code names it reads to make
``ThisWorkbook`` and one document module per sheet), adds the standard modules, and takes the
``vbaProject.bin`` back out for the build's own reproducible zip. Its output depends only on
the sources (no time stamps, no random ids).

pyOpenVBA stores text in the project's code page (Windows-1252) and silently replaces what
that code page cannot hold with "?", and it keeps a module's ``Attribute VB_Name`` as given:
both are checked here first, so a bad source is an error naming the module and line.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

from ..core.errors import WorkbookFormatError

CODE_PAGE = "cp1252"
_VB_NAME = re.compile(r'^Attribute VB_Name = "([^"]*)"\s*$', re.IGNORECASE | re.MULTILINE)
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")


def checked_source(name: str, text: str) -> str:
    """The module text with CRLF line ends (as VBA stores it), after checking that the name
    is a VBA identifier, that ``Attribute VB_Name`` (if any) names the same module and that
    every character fits the project's code page."""
    if not _IDENTIFIER.fullmatch(name):
        raise WorkbookFormatError(f"Tên mô-đun VBA “{name}” không hợp lệ.")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    declared = _VB_NAME.search(text)
    if declared and declared.group(1) != name:
        raise WorkbookFormatError(
            f"Mô-đun VBA “{name}” khai báo tên khác: Attribute VB_Name = “{declared.group(1)}”."
        )
    for number, line in enumerate(text.split("\r\n"), 1):
        try:
            line.encode(CODE_PAGE)
        except UnicodeEncodeError as exc:
            bad = line[exc.start]
            raise WorkbookFormatError(
                f"Mô-đun VBA “{name}”, dòng {number}: ký tự “{bad}” không có trong bảng mã "
                "Windows-1252 của dự án VBA; đưa chữ tiếng Việt vào Python hoặc XML của ribbon."
            ) from exc
    return text


def build_vba_project(macro_free_package: bytes, modules: Mapping[str, str]) -> bytes:
    """``vbaProject.bin`` for ``macro_free_package`` (its document modules follow its code
    names) with the standard ``modules`` (name -> .bas text) after them, in order."""
    from pyopenvba import ExcelFile

    sources = {name: checked_source(name, text) for name, text in modules.items()}
    with tempfile.TemporaryDirectory(prefix="theodoi-vba-") as tmp:
        source, built = Path(tmp, "skeleton.xlsm"), Path(tmp, "built.xlsm")
        source.write_bytes(macro_free_package)
        with ExcelFile(source) as workbook:
            project = workbook.add_vba_project()
            for name, text in sources.items():
                project.add_module(name, text)
            workbook.save(built)
        with zipfile.ZipFile(built) as zf:
            return zf.read("xl/vbaProject.bin")


def read_modules(xlsm: Path) -> dict[str, str]:
    """Module name -> source of a workbook's VBA project, as pyOpenVBA reads it."""
    from pyopenvba import ExcelFile

    with ExcelFile(xlsm) as workbook:
        return dict(workbook.vba_modules())
