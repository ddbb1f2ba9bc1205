"""How the shipped tracker prints, read from its XML: landscape A4, a print area of the columns
a reader needs, the header rows repeated, a scale no smaller than MIN_PRINT_SCALE; "Tổng hợp"
a block per page column; and row colours a colour-blind reader can tell apart (WCAG
contrast, computed here from the fills in styles.xml)."""

from __future__ import annotations

import math
import re

import pytest
from lxml import etree

from xladdin.core.layout import (
    SHEET_AGENCIES,
    SHEET_CHECKS,
    SHEET_CONFIG,
    SHEET_LOG,
    SHEET_SUMMARY,
    SHEET_TASKS,
    SUMMARY_PRINTED,
    TASK_COLOURS,
    TASK_COLUMNS,
)
from xladdin.core.printing import MIN_PRINT_SCALE, PRINT_UNIT, printable_width
from xladdin.core.table import col_index, col_letter
from xladdin.io.xlsxpkg import NS_MAIN, XlsxPackage, parse_xml
from xladdin.workbook_build.build import WORKBOOK_PATH

M = f"{{{NS_MAIN}}}"
PRINTED = (SHEET_TASKS, SHEET_AGENCIES, SHEET_SUMMARY, SHEET_CHECKS, SHEET_LOG, SHEET_CONFIG)
# The columns a reader of "Nhiệm vụ" needs on paper, and those that stay on screen.
TASKS_PRINTED = (
    "key", "content", "lead", "coordinating", "timeframe", "due_date", "status", "progress",
    "due_state", "result",
)  # fmt: skip
TASKS_SCREEN_ONLY = ("tt", "level", "parent", "deadline_kind", "updated_at", "source", "weight")


@pytest.fixture(scope="module")
def pkg() -> XlsxPackage:
    return XlsxPackage.from_path(WORKBOOK_PATH)


def _sheet(pkg: XlsxPackage, name: str) -> etree._Element:
    return parse_xml(pkg.read(pkg.sheet_part(name)))


def _names(pkg: XlsxPackage) -> dict[tuple[str, str], str]:
    """(sheet, defined name) -> formula, for the sheet-local names of workbook.xml."""
    root = parse_xml(pkg.read("xl/workbook.xml"))
    sheets = [s.get("name", "") for s in root.iter(f"{M}sheet")]
    return {
        (sheets[int(d.get("localSheetId", "-1"))], d.get("name", "")): d.text or ""
        for d in root.iter(f"{M}definedName")
        if d.get("localSheetId") is not None
    }


def _widths(root: etree._Element) -> dict[int, float]:
    out = {}
    for col in root.iter(f"{M}col"):
        for n in range(int(col.get("min", "0")), int(col.get("max", "0")) + 1):
            out[n] = float(col.get("width", "0"))
    return out


def _area_columns(formula: str) -> tuple[int, int]:
    m = re.fullmatch(r"'[^']+'!\$([A-Z]+):\$([A-Z]+)", formula)
    assert m, formula
    return col_index(m.group(1)), col_index(m.group(2))


@pytest.mark.parametrize("sheet", PRINTED)
def test_landscape_a4_titles_area_and_scale(pkg: XlsxPackage, sheet: str) -> None:
    root = _sheet(pkg, sheet)
    setup = root.find(f"{M}pageSetup")
    assert setup is not None
    assert setup.get("paperSize") == "9" and setup.get("orientation") == "landscape"
    names = _names(pkg)
    titles = "$3:$4" if sheet == SHEET_SUMMARY else "$1:$1"
    assert names[(sheet, "_xlnm.Print_Titles")] == f"'{sheet}'!{titles}"
    first, last = _area_columns(names[(sheet, "_xlnm.Print_Area")])
    assert first == 1
    scale = int(setup.get("scale", "0"))
    assert MIN_PRINT_SCALE <= scale <= 100
    widths = _widths(root)
    if sheet == SHEET_SUMMARY:
        # A fixed scale (Excel ignores manual breaks on a fitted sheet); every page column
        # (a block and the gap after it) fits the page's width at it.
        pr = root.find(f"{M}sheetPr/{M}pageSetUpPr")
        assert pr is None or pr.get("fitToPage") in (None, "0")
        starts = [b.first_col for b in SUMMARY_PRINTED]
        ends = [*(s - 1 for s in starts[1:]), last]
        for a, e in zip(starts, ends, strict=True):
            width = sum(widths[n] for n in range(a, e + 1)) * PRINT_UNIT * scale / 100
            assert width <= printable_width(), (col_letter(a), col_letter(e))
    else:
        pr = root.find(f"{M}sheetPr/{M}pageSetUpPr")
        assert pr is not None and pr.get("fitToPage") == "1"
        assert (setup.get("fitToWidth"), setup.get("fitToHeight")) == ("1", "0")
        # The printed columns fit one page's width at no less than the minimum scale.
        width = sum(widths[n] for n in range(first, last + 1)) * PRINT_UNIT
        assert math.floor(100 * printable_width() / width) >= MIN_PRINT_SCALE
        assert scale == min(100, math.floor(100 * printable_width() / width))
    # Helper columns leave print through the print area, never by being hidden.
    assert not [c for c in root.iter(f"{M}col") if c.get("hidden") in ("1", "true")]


def test_tasks_print_what_a_reader_needs(pkg: XlsxPackage) -> None:
    first, last = _area_columns(_names(pkg)[(SHEET_TASKS, "_xlnm.Print_Area")])
    fields = [c.field for c in TASK_COLUMNS]
    assert tuple(fields[first - 1 : last]) == TASKS_PRINTED
    assert all(fields.index(f) + 1 > last for f in TASKS_SCREEN_ONLY)


def test_summary_prints_a_block_per_page_column(pkg: XlsxPackage) -> None:
    root = _sheet(pkg, SHEET_SUMMARY)
    setup = root.find(f"{M}pageSetup")
    assert setup is not None and setup.get("pageOrder") == "downThenOver"
    breaks = [int(b.get("id", "0")) for b in root.iter(f"{M}brk")]
    assert breaks == [b.first_col - 1 for b in SUMMARY_PRINTED[1:]]
    assert root.find(f"{M}colBreaks") is not None and root.find(f"{M}rowBreaks") is None
    _, last = _area_columns(_names(pkg)[(SHEET_SUMMARY, "_xlnm.Print_Area")])
    overdue = SUMMARY_PRINTED[-1]
    assert last == overdue.first_col + len(overdue.columns) - 1  # the chart's data stays out


# -- colours ------------------------------------------------------------------------------
def _luminance(argb: str) -> float:
    """WCAG 2 relative luminance of an (A)RGB hex colour."""
    rgb = [int(argb[-6:][i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _dxf_fills(pkg: XlsxPackage) -> list[tuple[str, bool]]:
    """(fill colour, bold) of each differential format, as styles.xml ships them."""
    out = []
    for dxf in parse_xml(pkg.read("xl/styles.xml")).iter(f"{M}dxf"):
        colour = dxf.find(f"{M}fill/{M}patternFill/{M}bgColor")
        assert colour is not None
        out.append((colour.get("rgb", ""), dxf.find(f"{M}font/{M}b") is not None))
    return out


def test_row_colours_read_for_colour_blind_readers(pkg: XlsxPackage) -> None:
    fills = dict(zip((n for n, _, _ in TASK_COLOURS), _dxf_fills(pkg)[1:], strict=True))
    black = "FF000000"
    for name, (fill, _) in fills.items():
        assert _contrast(black, fill) >= 7, name  # WCAG AAA for the (black) text on it
    # Overdue and completed late must not differ by hue alone: their lightness differs,
    # and overdue is the darkest fill and the only bold one.
    assert _contrast(fills["overdue"][0], fills["done_late"][0]) >= 1.5
    assert _contrast(fills["done_late"][0], fills["done_on_time"][0]) >= 1.4  # orange/green
    darkest = min(fills, key=lambda n: _luminance(fills[n][0]))
    assert darkest == "overdue"
    assert [n for n, (_, bold) in fills.items() if bold] == ["overdue"]


def test_the_finding_highlight_reads(pkg: XlsxPackage) -> None:
    dxf = next(parse_xml(pkg.read("xl/styles.xml")).iter(f"{M}dxf"))
    font = dxf.find(f"{M}font/{M}color")
    fill = dxf.find(f"{M}fill/{M}patternFill/{M}bgColor")
    assert font is not None and fill is not None
    assert _contrast(font.get("rgb", ""), fill.get("rgb", "")) >= 4.5


def test_the_legend_of_the_row_colours(pkg: XlsxPackage) -> None:
    root = _sheet(pkg, SHEET_TASKS)
    row = next(r for r in root.iter(f"{M}row") if r.get("r") == "1")
    cells = {re.sub(r"\d", "", c.get("r", "")): c for c in row.iter(f"{M}c")}
    start = len(TASK_COLUMNS) + 2  # after an empty column
    assert col_letter(start - 1) not in cells
    styles = parse_xml(pkg.read("xl/styles.xml"))
    xfs = styles.findall(f"{M}cellXfs/{M}xf")
    fills = styles.findall(f"{M}fills/{M}fill")
    for i, (_, argb, label) in enumerate(TASK_COLOURS, start=start + 1):
        cell = cells[col_letter(i)]
        assert "".join(t.text or "" for t in cell.iter(f"{M}t")) == label
        fill = fills[int(xfs[int(cell.get("s", "0"))].get("fillId", "0"))]
        colour = fill.find(f"{M}patternFill/{M}fgColor")
        assert colour is not None and colour.get("rgb") == argb
    # The printed pages name the colours in the footer.
    footer = root.findtext(f"{M}headerFooter/{M}oddFooter") or ""
    assert len(footer) <= 255  # Excel's limit
    for _, _, label in TASK_COLOURS:
        assert label.lower() in footer
