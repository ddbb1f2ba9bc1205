"""Returned forms saved by LibreOffice in its own format (.ods): the facts the merge checks that
the values alone do not give (python-calamine reads the values).

For one sheet of ``content.xml``: the cells holding a formula, the merged ranges, and the
cells holding a percentage (LibreOffice stores a typed "50%" as ``office:value-type=
"percentage"`` with value 0.5); and the save time from ``meta.xml``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ..core.legacy_vn import legacy_font
from ..core.table import col_letter
from .xlsxpkg import parse_xml

ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
NS_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_T, _O, _S, _SVG = f"{{{NS_TABLE}}}", f"{{{NS_OFFICE}}}", f"{{{NS_STYLE}}}", f"{{{NS_SVG}}}"
MAX_REPEAT = 10_000  # an empty row or cell "repeated" to the sheet's end is not walked
MAX_NOTED = 200_000  # a form has a few hundred rows; more noted cells is a crafted file


def is_ods(parts: dict[str, bytes]) -> bool:
    return parts.get("mimetype", b"").strip() == ODS_MIME


def _legacy_styles(root: Any) -> dict[str, str]:
    """Automatic cell style name -> legacy encoding, for styles whose font is TCVN3 or VNI."""
    families = {
        face.get(f"{_S}name"): (face.get(f"{_SVG}font-family") or "").strip("'\"")
        for face in root.iter(f"{_S}font-face")
    }
    out: dict[str, str] = {}
    for style in root.iter(f"{_S}style"):
        props = style.find(f"{_S}text-properties")
        if props is None:
            continue
        name = props.get(f"{_S}font-name")
        encoding = legacy_font(families.get(name) or name)
        if encoding:
            out[str(style.get(f"{_S}name"))] = encoding
    return out


def sheet_facts(
    content_xml: bytes, sheet: str
) -> tuple[set[tuple[int, int]], list[str], set[tuple[int, int]], dict[tuple[int, int], str]]:
    """(formula cells, merged ranges, percentage cells, legacy-font cells) of ``sheet``;
    (row, column) 1-based."""
    root = parse_xml(content_xml)
    formulas: set[tuple[int, int]] = set()
    merged: list[str] = []
    percent: set[tuple[int, int]] = set()
    legacy: dict[tuple[int, int], str] = {}
    styles = _legacy_styles(root)
    table = next((t for t in root.iter(f"{_T}table") if t.get(f"{_T}name") == sheet), None)
    if table is None:
        return formulas, merged, percent, legacy
    row = 0
    for tr in table.iter(f"{_T}table-row"):
        rows = min(int(tr.get(f"{_T}number-rows-repeated", "1")), MAX_REPEAT)
        # The cells worth noting in this row, once; LibreOffice repeats empty rows and cells
        # up to the sheet's end, so walking every repeated position would take minutes.
        noted: list[tuple[int, int, bool, bool, tuple[int, int], str | None]] = []
        col = 0
        for cell in tr:
            if cell.tag not in (f"{_T}table-cell", f"{_T}covered-table-cell"):
                continue
            cols = min(int(cell.get(f"{_T}number-columns-repeated", "1")), MAX_REPEAT)
            formula = bool(cell.get(f"{_T}formula"))
            pct = cell.get(f"{_O}value-type") == "percentage"
            spans = (
                int(cell.get(f"{_T}number-rows-spanned", "1")),
                int(cell.get(f"{_T}number-columns-spanned", "1")),
            )
            font = styles.get(str(cell.get(f"{_T}style-name")))
            if formula or pct or spans != (1, 1) or font:
                noted.append((col + 1, cols, formula, pct, spans, font))
            col += cols
        if noted and rows * sum(n[1] for n in noted) > MAX_NOTED:
            raise ValueError("too many formula, percent or merged cells")  # a crafted file
        for r in range(row + 1, row + rows + 1) if noted else ():
            for first, cols, formula, pct, spans, font in noted:
                for c in range(first, first + cols):
                    if font:
                        legacy[(r, c)] = font
                    if formula:
                        formulas.add((r, c))
                    if pct:
                        percent.add((r, c))
                    if spans != (1, 1):
                        end = f"{col_letter(c + spans[1] - 1)}{r + spans[0] - 1}"
                        merged.append(f"{col_letter(c)}{r}:{end}")
        row += rows
    return formulas, merged, percent, legacy


def saved_at(meta_xml: bytes | None) -> datetime | None:
    """``dc:date`` of ``meta.xml``: when the file was last saved (local time, as written)."""
    if not meta_xml:
        return None
    try:
        node = next(parse_xml(meta_xml).iter(f"{{{NS_DC}}}date"), None)
    except Exception:  # a damaged meta part: no save time, as for an .xlsx without one
        return None
    if node is None or not node.text:
        return None
    text = re.sub(r"(\.\d{1,6})\d*", r"\1", node.text.strip()).replace("Z", "+00:00")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value.replace(microsecond=0)
