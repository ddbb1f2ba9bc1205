"""Dropping the oldest rows of the audit log's sheet XML, once they are archived."""

from __future__ import annotations

import re

from ..core.errors import WorkbookFormatError
from .sheetxml import _DIMENSION, _ROW_R_ATTR, find_sheet_data

_ROW_ELEMENT = re.compile(rb"<((?:[\w.-]+:)?)row\b([^>]*?)(/>|>.*?</\1row>)", re.S)
_CELL_REF = re.compile(rb'(<(?:[\w.-]+:)?c\b[^>]*?\br=")([A-Z]+)(\d+)(")')


def _renumber(row: bytes, number: bytes) -> bytes:
    def row_number(a: re.Match[bytes]) -> bytes:
        return a.group(0).replace(a.group(1), number)

    def cell_ref(c: re.Match[bytes]) -> bytes:
        return c.group(1) + c.group(2) + number + c.group(4)

    return _CELL_REF.sub(cell_ref, _ROW_R_ATTR.sub(row_number, row, count=1))


def drop_leading_rows(sheet_xml: bytes, first: int, count: int) -> bytes:
    """Remove rows ``first`` … ``first + count - 1`` and move the rows below up by ``count``
    (the audit log's oldest rows, once archived). Works on the row tags alone: the rows that
    go are cut out as bytes, only the rows that stay are renumbered, so a long log is never
    parsed into a tree."""
    if count <= 0:
        return sheet_xml
    span = find_sheet_data(sheet_xml)
    if span is None:
        raise WorkbookFormatError("Trang tính không có phần dữ liệu (sheetData).")
    lo, hi = span.inner
    body = sheet_xml[lo:hi]
    out: list[bytes] = []
    last = 0
    for m in _ROW_ELEMENT.finditer(body):
        r_attr = _ROW_R_ATTR.search(m.group(2))
        if r_attr is None:  # rows without numbers cannot be moved safely: keep the sheet
            raise WorkbookFormatError("Trang nhật ký có dòng không ghi số dòng; không chuyển.")
        r = int(r_attr.group(1))
        if r < first:
            out.append(m.group(0))
        elif r >= first + count:
            new = r - count
            row = _renumber(m.group(0), str(new).encode())
            out.append(row)
        last = max(last, r)
    xml = sheet_xml[:lo] + b"".join(out) + sheet_xml[hi:]
    dim = _DIMENSION.search(xml)
    if dim is not None:
        ref = re.search(rb'ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', dim.group(0))
        if ref and ref.group(4):
            end = max(int(ref.group(4)) - count, 1)
            fixed = ref.group(0).replace(
                ref.group(3) + ref.group(4), ref.group(3) + str(end).encode()
            )
            xml = xml[: dim.start()] + dim.group(0).replace(ref.group(0), fixed) + xml[dim.end() :]
    return xml
