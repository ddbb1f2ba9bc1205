from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xladdin.core.errors import WorkbookBusyError, WorkbookFormatError
from xladdin.core.layout import LOG_COLUMNS, SHEET_LOG, SHEET_TASKS, TASK_COLUMNS
from xladdin.core.table import col_letter
from xladdin.io import files
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace, template_workbook


def _task(key: str, **kw: object) -> dict[str, object]:
    return {"key": key, "level": "Nhiệm vụ", "content": f"Nội dung {key}", **kw}


def test_write_then_read_back_types(workspace: Workspace) -> None:
    rows = [
        _task("I.1", due_date=date(2026, 6, 30), progress=12.5, status="Đang triển khai"),
        _task("I.2", content="A & B < C > \"D\" 'E'", progress=100, updated_at=date(2026, 11, 2)),
        _task("I.3", content="=SUM(A1:A2)", notes="  khoảng trắng đầu  ", tt="3"),
    ]
    book = TrackerWorkbook.open(workspace.workbook)
    book.write_table(SHEET_TASKS, TASK_COLUMNS, rows, key_field="key")
    book.save(workspace.root / "backups")
    back = TrackerWorkbook.open(workspace.workbook).read_tasks().to_dict("records")
    assert [r["key"] for r in back] == ["I.1", "I.2", "I.3"]
    assert back[0]["due_date"] == date(2026, 6, 30) and back[0]["progress"] == 12.5
    assert back[1]["content"] == "A & B < C > \"D\" 'E'" and back[1]["progress"] == 100
    assert back[2]["content"] == "=SUM(A1:A2)"  # text, never a formula
    assert back[2]["notes"] == "  khoảng trắng đầu  " and back[2]["tt"] == "3"
    assert back[0]["_row"] == 2
    # openpyxl, an independent reader, sees the same cells
    ws = openpyxl.load_workbook(workspace.workbook)[SHEET_TASKS]
    fields = [c.field for c in TASK_COLUMNS]
    content, due = (col_letter(fields.index(f) + 1) for f in ("content", "due_date"))
    assert ws["A3"].value == "I.2" and ws[f"{content}4"].value == "=SUM(A1:A2)"
    assert ws[f"{content}4"].data_type != "f"
    assert ws[f"{due}2"].value == datetime(2026, 6, 30)
    assert ws[f"{due}2"].number_format == "dd/mm/yyyy"


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(text, min_size=1, max_size=6))
def test_text_round_trip(workspace: Workspace, contents: list[str]) -> None:
    rows = [_task(f"K.{i}", content=c) for i, c in enumerate(contents)]
    book = TrackerWorkbook.open(workspace.workbook)
    book.write_table(SHEET_TASKS, TASK_COLUMNS, rows, key_field="key")
    out = workspace.root / "rt.xlsm"
    out.write_bytes(book.to_bytes())
    back = {
        r["key"]: r["content"] for r in TrackerWorkbook.open(out).read_tasks().to_dict("records")
    }
    for i, c in enumerate(contents):
        expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", c)
        expected = unicodedata.normalize("NFC", expected.replace("\r\n", "\n").replace("\r", "\n"))
        got = back.get(f"K.{i}")
        if not expected.strip():
            assert got is None
        else:
            assert got == expected


def test_user_columns_rows_and_styles_move_with_their_task(workspace: Workspace) -> None:
    book = TrackerWorkbook.open(workspace.workbook)
    book.write_table(
        SHEET_TASKS, TASK_COLUMNS, [_task("A"), _task("B"), _task("C")], key_field="key"
    )
    book.save(None)
    # A user adds a column with a formula, hides a row and sets a row height in Excel.
    part = book.pkg.sheet_part(SHEET_TASKS)
    with zipfile.ZipFile(workspace.workbook) as zf:
        xml = zf.read(part).decode()
    xml = xml.replace('<row r="3">', '<row r="3" ht="40" customHeight="1">')
    xml = xml.replace(
        "</row></sheetData>", '<c r="V4"><f>LEN(E4)</f><v>12</v></c></row></sheetData>'
    )
    _replace_part(workspace.workbook, part, xml.encode())
    book = TrackerWorkbook.open(workspace.workbook)
    book.write_table(
        SHEET_TASKS, TASK_COLUMNS, [_task("C"), _task("A"), _task("B")], key_field="key"
    )
    book.save(None)
    ws = openpyxl.load_workbook(workspace.workbook)[SHEET_TASKS]
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == ["C", "A", "B"]
    assert ws["V2"].value == "=LEN(E4)"  # the formula cell followed task C
    assert ws.row_dimensions[4].height == 40  # B's row height followed B


def _replace_part(path: Path, part: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, content in items:
            zf.writestr(info, data if info.filename == part else content)


def test_append_rows_keeps_existing(workspace: Workspace) -> None:
    book = TrackerWorkbook.open(workspace.workbook)
    first = {"time": datetime(2026, 11, 1, 8, 0), "action": "Một", "key": "I.1"}
    book.append_rows(SHEET_LOG, LOG_COLUMNS, [first])
    book.save(None)
    book = TrackerWorkbook.open(workspace.workbook)
    book.append_rows(
        SHEET_LOG, LOG_COLUMNS, [{"time": datetime(2026, 11, 2, 8, 0), "action": "Hai"}]
    )
    book.save(None)
    log = (
        TrackerWorkbook.open(workspace.workbook)
        .read_table(SHEET_LOG, LOG_COLUMNS)
        .to_dict("records")
    )
    assert [(r["action"], r["_row"]) for r in log] == [("Một", 2), ("Hai", 3)]
    assert log[0]["time"] == datetime(2026, 11, 1, 8, 0)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_open_in_excel_is_never_written(workspace: Workspace) -> None:
    owner = workspace.workbook.with_name("~$" + workspace.workbook.name[2:])
    owner.write_bytes(b"owner")
    before = _digest(workspace.workbook)
    book = TrackerWorkbook.open(workspace.workbook)
    book.write_table(SHEET_TASKS, TASK_COLUMNS, [_task("A")], key_field="key")
    with pytest.raises(WorkbookBusyError, match="đang được mở trong Excel"):
        book.save(workspace.root / "backups")
    assert _digest(workspace.workbook) == before
    assert not list((workspace.root / "backups").iterdir())


def test_backup_before_each_write(workspace: Workspace) -> None:
    original = workspace.workbook.read_bytes()
    with TrackerWorkbook.edit(workspace.workbook, workspace.root / "backups") as book:
        book.write_table(SHEET_TASKS, TASK_COLUMNS, [_task("A")], key_field="key")
    backups = list((workspace.root / "backups").iterdir())
    assert len(backups) == 1 and backups[0].read_bytes() == original
    # The lock file may stay (an OS lock on it, released): the next writer takes it at once.
    with files.os_lock(workspace.workbook.with_name(workspace.workbook.name + ".lock"), timeout=0):
        pass


def test_failed_edit_changes_nothing(workspace: Workspace) -> None:
    before = _digest(workspace.workbook)
    with (
        pytest.raises(RuntimeError),
        TrackerWorkbook.edit(workspace.workbook, workspace.root / "backups") as book,
    ):
        book.write_table(SHEET_TASKS, TASK_COLUMNS, [_task("A")], key_field="key")
        raise RuntimeError("boom")
    assert _digest(workspace.workbook) == before


def test_missing_header_is_named(workspace: Workspace) -> None:
    part = TrackerWorkbook.open(workspace.workbook).pkg.sheet_part(SHEET_TASKS)
    with zipfile.ZipFile(workspace.workbook) as zf:
        xml = zf.read(part).decode()
    _replace_part(workspace.workbook, part, xml.replace("Trạng thái", "Tình hình").encode())
    with pytest.raises(WorkbookFormatError, match="thiếu cột “Trạng thái”"):
        TrackerWorkbook.open(workspace.workbook).read_tasks()


def test_template_opens_in_openpyxl() -> None:
    wb = openpyxl.load_workbook(template_workbook())
    assert wb.sheetnames[:6] == [
        "Nhiệm vụ",
        "Cơ quan",
        "Tổng hợp",
        "Kiểm tra",
        "Nhật ký",
        "Cấu hình",
    ]
    headers = [c.value for c in wb["Nhiệm vụ"][1]]
    assert headers[: len(TASK_COLUMNS)] == [c.header for c in TASK_COLUMNS]
    # then, after an empty column, the legend of the row colours
    assert headers[len(TASK_COLUMNS)] is None and headers[len(TASK_COLUMNS) + 1]


@pytest.mark.parametrize(("sheet_id", "dropped"), [(1, True), (6, False)])
def test_calc_chain_dropped_only_when_it_lists_the_rewritten_sheet(
    workspace: Workspace, sheet_id: int, dropped: bool
) -> None:
    with zipfile.ZipFile(workspace.workbook) as zf:
        items = [(i, zf.read(i)) for i in zf.infolist()]
    chain = f'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="B2" i="{sheet_id}"/></calcChain>'
    with zipfile.ZipFile(workspace.workbook, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, content in items:
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>',
                )
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
                    b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>',
                )
            zf.writestr(info, content)
        zf.writestr("xl/calcChain.xml", chain)
    book = TrackerWorkbook.open(workspace.workbook)
    book.write_table(SHEET_TASKS, TASK_COLUMNS, [_task("A")], key_field="key")
    pkg = book.pkg
    assert pkg.has("xl/calcChain.xml") is not dropped
    assert (b"calcChain" in pkg.read("[Content_Types].xml")) is not dropped
    assert (b"calcChain" in pkg.read("xl/_rels/workbook.xml.rels")) is not dropped
