"""Write an agency's form (phiếu báo cáo) as a plain .xlsx: the one place form files are written.

Unlike the tracker, a form is a new small file that preserves nothing, so openpyxl builds it.
The saved package is then re-zipped with fixed entry times and the issue time as its modified
date, so two runs with the same tracker and the same issue time give identical bytes.

Sheets, in order: FORM_SHEET (the lead tasks; editable cells unlocked and yellow),
FORM_COORD_SHEET (coordination tasks, all locked), FORM_HELP_SHEET, FORM_META_SHEET
(veryHidden). Sheets are protected without a password and the workbook structure is locked:
this stops accidents, not people; the merge re-checks every locked cell anyway.

Styles are built once per form, not per cell: openpyxl's style setters hash the style object
into the workbook's lists on every assignment, which was most of the time of `theodoi forms`.
Each distinct cell look (a column's body cell, editable or locked, dated or not; a header
cell; …) is styled through the setters the first time it is needed and then copied to the
other cells as its list of style indexes (:class:`_Looks`), as a styled template row would
be. The file is the same as styling every cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Hashable, Sequence
from copy import copy
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..core.form_content import AgencyForm, FormTask, coord_header_lines, header_lines, instructions
from ..core.form_content import Cell as CellRef
from ..core.layout import (
    FORM_COLUMNS,
    FORM_COORD_COLUMNS,
    FORM_COORD_SHEET,
    FORM_EDITABLE,
    FORM_FIRST_ROW,
    FORM_HEADER_ROW,
    FORM_HELP_SHEET,
    FORM_META_SHEET,
    FORM_REPORT_DATE_CELL,
    FORM_SHEET,
    STATUSES,
    Column,
)
from ..core.model import as_date
from ..core.printing import height_of, row_height
from . import files

CREATOR = "TheoDoiNhiemVu"
DATE_FORMAT = "dd/mm/yyyy"
TEXT_FORMAT = "@"
# Times New Roman, as in the office's letters; LibreOffice shows it with the metric-compatible
# Liberation Serif, so row heights come out alike.
FONT_NAME = "Times New Roman"
FONT_SIZE = 12
HELP_WIDTH = 80.0  # fits a portrait A4 page unscaled

_EDITABLE_FILL = PatternFill("solid", fgColor="FFFFF2CC")
_HEADER_FILL = PatternFill("solid", fgColor="FFD9E1F2")
_THIN = Side(style="thin", color="FF808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)
_LOCKED = Protection(locked=True)
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _font(*, bold: bool = False, italic: bool = False, size: float = FONT_SIZE) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


_BODY_FONT = _font()


def _protect(ws: Worksheet) -> None:
    # No password: protection here prevents slips. Resizing rows and columns stays allowed so a
    # long text can be read; inserting, deleting and sorting rows does not.
    ws.protection = SheetProtection(
        sheet=True, formatColumns=False, formatRows=False, selectLockedCells=False
    )


def _clean(value: Any) -> Any:
    """A value openpyxl can store: XML-illegal control characters dropped (a .xlsx cannot hold
    them, so the tracker cannot either)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # shows "50", not "50.0", in every viewer
    return value


class _Looks:
    """The cell looks of one workbook, each built once through openpyxl's style setters (the
    body font, then the look's own) and then copied as style indexes (valid in that workbook
    only)."""

    def __init__(self) -> None:
        self._arrays: dict[Hashable, StyleArray] = {}

    def apply(self, cell: Cell, key: Hashable, build: Callable[[Cell], None]) -> None:
        array = self._arrays.get(key)
        if array is None:
            cell.font = _BODY_FONT
            build(cell)
            self._arrays[key] = copy(cell._style)
        else:
            cell._style = copy(array)


def _set(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    looks: _Looks,
    key: Hashable,
    build: Callable[[Cell], None],
) -> Cell:
    """Write ``value`` at (row, col) with the look ``key``: the body font, then ``build``."""
    cell = ws.cell(row=row, column=col)
    value = _clean(value)
    # Value first: openpyxl gives a date or time a number format of its own, which the look
    # may replace; so the kind of time value is part of the look.
    cell.value = value
    # openpyxl takes text starting with "=" for a formula; a typed "=…" in a result stays text.
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    timed = type(value) if isinstance(value, (datetime, date, time, timedelta)) else None
    looks.apply(cell, (key, timed), build)
    return cell


def _fit_rows(ws: Worksheet, first_row: int, widths: Sequence[float]) -> None:
    """Set each row's height to show its wrapped text (the tracker's estimate,
    :func:`xladdin.core.printing.row_height`). Excel and LibreOffice do not both size rows of
    a generated file on open (LibreOffice keeps the default height), so heights are written;
    people may still resize rows on the protected sheet."""
    for row in ws.iter_rows(min_row=first_row, max_col=len(widths)):
        height = row_height(
            (cell.value, width)
            for cell, width in zip(row, widths, strict=False)
            if isinstance(cell.value, str) and cell.alignment.wrap_text
        )
        if height is not None:
            ws.row_dimensions[row[0].row].height = height


def _header_block(ws: Worksheet, lines: dict[CellRef, str], looks: _Looks) -> None:
    for (row, col), text in lines.items():
        title, note = row == 1, row == 5

        def build(cell: Cell, title: bool = title, note: bool = note) -> None:
            cell.font = _font(bold=title, size=14 if title else FONT_SIZE, italic=note)
            cell.protection = _LOCKED

        _set(ws, row, col, text, looks, ("block", title, note), build)


def _header_look(cell: Cell) -> None:
    cell.font = _font(bold=True)
    cell.fill = _HEADER_FILL
    cell.alignment = _HEADER_ALIGN
    cell.border = _BORDER
    cell.protection = _LOCKED


def _body_look(col: Column, editable: bool, dated: bool) -> Callable[[Cell], None]:
    """How a body cell of ``col`` looks: what the column's definition says, nothing per task
    except whether the value is a date."""

    def build(cell: Cell) -> None:
        cell.alignment = _TOP_WRAP
        cell.border = _BORDER
        # A blank date cell the agency fills ("Ngày hoàn thành") shows what it types as a date.
        if col.kind == "date" and (dated or (editable and col.field in FORM_EDITABLE)):
            cell.number_format = DATE_FORMAT
        elif col.kind in ("wrap", "code", "text") and col.field not in ("status",):
            cell.number_format = TEXT_FORMAT
        if editable and col.field in FORM_EDITABLE:
            cell.protection = _UNLOCKED
            cell.fill = _EDITABLE_FILL
        else:
            cell.protection = _LOCKED

    return build


def _table(
    ws: Worksheet,
    columns: Sequence[Column],
    tasks: Sequence[FormTask],
    editable: bool,
    looks: _Looks,
) -> None:
    for c, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = col.width
        _set(ws, FORM_HEADER_ROW, c, col.header, looks, "header", _header_look)
    # One look per column (two for a date column: a date or typed text), built on first use.
    row_looks = [
        {dated: _body_look(col, editable, dated) for dated in (False, True)} for col in columns
    ]
    for r, task in enumerate(tasks, start=FORM_FIRST_ROW):
        for c, col in enumerate(columns, start=1):
            value = task.value(col.field)
            dated = False
            if col.kind == "date":
                value = as_date(value) or value
                dated = as_date(value) is not None
            key = (col.kind, col.field, editable, dated)  # all the look depends on
            _set(ws, r, c, value, looks, key, row_looks[c - 1][dated])
    _fit_rows(ws, FORM_HEADER_ROW, [col.width for col in columns])
    ws.freeze_panes = ws.cell(row=FORM_FIRST_ROW, column=1)
    ws.print_title_rows = f"{FORM_HEADER_ROW}:{FORM_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(ws)


def _column_range(columns: Sequence[Column], field: str, n_rows: int) -> str:
    letter = get_column_letter([c.field for c in columns].index(field) + 1)
    return f"{letter}{FORM_FIRST_ROW}:{letter}{FORM_FIRST_ROW + n_rows - 1}"


def _validations(ws: Worksheet, n_rows: int) -> None:
    if n_rows == 0:
        return
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showDropDown=False,  # the attribute's name is inverted in the file format: False = show
        showErrorMessage=True,
        errorTitle="Trạng thái không hợp lệ",
        error="Hãy chọn một trạng thái trong danh sách.",
        showInputMessage=True,
        promptTitle="Trạng thái",
        prompt="Chọn trong danh sách: " + "; ".join(STATUSES) + ".",
    )
    status.add(_column_range(FORM_COLUMNS, "status", n_rows))
    progress = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Tiến độ không hợp lệ",
        error="Tiến độ là một số từ 0 đến 100, không kèm dấu % (ví dụ: 60).",
        showInputMessage=True,
        promptTitle="Tiến độ (%)",
        prompt="Số từ 0 đến 100, không kèm dấu %.",
    )
    progress.add(_column_range(FORM_COLUMNS, "progress", n_rows))
    ws.add_data_validation(status)
    ws.add_data_validation(progress)


def _form_sheet(ws: Worksheet, form: AgencyForm, looks: _Looks) -> None:
    _header_block(ws, header_lines(form), looks)
    row, col = FORM_REPORT_DATE_CELL
    # Column A is as narrow as a task key: the label takes two lines there.
    ws.cell(row=row, column=col - 1).alignment = Alignment(horizontal="right", wrap_text=True)
    ws.row_dimensions[row].height = height_of(2)
    date_cell = ws.cell(row=row, column=col)
    date_cell.protection = _UNLOCKED
    date_cell.fill = _EDITABLE_FILL
    date_cell.border = _BORDER
    date_cell.number_format = DATE_FORMAT
    date_cell.alignment = Alignment(horizontal="left")
    _table(ws, FORM_COLUMNS, form.lead, editable=True, looks=looks)
    _validations(ws, len(form.lead))


def _help_look(style: str) -> Callable[[Cell], None]:
    def build(cell: Cell) -> None:
        cell.alignment = _TOP_WRAP
        if style == "title":
            cell.font = _font(bold=True, size=14)
        elif style == "head":
            cell.font = _font(bold=True)

    return build


def _help_sheet(ws: Worksheet, form: AgencyForm, looks: _Looks) -> None:
    ws.column_dimensions["A"].width = HELP_WIDTH
    for r, (style, text) in enumerate(instructions(form), start=1):
        _set(ws, r, 1, text or None, looks, ("help", style), _help_look(style))
    _fit_rows(ws, 1, [HELP_WIDTH])
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(ws)


def _text_look(cell: Cell) -> None:
    cell.number_format = TEXT_FORMAT


def _meta_sheet(ws: Worksheet, form: AgencyForm, looks: _Looks) -> None:
    for r, (key, value) in enumerate(form.metadata().items(), start=1):
        for c, text in ((1, key), (2, value)):
            _set(ws, r, c, text, looks, "meta", _text_look)
    ws.sheet_state = "veryHidden"
    _protect(ws)


def form_workbook(form: AgencyForm) -> Workbook:
    wb = Workbook()
    # The Normal font sets the unit of column widths, so it is the body font too: widths and
    # row heights then mean the same in Excel and LibreOffice. openpyxl has no public setter;
    # the font list must be replaced before any cell gets a style.
    wb._fonts = IndexedList([Font(name=FONT_NAME, size=FONT_SIZE, family=1)])
    main = wb.active
    assert main is not None
    main.title = FORM_SHEET
    looks = _Looks()
    _form_sheet(main, form, looks)
    coord = wb.create_sheet(FORM_COORD_SHEET)
    _header_block(coord, coord_header_lines(form), looks)
    _table(coord, FORM_COORD_COLUMNS, form.coordinating, editable=False, looks=looks)
    _help_sheet(wb.create_sheet(FORM_HELP_SHEET), form, looks)
    _meta_sheet(wb.create_sheet(FORM_META_SHEET), form, looks)
    wb.active = 0
    # Structure locked: no sheet can be added, removed, renamed or unhidden by accident.
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.title = form.title
    wb.properties.subject = form.plan
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.created = _utc(form.issued_at)
    return wb


def _utc(moment: datetime) -> datetime:
    """Core properties are UTC; a naive issue time is local time."""
    return moment.astimezone(UTC).replace(tzinfo=None)


_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")


def restamp(data: bytes, issued_at: datetime) -> bytes:
    """Same entries, fixed times: openpyxl stamps the zip entries and ``dcterms:modified``
    with the wall clock at save, which would make every run's bytes differ. Also how the
    demo and tests give a filled return the "last saved" time Excel would have written
    (a naive time is local time)."""
    stamp = max(issued_at.replace(tzinfo=None), datetime(1980, 1, 1)).timetuple()[:6]
    modified = _utc(issued_at).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(lambda m: m[1] + modified + m[2], body)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def form_bytes(form: AgencyForm) -> bytes:
    # Saved uncompressed: restamp compresses every entry anyway, so the package is deflated
    # once, not twice (the same bytes as openpyxl's own deflated save restamped).
    buffer = io.BytesIO()
    ExcelWriter(form_workbook(form), zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED)).save()
    return restamp(buffer.getvalue(), form.issued_at)


def write_form(path: Path, form: AgencyForm) -> Path:
    """Write the form atomically (temp file in the same folder, then replace)."""
    path = Path(path)
    data = form_bytes(form)
    files.make_folder(path.parent, f"chưa ghi tệp {path.name}", size=len(data))
    files.atomic_write(path, data)
    return path
