"""The light scans used when appending to the audit log agree with the full sheet reader."""

from __future__ import annotations

import pytest

from xladdin.core.layout import SHEET_LOG, SHEET_TASKS
from xladdin.io.sheetxml import column_styles, last_row_number, read_state
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<sheetData/>", 0),
        ("<sheetData></sheetData>", 0),
        ('<sheetData><row r="1"/><row r="7"><c r="A7"/></row></sheetData>', 7),
        ("<sheetData><row/><row/><row/></sheetData>", 3),  # r= omitted: one after another
        ('<sheetData><row r="4"/><row/></sheetData>', 5),
    ],
)
def test_last_row_number(body: str, expected: int) -> None:
    xml = f"<worksheet {NS}><sheetViews/>{body}</worksheet>".encode()
    assert last_row_number(xml) == expected


def test_prefixed_sheet() -> None:
    xml = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:cols><x:col min="2" max="3" width="9" style="4"/><x:col min="5" max="5"/></x:cols>'
        b'<x:sheetData><x:row r="2"/><x:row r="11"/></x:sheetData></x:worksheet>'
    )
    assert last_row_number(xml) == 11
    assert column_styles(xml) == {2: 4, 3: 4}


@pytest.mark.parametrize("sheet", [SHEET_TASKS, SHEET_LOG])
def test_agrees_with_the_full_reader(imported: Workspace, sheet: str) -> None:
    pkg = TrackerWorkbook.open(imported.workbook).pkg
    part = pkg.sheet_part(sheet)
    state = read_state(pkg, part)
    xml = pkg.read(part)
    assert last_row_number(xml) == state.last_row
    assert column_styles(xml) == state.col_styles
