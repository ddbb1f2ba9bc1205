"""Worksheet XML: write cell values and replace ``<sheetData>`` in place.

Only the rows of a sheet are regenerated. Every other element of the worksheet
(columns, validations, conditional formats, drawings, controls, protection,
``extLst``) is kept byte for byte. Rows are matched to the previous content by a
key column, so a user's row height, hidden rows, cell fills and cells in columns
the product does not own move with their task.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from ..core.errors import WorkbookFormatError
from ..core.layout import CELL_TEXT_LIMIT
from ..core.table import col_index, col_letter
from .rowfit import RowFit, fitted_attrs
from .xlsxpkg import NS_MAIN, XlsxPackage, parse_xml

_C = f"{{{NS_MAIN}}}c"
_ROW = f"{{{NS_MAIN}}}row"
_EPOCH = datetime(1899, 12, 30)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SHEETDATA_OPEN = re.compile(rb"<(?:(\w+):)?sheetData\b[^>]*?(/?)>")


class SheetDataSpan:
    """Where ``<sheetData>`` sits in a worksheet: found with one short regex and a
    ``rfind``, because a lazy ``.*?`` over a megabyte of rows is slow."""

    def __init__(self, start: int, end: int, inner: tuple[int, int], prefix: bytes | None):
        self._start, self._end, self.inner, self.prefix = start, end, inner, prefix

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, n: int) -> bytes:
        # Mirrors re.Match.group(1) of the old pattern: the namespace prefix ("" if none).
        return (self.prefix or b"") if n == 1 else b""


_ROW_START = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*)>")
_ROW_R_ATTR = re.compile(rb"""\sr=["'](\d+)["']""")
_COL_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*?)/?>")


def _attr(attrs: bytes, name: bytes) -> int | None:
    m = re.search(rb"\s" + name + rb"""=["'](\d+)["']""", attrs)
    return int(m.group(1)) if m else None


def last_row_number(sheet_xml: bytes) -> int:
    """The last row of ``<sheetData>`` (0 when empty), from the row tags alone.

    Appending to a long audit log must not parse every row of it into a tree."""
    m = find_sheet_data(sheet_xml)
    if m is None:
        return 0
    last = prev = 0
    for row in _ROW_START.finditer(sheet_xml, m.inner[0], m.inner[1]):
        r = _ROW_R_ATTR.search(row.group(1))
        prev = int(r.group(1)) if r else prev + 1  # r= may be omitted: the next row
        last = max(last, prev)
    return last


def column_styles(sheet_xml: bytes) -> dict[int, int]:
    """Column default styles from ``<cols>`` (which sits before ``<sheetData>``)."""
    m = find_sheet_data(sheet_xml)
    head = sheet_xml[: m.start()] if m else sheet_xml
    out: dict[int, int] = {}
    for col in _COL_ELEMENT.finditer(head):
        style = _attr(col.group(1), b"style")
        low, high = _attr(col.group(1), b"min"), _attr(col.group(1), b"max")
        if style is not None and low is not None:
            for i in range(low, (high or low) + 1):
                out[i] = style
    return out


def find_sheet_data(sheet_xml: bytes) -> SheetDataSpan | None:
    m = _SHEETDATA_OPEN.search(sheet_xml)
    if m is None:
        return None
    prefix = m.group(1)
    if m.group(2):  # <sheetData/>
        return SheetDataSpan(m.start(), m.end(), (m.end(), m.end()), prefix)
    close = b"</" + (prefix + b":" if prefix else b"") + b"sheetData>"
    j = sheet_xml.find(close, m.end())
    if j < 0:
        return None
    return SheetDataSpan(m.start(), j + len(close), (m.end(), j), prefix)


_DIMENSION = re.compile(rb"<(?:(\w+):)?dimension\b[^>]*/>")
_AUTOFILTER_REF = re.compile(rb'(<(?:\w+:)?autoFilter\b[^>]*?\bref=")([^"]*)(")')
_REF = re.compile(r"([A-Z]+)(\d+)")
MAX_CELL_TEXT = CELL_TEXT_LIMIT


def excel_serial(value: date | datetime) -> float:
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return delta.days + delta.seconds / 86400
    return float((value - _EPOCH.date()).days)


def clean_text(text: str) -> str:
    return _ILLEGAL.sub("", text)[:MAX_CELL_TEXT]


def cell_xml(ref: str, value: Any, style: int | None) -> str:
    """One ``<c>`` element; ``None`` and "" give a styled empty cell (or nothing)."""
    s = f' s="{style}"' if style else ""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isinf(value):
            value = str(value)
        else:
            return f'<c r="{ref}"{s}><v>{_num(value)}</v></c>'
    if isinstance(value, datetime | date):
        return f'<c r="{ref}"{s}><v>{_num(excel_serial(value))}</v></c>'
    if isinstance(value, time):
        value = value.isoformat()
    text = escape(clean_text(str(value)))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _num(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


@dataclass
class OldRow:
    r: int
    attrs: dict[str, str]
    cells: dict[int, etree._Element] = field(default_factory=dict)


@dataclass
class SheetState:
    """What a worksheet holds now: header texts by column and its data rows."""

    headers: dict[int, str]
    header_xml: bytes | None
    rows: list[OldRow]
    col_styles: dict[int, int]
    last_row: int
    max_col: int
    shared_strings: list[str]

    def rows_by_key(self, key_col: int | None) -> dict[str, OldRow]:
        """Old rows by the text of their key cell (by row number without a key column);
        the first row wins when a key repeats."""
        out: dict[str, OldRow] = {}
        for row in self.rows:
            if key_col is None:
                key = str(row.r)
            else:
                kc = row.cells.get(key_col)
                text = _cell_text(kc, self.shared_strings).strip() if kc is not None else ""
                key = text or f"#row{row.r}"
            out.setdefault(key, row)
        return out


def _cell_text(c: etree._Element, sst: Sequence[str]) -> str:
    t = c.get("t")
    if t == "inlineStr":
        return "".join(x.text or "" for x in c.iter(f"{{{NS_MAIN}}}t"))
    v = c.find(f"{{{NS_MAIN}}}v")
    if v is None or v.text is None:
        return ""
    if t == "s":
        i = int(v.text)
        return sst[i] if 0 <= i < len(sst) else ""
    return v.text


def _strip_ns(xml: bytes) -> bytes:
    # tostring() repeats the default namespace on every detached element.
    return xml.replace(f' xmlns="{NS_MAIN}"'.encode(), b"")


_XML_NS = "http://www.w3.org/XML/1998/namespace"


def qualified_attrs(el: etree._Element) -> dict[str, str]:
    """Attributes under the names a file spells (``x14ac:dyDescent``), ready to write
    back; lxml keys namespaced ones as ``{uri}dyDescent``, which is no XML name."""
    prefixes = {uri: p for p, uri in el.nsmap.items() if p}
    prefixes[_XML_NS] = "xml"
    out: dict[str, str] = {}
    for key, value in el.attrib.items():
        q = etree.QName(key)
        if q.namespace is None:
            out[q.localname] = value
        elif q.namespace in prefixes:  # always, for a parsed file: its prefix is in scope
            out[f"{prefixes[q.namespace]}:{q.localname}"] = value
    return out


def read_state(pkg: XlsxPackage, part: str) -> SheetState:
    """Parse a worksheet once to learn its headers and what a rewrite must carry over."""
    root = parse_xml(pkg.read(part))
    col_styles: dict[int, int] = {}
    cols = root.find(f"{{{NS_MAIN}}}cols")
    if cols is not None:
        for col in cols:
            if col.get("style"):
                for i in range(int(col.get("min", "1")), int(col.get("max", "1")) + 1):
                    col_styles[i] = int(col.get("style", "0"))
    header_cells: dict[int, etree._Element] = {}
    header_xml: bytes | None = None
    rows: list[OldRow] = []
    last_row = 1
    max_col = 0
    needs_sst = False
    sheet_data = root.find(f"{{{NS_MAIN}}}sheetData")
    for pos, row in enumerate(sheet_data if sheet_data is not None else []):
        if row.tag != _ROW:
            continue
        r = int(row.get("r", str(pos + 1)))
        last_row = max(last_row, r)
        cells: dict[int, etree._Element] = {}
        for n, c in enumerate(row.iter(_C)):
            m = _REF.match(c.get("r", ""))
            cells[col_index(m.group(1)) if m else n + 1] = c
            needs_sst = needs_sst or c.get("t") == "s"
        if cells:
            max_col = max(max_col, *cells)
        if r == 1:
            header_cells = cells
            header_xml = _strip_ns(etree.tostring(row))
            continue
        attrs = {k: v for k, v in qualified_attrs(row).items() if k not in ("r", "spans")}
        rows.append(OldRow(r, attrs, cells))
    # Product-written cells are inline strings; only a sheet Excel re-saved needs the table.
    sst = pkg.shared_strings() if needs_sst else []
    headers = {i: _cell_text(c, sst).strip() for i, c in header_cells.items()}
    return SheetState(headers, header_xml, rows, col_styles, last_row, max_col, sst)


def _readdress(cell: bytes, ref: str) -> bytes:
    return re.sub(rb'\br="[A-Z]+\d+"', f'r="{ref}"'.encode(), cell, count=1)


def _row_attrs(attrs: Mapping[str, str]) -> str:
    return "".join(f' {k}="{escape(v, {chr(34): "&quot;"})}"' for k, v in attrs.items())


def build_rows(
    state: SheetState,
    positions: Sequence[int],
    rows: Sequence[Sequence[Any]],
    keys: Sequence[str] | None,
    header: Sequence[str] | None,
    key_col: int | None,
    fit: RowFit | None = None,
) -> tuple[str, int, int]:
    """The new ``<sheetData>`` body; returns (xml, last row, last column).

    Cells in ``positions`` get the new values (keeping the old cell's style); every
    other cell of the old row with the same key moves along unchanged. With ``fit`` each
    row's height is estimated from its wrapped text (a height set by hand is kept).
    """
    owned = set(positions)
    old_rows = state.rows_by_key(key_col)
    out: list[str] = []
    max_col = max([*positions, state.max_col, 1])
    if state.header_xml is not None:
        out.append(state.header_xml.decode())
    elif header is not None:
        cells = "".join(
            cell_xml(f"{col_letter(p)}1", h, state.col_styles.get(p))
            for p, h in zip(positions, header, strict=True)
        )
        out.append(f'<row r="1">{cells}</row>')
    r = 1
    for n, values in enumerate(rows):
        r = n + 2
        key = keys[n] if keys is not None else str(r)
        old = old_rows.get(key)
        old_cells = old.cells if old is not None else {}
        cells_by_col: dict[int, str] = {}
        texts: list[tuple[int, object, int | None]] = []
        for p, v in zip(positions, values, strict=True):
            prev = old_cells.get(p)
            style = int(prev.get("s", "0")) if prev is not None and prev.get("s") else None
            style = style if style is not None else state.col_styles.get(p)
            cx = cell_xml(f"{col_letter(p)}{r}", v, style)
            if cx:
                cells_by_col[p] = cx
                texts.append((p, clean_text(v) if isinstance(v, str) else v, style))
        for p, c in old_cells.items():
            if p not in owned:
                raw = _strip_ns(etree.tostring(c))
                cells_by_col[p] = _readdress(raw, f"{col_letter(p)}{r}").decode()
                own = c.get("s")
                texts.append((p, _cell_text(c, state.shared_strings), int(own) if own else None))
        old_attrs = old.attrs if old is not None else {}
        if fit is not None:
            old_attrs = fitted_attrs(old_attrs, fit.height(texts))
        attrs = _row_attrs(old_attrs)
        body = "".join(cells_by_col[p] for p in sorted(cells_by_col))
        out.append(f'<row r="{r}"{attrs}>{body}</row>' if body or attrs else f'<row r="{r}"/>')
    return "".join(out), max(r, 1), max_col


def _set_dimension(xml: bytes, ref: str) -> bytes:
    # Same prefix as the element replaced: unprefixed in a prefixed sheet it would
    # fall out of the SpreadsheetML namespace.
    def repl(m: re.Match[bytes]) -> bytes:
        tag = m.group(1) + b":dimension" if m.group(1) else b"dimension"
        return b"<" + tag + b' ref="' + ref.encode() + b'"/>'

    return _DIMENSION.sub(repl, xml, count=1)


def replace_sheet_data(sheet_xml: bytes, body: str, last_row: int, last_col: int) -> bytes:
    m = find_sheet_data(sheet_xml)
    if m is None:
        raise WorkbookFormatError("Trang tính không có phần dữ liệu (sheetData).")
    prefix = m.group(1)
    if prefix:
        # A writer that prefixes the main namespace: tag our elements alike.
        p = prefix.decode()
        body = re.sub(r"<(/?)(row|c|v|is|t)\b", rf"<\1{p}:\2", body)
    tag = f"{prefix.decode()}:sheetData" if prefix else "sheetData"
    new = f"<{tag}>{body}</{tag}>".encode()
    xml = sheet_xml[: m.start()] + new + sheet_xml[m.end() :]
    ref = f"A1:{col_letter(last_col)}{last_row}"
    xml = _set_dimension(xml, ref)
    return _AUTOFILTER_REF.sub(lambda mm: mm.group(1) + ref.encode() + mm.group(3), xml, count=1)


def append_xml_rows(
    sheet_xml: bytes,
    first_row: int,
    rows: Sequence[Sequence[Any]],
    styles: Mapping[int, int],
    fit: RowFit | None = None,
) -> bytes:
    """Append rows after the last one without touching the existing rows (audit log);
    with ``fit``, each new row is as tall as its wrapped text needs."""
    m = find_sheet_data(sheet_xml)
    if m is None:
        raise WorkbookFormatError("Trang tính không có phần dữ liệu (sheetData).")
    # Each row is encoded as it is made and the sheet is joined once: a merge appends
    # thousands of rows, and building them as one str then copying the whole sheet for
    # every step cost more memory than the rest of the merge (issue 17).
    parts: list[bytes] = []
    last_col = 1
    for n, values in enumerate(rows):
        r = first_row + n
        cells = "".join(
            cell_xml(f"{col_letter(i + 1)}{r}", v, styles.get(i + 1)) for i, v in enumerate(values)
        )
        last_col = max(last_col, len(values))
        height = (
            fit.height((i + 1, v, styles.get(i + 1)) for i, v in enumerate(values))
            if fit is not None
            else None
        )
        ht = f' ht="{height:g}"' if height is not None else ""
        parts.append(f'<row r="{r}"{ht}>{cells}</row>'.encode())
    head = sheet_xml[: m.start()]
    dim = _DIMENSION.search(head)
    if dim is not None:
        old_ref = re.search(rb'ref="[A-Z]+\d+(?::([A-Z]+)\d+)?"', dim.group(0))
        if old_ref and old_ref.group(1):
            last_col = max(last_col, col_index(old_ref.group(1).decode()))
        head = _set_dimension(head, f"A1:{col_letter(last_col)}{first_row + len(rows) - 1}")
    view = memoryview(sheet_xml)  # slices of the existing rows without copying them
    pieces: list[bytes | memoryview]
    if sheet_xml.endswith(b"/>", m.start(), m.end()):
        tag = b"sheetData" if not m.group(1) else m.group(1) + b":sheetData"
        pieces = [head, b"<" + tag + b">", *parts, b"</" + tag + b">", view[m.end() :]]
    else:
        close = sheet_xml.rfind(b"</", m.start(), m.end())
        pieces = [head, view[m.start() : close], *parts, view[close:]]
    del parts
    xml = b"".join(pieces)
    return xml


_CELL_STYLE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?\bs="(\d+)"')
_BUILTIN_PERCENT = {9, 10}  # 0% and 0.00%


def is_percent_format(code: str | None) -> bool:
    """A number format showing a percentage ("0%", "0.00%"; a quoted "%" is just text)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", code or "")


def percent_styles(styles_xml: bytes | None) -> set[int]:
    """Indexes of the cell formats (``cellXfs``) that show a number as a percentage."""
    if not styles_xml:
        return set()
    try:
        root = parse_xml(styles_xml)
    except Exception:  # a damaged styles part: no percent formats rather than no workbook
        return set()
    ns = f"{{{NS_MAIN}}}"
    percent_ids = set(_BUILTIN_PERCENT)
    for fmt in root.iter(f"{ns}numFmt"):
        if is_percent_format(fmt.get("formatCode")):
            percent_ids.add(int(fmt.get("numFmtId", "-1")))
    xfs = root.find(f"{ns}cellXfs")
    return {
        i
        for i, xf in enumerate(xfs if xfs is not None else [])
        if int(xf.get("numFmtId", "0")) in percent_ids
    }


def percent_cells_of(styles_xml: bytes | None, sheet_xml: bytes) -> set[tuple[int, int]]:
    """(row, column) of the cells of a worksheet formatted as a percentage: where a typed
    "50%" is stored as 0.5 (Excel and LibreOffice alike)."""
    styles = percent_styles(styles_xml)
    if not styles:
        return set()
    return {
        (int(m.group(2)), col_index(m.group(1).decode()))
        for m in _CELL_STYLE.finditer(sheet_xml)
        if int(m.group(3)) in styles
    }


_CELL_REF = re.compile(rb'<(?:\w+:)?c\b([^>]*?)\br="([A-Z]+)(\d+)"([^>]*?)/?>')
_STYLE_ATTR = re.compile(rb'\bs="(\d+)"')


def legacy_font_cells(styles_xml: bytes | None, sheet_xml: bytes) -> dict[tuple[int, int], str]:
    """(row, column) -> legacy encoding of the cells whose font is a TCVN3 or VNI font."""
    from ..core.legacy_vn import legacy_font

    if not styles_xml:
        return {}
    try:
        root = parse_xml(styles_xml)
    except Exception:  # a damaged styles part: judge the text alone, as before
        return {}
    ns = f"{{{NS_MAIN}}}"
    fonts_el = root.find(f"{ns}fonts")
    names = []
    for font in fonts_el if fonts_el is not None else []:
        name = font.find(f"{ns}name")
        names.append(legacy_font(name.get("val") if name is not None else None))
    xfs = root.find(f"{ns}cellXfs")
    by_xf = [
        names[int(xf.get("fontId", "0"))] if int(xf.get("fontId", "0")) < len(names) else None
        for xf in (xfs if xfs is not None else [])
    ]
    if not any(by_xf):
        return {}
    out: dict[tuple[int, int], str] = {}
    for m in _CELL_REF.finditer(sheet_xml):
        style = _STYLE_ATTR.search(m.group(1) + m.group(4))
        xf = int(style.group(1)) if style else 0
        encoding = by_xf[xf] if xf < len(by_xf) else None
        if encoding:
            out[(int(m.group(3)), col_index(m.group(2).decode()))] = encoding
    return out
