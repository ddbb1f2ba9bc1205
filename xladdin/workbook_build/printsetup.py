"""How the template's sheets print: landscape A4, the columns a reader needs, headers repeated.

Everything here lives outside ``<sheetData>`` (page setup, breaks, footer) or in
``workbook.xml`` (the print areas and print titles), so headless writes never touch it and a
sheet prints the same after every write. The numbers come from :mod:`xladdin.core.printing`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from ..core.chart import quote_sheet
from ..core.layout import (
    SHEET_SUMMARY,
    SHEET_TASKS,
    SUMMARY_HEADER_ROW,
    SUMMARY_TITLE_ROW,
    TASK_COLOURS,
    Column,
)
from ..core.printing import (
    MARGIN_BOTTOM,
    MARGIN_FOOTER,
    MARGIN_HEADER,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAPER_A4,
    PRINTED_SHEETS,
    fit_scale,
    printed_columns,
)
from ..core.table import col_letter
from ..io.sheetxml import cell_xml
from .styles import BOLD_CLASSES, STYLE_LEGEND, STYLE_LEGEND_TITLE

LEGEND_TITLE = "Màu các dòng nhiệm vụ:"
LEGEND_WIDTH = 19.0
_MAX_ROW = 1_048_576


def _margins() -> str:
    return (
        f'<pageMargins left="{MARGIN_LEFT}" right="{MARGIN_RIGHT}" top="{MARGIN_TOP}" '
        f'bottom="{MARGIN_BOTTOM}" header="{MARGIN_HEADER}" footer="{MARGIN_FOOTER}"/>'
    )


def _footer(left: str = "") -> str:
    # &A the sheet's name, &P the page, &N the pages (Excel's and LibreOffice's codes).
    text = (f"&L{left}" if left else "") + "&R&A – trang &P/&N"
    return f"<headerFooter><oddFooter>{escape(text)}</oddFooter></headerFooter>"


def table_page_xml(sheet: str, columns: Sequence[Column]) -> str:
    """Page setup of a table sheet: landscape A4, one page wide. The scale written is the
    one that fits the printed columns (Excel and LibreOffice compute their own from
    ``fitToWidth``; readers that do not, print at this scale)."""
    scale = fit_scale(c.width for c in printed_columns(sheet, columns))
    setup = (
        f'<pageSetup paperSize="{PAPER_A4}" scale="{scale}" fitToWidth="1" fitToHeight="0" '
        'orientation="landscape"/>'
    )
    return _margins() + setup + _footer(_footer_left(sheet))


# The colours by name, for the printed legend (the README names them the same way).
COLOUR_WORDS = {
    "overdue": "đỏ",
    "done_late": "cam",
    "done_on_time": "xanh lá",
    "due_soon": "vàng",
    "not_started": "xám",
    "in_progress": "xanh dương",
}


def _footer_left(sheet: str) -> str:
    """The legend of the row colours in words, at the foot of each page of "Nhiệm vụ"."""
    if sheet != SHEET_TASKS:
        return ""
    return "Màu dòng: " + "; ".join(
        f"{COLOUR_WORDS[name]} – {label.lower()}" + (" (chữ đậm)" if name in BOLD_CLASSES else "")
        for name, _, label in TASK_COLOURS
    )


def summary_page_xml(scale: int, block_starts: Iterable[int]) -> str:
    """Page setup of "Tổng hợp": each block its own pages, top to bottom, then the next block
    (a column break before each block, pages ordered down then over), at a fixed scale:
    Excel ignores manual breaks on a sheet fitted to a page."""
    breaks = sorted(c - 1 for c in block_starts if c > 1)  # id = columns left of the break
    brks = "".join(f'<brk id="{b}" max="{_MAX_ROW - 1}" man="1"/>' for b in breaks)
    return (
        _margins() + f'<pageSetup paperSize="{PAPER_A4}" scale="{scale}" pageOrder="downThenOver" '
        'orientation="landscape"/>'
        + _footer()
        + f'<colBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">{brks}</colBreaks>'
    )


def defined_names(sheets: Sequence[tuple[str, int]]) -> str:
    """``_xlnm.Print_Titles`` and ``_xlnm.Print_Area`` of every printed sheet; ``sheets``
    gives each sheet's name and the number of its last printed column."""
    out = []
    for index, (name, last_col) in enumerate(sheets):
        if name not in PRINTED_SHEETS:
            continue
        q = quote_sheet(name)
        first, last = (SUMMARY_TITLE_ROW, SUMMARY_HEADER_ROW) if name == SHEET_SUMMARY else (1, 1)
        area = f"{q}!$A:${col_letter(last_col)}"
        out.append(
            f'<definedName name="_xlnm.Print_Area" localSheetId="{index}">'
            f"{escape(area)}</definedName>"
        )
        out.append(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
            f"{escape(q)}!${first}:${last}</definedName>"
        )
    return "".join(out)


def legend_cols(first_col: int) -> str:
    """``<col>`` elements of the legend's columns (right of the table, beyond its print area)."""
    return "".join(
        f'<col min="{n}" max="{n}" width="{LEGEND_WIDTH}" customWidth="1"/>'
        for n in range(first_col, first_col + 1 + len(TASK_COLOURS))
    )


def legend_cells(first_col: int) -> str:
    """The legend in the header row: a title, then one cell per row colour, filled with it
    and naming what it means."""
    title = cell_xml(f"{col_letter(first_col)}1", LEGEND_TITLE, STYLE_LEGEND_TITLE)
    cells = "".join(
        cell_xml(f"{col_letter(first_col + 1 + i)}1", label, STYLE_LEGEND[name])
        for i, (name, _, label) in enumerate(TASK_COLOURS)
    )
    return title + cells
