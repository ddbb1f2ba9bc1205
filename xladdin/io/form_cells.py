"""Where each value of a form goes and how its cell looks: the one description of a form's cells.

Two writers lay it out: :mod:`xladdin.io.form_book` builds it with openpyxl (the reference, and
the template every form's fixed parts come from) and :mod:`xladdin.io.form_io` writes each
form's sheets as XML from it, which is what ``theodoi forms`` does 200 times a run. Because
both read the same :class:`SheetCells`, they cannot disagree on a value, a look or a height.

A look is how openpyxl styles a cell (:class:`Look`: a key and a function of the cell); it is
applied after the body font, the way every cell of a form has been styled since the first
version, so a look says only what differs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

from ..core.form_content import AgencyForm, FormTask, coord_header_lines, header_lines, instructions
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
    Column,
)
from ..core.model import as_date
from ..core.printing import height_of, row_height

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
TIME_TYPES = (datetime, date, time, timedelta)


def font(*, bold: bool = False, italic: bool = False, size: float = FONT_SIZE) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


BODY_FONT = font()


@dataclass(frozen=True)
class Look:
    """How a cell looks: ``build`` styles an openpyxl cell that already has the body font.
    Cells with equal keys look alike."""

    key: Hashable
    build: Callable[[Cell], None] = field(compare=False)


# (row, column, value, look); value as stored (see :func:`clean`)
PlacedCell = tuple[int, int, Any, Look]


@dataclass(frozen=True)
class SheetCells:
    """One sheet's cells in row order and the rows given a height (points)."""

    title: str
    cells: tuple[PlacedCell, ...]
    heights: dict[int, float]

    def dimension(self) -> tuple[int, int, int, int]:
        """(first row, first column, last row, last column) of the cells; (1, 1, 1, 1) if none."""
        if not self.cells:
            return 1, 1, 1, 1
        rows = [c[0] for c in self.cells]
        cols = [c[1] for c in self.cells]
        return min(rows), min(cols), max(rows), max(cols)


def clean(value: Any) -> Any:
    """A value as a form stores it: XML-illegal control characters dropped (a .xlsx cannot
    hold them, so the tracker cannot either); a whole float as an integer ("50", not "50.0",
    in every viewer)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def timed(value: Any) -> type | None:
    """The kind of time value ``value`` is: openpyxl gives each its own number format, which a
    look may replace, so it is part of the look."""
    return type(value) if isinstance(value, TIME_TYPES) else None


# -- looks --------------------------------------------------------------------------------------


def _block(title: bool, note: bool) -> Look:
    def build(cell: Cell) -> None:
        cell.font = font(bold=title, size=14 if title else FONT_SIZE, italic=note)
        cell.protection = _LOCKED

    return Look(("block", title, note), build)


_BLOCK = {(title, note): _block(title, note) for title in (False, True) for note in (False, True)}


def _label(cell: Cell) -> None:
    # Column A is as narrow as a task key: the label takes two lines there.
    cell.protection = _LOCKED
    cell.alignment = Alignment(horizontal="right", wrap_text=True)


def _report_date(cell: Cell) -> None:
    cell.protection = _UNLOCKED
    cell.fill = _EDITABLE_FILL
    cell.border = _BORDER
    cell.number_format = DATE_FORMAT
    cell.alignment = Alignment(horizontal="left")


def _header(cell: Cell) -> None:
    cell.font = font(bold=True)
    cell.fill = _HEADER_FILL
    cell.alignment = _HEADER_ALIGN
    cell.border = _BORDER
    cell.protection = _LOCKED


LABEL = Look("report-date-label", _label)
REPORT_DATE = Look("report-date", _report_date)
HEADER = Look("header", _header)


@cache
def body_look(col: Column, editable: bool, dated: bool) -> Look:
    """How a body cell of ``col`` looks: what the column's definition says, nothing per task
    except whether the value is a date."""
    fills = editable and col.field in FORM_EDITABLE

    def build(cell: Cell) -> None:
        cell.alignment = _TOP_WRAP
        cell.border = _BORDER
        # A blank date cell the agency fills ("Ngày hoàn thành") shows what it types as a date.
        if col.kind == "date" and (dated or fills):
            cell.number_format = DATE_FORMAT
        elif col.kind in ("wrap", "code", "text") and col.field not in ("status",):
            cell.number_format = TEXT_FORMAT
        if fills:
            cell.protection = _UNLOCKED
            cell.fill = _EDITABLE_FILL
        else:
            cell.protection = _LOCKED

    return Look((col.kind, col.field, fills, dated), build)


@cache
def help_look(style: str) -> Look:
    def build(cell: Cell) -> None:
        cell.alignment = _TOP_WRAP
        if style == "title":
            cell.font = font(bold=True, size=14)
        elif style == "head":
            cell.font = font(bold=True)

    return Look(("help", style), build)


def _text(cell: Cell) -> None:
    cell.number_format = TEXT_FORMAT


META = Look("meta", _text)


# -- sheets -------------------------------------------------------------------------------------


def _header_block(lines: dict[tuple[int, int], str]) -> Iterator[PlacedCell]:
    label = (FORM_REPORT_DATE_CELL[0], FORM_REPORT_DATE_CELL[1] - 1)
    for (row, col), text in lines.items():
        look = LABEL if (row, col) == label else _BLOCK[(row == 1, row == 5)]
        yield row, col, clean(text), look


def _table(
    columns: Sequence[Column], tasks: Sequence[FormTask], editable: bool
) -> tuple[list[PlacedCell], dict[int, float]]:
    """The header row and one row per task, and the heights that show their wrapped text (the
    tracker's estimate, :func:`xladdin.core.printing.row_height`): neither Excel nor LibreOffice
    sizes the rows of a generated file on open, so heights are written."""
    widths = [col.width for col in columns]
    cells: list[PlacedCell] = []
    heights: dict[int, float] = {}
    rows: list[tuple[int, list[Any]]] = [(FORM_HEADER_ROW, [clean(col.header) for col in columns])]
    cells.extend((FORM_HEADER_ROW, c, v, HEADER) for c, v in enumerate(rows[0][1], start=1))
    for r, task in enumerate(tasks, start=FORM_FIRST_ROW):
        values = []
        for c, col in enumerate(columns, start=1):
            value = task.value(col.field)
            dated = False
            if col.kind == "date":
                value = as_date(value) or value
                dated = as_date(value) is not None
            value = clean(value)
            values.append(value)
            cells.append((r, c, value, body_look(col, editable, dated)))
        rows.append((r, values))
    # Every header and body look wraps its text.
    for r, values in rows:
        height = row_height(
            (v, w) for v, w in zip(values, widths, strict=True) if isinstance(v, str)
        )
        if height is not None:
            heights[r] = height
    return cells, heights


def _sheet(title: str, cells: list[PlacedCell], heights: dict[int, float]) -> SheetCells:
    return SheetCells(title, tuple(sorted(cells, key=lambda c: (c[0], c[1]))), heights)


def form_sheet(form: AgencyForm) -> SheetCells:
    row, col = FORM_REPORT_DATE_CELL
    cells = [*_header_block(header_lines(form)), (row, col, None, REPORT_DATE)]
    table, heights = _table(FORM_COLUMNS, form.lead, editable=True)
    return _sheet(FORM_SHEET, cells + table, {row: height_of(2), **heights})


def coord_sheet(form: AgencyForm) -> SheetCells:
    table, heights = _table(FORM_COORD_COLUMNS, form.coordinating, editable=False)
    return _sheet(FORM_COORD_SHEET, [*_header_block(coord_header_lines(form)), *table], heights)


def help_sheet(form: AgencyForm) -> SheetCells:
    cells: list[PlacedCell] = []
    heights: dict[int, float] = {}
    for r, (style, text) in enumerate(instructions(form), start=1):
        value = clean(text) or None
        cells.append((r, 1, value, help_look(style)))
        height = row_height([(value, HELP_WIDTH)] if value else [])
        if height is not None:
            heights[r] = height
    return _sheet(FORM_HELP_SHEET, cells, heights)


def meta_sheet(form: AgencyForm) -> SheetCells:
    cells: list[PlacedCell] = []
    for r, (key, value) in enumerate(form.metadata().items(), start=1):
        cells.extend((r, c, clean(text), META) for c, text in ((1, key), (2, value)))
    return _sheet(FORM_META_SHEET, cells, {})


def form_sheets(form: AgencyForm) -> tuple[SheetCells, ...]:
    """The form's four sheets in order: the lead tasks, the coordination tasks, the
    instructions, the (very hidden) metadata."""
    return form_sheet(form), coord_sheet(form), help_sheet(form), meta_sheet(form)
