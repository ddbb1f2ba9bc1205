"""The remote-engine harness (tests/xlremote.py) on the real template, an imported tracker and
small openpyxl-made workbooks: payloads match an independent reader (python-calamine), reads
through ``xw.Book(json=...)`` give the sheet, writes and message boxes come back as actions."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest
import python_calamine
import xlremote
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableStyleInfo
from xlremote import actions, alerts, count, notes_added, open_book, payload_from_workbook

from xladdin.core.layout import TASK_COLUMNS
from xladdin.io.workspace import Workspace

xw_remote = xlremote.xw_remote  # the harness' fixture, used by name below

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workbook" / "TheoDoiNhiemVu.xlsm"
TASKS = "Nhiệm vụ"
SUMMARY = "Tổng hợp"
ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!"}
EXCEL_DAY0 = dt.datetime(1899, 12, 30)


# --- helpers ------------------------------------------------------------------------------------
def _from_calamine(value: Any) -> Any:
    """A python-calamine value in the payload's terms (numbers as float, dates as datetime)."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.time):
        return dt.datetime.combine(EXCEL_DAY0.date(), value)
    if isinstance(value, dt.timedelta):
        return EXCEL_DAY0 + value
    return value


def _from_payload(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 24 and value.endswith("Z") and value[10] == "T":
        return dt.datetime.fromisoformat(value[:-1])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _padded(rows: list[list[Any]], nrows: int, ncols: int) -> list[list[Any]]:
    return [[*(rows[r] if r < len(rows) else []), *[""] * ncols][:ncols] for r in range(nrows)]


def _calamine_values(path: Path, sheet: str) -> list[list[Any]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def assert_values_match_calamine(path: Path, payload: dict[str, Any]) -> None:
    for sheet in payload["sheets"]:
        ours = sheet["values"]
        theirs = _calamine_values(path, sheet["name"])
        nrows = max(len(ours), len(theirs))
        ncols = max(max(map(len, ours)), max(map(len, theirs), default=0))
        for r, (mine, other) in enumerate(
            zip(_padded(ours, nrows, ncols), _padded(theirs, nrows, ncols), strict=True)
        ):
            for c, (a, b) in enumerate(zip(mine, other, strict=True)):
                if a in ERRORS:  # calamine reads error cells as "" (or the code)
                    assert b in ("", a), (sheet["name"], r + 1, c + 1)
                    continue
                assert _from_payload(a) == _from_calamine(b), (sheet["name"], r + 1, c + 1, a, b)


def _template_has_summary_chart() -> bool:
    return bool(xlremote.read_charts(TEMPLATE).get(SUMMARY))


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    """Two bar charts and a line chart, a note, a table, names, a hidden sheet, an empty one."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Cơ quan", "Số NV", "Hoàn thành"])
    for row in (["VPTU", 3, 1], ["STC", 5, 5], ["SYT", 2, 0]):
        ws.append(row)
    ws["A1"].comment = Comment("Mã cơ quan viết tắt", "tester")
    ws["C5"].comment = Comment("dòng hai\ncủa ghi chú", "tester")

    column = BarChart()
    column.type = "col"
    column.title = "Số nhiệm vụ"
    column.add_data(Reference(ws, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    column.set_categories(Reference(ws, min_col=1, min_row=2, max_row=4))
    ws.add_chart(column, "E2")
    bar = BarChart()
    bar.type = "bar"
    bar.grouping = "stacked"
    bar.overlap = 100
    bar.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=4), titles_from_data=True)
    ws.add_chart(bar, "E20")
    line = LineChart()
    line.add_data(Reference(ws, min_col=3, min_row=1, max_row=4), titles_from_data=True)
    ws.add_chart(line, "N2")

    hidden = wb.create_sheet("Ẩn")
    hidden.sheet_state = "hidden"
    hidden["B3"] = 7
    tables = wb.create_sheet("Bảng")
    tables.append(["Mã", "Tên"])
    tables.append(["A", "Một"])
    tables.append(["B", "Hai"])
    table = Table(displayName="DanhSach", ref="A1:B3")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    tables.add_table(table)
    wb.create_sheet("Trống")

    wb.defined_names["VungDuLieu"] = DefinedName("VungDuLieu", attr_text="Data!$A$1:$C$4")
    tables.defined_names["MaDau"] = DefinedName("MaDau", attr_text="'Bảng'!$A$2")
    path = tmp_path / "small.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def conventions_book(tmp_path: Path) -> Path:
    """One cell per value convention, a styled empty cell, a used range not starting at A1."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "V"
    ws["A1"], ws["A2"], ws["A3"] = 3, 5.5, 5.0
    ws["B1"], ws["B2"] = True, "#N/A"
    ws["C1"] = dt.date(2026, 1, 2)
    ws["C1"].number_format = "mm-dd-yy"  # built-in 14: Excel's Date category
    ws["C2"] = dt.date(2026, 1, 2)
    ws["C2"].number_format = "dd/mm/yyyy"  # custom: Date only where the locale says so
    ws["C3"] = dt.time(12, 0)
    ws["C3"].number_format = "h:mm"  # built-in 20: Time
    ws["C4"] = dt.datetime(2026, 11, 21, 9, 30, 15)
    ws["C4"].number_format = "dd/mm/yyyy hh:mm:ss"
    ws["D6"].font = Font(bold=True)  # formatted, no value: part of Excel's used range
    offset = wb.create_sheet("Lệch")
    offset["C3"], offset["D4"] = "x", 1
    path = tmp_path / "conventions.xlsx"
    wb.save(path)
    return path


# --- the engine is there ------------------------------------------------------------------------
def test_fixture_gives_xlwings_with_the_remote_engine(xw_remote: ModuleType) -> None:
    assert "remote" in [engine.name for engine in xw_remote.engines]


def test_engine_registers_even_when_xlwings_was_imported_without_a_key(tmp_path: Path) -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import xlwings\n"
        "assert 'remote' not in [e.name for e in xlwings.engines]\n"
        "import xlremote, os\n"
        "xw = xlremote.remote_xlwings()\n"
        "book = xw.Book(json=xlremote.payload_from_workbook(xlremote.Path(sys.argv[2])))\n"
        "book.app.alert('ok')\n"
        "assert xlremote.alerts(book) == ['ok']\n"
        "assert 'XLWINGS_LICENSE_KEY' not in os.environ\n"
    )
    env = {k: v for k, v in os.environ.items() if k != xlremote.LICENSE_ENV}
    env["HOME"] = str(tmp_path)  # no ~/.xlwings/xlwings.conf with a key either
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "tests"), str(TEMPLATE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


# --- the payload ---------------------------------------------------------------------------------
def test_template_payload_has_every_sheet_in_order_with_visibility() -> None:
    payload = payload_from_workbook(TEMPLATE)
    json.dumps(payload, allow_nan=False)  # what the client sends is JSON
    book = python_calamine.CalamineWorkbook.from_path(str(TEMPLATE))
    assert [s["name"] for s in payload["sheets"]] == book.sheet_names
    visibility = {s["name"]: s["visibility"] for s in payload["sheets"]}
    assert visibility["xlwings.conf"] == "Hidden"
    assert {v for name, v in visibility.items() if name != "xlwings.conf"} == {"Visible"}
    assert payload["client"] == "Office.js"
    assert payload["book"]["name"] == "TheoDoiNhiemVu.xlsm"
    assert payload["book"]["active_sheet_index"] == 0
    print_titles = [n for n in payload["names"] if n["name"] == "Print_Titles"]
    assert print_titles and print_titles[0]["scope_sheet_name"] == TASKS


def test_template_values_match_calamine() -> None:
    assert_values_match_calamine(TEMPLATE, payload_from_workbook(TEMPLATE))


def test_imported_values_match_calamine(imported: Workspace) -> None:
    payload = payload_from_workbook(imported.workbook)
    assert_values_match_calamine(imported.workbook, payload)
    tasks = next(s for s in payload["sheets"] if s["name"] == TASKS)
    assert len(tasks["values"]) > 10  # the sample plan's rows are there


def test_imported_dates_are_iso_strings_or_serials(imported: Workspace) -> None:
    log = next(
        s for s in payload_from_workbook(imported.workbook)["sheets"] if s["name"] == "Nhật ký"
    )
    assert log["values"][1][0] == "2026-11-21T09:00:00.000Z"  # dd/mm/yyyy hh:mm:ss
    raw = payload_from_workbook(imported.workbook, custom_date_formats=False)
    log = next(s for s in raw["sheets"] if s["name"] == "Nhật ký")
    assert log["values"][1][0] == 46347.375  # the cell's serial number


def test_value_conventions(conventions_book: Path) -> None:
    payload = payload_from_workbook(conventions_book)
    sheet, offset = payload["sheets"]
    assert sheet["used_range_address"] == "A1:D6"
    assert sheet["values"] == [
        [3, True, "2026-01-02T00:00:00.000Z", ""],
        [5.5, "#N/A", "2026-01-02T00:00:00.000Z", ""],
        [5, "", "1899-12-30T12:00:00.000Z", ""],
        ["", "", "2026-11-21T09:30:15.000Z", ""],
        ["", "", "", ""],
        ["", "", "", ""],
    ]
    assert type(sheet["values"][2][0]) is int  # 5.0 travels as JSON 5
    assert offset["used_range_address"] == "C3:D4"
    assert offset["values"] == [
        ["", "", "", ""],
        ["", "", "", ""],
        ["", "", "x", ""],
        ["", "", "", 1],
    ]
    raw = payload_from_workbook(conventions_book, custom_date_formats=False)
    values = raw["sheets"][0]["values"]
    assert values[0][2] == "2026-01-02T00:00:00.000Z"  # built-in date format: still a date
    assert values[1][2] == 46024  # custom format filed under Custom: the serial
    assert values[3][2] == pytest.approx(46347.396006944)
    assert_values_match_calamine(conventions_book, payload)


def test_empty_sheet_and_hidden_sheet(small_book: Path) -> None:
    payload = payload_from_workbook(small_book)
    sheets = {s["name"]: s for s in payload["sheets"]}
    assert sheets["Trống"]["values"] == [[""]]
    assert sheets["Trống"]["used_range_address"] is None
    assert sheets["Ẩn"]["visibility"] == "Hidden"
    assert sheets["Ẩn"]["used_range_address"] == "B3"
    book = open_book(payload)
    assert book.sheets["Trống"].used_range.address == "$A$1"
    assert book.sheets["Ẩn"].visible is False
    assert book.sheets["Ẩn"].used_range.value == 7


def test_names_tables_and_notes(small_book: Path) -> None:
    book = open_book(small_book)
    assert book.names["VungDuLieu"].refers_to_range.address == "$A$1:$C$4"
    assert book.sheets["Bảng"].names["Bảng!MaDau"].refers_to_range.value == "A"
    table = book.sheets["Bảng"].tables["DanhSach"]
    assert table.data_body_range.address == "$A$2:$B$3"
    assert table.header_row_range.value == ["Mã", "Tên"]
    assert table.table_style == "TableStyleMedium2"
    assert [c.name for c in table.columns] == ["Mã", "Tên"]
    assert book.sheets["Bảng"].range("DanhSach").value == [["A", "Một"], ["B", "Hai"]]
    data = book.sheets["Data"]
    assert data["A1"].note is not None and data["C5"].note is not None
    assert data["B2"].note is None
    assert xlremote.read_notes(small_book)["Data"] == {
        "A1": "Mã cơ quan viết tắt",
        "C5": "dòng hai\ncủa ghi chú",
    }


def test_include_exclude_like_the_client(small_book: Path) -> None:
    payload = payload_from_workbook(small_book, exclude=["Bảng"])
    sheets = {s["name"]: s for s in payload["sheets"]}
    assert sheets["Bảng"]["values"] == [[]] and sheets["Bảng"]["tables"] == []
    assert sheets["Data"]["values"][1][0] == "VPTU"
    with pytest.raises(ValueError, match="not both"):
        payload_from_workbook(small_book, include=["Data"], exclude=["Bảng"])


# --- reads, writes and message boxes through xw.Book(json=...) ----------------------------------
def test_used_range_value_is_the_sheet(imported: Workspace) -> None:
    book = open_book(imported.workbook)
    rng = book.sheets[TASKS].used_range
    got = rng.value
    payload_address = payload_from_workbook(imported.workbook)["sheets"][0]["used_range_address"]
    assert payload_address.startswith("A1:")
    assert rng.address.replace("$", "") == payload_address
    theirs = _calamine_values(imported.workbook, TASKS)
    expected = _padded(theirs, len(got), len(got[0]))
    for row_got, row_expected in zip(got, expected, strict=True):
        # xlwings reads "" as None and keeps JSON's int/float split
        assert [None if v == "" else _from_calamine(v) for v in row_expected] == [
            float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in row_got
        ]
    log = book.sheets["Nhật ký"].used_range.value
    assert log[1][0] == dt.datetime(2026, 11, 21, 9, 0)


def test_template_used_range_is_the_header_row() -> None:
    book = open_book(TEMPLATE)
    headers = book.sheets[TASKS].used_range.value
    assert [h or "" for h in headers] == _calamine_values(TEMPLATE, TASKS)[0]
    # the table's headers, an empty column, then the legend of the row colours
    assert all(isinstance(h, str) and h for h in headers[: len(TASK_COLUMNS)])
    assert headers[len(TASK_COLUMNS)] is None
    assert all(isinstance(h, str) and h for h in headers[len(TASK_COLUMNS) + 1 :])


def test_write_is_one_set_values_action(imported: Workspace) -> None:
    book = open_book(imported.workbook)
    book.sheets[TASKS].range("L3").value = [[50, "Đang triển khai"], [100, "Hoàn thành"]]
    queued = actions(book)
    assert count(queued) == {"setValues": 1}
    (action,) = queued
    assert action["sheet_name"] == TASKS and action["sheet_position"] == 0
    assert (action["start_row"], action["start_column"]) == (2, 11)
    assert (action["row_count"], action["column_count"]) == (2, 2)
    assert xlremote.values_written(queued, TASKS) == {
        "L3:M4": [[50, "Đang triển khai"], [100, "Hoàn thành"]]
    }
    assert xlremote.values_written(queued, 0) == xlremote.values_written(book, TASKS)


def test_written_values_follow_the_client_conventions(imported: Workspace) -> None:
    book = open_book(imported.workbook)
    book.sheets["Nhật ký"]["A10"].value = [
        [dt.datetime(2026, 11, 22, 8, 0), None, dt.date(2026, 12, 1)]
    ]
    assert xlremote.values_written(book, "Nhật ký") == {
        "A10:C10": [["2026-11-22 08:00:00", "", "2026-12-01"]]
    }


def test_actions_are_named_after_sheets_added_or_renamed(small_book: Path) -> None:
    book = open_book(small_book)
    new = book.sheets.add("Mới", before=book.sheets["Data"])
    new.name = "Báo cáo"
    new["A1"].value = "x"
    book.sheets["Data"]["A1"].value = "y"
    written = [(a["func"], a["sheet_name"]) for a in actions(book) if a["func"] == "setValues"]
    assert written == [("setValues", "Báo cáo"), ("setValues", "Data")]


def test_alert_and_note_actions(imported: Workspace) -> None:
    book = open_book(imported.workbook)
    book.app.alert("Đã kiểm tra xong.", title="Theo dõi nhiệm vụ")
    book.sheets[TASKS]["E3"].add_note("Xem lại hạn")
    assert alerts(book) == ["Đã kiểm tra xong."]
    (alert,) = [a for a in actions(book) if a["func"] == "alert"]
    assert alert["args"][1] == "Theo dõi nhiệm vụ"
    assert notes_added(book) == [xlremote.NoteAdded(TASKS, "E3", "Xem lại hạn")]
    assert count(book) == {"alert": 1, "addNote": 1}


# --- charts --------------------------------------------------------------------------------------
def test_charts_of_an_openpyxl_workbook(small_book: Path) -> None:
    charts = xlremote.read_charts(small_book)["Data"]
    assert [c.chart_type for c in charts] == ["ColumnClustered", "BarStacked", "Line"]
    first = charts[0]
    assert first.name == "Chart 1" and first.title == "Số nhiệm vụ"
    assert first.series[0].values_ref == "'Data'!$B$2:$B$4"
    assert first.series[0].categories_ref == "'Data'!$A$2:$A$4"
    assert first.left == pytest.approx(4 * 48) and first.top == pytest.approx(15)
    assert first.width == pytest.approx(15 / 2.54 * 72) and first.height == pytest.approx(
        7.5 / 2.54 * 72
    )

    payload = payload_from_workbook(small_book)
    assert payload["sheets"][0]["charts"][0] == first.payload()
    book = open_book(payload)
    sheet = book.sheets["Data"]
    assert [c.chart_type for c in sheet.charts] == [
        "column_clustered",
        "bar_stacked",
        "line",
    ]
    sheet.charts[1].set_source_data(sheet["A1:C4"])
    sheet.charts["Chart 1"].set_source_data(sheet["A1:B4"], plot_by="columns")
    source = [a for a in actions(book) if a["func"] == "setChartSourceData"]
    assert [a["args"] for a in source] == [
        [1, "Data", "$A$1:$C$4"],
        [0, "Data", "$A$1:$B$4", "Columns"],
    ]
    assert {a["sheet_name"] for a in source} == {"Data"}


def test_summary_chart_of_the_template() -> None:
    if not _template_has_summary_chart():
        pytest.skip(f"the template has no chart on {SUMMARY!r} yet (being added to the build)")
    (chart,) = xlremote.read_charts(TEMPLATE)[SUMMARY]
    assert chart.chart_type.startswith(("Bar", "Column"))
    assert chart.width > 0 and chart.height > 0
    book = open_book(TEMPLATE)
    summary = book.sheets[SUMMARY]
    assert [c.name for c in summary.charts] == [chart.name]
    summary.charts[0].set_source_data(summary["D4:E10"])
    (action,) = actions(book)
    assert action["func"] == "setChartSourceData"
    assert action["args"] == [0, SUMMARY, "$D$4:$E$10"]
    assert action["sheet_name"] == SUMMARY
