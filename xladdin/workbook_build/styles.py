"""Cell styles and conditional formats of the template workbook.

Row colours and the highlight of findings are conditional formats, not cell fills:
headless writes never touch them (they live outside ``<sheetData>``), and Excel and
LibreOffice recolour the rows by themselves whenever a value or "Kiểm tra" changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from ..core.chart import quote_sheet
from ..core.layout import (
    CHECK_COLUMNS,
    DUE_DONE_LATE,
    DUE_DONE_ON_TIME,
    DUE_OVERDUE,
    DUE_SOON,
    FINDING_FILL,
    FIRST_DATA_ROW,
    LEVEL_LABELS,
    SHEET_CHECKS,
    STATUS_NOT_STARTED,
    TASK_COLOURS,
    Column,
    Level,
)
from ..core.table import col_letter

HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)

# Cell style indices of STYLES below, by column kind.
STYLE_HEADER = 1
STYLE_BY_KIND = {
    "text": 2,
    "wrap": 3,
    "number": 4,
    "percent": 9,
    "date": 5,
    "datetime": 6,
    "code": 7,
}
STYLE_TITLE = 8
STYLE_BLOCK_TITLE = 10
PERCENT_FORMAT = "0.0%"
LAST_FORMATTED_ROW = 20000  # as far as the validations of "Nhiệm vụ" reach

# Differential formats: the finding highlight first, then one per row colour.
DXF_FINDING = 0
DXF_BY_CLASS = {name: i for i, (name, _, _) in enumerate(TASK_COLOURS, start=1)}
FINDING_FONT = "FFC00000"


def _solid(argb: str) -> str:
    # Both colours: Excel paints a differential solid fill with bgColor, other readers
    # have used fgColor; giving both the same value leaves nothing to interpret.
    return (
        f'<fill><patternFill patternType="solid"><fgColor rgb="{argb}"/><bgColor rgb="{argb}"/>'
        "</patternFill></fill>"
    )


def _dxfs() -> str:
    side = f'style="thin"><color rgb="{FINDING_FONT}"/>'
    finding = (
        f'<dxf><font><b/><color rgb="{FINDING_FONT}"/></font>{_solid(FINDING_FILL)}'
        f"<border><left {side}</left><right {side}</right><top {side}</top>"
        f"<bottom {side}</bottom></border></dxf>"
    )
    rows = "".join(
        f"<dxf>{'<font><b/></font>' if name in BOLD_CLASSES else ''}{_solid(argb)}</dxf>"
        for name, argb, _ in TASK_COLOURS
    )
    return f'<dxfs count="{1 + len(TASK_COLOURS)}">{finding}{rows}</dxfs>'


# The row colour classes whose text is also bold: a cue that needs no colour vision.
BOLD_CLASSES = frozenset({"overdue"})
# The legend of the row colours on "Nhiệm vụ": a title cell, then one cell per class with
# its fill (cell styles, not conditional formats: they never change).
STYLE_LEGEND_TITLE = 11
STYLE_LEGEND = {name: 12 + i for i, (name, _, _) in enumerate(TASK_COLOURS)}
_FIRST_LEGEND_FILL = 3


def _legend_fills() -> str:
    return "".join(_solid(argb) for _, argb, _ in TASK_COLOURS)


def _legend_xfs() -> str:
    title = (
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
        'applyAlignment="1"><alignment horizontal="right" vertical="center"/></xf>'
    )
    cells = "".join(
        f'<xf numFmtId="0" fontId="{1 if name in BOLD_CLASSES else 0}" '
        f'fillId="{_FIRST_LEGEND_FILL + i}" borderId="1" xfId="0" applyFont="1" applyFill="1" '
        'applyBorder="1" applyAlignment="1">'
        '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
        for i, (name, _, _) in enumerate(TASK_COLOURS)
    )
    return title + cells


_BORDER = '<{0} style="thin"><color rgb="FF8EA9DB"/></{0}>'
STYLES = (
    HEAD + '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm:ss"/>'
    f'<numFmt numFmtId="166" formatCode="{PERCENT_FORMAT}"/></numFmts>'
    '<fonts count="3">'
    '<font><sz val="12"/><name val="Times New Roman"/><family val="1"/></font>'
    '<font><b/><sz val="12"/><name val="Times New Roman"/><family val="1"/></font>'
    '<font><b/><sz val="14"/><name val="Times New Roman"/><family val="1"/></font>'
    "</fonts>"
    f'<fills count="{3 + len(TASK_COLOURS)}"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/>'
    "</patternFill></fill>" + _legend_fills() + "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    f"<border>{''.join(_BORDER.format(s) for s in ('left', 'right', 'top', 'bottom'))}"
    "<diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{12 + len(TASK_COLOURS)}">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment horizontal="right" vertical="top"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="top"/></xf>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyAlignment="1"><alignment horizontal="left" vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyAlignment="1"><alignment horizontal="right" vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyAlignment="1"><alignment vertical="center"/></xf>' + _legend_xfs() + "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    + _dxfs()
    + "</styleSheet>"
)


def _text(value: str) -> str:
    """A string literal inside a formula."""
    return '"' + value.replace('"', '""') + '"'


def _letters(columns: Sequence[Column]) -> dict[str, str]:
    return {c.field: col_letter(i) for i, c in enumerate(columns, start=1)}


def finding_formula(sheet: str) -> str:
    """True for a cell that a row of "Kiểm tra" names (sheet, row, column header).

    Written for a range starting in column A: the header reference keeps its row, so
    every cell compares with its own column's header (row 1) and its own ROW()."""
    check = _letters(CHECK_COLUMNS)
    q = quote_sheet(SHEET_CHECKS)
    rng = {f: f"{q}!${c}:${c}" for f, c in check.items()}
    return f"COUNTIFS({rng['sheet']},{_text(sheet)},{rng['row']},ROW(),{rng['column']},A$1)>0"


def task_class_formulas(columns: Sequence[Column]) -> dict[str, str]:
    """Formula of each row colour class of "Nhiệm vụ", for the first data row."""
    col = _letters(columns)
    r = FIRST_DATA_ROW
    due = f"${col['due_state']}{r}"
    level = f"${col['level']}{r}"
    status = f"${col['status']}{r}"
    leaf = f"{level}={_text(LEVEL_LABELS[Level.TASK])}"
    # Only leaf tasks are coloured: a section or group stays plain even if a stale or
    # hand-typed due state sits in its row.
    return {
        "overdue": f"AND({leaf},{due}={_text(DUE_OVERDUE)})",
        "done_late": f"AND({leaf},{due}={_text(DUE_DONE_LATE)})",
        "done_on_time": f"AND({leaf},{due}={_text(DUE_DONE_ON_TIME)})",
        "due_soon": f"AND({leaf},{due}={_text(DUE_SOON)})",
        "not_started": f'AND({leaf},OR(TRIM({status})="",{status}={_text(STATUS_NOT_STARTED)}))',
        "in_progress": leaf,
    }


def _rule(formula: str, dxf: int, priority: int) -> str:
    return (
        f'<cfRule type="expression" dxfId="{dxf}" priority="{priority}" stopIfTrue="1">'
        f"<formula>{escape(formula)}</formula></cfRule>"
    )


def conditional_xml(sheet: str, columns: Sequence[Column], *, row_colours: bool) -> str:
    """The ``<conditionalFormatting>`` of a table sheet: the finding highlight with the
    highest priority, then (for "Nhiệm vụ") the row colours in TASK_COLOURS order.

    One element holding every rule: LibreOffice applies the first matching rule of a
    range, Excel the rules in priority order with stopIfTrue, so both agree."""
    first = FIRST_DATA_ROW
    rules = [_rule(finding_formula(sheet), DXF_FINDING, 1)]
    if row_colours:
        formulas = task_class_formulas(columns)
        for n, (name, _, _) in enumerate(TASK_COLOURS, start=2):
            rules.append(_rule(formulas[name], DXF_BY_CLASS[name], n))
    sqref = f"A{first}:{col_letter(len(columns))}{LAST_FORMATTED_ROW}"
    return f'<conditionalFormatting sqref="{sqref}">{"".join(rules)}</conditionalFormatting>'
