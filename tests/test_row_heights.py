"""Rows of wrapped text get a height on every sheet the tool writes (core/printing.py's
estimate, io/rowfit.py): LibreOffice and Excel keep the height a file gives, so a row written
without one prints its lines over the next row."""

from __future__ import annotations

import re
from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.book.base import append_log
from xladdin.book.file import edit_tracker
from xladdin.commands.recalc import recalc_workbook
from xladdin.core.layout import (
    CONFIG_ITEMS,
    SHEET_CONFIG,
    SHEET_LOG,
    SHEET_SUMMARY,
    SHEET_TASKS,
    SUMMARY_FIRST_DATA_ROW,
    TASK_COLUMNS,
)
from xladdin.core.printing import (
    DEFAULT_ROW_HEIGHT,
    column_points,
    height_of,
    row_height,
    text_points,
    wrap_text,
    wrapped_lines,
)
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

LONG = (
    "Trang cấp thiết bị công nghệ thông tin (thiết bị tường lửa, thiết bị chuyển mạch, đảm "
    "bảo 40% số trang thiết bị đầu cuối trong tổng số trang thiết bị được phê duyệt đầu tư) "
    "cho các cơ quan và người dùng trong các cơ quan đảng các cấp được trang bị thiết bị hiện "
    "đại, đồng bộ, đáp ứng yêu cầu sử dụng, bảo đảm an toàn, an ninh thông tin."
)
_ROW = re.compile(rb'<row r="(\d+)"([^>]*)>')


def _heights(book: TrackerWorkbook, sheet: str) -> dict[int, tuple[float | None, bool]]:
    """Row number -> (ht, customHeight) as the sheet's XML holds them."""
    out = {}
    for m in _ROW.finditer(book.pkg.read(book.pkg.sheet_part(sheet))):
        ht = re.search(rb'\bht="([\d.]+)"', m.group(2))
        custom = b'customHeight="1"' in m.group(2)
        out[int(m.group(1))] = (float(ht.group(1)) if ht else None, custom)
    return out


# -- the estimate -------------------------------------------------------------------------
words = st.text(st.sampled_from("abcdefghiklmnopqrstuvxyĐđơưăâêôÁÀẢÃẠếệởữW.,()% "), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, max_size=20).map(" ".join), st.floats(4, 80))
def test_lines_keep_the_words_and_fit_the_column(text: str, width: float) -> None:
    lines = wrap_text(text, width)
    # Every character kept, in order (a word wider than the column breaks inside).
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert wrapped_lines(text, width) == len(lines)
    for line in lines:
        # A line fits, unless it is one character (nothing narrower exists).
        assert len(line) <= 1 or text_points(line) <= column_points(width)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, max_size=20).map(" ".join), st.floats(4, 60), st.floats(0, 40))
def test_a_wider_column_never_needs_more_lines(text: str, width: float, more: float) -> None:
    assert wrapped_lines(text, width + more) <= wrapped_lines(text, width)


def test_a_long_text_needs_a_tall_row_and_a_short_one_none() -> None:
    assert row_height([("Văn phòng Tỉnh ủy", 20)]) is None
    tall = row_height([(LONG, 56), ("Văn phòng Tỉnh ủy", 20)])
    assert tall is not None and tall > DEFAULT_ROW_HEIGHT
    assert tall == height_of(wrapped_lines(LONG, 56)) and wrapped_lines(LONG, 56) >= 5
    # Upper-case letters are wider than digits: a section title wraps earlier.
    assert wrapped_lines("ỨNG DỤNG SỐ, DỮ LIỆU SỐ DÙNG CHUNG", 40) == 2
    assert wrapped_lines("a\nb\n\nc", 80) == 4


# -- the writers ----------------------------------------------------------------------------
def _task(key: str, **kw: object) -> dict[str, object]:
    return {"key": key, "level": "Nhiệm vụ", "content": f"Nội dung {key}", **kw}


def test_write_table_sizes_wrapped_rows_and_keeps_heights_set_by_hand(
    workspace: Workspace,
) -> None:
    book = TrackerWorkbook.open(workspace.workbook)
    tasks = [_task("A", content=LONG), _task("B"), _task("C", result=LONG)]
    book.write_table(SHEET_TASKS, TASK_COLUMNS, tasks, key_field="key")
    heights = _heights(book, SHEET_TASKS)
    assert heights[2][0] is not None and heights[2][0] > DEFAULT_ROW_HEIGHT
    assert heights[3] == (None, False)  # one line: the default height
    assert heights[4][0] is not None and heights[4][0] > DEFAULT_ROW_HEIGHT
    assert not heights[2][1]  # sized by the tool: sized again by the next write
    # A person sets B's row by hand; the next write keeps it and re-sizes the others.
    part = book.pkg.sheet_part(SHEET_TASKS)
    xml = book.pkg.read(part).replace(b'<row r="3">', b'<row r="3" ht="60" customHeight="1">')
    book.pkg.write(part, xml)
    book.write_table(
        SHEET_TASKS, TASK_COLUMNS, [tasks[1], {**tasks[0], "content": "Ngắn"}, tasks[2]],
        key_field="key",
    )  # fmt: skip
    heights = _heights(book, SHEET_TASKS)
    assert heights[2] == (60, True)  # B moved up with its height
    assert heights[3] == (None, False)  # A is short now
    assert heights[4][0] is not None and heights[4][0] > DEFAULT_ROW_HEIGHT


def test_a_merged_result_resizes_its_row(imported: Workspace) -> None:
    """The merge writes results into task rows cell by cell (write_cells)."""
    with edit_tracker(imported.workbook) as book:
        rows = book.rows(SHEET_TASKS)
        result = [c.field for c in TASK_COLUMNS].index("result") + 1
        row = next(n for n, r in enumerate(rows, 1) if r[0] == "I.4")
        before = _heights(book.tracker, SHEET_TASKS)[row][0] or DEFAULT_ROW_HEIGHT
        book.write_cells(SHEET_TASKS, {(row, result): LONG + " " + LONG})
        after = _heights(book.tracker, SHEET_TASKS)[row][0]
        assert after is not None and after > before
        # Numbers into a row (recalc) leave its height alone.
        progress = [c.field for c in TASK_COLUMNS].index("progress") + 1
        book.write_cells(SHEET_TASKS, {(row, progress): 40})
        assert _heights(book.tracker, SHEET_TASKS)[row][0] == after


def test_log_rows_are_sized(imported: Workspace) -> None:
    with edit_tracker(imported.workbook) as book:
        append_log(
            book,
            [{"time": datetime(2026, 11, 21, 9), "action": "Nhận phiếu", "old": "", "new": LONG}],
        )
        rows = _heights(book.tracker, SHEET_LOG)
        last = max(rows)
        assert rows[last][0] is not None and rows[last][0] > DEFAULT_ROW_HEIGHT


def test_the_template_config_rows_are_sized(workspace: Workspace) -> None:
    book = TrackerWorkbook.open(workspace.workbook)
    heights = _heights(book, SHEET_CONFIG)
    longest = max(range(len(CONFIG_ITEMS)), key=lambda i: len(CONFIG_ITEMS[i].help))
    height = heights[longest + 2][0]
    assert height is not None and height >= height_of(3)


def test_summary_rows_stay_short_beside_long_overdue_tasks(imported: Workspace) -> None:
    """The overdue block writes a task a line per row, so no row of "Tổng hợp" is stretched
    by it (the plan block and the chart print on one page)."""
    recalc_workbook(workbook=imported.workbook, today=date(2026, 11, 21))
    book = TrackerWorkbook.open(imported.workbook)
    heights = _heights(book, SHEET_SUMMARY)
    data = [h for r, (h, _) in heights.items() if r >= SUMMARY_FIRST_DATA_ROW]
    assert data and all(h is None or h <= height_of(2) for h in data)
