"""Ribbon buttons (xlwings ``RunPython`` targets), one function per button.

Each button gets the calling workbook (``xw.Book.caller()``, or a book passed in by
tests), reads every sheet it needs in one bulk read, makes the same core call as the
CLI (:mod:`xladdin.core.tracker`, :mod:`xladdin.commands.operations`), writes the results back in
a fixed number of bulk writes and ends with a Vietnamese message box. The number of
Excel calls does not grow with the number of rows; only cell notes on findings are
per cell, and they are capped at :data:`NOTE_LIMIT`.

RunPython starts a fresh interpreter per click, so pandas, pandera and friends are
imported inside the functions, never at module level.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

TITLE = "Theo dõi nhiệm vụ"
NOTE_MARK = "[Kiểm tra] "
NOTE_LIMIT = 100

Rows = list[list[Any]]


def _book(book: Any | None) -> Any:
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def _alert(book: Any, message: str) -> None:
    book.app.alert(message, title=TITLE)


def _button(book: Any | None, action: Callable[[Any], str]) -> str:
    """Run one button: its message, or the error's, in a message box; never a traceback."""
    from ..core.errors import TheoDoiError

    b = _book(book)
    try:
        message = action(b)
    except TheoDoiError as exc:
        message = exc.user_message()
    except Exception as exc:  # the last line of defence: staff must never see a traceback
        message = (
            f"Lỗi không mong đợi: {type(exc).__name__}: {exc}\n"
            "Hãy chạy lệnh tương ứng “theodoi … --debug” và báo cho bộ phận kỹ thuật."
        )
    _alert(b, message)
    return message


# -- bulk reads and writes on the open workbook ------------------------------------
def sheet_rows(book: Any, name: str) -> Rows:
    """All values of a sheet from A1 to its last used cell, in one read."""
    from ..core.errors import WorkbookFormatError

    if name not in [s.name for s in book.sheets]:
        raise WorkbookFormatError(f"Sổ theo dõi {book.name} không có trang tính “{name}”.")
    used = book.sheets[name].used_range
    values = used.options(ndim=2).value or [[None]]
    top, left = used.row, used.column
    rows = [[None] * (left - 1) + list(r) for r in values]
    return [[]] * (top - 1) + rows


def _last_row(rows: Rows) -> int:
    for n in range(len(rows), 0, -1):
        if any(v is not None and v != "" for v in rows[n - 1]):
            return n
    return 0


def _header(rows: Rows) -> dict[int, Any]:
    return {i + 1: h for i, h in enumerate(rows[0] if rows else [])}


def _positions(book: Any, name: str, rows: Rows, columns: Sequence[Any]) -> dict[str, int]:
    from ..core.table import column_positions

    return column_positions(_header(rows), columns, sheet=name, source=book.name)


def _write_records(
    book: Any,
    name: str,
    rows: Rows,
    columns: Sequence[Any],
    records: Sequence[Mapping[str, Any]],
    key_field: str | None = None,
) -> None:
    """Replace a table's data rows: one clear and one write, whatever the row count.

    Cells of the user's own extra columns move with their row's key (like the headless
    writer does), so an import that reorders tasks keeps them on the right task."""
    from ..core.model import nfc

    sheet = book.sheets[name]
    positions = _positions(book, name, rows, columns)
    width = max(max(positions.values()), len(rows[0]) if rows else 0)
    ours = set(positions.values())
    carried: dict[str, list[Any]] = {}
    if key_field is not None:
        kcol = positions[key_field] - 1
        for old in rows[1:]:
            if kcol < len(old) and nfc(old[kcol]):
                carried.setdefault(nfc(old[kcol]), old)
    old_last = _last_row(rows)
    if old_last >= 2:
        sheet.range((2, 1), (old_last, width)).clear_contents()
    if records:
        block = [[None] * width for _ in records]
        for line, rec in zip(block, records, strict=True):
            previous = carried.get(nfc(rec.get(key_field))) if key_field else None
            if previous is not None:
                for i, v in enumerate(previous[:width]):
                    if i + 1 not in ours:
                        line[i] = v
            for field, col in positions.items():
                line[col - 1] = rec.get(field)
        sheet.range((2, 1)).value = block


def write_fields(
    book: Any,
    name: str,
    rows: Rows,
    columns: Sequence[Any],
    values: Mapping[int, Mapping[str, Any]],
    fields: Sequence[str],
) -> None:
    """One write per field: its whole data column, the new value where ``values`` (by Excel
    row) has one, the cell's current value elsewhere."""
    positions = _positions(book, name, rows, columns)
    last = _last_row(rows)
    sheet = book.sheets[name]
    for field in fields:
        col = positions[field]
        column = []
        for r in range(2, last + 1):
            row = rows[r - 1]
            new = values.get(r, {})
            column.append(
                [new[field] if field in new else (row[col - 1] if col - 1 < len(row) else None)]
            )
        if column:
            sheet.range((2, col)).value = column


def append_records(
    book: Any, name: str, rows: Rows, columns: Sequence[Any], records: Sequence[Mapping[str, Any]]
) -> None:
    """Records as one block of rows after the sheet's last used row (the audit log)."""
    positions = _positions(book, name, rows, columns)
    block = [[None] * max(positions.values()) for _ in records]
    for line, rec in zip(block, records, strict=True):
        for field, col in positions.items():
            line[col - 1] = rec.get(field)
    book.sheets[name].range((max(_last_row(rows), 1) + 1, 1)).value = block


def workspace_of(book: Any) -> Any:
    """The workspace of the open workbook: the folder it was saved in."""
    from ..core.errors import WorkspaceError
    from ..io.workspace import Workspace

    path = Path(str(book.fullname))
    if not path.is_absolute():  # never saved, or opened from OneDrive / SharePoint
        raise WorkspaceError(
            f"Không xác định được thư mục làm việc của sổ “{book.name}” (sổ chưa được lưu hoặc "
            "đang mở từ OneDrive/SharePoint). Hãy lưu sổ vào thư mục làm việc trên máy rồi bấm lại."
        )
    return Workspace(path.parent, path)


def _read_data(book: Any) -> tuple[Any, dict[str, Rows]]:
    from ..core.layout import SHEET_AGENCIES, SHEET_CONFIG, SHEET_TASKS
    from ..core.tracker import TrackerData

    rows = {name: sheet_rows(book, name) for name in (SHEET_TASKS, SHEET_AGENCIES, SHEET_CONFIG)}
    return TrackerData.from_rows(rows, book.name), rows


# -- the buttons ----------------------------------------------------------------------
def import_appendix(book: Any | None = None, *, now: datetime | None = None) -> str:
    return _button(book, lambda b: _import_appendix(b, now))


def _plan_file(folder: Path) -> Path:
    from ..core.errors import InputFileError

    plans = [p for p in folder.glob("*.docx") if p.is_file() and not p.name.startswith(("~$", "."))]
    if not plans:
        raise InputFileError(
            f"Chưa có tệp kế hoạch (.docx) trong thư mục làm việc {folder}.\n"
            "Hãy chép tệp kế hoạch vào thư mục đó rồi bấm lại “Nhập phụ lục”."
        )
    return max(plans, key=lambda p: (p.stat().st_mtime, p.name))


def _import_appendix(book: Any, now: datetime | None) -> str:
    from ..commands.operations import merge_plan, read_plan
    from ..core.layout import (
        AGENCY_COLUMNS,
        CONFIG_COLUMNS,
        LOG_COLUMNS,
        SHEET_AGENCIES,
        SHEET_CONFIG,
        SHEET_LOG,
        SHEET_TASKS,
        TASK_COLUMNS,
    )

    plan = _plan_file(Path(book.fullname).parent)
    parsed = read_plan(plan)
    data, rows = _read_data(book)
    merged = merge_plan(
        parsed, data.tasks, data.agencies, now=now or datetime.now().replace(microsecond=0)
    )
    report = merged.report
    _write_records(book, SHEET_TASKS, rows[SHEET_TASKS], TASK_COLUMNS, report.tasks, "key")
    _write_records(
        book, SHEET_AGENCIES, rows[SHEET_AGENCIES], AGENCY_COLUMNS, merged.agencies, "code"
    )
    if report.log:
        append_records(book, SHEET_LOG, sheet_rows(book, SHEET_LOG), LOG_COLUMNS, report.log)
    if merged.title and not data.config.get("plan_name"):
        positions = _positions(book, SHEET_CONFIG, rows[SHEET_CONFIG], CONFIG_COLUMNS)
        for rec in data.config_table.to_dict("records"):
            if rec.get("key") == "plan_name":
                cell = (int(rec["_row"]), positions["value"])
                book.sheets[SHEET_CONFIG].range(cell).value = merged.title
    c = report.counts()
    lines = [
        f"Đã nhập phụ lục từ “{plan.name}”: {c['rows']} dòng ({c['sections']} phần, "
        f"{c['groups']} nhóm, {c['tasks']} nhiệm vụ).",
        f"Thêm mới {len(report.added)}, sửa {len(report.changed)}, đổi mã "
        f"{len(report.renumbered)}, bỏ {len(report.removed)}, giữ nguyên {report.unchanged}.",
    ]
    if report.new_agencies:
        lines.append(f"Cơ quan mới trong danh mục: {len(report.new_agencies)}.")
    if report.unparsed_timeframes:
        lines.append(
            f"{len(report.unparsed_timeframes)} nhiệm vụ chưa hiểu được thời gian thực hiện: "
            "cần nhập hạn bằng tay."
        )
    return "\n".join(lines)


def validate(book: Any | None = None, *, today: date | None = None) -> str:
    return _button(book, lambda b: _validate(b, today or date.today()))


def _validate(book: Any, today: date) -> str:
    from ..core.layout import CHECK_COLUMNS, SHEET_CHECKS
    from ..core.tracker import check

    data, rows = _read_data(book)
    findings = check(data, today)
    checks_rows = sheet_rows(book, SHEET_CHECKS)
    _write_records(book, SHEET_CHECKS, checks_rows, CHECK_COLUMNS, [f.record() for f in findings])
    _renew_notes(book, rows, checks_rows, findings)
    if not findings:
        return "Không phát hiện lỗi dữ liệu. Trang “Kiểm tra” đã được làm trống."
    by_sheet: dict[str, int] = {}
    for f in findings:
        by_sheet[f.sheet] = by_sheet.get(f.sheet, 0) + 1
    detail = "; ".join(f"{n} ở trang “{s}”" for s, n in by_sheet.items())
    first = findings[0]
    return (
        f"Có {len(findings)} lỗi dữ liệu ({detail}).\n"
        "Các ô lỗi được tô vàng; danh sách đầy đủ ở trang “Kiểm tra”.\n"
        f"Lỗi đầu tiên: trang “{first.sheet}”, dòng {first.row}, cột “{first.column}”: "
        f"{first.message}"
    )


def _renew_notes(
    book: Any, rows: Mapping[str, Rows], previous: Rows, findings: Sequence[Any]
) -> None:
    """Replace the notes of the last check with notes on (at most NOTE_LIMIT) findings.

    The last check's notes are on the cells its "Kiểm tra" rows name, first NOTE_LIMIT
    of them; a note there is removed when it is ours (or its text cannot be read)."""
    headers = {
        name: {h: i + 1 for i, h in enumerate(r[0] if r else [])} for name, r in rows.items()
    }
    for old in previous[1 : NOTE_LIMIT + 1]:
        sheet, row, column = (list(old) + [None] * 3)[:3]
        col = headers.get(str(sheet), {}).get(column)
        if not isinstance(row, int | float) or col is None:
            continue
        try:
            note = book.sheets[str(sheet)].range((int(row), col)).note
            if note is None:
                continue
            try:
                ours = str(note.text or "").startswith(NOTE_MARK)
            except NotImplementedError:  # Office.js cannot read note text synchronously
                ours = True
            if ours:
                note.delete()
        except NotImplementedError:  # an engine without notes: the highlight still shows
            return
    for f in findings[:NOTE_LIMIT]:
        col = headers.get(f.sheet, {}).get(f.column)
        if f.row is None or col is None:
            continue
        try:
            book.sheets[f.sheet].range((f.row, col)).add_note(NOTE_MARK + f.message)
        except NotImplementedError:
            return


def recalc(
    book: Any | None = None, *, today: date | None = None, now: datetime | None = None
) -> str:
    return _button(book, lambda b: _recalc(b, today or date.today(), now))


def _recalc(book: Any, today: date, now: datetime | None) -> str:
    from ..commands.operations import COMPUTED_FIELDS
    from ..core.layout import (
        SHEET_SUMMARY,
        SHEET_TASKS,
        SUMMARY_BLOCKS,
        SUMMARY_FIRST_DATA_ROW,
        SUMMARY_HEADER_ROW,
        SUMMARY_STAMP_CELL,
        TASK_COLUMNS,
    )
    from ..core.summary import summary_grid
    from ..core.tracker import recalc

    data, rows = _read_data(book)
    result = recalc(data, today, now)
    by_row = {int(t["_row"]): t for t in result.tasks if t.get("_row") is not None}
    write_fields(book, SHEET_TASKS, rows[SHEET_TASKS], TASK_COLUMNS, by_row, COMPUTED_FIELDS)

    grid = summary_grid(result)
    summary = book.sheets[SHEET_SUMMARY]
    old_last = _last_row(sheet_rows(book, SHEET_SUMMARY))
    width = max(b.first_col + len(b.columns) - 1 for b in SUMMARY_BLOCKS)
    if old_last >= SUMMARY_FIRST_DATA_ROW:
        summary.range((SUMMARY_FIRST_DATA_ROW, 1), (old_last, width)).clear_contents()
    summary.range(SUMMARY_STAMP_CELL).value = grid.stamp
    for block in SUMMARY_BLOCKS:
        values = grid.blocks[block.title]
        if values:
            summary.range((SUMMARY_FIRST_DATA_ROW, block.first_col)).value = values
    if len(summary.charts):
        first = SUMMARY_BLOCKS[1].first_col
        end = SUMMARY_HEADER_ROW + max(grid.n_agencies, 1)
        summary.charts[0].set_source_data(
            summary.range((SUMMARY_HEADER_ROW, first), (end, first + 1))
        )

    plan = result.plan
    return (
        f"Đã tính tiến độ (ngày tính hạn {today:%d/%m/%Y}, kỳ báo cáo {result.period.label}).\n"
        f"{plan.tasks} nhiệm vụ: hoàn thành {plan.completed} "
        f"({plan.completion_rate * 100:.1f}%), quá hạn {plan.overdue}, sắp đến hạn "
        f"{plan.due_soon}, chưa báo cáo kỳ này {plan.not_reported}.\n"
        "Xem trang “Tổng hợp”."
    ).replace(".0%", "%")


def make_forms(book: Any | None = None, *, now: datetime | None = None) -> str:
    def action(b: Any) -> str:
        from .buttons_forms import forms_action

        return forms_action(b, now)

    return _button(book, action)


def merge_returns(
    book: Any | None = None, *, today: date | None = None, now: datetime | None = None
) -> str:
    def action(b: Any) -> str:
        from .buttons_forms import merge_action

        return merge_action(b, today, now)

    return _button(book, action)


def make_letters(book: Any | None = None) -> str:
    def action(b: Any) -> str:
        from ..commands.letters import summary_lines, write_letters
        from ..core.letters import LetterKind
        from ..io.letters_io import find_soffice

        ws = workspace_of(b)
        data, _rows = _read_data(b)
        soffice = find_soffice()
        # The consolidated report and the reminders are what the office sends on its own
        # initiative; requests for reports go out with the forms.
        outcome = write_letters(
            data,
            ws,
            [LetterKind.REPORT, LetterKind.REMINDER],
            soffice=soffice,
        )
        lines = summary_lines(outcome)
        if soffice is None and outcome.files:
            lines.append("Máy chưa cài LibreOffice nên chưa có bản PDF (chỉ có bản Word).")
        return "\n".join(lines)

    return _button(book, action)


def open_folder(book: Any | None = None) -> str:
    def action(b: Any) -> str:
        folder = Path(b.fullname).parent
        if sys.platform.startswith("win"):
            os.startfile(folder)  # type: ignore[attr-defined]  # Windows only
        elif sys.platform == "darwin":
            subprocess.Popen(["open", str(folder)])
        return f"Thư mục làm việc: {folder}"

    return _button(book, action)


HELP = (
    "Thẻ “Theo dõi nhiệm vụ”:\n"
    "• Nhập phụ lục: đọc bảng phụ lục từ tệp kế hoạch Word (.docx) mới nhất trong thư mục "
    "làm việc.\n"
    "• Kiểm tra dữ liệu: tìm ô nhập sai, tô vàng và liệt kê ở trang “Kiểm tra”.\n"
    "• Tính tiến độ: tính lại tiến độ, tình trạng hạn và trang “Tổng hợp”.\n"
    "• Tạo phiếu báo cáo: phiếu .xlsx và công văn đề nghị báo cáo cho từng cơ quan (thư mục "
    "outbox).\n"
    "• Tổng hợp phiếu: đọc các phiếu trong thư mục inbox, kiểm tra, ghi vào sổ và lưu sổ.\n"
    "• Tạo công văn: công văn đôn đốc và báo cáo tổng hợp.\n"
    "Mọi nút đều có lệnh tương ứng “theodoi …” chạy không cần Excel (xem README)."
)


def show_help(book: Any | None = None) -> str:
    return _button(book, lambda b: HELP)
