"""Run a command on either backend and read the tracker it leaves, in one comparable form.

``file``: :func:`xladdin.book.file.edit_tracker` on the real .xlsm, then the file read back
with python-calamine. ``excel``: :class:`xladdin.book.excel.ExcelBook` over xlwings' remote
engine on a payload built from the same file, then the payload's values with the actions
replayed (what Office.js would leave in the open workbook).

Values are compared as :func:`canonical` gives them: empty cells are None, numbers floats,
dates and times ISO text (the remote engine sends dates as text, calamine as objects).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import python_calamine
import xlremote
from pyopenvba import check_file

from xladdin.book.base import Book
from xladdin.book.excel import ExcelBook
from xladdin.book.file import edit_tracker
from xladdin.io.workspace import Workspace
from xladdin.workbook_build.build import WORKBOOK_PATH
from xladdin.workbook_build.vba_project import read_modules

BACKENDS = ("file", "excel")
_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}:\d{2})(?:\.\d+)?Z?)?$")


def canonical(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return (
            value.isoformat(sep=" ") if value.time() != datetime.min.time() else str(value.date())
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and (m := _ISO.match(value)):
        day, time = m.groups()
        return day if time in (None, "00:00:00") else f"{day} {time}"
    return value


def canonical_rows(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Values as :func:`canonical`, trailing empty cells and rows dropped."""
    out = []
    for row in rows:
        values = [canonical(v) for v in row]
        while values and values[-1] is None:
            values.pop()
        out.append(values)
    while out and not out[-1]:
        out.pop()
    return out


class Outcome:
    """A command's result and the tracker's sheets after it."""

    def __init__(self, result: Any, sheets: dict[str, list[list[Any]]], xl: Any = None) -> None:
        self.result = result
        self.sheets = sheets
        self.xl = xl  # the remote xlwings book (excel backend), for its actions

    def sheet(self, name: str) -> list[list[Any]]:
        return self.sheets[name]


def assert_vba_intact(path: Path) -> None:
    """The tracker's VBA project and ribbon are as shipped: pyOpenVBA's ``check_file`` finds
    no issue and the modules read back equal the shipped workbook's."""
    report = check_file(path)
    assert report.ok and report.complete, report.issues
    assert read_modules(path) == read_modules(WORKBOOK_PATH)
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(WORKBOOK_PATH) as shipped:
        assert z.read("customUI/customUI14.xml") == shipped.read("customUI/customUI14.xml")


def run(backend: str, ws: Workspace, command: Callable[[Book], Any]) -> Outcome:
    if backend == "file":
        with edit_tracker(ws.workbook) as book:
            result = command(book)
        assert_vba_intact(ws.workbook)
        wb = python_calamine.CalamineWorkbook.from_path(str(ws.workbook))
        sheets = {
            name: canonical_rows(wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in wb.sheet_names
        }
        return Outcome(result, sheets)
    payload = xlremote.payload_from_workbook(ws.workbook)
    payload["book"]["name"] = str(ws.workbook)  # Excel's FullName: the workspace is its folder
    xl = xlremote.open_book(payload)
    result = command(ExcelBook(xl))
    sheets = {s.name: canonical_rows(xlremote.sheet_after(xl, s.name)) for s in xl.sheets}
    return Outcome(result, sheets, xl)
