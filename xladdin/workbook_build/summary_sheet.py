"""The "Tổng hợp" sheet of the template: static titles and headers, and its chart.

The blocks' data rows are written later by headless runs (``TrackerWorkbook.write_grid``)
from row SUMMARY_FIRST_DATA_ROW down; every column carries its default style here, so
those values show as numbers, percentages and dates without styling each cell.
"""

from __future__ import annotations

from ..core.layout import (
    SUMMARY_BLOCKS,
    SUMMARY_CHART_TITLE,
    SUMMARY_HEADER_ROW,
    SUMMARY_STAMP_CELL,
    SUMMARY_TITLE_ROW,
)
from ..core.summary import agency_chart
from ..core.table import col_letter
from ..io.chartxml import bar_chart_xml, drawing_xml
from ..io.sheetxml import cell_xml
from .styles import HEAD, NS, STYLE_BLOCK_TITLE, STYLE_BY_KIND, STYLE_HEADER, STYLE_TITLE

SUMMARY_TITLE = "Tổng hợp tiến độ thực hiện"
SEPARATOR_WIDTH = 2.7109375
CHART_NAME = "Biểu đồ tỷ lệ hoàn thành"
# Below the plan block (its 16 rows end at row 20), over columns A–C, which no other
# block uses: the chart never covers data however many agencies there are.
CHART_FROM = (23, 1)  # (row, column) of its top-left cell
CHART_TO = (46, 4)  # the chart ends where this cell begins
REL_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
REL_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"


def _last_col() -> int:
    return max(b.first_col + len(b.columns) - 1 for b in SUMMARY_BLOCKS)


def _cols() -> str:
    spec: dict[int, tuple[float, int | None]] = {}
    for block in SUMMARY_BLOCKS:
        for i, col in enumerate(block.columns):
            spec[block.first_col + i] = (col.width, STYLE_BY_KIND[col.kind])
    out = []
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
        + '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        # Printed at full size over several pages: the blocks side by side fitted to one
        # page width would be unreadable.
        + '<pageSetup paperSize="9" orientation="landscape"/>'
        # The chart starts a page, so it is never printed in two halves.
        + f'<rowBreaks count="1" manualBreakCount="1"><brk id="{CHART_FROM[0] - 1}" '
        + 'max="16383" man="1"/></rowBreaks>'
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
        ("xl/drawings/drawing1.xml", drawing_xml("rId1", CHART_NAME, CHART_FROM, CHART_TO)),
        ("xl/drawings/_rels/drawing1.xml.rels", _rels(REL_CHART, "../charts/chart1.xml")),
        ("xl/charts/chart1.xml", bar_chart_xml(SUMMARY_CHART_TITLE, agency_chart([]))),
    ]
