"""Free-form cell grids (the "Tổng hợp" blocks): clear the rows below a line, set cells.

Unlike a table, a grid has no header row nor key column: several blocks sit side by
side and each grows downwards. The rows above the cleared line (titles, headers, the
"computed at" stamp) keep their bytes, and so does every cell not written in them;
everything outside ``<sheetData>`` except ``<dimension>`` stays as it was (see
:mod:`sheetxml`). Recalculation also uses it to patch single cells of "Nhiệm vụ".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from ..core.errors import WorkbookFormatError
from ..core.table import col_index, col_letter
from .rowfit import RowFit, fitted_attrs, raw_cell_text
from .sheetxml import cell_xml, column_styles, find_sheet_data, qualified_attrs, replace_sheet_data
from .xlsxpkg import NS_MAIN, parse_xml

MAX_ROW = 1_048_576
MAX_COL = 16_384
_ROW_TAG = f"{{{NS_MAIN}}}row"
_C_TAG = f"{{{NS_MAIN}}}c"
# Byte spans only: lxml has parsed the same rows and cells, and says what they hold.
_RAW_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?row>)", re.S)
_RAW_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?c>)", re.S)
_REF = re.compile(r"([A-Z]+)(\d+)$")
_BROKEN = "Không đọc được các dòng của trang tính để ghi lại."


@dataclass(frozen=True)
class _OldCell:
    style: int | None
    raw: str


_CELL_REF = re.compile(rb"""^<(?:[\w.-]+:)?c\b[^>]*?\sr=["']([A-Z]+)\d+["']""")
_CELL_STYLE = re.compile(rb"""^<(?:[\w.-]+:)?c\b[^>]*?\ss=["'](\d+)["']""")


def _old_cells(row: etree._Element, raw: bytes) -> dict[int, _OldCell]:
    """The row's cells by column, each with its original bytes.

    Column and style come from the cell's own bytes (``r`` and ``s`` are never
    prefixed); lxml only confirms the count, which keeps this cheap on long sheets."""
    spans = _RAW_CELL.findall(raw)
    if len(spans) != sum(1 for c in row if c.tag == _C_TAG):
        raise WorkbookFormatError(_BROKEN)
    cells: dict[int, _OldCell] = {}
    for n, span in enumerate(spans):
        ref = _CELL_REF.match(span)
        style = _CELL_STYLE.match(span)
        col = col_index(ref.group(1).decode()) if ref else n + 1
        cells[col] = _OldCell(int(style.group(1)) if style else None, span.decode())
    return cells


_LAST_REF = re.compile(rb"""<c\s+r=["']([A-Z]+)\d+["']""")


def _patch_row_fast(raw: bytes, r: int, writes: Mapping[int, Any]) -> bytes | None:
    """Replace existing cells of an unprefixed row in place, byte for byte elsewhere.

    Recalculation rewrites two cells in each of thousands of rows; parsing every cell of
    those rows cost more than the rest of the run. ``None`` means "use the general path"
    (a target cell is missing, or the row is written in an unusual way)."""
    out = raw
    for c, value in writes.items():
        ref = f'<c r="{col_letter(c)}{r}"'.encode()
        i = out.find(ref)
        if i < 0:
            if value is None:
                continue
            return None
        head_end = out.find(b">", i)
        if head_end < 0:
            return None
        head = out[i : head_end + 1]
        if head.endswith(b"/>"):
            end = head_end + 1
        else:
            close = out.find(b"</c>", head_end)
            if close < 0:
                return None
            end = close + len(b"</c>")
        style = _CELL_STYLE.match(head)
        new = cell_xml(f"{col_letter(c)}{r}", value, int(style.group(1)) if style else None)
        out = out[:i] + new.encode() + out[end:]
    return out


def _last_col(row: bytes) -> int:
    refs = _LAST_REF.findall(row[row.rfind(b"<c ") :]) if b"<c " in row else []
    return col_index(refs[-1].decode()) if refs else 1


def _check(cells: Mapping[tuple[int, int], Any], clear_from_row: int) -> None:
    if not 1 <= clear_from_row <= MAX_ROW + 1:
        raise ValueError(f"clear_from_row {clear_from_row} is outside 1..{MAX_ROW + 1}")
    for r, c in cells:
        if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
            raise ValueError(f"cell ({r}, {c}) is outside the worksheet")


def _wraps_text(
    raw: bytes, r: int, writes: Mapping[int, Any], col_styles: Mapping[int, int], fit: RowFit
) -> bool:
    """Whether a text is written into a wrapping cell of this row (its height may change)."""
    for c, value in writes.items():
        if not isinstance(value, str):
            continue
        ref = f'<c r="{col_letter(c)}{r}"'.encode()
        i = raw.find(ref)
        if i >= 0:
            style = _CELL_STYLE.match(raw[i : raw.find(b">", i) + 1])
            if fit.wraps(int(style.group(1)) if style else None):
                return True
        elif fit.wraps(col_styles.get(c)):
            return True
    return False


def grid_sheet_xml(
    sheet_xml: bytes,
    cells: Mapping[tuple[int, int], Any],
    *,
    clear_from_row: int,
    fit: RowFit | None = None,
) -> bytes:
    """The worksheet with rows >= ``clear_from_row`` emptied and ``cells`` set.

    A written cell keeps the style of the cell it replaces, else takes its column's
    ``<col style>``; ``None`` leaves the cell empty (an existing cell keeps its style).
    Rows above ``clear_from_row`` that receive no cell keep their exact bytes. With
    ``fit``, a new row, and a row getting a text in a wrapping cell, is as tall as its
    wrapped text needs (see :mod:`rowfit`); other rows keep their height.
    """
    _check(cells, clear_from_row)
    m = find_sheet_data(sheet_xml)
    if m is None:
        raise WorkbookFormatError("Trang tính không có phần dữ liệu (sheetData).")
    # No tree of the whole sheet: it cost ~30x the file's size in memory on a large tracker.
    # The start tag of the root carries every namespace declaration, so one row can be
    # parsed on its own inside it when a row needs the general path.
    head = sheet_xml[: m.start()]
    root_open = _ROOT_OPEN.search(head)
    if root_open is None:
        raise WorkbookFormatError(_BROKEN)
    wrapper = (root_open.group(0), b"</" + root_open.group(1) + b">")
    col_styles = column_styles(sheet_xml)
    inner = sheet_xml[m.inner[0] : m.inner[1]]
    raw_rows = _RAW_ROW.findall(inner)
    if len(raw_rows) != len(_ROW_OPEN.findall(inner)):
        raise WorkbookFormatError(_BROKEN)

    by_row: dict[int, dict[int, Any]] = {}
    for (r, c), value in cells.items():
        by_row.setdefault(r, {})[c] = value

    out: dict[int, str] = {}
    last_row, last_col = 1, 1
    prev = 0
    for raw in raw_rows:
        # A row without r= follows the previous one (the schema allows omitting it).
        number = _ROW_NUMBER.match(raw)
        r = int(number.group(1)) if number else prev + 1
        prev = r
        if r >= clear_from_row:
            continue
        writes = by_row.pop(r, None)
        refit = (
            fit is not None and writes is not None and _wraps_text(raw, r, writes, col_styles, fit)
        )
        fast = _patch_row_fast(raw, r, writes) if writes is not None and not refit else None
        if fast is not None and writes is not None:
            out[r] = fast.decode()
            last_row, last_col = max(last_row, r), max(last_col, _last_col(fast), *writes)
            continue
        if writes is None and not _ANY_CELL.search(raw):
            out[r] = raw.decode()  # a row without cells (a height, a style) stays as it is
            continue
        if writes is None and _LAST_REF.search(raw):
            out[r] = raw.decode()
            last_row, last_col = max(last_row, r), max(last_col, _last_col(raw))
            continue
        el = _row_element(wrapper, raw)
        if writes is None:
            out[r] = raw.decode()
            used = [_column_of(c, n) for n, c in enumerate(x for x in el if x.tag == _C_TAG)]
        else:
            old = _old_cells(el, raw)
            attrs = {k: v for k, v in qualified_attrs(el).items() if k not in ("r", "spans")}
            out[r] = _row_xml(r, attrs, old, writes, col_styles, fit if refit else None)
            used = [*old, *writes]
        if used:
            last_row = max(last_row, r)
            last_col = max(last_col, *used)
    for r, writes in by_row.items():
        row = _row_xml(r, {}, {}, writes, col_styles, fit)
        if row:
            out[r] = row
            last_row = max(last_row, r)
            last_col = max(last_col, *writes)
    body = "".join(out[r] for r in sorted(out))
    return replace_sheet_data(sheet_xml, body, last_row, last_col)


_ROOT_OPEN = re.compile(rb"<((?:[\w.-]+:)?worksheet)\b[^>]*>")
_ROW_OPEN = re.compile(rb"<(?:[\w.-]+:)?row\b")
_ANY_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b")
_ROW_NUMBER = re.compile(rb"""<(?:[\w.-]+:)?row\b[^>]*?\sr=["'](\d+)["']""")


def _parse_in_root(wrapper: tuple[bytes, bytes], body: bytes) -> etree._Element:
    return parse_xml(wrapper[0] + body + wrapper[1])


def _row_element(wrapper: tuple[bytes, bytes], raw: bytes) -> etree._Element:
    root = _parse_in_root(wrapper, raw)
    row = next((c for c in root if c.tag == _ROW_TAG), None)
    if row is None:
        raise WorkbookFormatError(_BROKEN)
    return row


def _column_of(c: etree._Element, n: int) -> int:
    m = _REF.match(c.get("r", ""))
    return col_index(m.group(1)) if m else n + 1


def _row_xml(
    r: int,
    attrs: Mapping[str, str],
    old: Mapping[int, _OldCell],
    writes: Mapping[int, Any],
    col_styles: Mapping[int, int],
    fit: RowFit | None = None,
) -> str:
    cells = {c: cell.raw for c, cell in old.items()}
    texts: dict[int, tuple[int, object, int | None]] = {}
    for c, value in writes.items():
        prev = old.get(c)
        if prev is None and value is None:
            continue
        style = prev.style if prev is not None else col_styles.get(c)
        cx = cell_xml(f"{col_letter(c)}{r}", value, style)
        texts[c] = (c, value, style)
        if cx:
            cells[c] = cx
        else:
            cells.pop(c, None)
    if fit is not None:
        for c, cell in old.items():
            if c not in texts and fit.wraps(cell.style):
                texts[c] = (c, raw_cell_text(cell.raw, fit.shared), cell.style)
        attrs = fitted_attrs(attrs, fit.height(texts.values()))
    if not cells and not attrs:
        return ""
    a = "".join(f' {k}="{escape(v, {chr(34): "&quot;"})}"' for k, v in attrs.items())
    body = "".join(cells[c] for c in sorted(cells))
    return f'<row r="{r}"{a}>{body}</row>' if body else f'<row r="{r}"{a}/>'
