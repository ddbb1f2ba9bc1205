"""The template's formats and "Tổng hợp" sheet: styles, conditional formats, blocks, chart.

Formulas are checked against the header positions read from the built sheets, not against
the builder's own helpers, so a column moved in the layout without the rules following it
fails here.
"""

from __future__ import annotations

import re

import openpyxl
import pytest
from lxml import etree

from xladdin.core.layout import (
    DUE_DONE_LATE,
    DUE_DONE_ON_TIME,
    DUE_OVERDUE,
    DUE_SOON,
    FINDING_FILL,
    SHEET_AGENCIES,
    SHEET_CHECKS,
    SHEET_CONFIG,
    SHEET_LOG,
    SHEET_SUMMARY,
    SHEET_TASKS,
    STATUS_NOT_STARTED,
    SUMMARY_BLOCKS,
    SUMMARY_CHART_TITLE,
    SUMMARY_FIRST_DATA_ROW,
    SUMMARY_HEADER_ROW,
    SUMMARY_TITLE_ROW,
    TASK_COLOURS,
)
from xladdin.core.table import col_index, col_letter
from xladdin.io.chartxml import NS_A, NS_CHART, NS_XDR, first_chart_part
from xladdin.io.xlsxpkg import NS_MAIN, NS_REL, XlsxPackage, parse_xml
from xladdin.workbook_build.build import WORKBOOK_PATH

M = f"{{{NS_MAIN}}}"
C = f"{{{NS_CHART}}}"


@pytest.fixture(scope="module")
def pkg() -> XlsxPackage:
    return XlsxPackage.from_path(WORKBOOK_PATH)


def _sheet(pkg: XlsxPackage, name: str) -> etree._Element:
    return parse_xml(pkg.read(pkg.sheet_part(name)))


def _cells(root: etree._Element, row: int) -> dict[str, etree._Element]:
    """Cells of one row by column letters."""
    out: dict[str, etree._Element] = {}
    for r in root.iter(f"{M}row"):
        if r.get("r") == str(row):
            for c in r.iter(f"{M}c"):
                out[re.sub(r"\d", "", c.get("r", ""))] = c
    return out


def _text(c: etree._Element) -> str:
    return "".join(t.text or "" for t in c.iter(f"{M}t"))


def _header_letters(pkg: XlsxPackage, sheet: str) -> dict[str, str]:
    """The table's headers: row 1 from column A to the first empty column (the legend of the
    row colours of "Nhiệm vụ" follows that gap)."""
    cells = _cells(_sheet(pkg, sheet), 1)
    out: dict[str, str] = {}
    n = 1
    while col_letter(n) in cells and _text(cells[col_letter(n)]):
        out[_text(cells[col_letter(n)])] = col_letter(n)
        n += 1
    return out


def _styles(pkg: XlsxPackage) -> etree._Element:
    return parse_xml(pkg.read("xl/styles.xml"))


def _number_format(pkg: XlsxPackage, style: int) -> str:
    styles = _styles(pkg)
    xf = styles.findall(f"{M}cellXfs/{M}xf")[style]
    fmts = {"0": "General", "49": "@"}  # the built-in formats used here
    fmts.update({f.get("numFmtId", ""): f.get("formatCode", "") for f in styles.iter(f"{M}numFmt")})
    return fmts[xf.get("numFmtId", "0")]


def _is_bold(pkg: XlsxPackage, style: int) -> bool:
    styles = _styles(pkg)
    xf = styles.findall(f"{M}cellXfs/{M}xf")[style]
    font = styles.findall(f"{M}fonts/{M}font")[int(xf.get("fontId", "0"))]
    return font.find(f"{M}b") is not None


def _dxf_fill(pkg: XlsxPackage, index: int) -> str:
    dxf = _styles(pkg).findall(f"{M}dxfs/{M}dxf")[index]
    fill = dxf.find(f"{M}fill/{M}patternFill/{M}bgColor")
    assert fill is not None
    return fill.get("rgb", "")


def _rules(root: etree._Element) -> tuple[str, list[etree._Element]]:
    formats = root.findall(f"{M}conditionalFormatting")
    assert len(formats) == 1
    rules = sorted(formats[0].iter(f"{M}cfRule"), key=lambda r: int(r.get("priority", "0")))
    return formats[0].get("sqref", ""), rules


# -- styles ------------------------------------------------------------------------------
def test_dxfs_hold_the_finding_fill_then_the_row_colours(pkg: XlsxPackage) -> None:
    dxfs = _styles(pkg).find(f"{M}dxfs")
    assert dxfs is not None and dxfs.get("count") == str(len(dxfs)) == str(1 + len(TASK_COLOURS))
    fills = [_dxf_fill(pkg, i) for i in range(len(dxfs))]
    assert fills == [FINDING_FILL, *(argb for _, argb, _ in TASK_COLOURS)]
    finding_font = dxfs[0].find(f"{M}font")
    assert finding_font is not None and finding_font.find(f"{M}b") is not None


def test_cell_xf_count_matches(pkg: XlsxPackage) -> None:
    xfs = _styles(pkg).find(f"{M}cellXfs")
    assert xfs is not None and xfs.get("count") == str(len(xfs))


# -- conditional formats --------------------------------------------------------------------
def _finding_formula(pkg: XlsxPackage, sheet: str) -> str:
    check = _header_letters(pkg, SHEET_CHECKS)
    a, b, c = (check[h] for h in ("Trang tính", "Dòng", "Cột"))
    q = "'Kiểm tra'"
    return f'COUNTIFS({q}!${a}:${a},"{sheet}",{q}!${b}:${b},ROW(),{q}!${c}:${c},A$1)>0'


@pytest.mark.parametrize("sheet", [SHEET_TASKS, SHEET_AGENCIES, SHEET_CONFIG])
def test_finding_rule_comes_first_and_names_sheet_row_and_header(
    pkg: XlsxPackage, sheet: str
) -> None:
    root = _sheet(pkg, sheet)
    sqref, rules = _rules(root)
    last = max(_header_letters(pkg, sheet).values(), key=col_index)
    assert sqref == f"A2:{last}20000"
    first = rules[0]
    assert first.get("priority") == "1" and first.get("type") == "expression"
    assert first.findtext(f"{M}formula") == _finding_formula(pkg, sheet)
    assert _dxf_fill(pkg, int(first.get("dxfId", "-1"))) == FINDING_FILL
    priorities = [r.get("priority") for r in root.iter(f"{M}cfRule")]
    assert len(priorities) == len(set(priorities))


@pytest.mark.parametrize("sheet", [SHEET_CHECKS, SHEET_LOG, SHEET_SUMMARY])
def test_other_sheets_have_no_conditional_formats(pkg: XlsxPackage, sheet: str) -> None:
    assert _sheet(pkg, sheet).find(f"{M}conditionalFormatting") is None


def test_task_row_colours_follow_the_columns_by_header(pkg: XlsxPackage) -> None:
    root = _sheet(pkg, SHEET_TASKS)
    _, rules = _rules(root)
    cols = _header_letters(pkg, SHEET_TASKS)
    level, status, due = cols["Cấp"], cols["Trạng thái"], cols["Tình trạng hạn"]
    leaf = f'${level}2="Nhiệm vụ"'
    expected = {
        "overdue": f'AND({leaf},${due}2="{DUE_OVERDUE}")',
        "done_late": f'AND({leaf},${due}2="{DUE_DONE_LATE}")',
        "done_on_time": f'AND({leaf},${due}2="{DUE_DONE_ON_TIME}")',
        "due_soon": f'AND({leaf},${due}2="{DUE_SOON}")',
        "not_started": f'AND({leaf},OR(TRIM(${status}2)="",${status}2="{STATUS_NOT_STARTED}"))',
        "in_progress": leaf,
    }
    colour_rules = rules[1:]
    assert len(colour_rules) == len(TASK_COLOURS)
    for rule, (name, argb, _) in zip(colour_rules, TASK_COLOURS, strict=True):
        assert rule.findtext(f"{M}formula") == expected[name], name
        assert _dxf_fill(pkg, int(rule.get("dxfId", "-1"))) == argb, name
    assert all(r.get("stopIfTrue") == "1" for r in rules)


# -- "Tổng hợp" ------------------------------------------------------------------------
def test_summary_titles_headers_and_column_styles(pkg: XlsxPackage) -> None:
    root = _sheet(pkg, SHEET_SUMMARY)
    assert _text(_cells(root, 1)["A"]) == "Tổng hợp tiến độ thực hiện"
    titles, headers = _cells(root, SUMMARY_TITLE_ROW), _cells(root, SUMMARY_HEADER_ROW)
    cols: dict[int, etree._Element] = {}
    for col in root.iter(f"{M}col"):
        for n in range(int(col.get("min", "0")), int(col.get("max", "0")) + 1):
            cols[n] = col
    used: set[int] = set()
    for block in SUMMARY_BLOCKS:
        title = titles[col_letter(block.first_col)]
        assert _text(title) == block.title and _is_bold(pkg, int(title.get("s", "0")))
        for i, column in enumerate(block.columns):
            n = block.first_col + i
            used.add(n)
            cell = headers[col_letter(n)]
            assert _text(cell) == column.header
            assert _is_bold(pkg, int(cell.get("s", "0")))
            assert float(cols[n].get("width", "0")) == column.width
            fmt = _number_format(pkg, int(cols[n].get("style", "0")))
            assert fmt == {"percent": "0.0%", "date": "dd/mm/yyyy", "code": "@"}.get(
                column.kind, "General"
            ), (block.title, column.header)
    separators = set(range(1, max(used) + 1)) - used
    # C holds the chart beside the plan block; the others separate the blocks.
    assert {col_letter(n) for n in separators} == {"C", "P", "Y", "AG"}
    for n in separators - {3}:
        assert float(cols[n].get("width", "99")) < 4 and cols[n].get("style") is None
    assert float(cols[3].get("width", "0")) > 50 and cols[3].get("style") is None
    assert not any(int(r.get("r", "0")) >= SUMMARY_FIRST_DATA_ROW for r in root.iter(f"{M}row"))


def test_summary_drawing_holds_the_bar_chart(pkg: XlsxPackage) -> None:
    part = pkg.sheet_part(SHEET_SUMMARY)
    drawing_el = _sheet(pkg, SHEET_SUMMARY).find(f"{M}drawing")
    assert drawing_el is not None
    kind, drawing = pkg.rels_of(part)[drawing_el.get(f"{{{NS_REL}}}id", "")]
    assert kind.endswith("/drawing")
    anchor = parse_xml(pkg.read(drawing)).find(f"{{{NS_XDR}}}oneCellAnchor")
    assert anchor is not None
    start = anchor.find(f"{{{NS_XDR}}}from")
    assert start is not None
    # Beside the plan block (rows 5-20), in column C, which no block uses; a fixed size, so
    # rows made taller by wrapped text never stretch it.
    assert (int(start.findtext(f"{{{NS_XDR}}}row", "")), start.findtext(f"{{{NS_XDR}}}col")) == (
        SUMMARY_FIRST_DATA_ROW - 1,
        "2",
    )
    ext = anchor.find(f"{{{NS_XDR}}}ext")
    assert ext is not None and int(ext.get("cx", "0")) > 0 and int(ext.get("cy", "0")) > 0
    chart = first_chart_part(pkg, part)
    assert chart is not None
    ct = pkg.read("[Content_Types].xml").decode()
    assert f'PartName="/{chart}" ContentType="{_CT_CHART}"' in ct
    assert f'PartName="/{drawing}" ContentType="{_CT_DRAWING}"' in ct
    root = parse_xml(pkg.read(chart))
    bar = root.find(f"{C}chart/{C}plotArea/{C}barChart")
    assert bar is not None
    assert bar.find(f"{C}barDir").get("val") == "bar"  # type: ignore[union-attr]
    assert bar.find(f"{C}grouping").get("val") == "clustered"  # type: ignore[union-attr]
    assert root.find(f"{C}chart/{C}legend") is None
    title = "".join(t.text or "" for t in root.iter(f"{{{NS_A}}}t"))
    assert title == SUMMARY_CHART_TITLE
    ser = bar.find(f"{C}ser")
    assert ser is not None
    assert ser.findtext(f"{C}tx/{C}strRef/{C}f") == "'Tổng hợp'!$AI$4"
    assert ser.findtext(f"{C}cat/{C}strRef/{C}f") == "'Tổng hợp'!$AH$5:$AH$5"
    assert ser.findtext(f"{C}val/{C}numRef/{C}f") == "'Tổng hợp'!$AI$5:$AI$5"
    assert ser.findtext(f"{C}val/{C}numRef/{C}numCache/{C}formatCode") == "0.0%"
    # The refs point at the chart's data block (at most 25 bars): names, then rate.
    headers = _cells(_sheet(pkg, SHEET_SUMMARY), SUMMARY_HEADER_ROW)
    assert _text(headers["AH"]) == "Cơ quan chủ trì" and _text(headers["AI"]) == "Tỷ lệ hoàn thành"


_CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"


def test_openpyxl_opens_the_template(pkg: XlsxPackage) -> None:
    wb = openpyxl.load_workbook(WORKBOOK_PATH, keep_vba=True)
    try:
        ws = wb[SHEET_SUMMARY]
        assert ws["D4"].value == "Cơ quan chủ trì" and ws["A3"].font.b
        rules = wb[SHEET_TASKS].conditional_formatting
        assert sum(len(cf.rules) for cf in rules) == 1 + len(TASK_COLOURS)
    finally:
        wb.close()
