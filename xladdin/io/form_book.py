"""A form built with openpyxl from its cells (:mod:`xladdin.io.form_cells`): the reference.

:func:`form_workbook` is the whole form as openpyxl writes it. ``theodoi forms`` builds it once
per run, for the first form, as the template whose fixed parts (workbook, relationships,
theme, each sheet's columns, panes, print settings and protection) every form is written
with; the tests hold each written form to it, read back cell by cell.

Sheets are protected without a password and the workbook structure is locked: this stops
accidents, not people; the merge re-checks every locked cell anyway.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from ..core.form_content import AgencyForm
from ..core.layout import (
    FORM_COLUMNS,
    FORM_COORD_COLUMNS,
    FORM_FIRST_ROW,
    FORM_HEADER_ROW,
    STATUSES,
    Column,
)
from .form_cells import (
    BODY_FONT,
    FONT_NAME,
    FONT_SIZE,
    HELP_WIDTH,
    Look,
    SheetCells,
    form_sheets,
    timed,
)

CREATOR = "TheoDoiNhiemVu"


def new_workbook() -> Workbook:
    wb = Workbook()
    # The Normal font sets the unit of column widths, so it is the body font too: widths and
    # row heights then mean the same in Excel and LibreOffice. openpyxl has no public setter;
    # the font list must be replaced before any cell gets a style.
    wb._fonts = IndexedList([Font(name=FONT_NAME, size=FONT_SIZE, family=1)])
    return wb


class StyleBook:
    """The cell formats of one workbook, each look built once through openpyxl's style
    setters and then reused by its index: openpyxl's setters hash the style into the
    workbook's lists on every assignment, which was most of the time of ``theodoi forms``."""

    def __init__(self, wb: Workbook | None = None) -> None:
        self.workbook = wb or new_workbook()
        self._arrays: dict[Hashable, StyleArray] = {}
        self._ids: dict[Hashable, int] = {}
        self._scratch: Worksheet | None = None

    def _build(self, cell: Cell, key: Hashable, look: Look) -> StyleArray:
        array = self._arrays.get(key)
        if array is None:
            cell.font = BODY_FONT
            look.build(cell)
            array = self._arrays[key] = StyleArray(cell._style)
        return array

    def style(self, cell: Cell, value: object, look: Look) -> None:
        """Give ``cell`` (already holding ``value``) the look."""
        cell._style = StyleArray(self._build(cell, (look.key, timed(value)), look))

    def index(self, value: object, look: Look) -> int:
        """The ``cellXfs`` index of the look for ``value``, built on a scratch cell the
        first time: the cell gets the value first, as a real one would, because openpyxl
        gives a time value a number format of its own that the look may replace."""
        key = (look.key, timed(value))
        found = self._ids.get(key)
        if found is None:
            if self._scratch is None:
                self._scratch = self.workbook.create_sheet("_")
            cell = self._scratch.cell(row=len(self._ids) + 1, column=1)
            cell.value = value
            array = self._build(cell, key, look)
            found = self._ids[key] = self.workbook._cell_styles.add(array)
        return found


def _protect(ws: Worksheet) -> None:
    # No password: protection here prevents slips. Resizing rows and columns stays allowed so a
    # long text can be read; inserting, deleting and sorting rows does not.
    ws.protection = SheetProtection(
        sheet=True, formatColumns=False, formatRows=False, selectLockedCells=False
    )


def _column_range(columns: tuple[Column, ...], field: str, n_rows: int) -> str:
    letter = get_column_letter([c.field for c in columns].index(field) + 1)
    return f"{letter}{FORM_FIRST_ROW}:{letter}{FORM_FIRST_ROW + n_rows - 1}"


def validations(n_rows: int) -> list[DataValidation]:
    """The status list and the progress range of the form sheet's ``n_rows`` task rows."""
    if n_rows == 0:
        return []
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
    return [status, progress]


def _fill(ws: Worksheet, sheet: SheetCells, styles: StyleBook) -> None:
    for row, col, value, look in sheet.cells:
        cell = ws.cell(row=row, column=col)
        cell.value = value
        # openpyxl takes text starting with "=" for a formula; a typed "=…" stays text.
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"
        styles.style(cell, value, look)
    for row, height in sheet.heights.items():
        ws.row_dimensions[row].height = height


def _print(ws: Worksheet, orientation: str) -> None:
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _table_sheet(ws: Worksheet, columns: tuple[Column, ...]) -> None:
    for c, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.freeze_panes = f"A{FORM_FIRST_ROW}"
    ws.print_title_rows = f"{FORM_HEADER_ROW}:{FORM_HEADER_ROW}"
    _print(ws, "landscape")


def form_workbook(form: AgencyForm) -> Workbook:
    wb = new_workbook()
    styles = StyleBook(wb)
    main = wb.active
    assert main is not None
    lead, coord, help_, meta = form_sheets(form)
    main.title = lead.title
    _fill(main, lead, styles)
    _table_sheet(main, FORM_COLUMNS)
    for dv in validations(len(form.lead)):
        main.add_data_validation(dv)
    ws = wb.create_sheet(coord.title)
    _fill(ws, coord, styles)
    _table_sheet(ws, FORM_COORD_COLUMNS)
    ws = wb.create_sheet(help_.title)
    ws.column_dimensions["A"].width = HELP_WIDTH
    _fill(ws, help_, styles)
    _print(ws, "portrait")
    ws = wb.create_sheet(meta.title)
    _fill(ws, meta, styles)
    ws.sheet_state = "veryHidden"
    for sheet in wb.worksheets:
        _protect(sheet)
    wb.active = 0
    # Structure locked: no sheet can be added, removed, renamed or unhidden by accident.
    wb.security = WorkbookProtection(lockStructure=True)
    set_properties(wb, form)
    return wb


def utc(moment: datetime) -> datetime:
    """Core properties are UTC; a naive issue time is local time."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def set_properties(wb: Workbook, form: AgencyForm) -> None:
    wb.properties.title = form.title
    wb.properties.subject = form.plan
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.created = utc(form.issued_at)
    wb.properties.modified = utc(form.issued_at)
