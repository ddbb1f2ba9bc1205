"""The "Tổng hợp" sheet of the template: static titles and headers, its chart, its printing.

The blocks' data rows are written later by headless runs (``TrackerWorkbook.write_grid``)
from row SUMMARY_FIRST_DATA_ROW down; every column carries its default style here, so
those values show as numbers, percentages and dates without styling each cell.

Printed, each block takes its own pages (a column break before it, pages ordered down then
over, the title and header rows repeated): a row never splits across pages and the blocks
come one after another, as if stacked. The chart stands beside the plan block, in a column
of its own, so the first page holds the plan's figures and the chart together.
"""

from __future__ import annotations

from ..core.layout import (
    SUMMARY_BLOCKS,
    SUMMARY_CHART_TITLE,
    SUMMARY_HEADER_ROW,
    SUMMARY_PLAN,
    SUMMARY_PRINTED,
    SUMMARY_STAMP_CELL,
    SUMMARY_TITLE_ROW,
)
from ..core.printing import fit_scale
from ..core.summary import agency_chart
from ..core.table import col_letter
from ..io.chartxml import bar_chart_xml, drawing_xml
from ..io.sheetxml import cell_xml
from .printsetup import summary_page_xml
from .styles import HEAD, NS, STYLE_BLOCK_TITLE, STYLE_BY_KIND, STYLE_HEADER, STYLE_TITLE

SUMMARY_TITLE = "Tổng hợp tiến độ thực hiện"
SEPARATOR_WIDTH = 2.7109375
CHART_NAME = "Biểu đồ tỷ lệ hoàn thành"
# Column C, between the plan block and the agency block, holds nothing but the chart: it
# never covers data however long the blocks grow.
CHART_COL = SUMMARY_PLAN.first_col + len(SUMMARY_PLAN.columns)
CHART_BAND_WIDTH = 76.0  # column C
CHART_AT = (SUMMARY_HEADER_ROW + 1, CHART_COL)  # (row, column) of its top-left cell
CHART_OFFSET = (6.0, 0.0)  # points right of and below that cell's corner
# Points. As tall as the first page leaves below the headers when a neighbouring row holds
# a long task of the overdue block (rows are as tall as their tallest cell).
CHART_SIZE = (440.0, 400.0)
REL_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
REL_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"


def _last_col() -> int:
    return max(b.first_col + len(b.columns) - 1 for b in SUMMARY_BLOCKS)


def summary_last_printed_col() -> int:
    """The print area ends with the overdue block: the chart's data block stays on screen."""
    return max(b.first_col + len(b.columns) - 1 for b in SUMMARY_PRINTED)


def page_groups() -> list[tuple[float, ...]]:
    """The widths of the columns on each printed page across: a block with the separator
    after it (the plan block with the chart's column)."""
    widths = _widths()
    starts = [b.first_col for b in SUMMARY_PRINTED]
    ends = [*(s - 1 for s in starts[1:]), summary_last_printed_col()]
    return [tuple(widths[n] for n in range(a, e + 1)) for a, e in zip(starts, ends, strict=True)]


def print_scale() -> int:
    """One scale for the sheet: the widest block fits a page's width."""
    return min(fit_scale(group) for group in page_groups())


def _widths() -> dict[int, float]:
    spec = {
        block.first_col + i: col.width
        for block in SUMMARY_BLOCKS
        for i, col in enumerate(block.columns)
    }
    spec[CHART_COL] = CHART_BAND_WIDTH
    return {n: spec.get(n, SEPARATOR_WIDTH) for n in range(1, _last_col() + 1)}


def _cols() -> str:
    spec: dict[int, tuple[float, int | None]] = {}
    for block in SUMMARY_BLOCKS:
        for i, col in enumerate(block.columns):
            spec[block.first_col + i] = (col.width, STYLE_BY_KIND[col.kind])
    out = []
    spec[CHART_COL] = (CHART_BAND_WIDTH, None)
    for n in range(1, _last_col() + 1):
        width, style = spec.get(n, (SEPARATOR_WIDTH, None))
        s = f' style="{style}"' if style is not None else ""
        out.append(f'<col min="{n}" max="{n}" width="{width}"{s} customWidth="1"/>')
    return f"<cols>{''.join(out)}</cols>"


def _rows() -> str:
    titles = "".join(
        cell_xml(f"{col_letter(b.first_col)}{SUMMARY_TITLE_ROW}", b.title, STYLE_BLOCK_TITLE)
        for b in SUMMARY_BLOCKS
    )
    headers = "".join(
        cell_xml(f"{col_letter(b.first_col + i)}{SUMMARY_HEADER_ROW}", c.header, STYLE_HEADER)
        for b in SUMMARY_BLOCKS
        for i, c in enumerate(b.columns)
    )
    stamp_row, stamp_col = SUMMARY_STAMP_CELL
    return (
        f'<row r="1">{cell_xml("A1", SUMMARY_TITLE, STYLE_TITLE)}</row>'
        # The "computed at" stamp: three wrapped lines written by every recalculation.
        f'<row r="{stamp_row}" ht="63" customHeight="1">'
        f"{cell_xml(f'{col_letter(stamp_col)}{stamp_row}', None, STYLE_BY_KIND['wrap'])}</row>"
        f'<row r="{SUMMARY_TITLE_ROW}" ht="18.75" customHeight="1">{titles}</row>'
        # Three lines of wrapped header text.
        f'<row r="{SUMMARY_HEADER_ROW}" ht="48" customHeight="1">{headers}</row>'
    )


def summary_sheet_xml(code_name: str, selected: bool) -> str:
    frozen = SUMMARY_HEADER_ROW
    top = f"A{frozen + 1}"
    tab = ' tabSelected="1"' if selected else ""
    return (
        HEAD
        + f"<worksheet {NS}>"
        + f'<sheetPr codeName="{code_name}"/>'
        + f'<dimension ref="A1:{col_letter(_last_col())}{SUMMARY_HEADER_ROW}"/>'
        + f'<sheetViews><sheetView workbookViewId="0"{tab}>'
        + f'<pane ySplit="{frozen}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
        + f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
        + "</sheetView></sheetViews>"
        + '<sheetFormatPr defaultRowHeight="15.75"/>'
        + _cols()
        + f"<sheetData>{_rows()}</sheetData>"
        + summary_page_xml(print_scale(), (b.first_col for b in SUMMARY_PRINTED))
        + '<drawing r:id="rId1"/>'
        + "</worksheet>"
    )


def _rels(rel_type: str, target: str) -> bytes:
    return (
        HEAD
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + f'<Relationship Id="rId1" Type="{rel_type}" Target="{target}"/>'
        + "</Relationships>"
    ).encode()


def summary_parts(sheet_part: str) -> list[tuple[str, bytes]]:
    """The sheet's relationship part, its drawing and the chart, in package order."""
    folder, name = sheet_part.rsplit("/", 1)
    return [
        (f"{folder}/_rels/{name}.rels", _rels(REL_DRAWING, "../drawings/drawing1.xml")),
        (
            "xl/drawings/drawing1.xml",
            drawing_xml("rId1", CHART_NAME, CHART_AT, CHART_SIZE, CHART_OFFSET),
        ),
        ("xl/drawings/_rels/drawing1.xml.rels", _rels(REL_CHART, "../charts/chart1.xml")),
        ("xl/charts/chart1.xml", bar_chart_xml(SUMMARY_CHART_TITLE, agency_chart([]))),
    ]
