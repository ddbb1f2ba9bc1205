"""Numbers, percents and dates as people type them, read as they meant them: in the tracker
(file and Excel backends) and in returned forms. LibreOffice does the typing where it can."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from libreoffice import needs_libreoffice, type_and_save

from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.commands.export import export_tasks
from xladdin.commands.recalc import recalc_workbook
from xladdin.commands.validate import validate_workbook
from xladdin.core.layout import SHEET_TASKS, TASK_COLUMNS, Column
from xladdin.core.normalize import parse_date, parse_progress
from xladdin.core.table import col_letter, table_from_rows
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

FIELDS = [c.field for c in TASK_COLUMNS]
TODAY = date(2026, 11, 21)
COLUMNS = (Column("progress", "Tiến độ (%)", 10, "number"), Column("due", "Hạn", 10, "date"))


def _table(rows: list[list[object]], percent: set[tuple[int, int]] = set()) -> list[object]:  # noqa: B006
    frame = table_from_rows([["Tiến độ (%)", "Hạn"], *rows], COLUMNS, sheet="S", source="t",
                            percent=percent)  # fmt: skip
    return frame.to_dict("records")


def test_percent_cells_are_read_as_percent_and_text_as_typed() -> None:
    rows = _table(
        [[0.5, "05/11/2026"], [0.5, None], ["50 %", "5/1/2027"], ["50,5", None], ["năm", "x"]],
        percent={(2, 1)},
    )
    assert [r["progress"] for r in rows] == [50.0, 0.5, 50.0, 50.5, "năm"]
    assert [r["due"] for r in rows] == [date(2026, 11, 5), None, date(2027, 1, 5), None, "x"]


@given(st.integers(0, 100), st.sampled_from(["{}", "{}%", "{} %", "{},0", "{}％"]))
def test_progress_typed_any_way_round_trips(n: int, form: str) -> None:
    assert parse_progress(form.format(n)).value == n
    assert _table([[form.format(n), None]])[0]["progress"] == n


@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.sampled_from(["/", "-", "."]))
def test_day_first_dates_round_trip(day: date, sep: str) -> None:
    text = f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}"
    assert parse_date(text).value == day
    assert _table([[None, text]])[0]["due"] == day


@needs_libreoffice
def test_a_percent_typed_in_libreoffice_counts_as_percent(
    imported: Workspace, tmp_path: Path
) -> None:
    path = imported.workbook
    tasks = TrackerWorkbook.open(path).read_tasks().to_dict("records")
    leaf = next(t for t in tasks if t["level"] == "Nhiệm vụ")
    row = leaf["_row"]
    col = lambda f: f"{col_letter(FIELDS.index(f) + 1)}{row}"  # noqa: E731
    other = next(t for t in tasks if t["level"] == "Nhiệm vụ" and t["_row"] != row)
    typed = [
        (SHEET_TASKS, col("status"), "Đang triển khai"),
        (SHEET_TASKS, col("progress"), "50%"),
        (SHEET_TASKS, f"{col_letter(FIELDS.index('progress') + 1)}{other['_row']}", "0.5"),
        (
            SHEET_TASKS,
            f"{col_letter(FIELDS.index('status') + 1)}{other['_row']}",
            "Đang triển khai",
        ),
    ]
    type_and_save(path, typed, tmp_path)  # LibreOffice's own save, keeping the format
    data = read_data(open_tracker(path))
    assert (row, "progress") in data.percent
    by_key = {t["key"]: t for t in export_tasks(workbook=path, today=TODAY)}
    assert by_key[leaf["key"]]["progress"] == 50

    findings = validate_workbook(workbook=path, today=TODAY).findings
    about = {(f.row, f.code) for f in findings if f.field == "progress"}
    assert (row, "progress_fraction") not in about  # its % format says it is 50%
    assert (other["_row"], "progress_fraction") in about  # 0.5 typed bare: asked, not guessed

    recalc_workbook(workbook=path, today=TODAY, now=datetime(2026, 11, 21, 10, 0))
    book = TrackerWorkbook.open(path)
    raw = book.rows(SHEET_TASKS)[row - 1][FIELDS.index("progress")]
    assert raw == pytest.approx(0.5)  # written back ÷100: the cell still shows 50%
    assert (row, FIELDS.index("progress") + 1) in book.percent_cells(SHEET_TASKS)
    assert {t["key"]: t for t in export_tasks(workbook=path, today=TODAY)}[leaf["key"]][
        "progress"
    ] == 50
