"""Native chart parts: the template's bar chart and headless updates of its series.

Excel and LibreOffice both redraw a chart from its cell references, but viewers,
previews and Excel's "protected view" show the cached points stored in the chart part;
so an update rewrites the references and the caches together. Only the chart part
changes: the drawing, its anchor and every other part stay byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from lxml import etree

from ..core.chart import ChartSeries
from ..core.errors import WorkbookFormatError
from .sheetxml import clean_text
from .xlsxpkg import NS_MAIN, NS_REL, XlsxPackage, parse_xml

NS_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
REL_DRAWING = NS_REL + "/drawing"
REL_CHART = NS_REL + "/chart"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
PERCENT_FORMAT = "0.0%"

_C = f"{{{NS_CHART}}}"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Any plot type holds its series the same way; the first one found is "the" chart.
_PLOTS = [
    "barChart",
    "bar3DChart",
    "lineChart",
    "line3DChart",
    "areaChart",
    "area3DChart",
    "pieChart",
    "pie3DChart",
    "doughnutChart",
    "radarChart",
    "scatterChart",
    "bubbleChart",
    "ofPieChart",
    "stockChart",
    "surfaceChart",
]


# -- building (the template) ---------------------------------------------------------
def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def _str_cache(texts: Sequence[str]) -> str:
    pts = "".join(
        f'<c:pt idx="{i}"><c:v>{escape(clean_text(t))}</c:v></c:pt>' for i, t in enumerate(texts)
    )
    return f'<c:strCache><c:ptCount val="{len(texts)}"/>{pts}</c:strCache>'


def _num_cache(values: Sequence[float | None], fmt: str) -> str:
    pts = "".join(
        f'<c:pt idx="{i}"><c:v>{_num(v)}</c:v></c:pt>'
        for i, v in enumerate(values)
        if v is not None and math.isfinite(v)
    )
    return (
        f"<c:numCache><c:formatCode>{escape(fmt)}</c:formatCode>"
        f'<c:ptCount val="{len(values)}"/>{pts}</c:numCache>'
    )


def _font(size: int, bold: bool = False) -> str:
    b = ' b="1"' if bold else ' b="0"'
    return (
        f'<a:defRPr sz="{size}"{b}><a:latin typeface="Times New Roman"/>'
        '<a:cs typeface="Times New Roman"/></a:defRPr>'
    )


def bar_chart_xml(title: str, series: ChartSeries) -> bytes:
    """A clustered horizontal bar chart of one percent series, no legend.

    Categories run top to bottom in sheet order (reversed category axis, value axis
    crossing at the last category so it stays at the bottom); values are 0–100 %.
    """
    t = escape(clean_text(title))
    # Fixed axis ids: the build must give the same bytes every time.
    cat_ax, val_ax = "500000001", "500000002"
    xml = (
        _HEAD + f'<c:chartSpace xmlns:c="{NS_CHART}" xmlns:a="{NS_A}" xmlns:r="{NS_REL}">'
        '<c:lang val="vi-VN"/><c:roundedCorners val="0"/>'
        "<c:chart>"
        f"<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(1200, True)}</a:pPr>"
        f'<a:r><a:rPr lang="vi-VN" sz="1200" b="1"/><a:t>{t}</a:t></a:r></a:p></c:rich></c:tx>'
        '<c:overlay val="0"/></c:title>'
        '<c:autoTitleDeleted val="0"/>'
        "<c:plotArea><c:layout/>"
        '<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        '<c:ser><c:idx val="0"/><c:order val="0"/>'
        f"<c:tx><c:strRef><c:f>{escape(series.name_ref)}</c:f>{_str_cache([series.name])}"
        "</c:strRef></c:tx>"
        '<c:spPr><a:solidFill><a:srgbClr val="4472C4"/></a:solidFill></c:spPr>'
        '<c:invertIfNegative val="0"/>'
        f'<c:dLbls><c:numFmt formatCode="{PERCENT_FORMAT}" sourceLinked="0"/>'
        "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
        f"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(900)}</a:pPr>"
        '<a:endParaRPr lang="vi-VN"/></a:p></c:txPr>'
        '<c:dLblPos val="outEnd"/><c:showLegendKey val="0"/><c:showVal val="1"/>'
        '<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/>'
        '<c:showBubbleSize val="0"/></c:dLbls>'
        f"<c:cat><c:strRef><c:f>{escape(series.categories_ref)}</c:f>"
        f"{_str_cache(series.categories)}</c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>{escape(series.values_ref)}</c:f>"
        f"{_num_cache(series.values, PERCENT_FORMAT)}</c:numRef></c:val>"
        "</c:ser>"
        f'<c:gapWidth val="60"/><c:axId val="{cat_ax}"/><c:axId val="{val_ax}"/></c:barChart>'
        f'<c:catAx><c:axId val="{cat_ax}"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(900)}</a:pPr>"
        '<a:endParaRPr lang="vi-VN"/></a:p></c:txPr>'
        f'<c:crossAx val="{val_ax}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{val_ax}"/><c:scaling><c:orientation val="minMax"/>'
        '<c:max val="1"/><c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="b"/>'
        '<c:majorGridlines/><c:numFmt formatCode="0%" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(900)}</a:pPr>"
        '<a:endParaRPr lang="vi-VN"/></a:p></c:txPr>'
        f'<c:crossAx val="{cat_ax}"/><c:crosses val="max"/><c:crossBetween val="between"/>'
        '<c:majorUnit val="0.25"/></c:valAx>'
        "</c:plotArea>"
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/>'
        "</c:chart>"
        "</c:chartSpace>"
    )
    return xml.encode()


EMU_PER_POINT = 12700


def drawing_xml(
    chart_rid: str,
    name: str,
    top_left: tuple[int, int],
    size: tuple[float, float],
    offset: tuple[float, float] = (0.0, 0.0),
) -> bytes:
    """A drawing holding one chart of a fixed ``size`` (points, width and height) whose
    top-left corner is ``offset`` points right of and below the top-left corner of the cell
    ``top_left`` ((row, col), 1-based). A one-cell anchor: rows made taller by wrapped text
    move the chart down but never stretch it."""
    row, col = top_left
    dx, dy = (round(v * EMU_PER_POINT) for v in offset)
    cx, cy = (round(v * EMU_PER_POINT) for v in size)
    xml = (
        _HEAD + f'<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}">'
        "<xdr:oneCellAnchor>"
        f"<xdr:from><xdr:col>{col - 1}</xdr:col><xdr:colOff>{dx}</xdr:colOff>"
        f"<xdr:row>{row - 1}</xdr:row><xdr:rowOff>{dy}</xdr:rowOff></xdr:from>"
        f'<xdr:ext cx="{cx}" cy="{cy}"/>'
        '<xdr:graphicFrame macro="">'
        f'<xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="{escape(name)}"/>'
        "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
        f'<a:graphic><a:graphicData uri="{NS_CHART}">'
        f'<c:chart xmlns:c="{NS_CHART}" xmlns:r="{NS_REL}" r:id="{chart_rid}"/>'
        "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>"
        "</xdr:oneCellAnchor></xdr:wsDr>"
    )
    return xml.encode()


# -- updating (headless writes) ------------------------------------------------------
def first_chart_part(pkg: XlsxPackage, sheet_part: str) -> str | None:
    """The chart part of the first chart in the sheet's drawing, found through the rels."""
    sheet = parse_xml(pkg.read(sheet_part))
    drawing_el = sheet.find(f"{{{NS_MAIN}}}drawing")
    if drawing_el is None:
        return None
    rel = pkg.rels_of(sheet_part).get(drawing_el.get(f"{{{NS_REL}}}id", ""))
    if rel is None or rel[0] != REL_DRAWING or not pkg.has(rel[1]):
        return None
    drawing = rel[1]
    chart_rels = pkg.rels_of(drawing)
    for frame in parse_xml(pkg.read(drawing)).iter(f"{_C}chart"):
        target = chart_rels.get(frame.get(f"{{{NS_REL}}}id", ""))
        if target is not None and target[0] == REL_CHART and pkg.has(target[1]):
            return target[1]
    return None


def _child(parent: etree._Element, name: str, before: Sequence[str] = ()) -> etree._Element:
    """The child ``c:name``, created in schema order (ahead of the first of ``before``)."""
    found = parent.find(f"{_C}{name}")
    if found is not None:
        return found
    el = etree.Element(f"{_C}{name}")
    for i, sibling in enumerate(parent):
        if etree.QName(sibling).localname in before:
            parent.insert(i, el)
            return el
    parent.append(el)
    return el


def _set_ref(holder: etree._Element, kind: str, ref: str, cache: etree._Element) -> None:
    """Make ``holder`` (c:tx, c:cat or c:val) hold exactly one ``c:{kind}`` with ``ref``
    and ``cache``; an element of another kind (a literal, a numeric category) goes."""
    current = holder.find(f"{_C}{kind}")
    for other in list(holder):
        if other is not current:
            holder.remove(other)
    if current is None:
        current = etree.SubElement(holder, f"{_C}{kind}")
    for old in current.findall(f"{_C}strCache") + current.findall(f"{_C}numCache"):
        current.remove(old)
    f = _child(current, "f")
    f.text = ref
    f.addnext(cache)


def _cache(markup: str) -> etree._Element:
    wrapped = f'<c:w xmlns:c="{NS_CHART}">{markup}</c:w>'.encode()
    return parse_xml(wrapped)[0]


def update_chart_xml(xml: bytes, series: ChartSeries) -> bytes:
    """The chart part with its first series pointing at ``series`` (refs and caches)."""
    root = parse_xml(xml)
    plot = root.find(f"{_C}chart/{_C}plotArea")
    chart = None
    if plot is not None:
        chart = next((el for el in plot if etree.QName(el).localname in _PLOTS), None)
    ser = chart.find(f"{_C}ser") if chart is not None else None
    if ser is None:
        raise WorkbookFormatError("Biểu đồ trong sổ theo dõi không có chuỗi số liệu nào.")
    old_fmt = ser.findtext(f"{_C}val/{_C}numRef/{_C}numCache/{_C}formatCode")
    tx = _child(ser, "tx", ("spPr", "invertIfNegative", "dLbls", "cat", "val", "xVal", "yVal"))
    _set_ref(tx, "strRef", series.name_ref, _cache(_str_cache([series.name])))
    cat = _child(ser, "cat", ("val", "shape", "smooth", "extLst"))
    _set_ref(cat, "strRef", series.categories_ref, _cache(_str_cache(series.categories)))
    val = _child(ser, "val", ("shape", "smooth", "extLst"))
    fmt = old_fmt or PERCENT_FORMAT
    _set_ref(val, "numRef", series.values_ref, _cache(_num_cache(series.values, fmt)))
    # The declaration as Office writes it (lxml's own uses single quotes).
    return _HEAD.encode() + etree.tostring(root, encoding="UTF-8")


def update_first_chart(pkg: XlsxPackage, sheet_part: str, series: ChartSeries) -> str | None:
    """Point the sheet's first chart at ``series``; returns the chart part, or None when
    the sheet has no chart (a user may delete it, the data are written all the same)."""
    part = first_chart_part(pkg, sheet_part)
    if part is None:
        return None
    pkg.write(part, update_chart_xml(pkg.read(part), series))
    return part
