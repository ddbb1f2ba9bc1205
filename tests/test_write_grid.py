"""TrackerWorkbook.write_grid: free-form cells on "Tổng hợp" and its chart, headless."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from richbook import assert_preserved, enrich

from xladdin.core.chart import ChartSeries, range_ref
from xladdin.core.layout import (
    SHEET_AGENCIES,
    SHEET_CHECKS,
    SHEET_LOG,
    SHEET_SUMMARY,
    SHEET_TASKS,
    SUMMARY_CHART_TITLE,
    TASK_COLUMNS,
)
from xladdin.io.chartxml import update_chart_xml
from xladdin.io.gridxml import grid_sheet_xml
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace
from xladdin.io.xlsxpkg import XlsxPackage, parse_xml

CHART = "xl/charts/chart1.xml"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
AGENCIES = (
    ("Sở Nội vụ", 0.8),
    ("Sở Tài chính", 0.55),
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", 0.3),
    ("Ủy ban nhân dân tỉnh", 1.0),
    ("Văn phòng Tỉnh ủy", 0.125),
)


def _series(agencies: tuple[tuple[str, float], ...]) -> ChartSeries:
    last = 4 + max(len(agencies), 1)
    return ChartSeries(
        name_ref=range_ref(SHEET_SUMMARY, 5, 4),
        name="Tỷ lệ hoàn thành",
        categories_ref=range_ref(SHEET_SUMMARY, 4, 5, last),
        categories=[a for a, _ in agencies],
        values_ref=range_ref(SHEET_SUMMARY, 5, 5, last),
        values=[r for _, r in agencies],
    )


def _agency_cells(agencies: tuple[tuple[str, float], ...]) -> dict[tuple[int, int], Any]:
    cells: dict[tuple[int, int], Any] = {(2, 1): "Tính lúc 09:00 21/11/2026"}
    for i, (name, rate) in enumerate(agencies):
        cells[(5 + i, 4)] = name
        cells[(5 + i, 5)] = rate
        cells[(5 + i, 7)] = 10 + i
    return cells


def _write(ws: Workspace, cells: dict[tuple[int, int], Any], **kw: Any) -> TrackerWorkbook:
    book = TrackerWorkbook.open(ws.workbook)
    book.write_grid(SHEET_SUMMARY, cells, clear_from_row=5, **kw)
    book.save(None)
    return book


def _raw_rows(pkg: XlsxPackage, sheet: str) -> dict[int, bytes]:
    xml = pkg.read(pkg.sheet_part(sheet))
    rows = re.finditer(rb'<row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>.*?</row>)', xml, re.S)
    return {int(m.group(1)): m.group(0) for m in rows}


def _summary_values(path: Path) -> list[list[Any]]:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    rows: list[list[Any]] = wb.get_sheet_by_name(SHEET_SUMMARY).to_python(skip_empty_area=False)
    return rows


def _sheet_cells(pkg: XlsxPackage, sheet: str) -> dict[str, dict[str, str]]:
    root = parse_xml(pkg.read(pkg.sheet_part(sheet)))
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    return {c.get("r", ""): dict(c.attrib) for c in root.iter(f"{ns}c")}


# -- cells -------------------------------------------------------------------------------
def test_values_read_back_with_calamine_and_openpyxl(workspace: Workspace) -> None:
    cells = {
        (2, 1): "Tính lúc 09:00 21/11/2026",
        (5, 1): "Số nhiệm vụ",
        (5, 2): 35,
        (6, 2): 2.5,
        (5, 4): 'A & B <C> "D" =SUM(1)',
        (5, 5): 0.4286,
        (5, 15): "007",
        (5, 29): date(2026, 10, 1),
        (6, 29): datetime(2026, 10, 1, 8, 30),
        (5, 31): True,
        (6, 31): None,
    }
    _write(workspace, cells)
    rows = _summary_values(workspace.workbook)
    assert rows[0][0] == "Tổng hợp tiến độ thực hiện" and rows[1][0] == cells[(2, 1)]
    assert rows[4][0] == "Số nhiệm vụ" and rows[4][1] == 35 and rows[5][1] == 2.5
    assert rows[4][3] == cells[(5, 4)]  # text, never a formula
    assert rows[4][4] == pytest.approx(0.4286) and rows[4][14] == "007"
    assert rows[4][28] == date(2026, 10, 1) and rows[5][28] == datetime(2026, 10, 1, 8, 30)
    assert rows[4][30] is True and rows[5][30] == ""
    wb = openpyxl.load_workbook(workspace.workbook, keep_vba=True)
    try:
        ws = wb[SHEET_SUMMARY]
        assert ws["E5"].value == pytest.approx(0.4286) and ws["E5"].number_format == "0.0%"
        assert ws["AC5"].value == datetime(2026, 10, 1) and ws["AC5"].number_format == "dd/mm/yyyy"
        assert ws["D5"].data_type == "s" and ws["O5"].number_format == "@"
        assert ws["D4"].value == "Cơ quan chủ trì" and ws["A3"].value == "Toàn kế hoạch"
    finally:
        wb.close()


def test_rows_above_the_line_stay_byte_identical(workspace: Workspace) -> None:
    before = _raw_rows(XlsxPackage.from_path(workspace.workbook), SHEET_SUMMARY)
    book = _write(workspace, _agency_cells(AGENCIES))
    after = _raw_rows(book.pkg, SHEET_SUMMARY)
    assert set(before) == {1, 2, 3, 4}  # row 2: the empty, wrapped stamp cell
    for r in (1, 3, 4):
        assert after[r] == before[r]
    assert b"T\xc3\xadnh l\xc3\xbac" in after[2] and after[2] != before[2]
    assert b'ht="63"' in after[2]  # the template's row height survives the write
    # A second write changes row 2 again; rows 1, 3 and 4 still have their first bytes.
    again = _write(workspace, {(2, 1): "Tính lúc 10:00 21/11/2026", (5, 4): "X"})
    rows = _raw_rows(again.pkg, SHEET_SUMMARY)
    assert all(rows[r] == before[r] for r in (1, 3, 4))


def test_styles_come_from_the_cell_or_the_column(workspace: Workspace) -> None:
    book = _write(workspace, {**_agency_cells(AGENCIES), (1, 1): "Tiêu đề mới", (4, 30): None})
    cells = _sheet_cells(book.pkg, SHEET_SUMMARY)
    root = parse_xml(book.pkg.read(book.pkg.sheet_part(SHEET_SUMMARY)))
    col_style = {
        int(c.get("min", "0")): c.get("style") for c in root.iter() if c.tag.endswith("}col")
    }
    assert cells["A1"]["s"] == "8"  # the title keeps its own style
    assert cells["D5"]["s"] == col_style[4] and cells["E5"]["s"] == col_style[5]
    assert cells["G5"]["s"] == col_style[7] and cells["A2"]["s"] == col_style[1]
    # None empties an existing cell but keeps its style.
    assert cells["AD4"] == {"r": "AD4", "s": "1"}


def test_a_shorter_write_leaves_no_stale_cells(workspace: Workspace) -> None:
    _write(workspace, _agency_cells(AGENCIES))
    book = _write(workspace, _agency_cells(AGENCIES[:2]))
    rows = _summary_values(workspace.workbook)
    assert [r[3] for r in rows[4:]] == ["Sở Nội vụ", "Sở Tài chính"]
    xml = book.pkg.read(book.pkg.sheet_part(SHEET_SUMMARY))
    assert b'<dimension ref="A1:AI6"/>' in xml  # to the chart's data block
    assert not re.search(rb'<row r="(7|8|9)"', xml)
    # Clearing everything below the headers leaves rows 1 to 4 only.
    book = _write(workspace, {})
    assert len(_summary_values(workspace.workbook)) == 4


def test_patching_cells_of_a_table_keeps_the_rest(workspace: Workspace) -> None:
    """The way recalculation writes computed cells into "Nhiệm vụ": nothing cleared."""
    book = TrackerWorkbook.open(workspace.workbook)
    tasks = [
        {"key": k, "level": "Nhiệm vụ", "content": f"Việc {k}", "due_state": "Trong hạn"}
        for k in ("A", "B", "C")
    ]
    book.write_table(SHEET_TASKS, TASK_COLUMNS, tasks, key_field="key")
    due = [c.field for c in TASK_COLUMNS].index("due_state") + 1
    before = _raw_rows(book.pkg, SHEET_TASKS)
    book.write_grid(SHEET_TASKS, {(3, due): "Quá hạn", (4, due): None}, clear_from_row=1_048_577)
    after = _raw_rows(book.pkg, SHEET_TASKS)
    assert after[1] == before[1] and after[2] == before[2]
    book.save(None)
    back = TrackerWorkbook.open(workspace.workbook).read_tasks()
    assert list(back["due_state"]) == ["Trong hạn", "Quá hạn", None]
    assert list(back["content"]) == ["Việc A", "Việc B", "Việc C"]
    assert book.changed_sheets == [SHEET_TASKS]


def test_prefixed_namespace_and_rows_without_numbers() -> None:
    """Some writers prefix the main namespace and omit row numbers (both are valid)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (
        f'<x:worksheet xmlns:x="{ns}"><x:dimension ref="A1"/>'
        '<x:cols><x:col min="2" max="2" width="9" style="4"/></x:cols><x:sheetData>'
        '<x:row r="1"><x:c r="A1" s="3" t="inlineStr"><x:is><x:t>Tiêu đề</x:t></x:is></x:c></x:row>'
        '<x:row><x:c r="A2"><x:v>1</x:v></x:c></x:row>'
        '<x:row r="5"><x:c r="A5"><x:v>9</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    ).encode()
    out = grid_sheet_xml(sheet, {(2, 2): 7, (6, 2): "mới"}, clear_from_row=5)
    assert b'<x:row r="1"><x:c r="A1" s="3" t="inlineStr"><x:is><x:t>Ti' in out  # untouched
    root = parse_xml(out)
    cells = {c.get("r"): (c.get("s"), c.findtext(f"{{{ns}}}v") or c.findtext(f".//{{{ns}}}t"))
             for c in root.iter(f"{{{ns}}}c")}  # fmt: skip
    assert cells == {
        "A1": ("3", "Tiêu đề"),
        "A2": (None, "1"),
        "B2": ("4", "7"),
        "B6": ("4", "mới"),
    }
    assert [r.get("r") for r in root.iter(f"{{{ns}}}row")] == ["1", "2", "6"]
    dimension = root.find(f"{{{ns}}}dimension")
    assert dimension is not None and dimension.get("ref") == "A1:B6"


@pytest.mark.parametrize("cell", [(0, 1), (1, 0), (1_048_577, 1), (1, 16_385)])
def test_cells_outside_the_sheet_are_refused(workspace: Workspace, cell: tuple[int, int]) -> None:
    book = TrackerWorkbook.open(workspace.workbook)
    with pytest.raises(ValueError):
        book.write_grid(SHEET_SUMMARY, {cell: 1}, clear_from_row=5)


# -- the chart ---------------------------------------------------------------------------
def _chart_series(xml: bytes) -> dict[str, Any]:
    ser = parse_xml(xml).find(f"{C}chart/{C}plotArea/{C}barChart/{C}ser")
    assert ser is not None

    def pts(path: str) -> tuple[int, list[str]]:
        cache = ser.find(path)
        assert cache is not None
        count = cache.find(f"{C}ptCount")
        assert count is not None
        return int(count.get("val", "-1")), [p.findtext(f"{C}v", "") for p in cache.iter(f"{C}pt")]

    return {
        "name": (ser.findtext(f"{C}tx/{C}strRef/{C}f"), pts(f"{C}tx/{C}strRef/{C}strCache")),
        "cat": (ser.findtext(f"{C}cat/{C}strRef/{C}f"), pts(f"{C}cat/{C}strRef/{C}strCache")),
        "val": (ser.findtext(f"{C}val/{C}numRef/{C}f"), pts(f"{C}val/{C}numRef/{C}numCache")),
        "fmt": ser.findtext(f"{C}val/{C}numRef/{C}numCache/{C}formatCode"),
    }


def test_chart_refs_and_caches_follow_the_data(workspace: Workspace) -> None:
    book = _write(workspace, _agency_cells(AGENCIES), chart=_series(AGENCIES))
    got = _chart_series(book.pkg.read(CHART))
    assert got["name"] == ("'Tổng hợp'!$E$4", (1, ["Tỷ lệ hoàn thành"]))
    names = [a for a, _ in AGENCIES]
    assert got["cat"] == ("'Tổng hợp'!$D$5:$D$9", (5, names))
    assert got["val"] == ("'Tổng hợp'!$E$5:$E$9", (5, ["0.8", "0.55", "0.3", "1", "0.125"]))
    assert got["fmt"] == "0.0%"
    assert book.pkg.read(CHART).startswith(b'<?xml version="1.0" encoding="UTF-8"')
    assert SUMMARY_CHART_TITLE.encode() in book.pkg.read(CHART)
    # Fewer agencies: no stale points remain.
    book = _write(workspace, _agency_cells(AGENCIES[:2]), chart=_series(AGENCIES[:2]))
    got = _chart_series(book.pkg.read(CHART))
    assert got["cat"] == ("'Tổng hợp'!$D$5:$D$6", (2, names[:2]))
    assert got["val"] == ("'Tổng hợp'!$E$5:$E$6", (2, ["0.8", "0.55"]))


def test_only_the_sheet_and_the_chart_change(workspace: Workspace, tmp_path: Path) -> None:
    """On the rich workbook (a second chart, drawings, controls on other sheets)."""
    src = tmp_path / "plain.xlsm"
    shutil.copyfile(workspace.workbook, src)
    enrich(src, workspace.workbook, written_sheets=[SHEET_TASKS, SHEET_AGENCIES, SHEET_LOG])
    before = tmp_path / "before.xlsm"
    shutil.copyfile(workspace.workbook, before)
    _write(workspace, _agency_cells(AGENCIES), chart=_series(AGENCIES))
    assert_preserved(
        before, workspace.workbook, written_sheets=[SHEET_SUMMARY], allowed_changed_parts=[CHART]
    )
    with zipfile.ZipFile(before) as a, zipfile.ZipFile(workspace.workbook) as b:
        assert a.read(CHART) != b.read(CHART)
        assert a.namelist() == b.namelist()


def test_the_chart_is_found_through_the_relationships(workspace: Workspace) -> None:
    """Parts renamed (as another writer may name them): the chart is still found."""
    pkg = XlsxPackage.from_path(workspace.workbook)
    moved = {
        "xl/charts/chart1.xml": "xl/charts/tyle.xml",
        "xl/drawings/drawing1.xml": "xl/d/ve.xml",
    }
    out = zipfile.ZipFile(workspace.workbook, "w")
    with out:
        for name in pkg.names():
            data = pkg.read(name)
            for old, new in moved.items():
                data = data.replace(old.split("/")[-1].encode(), new.split("/")[-1].encode())
            data = data.replace(b"../drawings/ve.xml", b"../d/ve.xml")
            data = data.replace(b"/xl/drawings/ve.xml", b"/xl/d/ve.xml")
            name = moved.get(name, name)
            if name == "xl/drawings/_rels/drawing1.xml.rels":
                name = "xl/d/_rels/ve.xml.rels"
            out.writestr(name, data)
    book = _write(workspace, _agency_cells(AGENCIES), chart=_series(AGENCIES))
    assert not book.pkg.has(CHART)
    assert _chart_series(book.pkg.read("xl/charts/tyle.xml"))["cat"][1][0] == 5


def test_a_sheet_without_a_chart_just_gets_the_cells(workspace: Workspace) -> None:
    before = XlsxPackage.from_path(workspace.workbook).read(CHART)
    book = TrackerWorkbook.open(workspace.workbook)
    book.write_grid(SHEET_CHECKS, {(2, 1): "x"}, clear_from_row=2, chart=_series(AGENCIES))
    assert book.pkg.read(CHART) == before and book.changed_sheets == [SHEET_CHECKS]


def test_update_replaces_literal_and_numeric_references() -> None:
    chart = (
        '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        '<c:chart><c:plotArea><c:lineChart><c:ser><c:idx val="0"/><c:order val="0"/>'
        "<c:tx><c:v>cũ</c:v></c:tx>"
        '<c:cat><c:numRef><c:f>S!$A$1:$A$9</c:f><c:numCache><c:ptCount val="9"/></c:numCache>'
        "</c:numRef></c:cat><c:val><c:numRef><c:f>S!$B$1:$B$9</c:f><c:numCache>"
        '<c:formatCode>0%</c:formatCode><c:ptCount val="9"/><c:pt idx="8"><c:v>1</c:v></c:pt>'
        '</c:numCache></c:numRef></c:val><c:smooth val="0"/></c:ser></c:lineChart>'
        "</c:plotArea></c:chart></c:chartSpace>"
    ).encode()
    series = ChartSeries("S!$B$1", "Tên", "S!$A$2:$A$3", ("a", "b"), "S!$B$2:$B$3", (0.5, None))
    got = _chart_series(update_chart_xml(chart, series).replace(b"lineChart", b"barChart"))
    assert got["name"] == ("S!$B$1", (1, ["Tên"]))
    assert got["cat"] == ("S!$A$2:$A$3", (2, ["a", "b"]))
    assert got["val"] == ("S!$B$2:$B$3", (2, ["0.5"]))  # None is a gap
    assert got["fmt"] == "0%"  # the chart's own number format is kept
    with pytest.raises(ValueError):
        ChartSeries("S!$B$1", "Tên", "S!$A$2", ("a",), "S!$B$2", ())


# -- LibreOffice -------------------------------------------------------------------------
def test_libreoffice_shows_the_summary_and_the_chart(workspace: Workspace, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext is not installed (.ci/run installs them)")
    _write(workspace, _agency_cells(AGENCIES), chart=_series(AGENCIES))
    out = tmp_path / "pdf"
    proc = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(out), str(workspace.workbook)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    pdf = out / "TheoDoiNhiemVu.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Tổng hợp tiến độ thực hiện" in text and "Theo cơ quan chủ trì" in text
    assert "80.0%" in text and "12.5%" in text  # the column's percent format
    # The chart starts its own page: its title, every agency and each bar's label.
    pages = text.split("\f")
    chart_page = next(p for p in pages if SUMMARY_CHART_TITLE in p)
    for name, rate in AGENCIES:
        assert name in chart_page and f"{rate:.1%}" in chart_page


# -- rows as Excel saves them ----------------------------------------------------------
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"


def _excel_style_rows(book: TrackerWorkbook, sheet: str) -> None:
    """What Excel adds on save: a namespaced row attribute (x14ac:dyDescent)."""
    part = book.pkg.sheet_part(sheet)
    xml = book.pkg.read(part).replace(b"<worksheet ", f'<worksheet xmlns:x14ac="{X14AC}" '.encode())
    xml = re.sub(rb"<row\b", b'<row x14ac:dyDescent="0.25"', xml)
    book.pkg.write(part, xml)


@pytest.mark.parametrize("writer", ["write_table", "write_grid"])
def test_namespaced_row_attributes_survive_a_rewrite(workspace: Workspace, writer: str) -> None:
    book = TrackerWorkbook.open(workspace.workbook)
    tasks = [{"key": "A", "level": "Nhiệm vụ", "content": "Việc A"}]
    book.write_table(SHEET_TASKS, TASK_COLUMNS, tasks, key_field="key")
    _excel_style_rows(book, SHEET_TASKS)
    if writer == "write_table":
        book.write_table(SHEET_TASKS, TASK_COLUMNS, [{**tasks[0], "notes": "x"}], key_field="key")
    else:
        notes = [c.field for c in TASK_COLUMNS].index("notes") + 1
        book.write_grid(SHEET_TASKS, {(2, notes): "x"}, clear_from_row=1_048_577)
    root = parse_xml(book.pkg.read(book.pkg.sheet_part(SHEET_TASKS)))  # well formed
    rows = root.findall(".//{http://schemas.openxmlformats.org/spreadsheetml/2006/main}row")
    assert [r.get(f"{{{X14AC}}}dyDescent") for r in rows] == ["0.25", "0.25"]
    book.save(None)
    back = TrackerWorkbook.open(workspace.workbook).read_tasks()
    assert list(back["notes"]) == ["x"] and list(back["content"]) == ["Việc A"]
