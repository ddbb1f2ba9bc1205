"""Row heights for the rows a write produces: tall enough for their wrapped text.

Excel keeps the height a file gives a row and LibreOffice does too; neither sizes the rows of
a generated file on open, so a row of wrapped text written without a height prints its
lines over the next row. Every writer of the tracker's rows (:mod:`sheetxml`, :mod:`gridxml`)
asks a :class:`RowFit` for the height of each row it writes; the estimate is
:func:`xladdin.core.printing.row_height`, the one the forms use.

Which cells wrap is the cell's style (``wrapText`` in ``styles.xml``), and how wide a column
is comes from the sheet's own ``<cols>``, so a column a user widened gets fewer lines. A row
a person sized by hand (``customHeight``) keeps its height; a row the tool sized carries
``ht`` without ``customHeight``, so the next write sizes it again (and Excel re-fits it when
its text is edited).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from xml.sax.saxutils import unescape

from ..core.printing import row_height
from .xlsxpkg import NS_MAIN, parse_xml

_COL = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*?)/?>")
_FORMAT_PR = re.compile(rb"<(?:[\w.-]+:)?sheetFormatPr\b([^>]*?)/?>")
_SHEETDATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")
_TRUE = ("1", "true")
DEFAULT_WIDTH = 8.43  # Excel's, when a sheet names none
_CELL_T = re.compile(r"""\bt=["'](\w+)["']""")
_TEXT = re.compile(r"<(?:[\w.-]+:)?t\b[^>]*>(.*?)</(?:[\w.-]+:)?t>", re.S)
_VALUE = re.compile(r"<(?:[\w.-]+:)?v>(.*?)</(?:[\w.-]+:)?v>", re.S)


def _attr(attrs: bytes, name: str) -> str | None:
    m = re.search(rb"\s" + name.encode() + rb"""=["']([^"']*)["']""", attrs)
    return m.group(1).decode() if m else None


def wrap_styles(styles_xml: bytes | None) -> frozenset[int]:
    """Indexes of the cell formats (``cellXfs``) that wrap their text."""
    if not styles_xml:
        return frozenset()
    try:
        root = parse_xml(styles_xml)
    except Exception:  # a damaged styles part: no row is sized rather than no write
        return frozenset()
    xfs = root.find(f"{{{NS_MAIN}}}cellXfs")
    out = set()
    for i, xf in enumerate(xfs if xfs is not None else []):
        align = xf.find(f"{{{NS_MAIN}}}alignment")
        if align is not None and align.get("wrapText", "") in _TRUE:
            out.add(i)
    return frozenset(out)


def column_widths(sheet_xml: bytes) -> tuple[dict[int, float], float]:
    """Each column's width from ``<cols>`` and the width of the others."""
    data = _SHEETDATA.search(sheet_xml)
    head = sheet_xml[: data.start()] if data else sheet_xml
    widths: dict[int, float] = {}
    for col in _COL.finditer(head):
        low, high, width = (_attr(col.group(1), n) for n in ("min", "max", "width"))
        if low is None or width is None:
            continue
        for n in range(int(low), int(high or low) + 1):
            widths[n] = float(width)
    default = DEFAULT_WIDTH
    fmt = _FORMAT_PR.search(head)
    if fmt is not None:
        own = _attr(fmt.group(1), "defaultColWidth")
        base = _attr(fmt.group(1), "baseColWidth")
        if own is not None:
            default = float(own)
        elif base is not None:
            default = float(base) + 0.71
    return widths, default


def raw_cell_text(raw: str, shared: Callable[[], Sequence[str]]) -> str:
    """The text of a cell from its XML (inline or shared string; "" for anything else)."""
    head = raw[: raw.find(">") + 1]
    kind = _CELL_T.search(head)
    t = kind.group(1) if kind else ""
    if t == "inlineStr":
        return unescape("".join(_TEXT.findall(raw)))
    if t in ("s", "str"):
        v = _VALUE.search(raw)
        if v is None:
            return ""
        if t == "str":
            return unescape(v.group(1))
        strings = shared()
        i = int(v.group(1)) if v.group(1).strip().isdigit() else -1
        return strings[i] if 0 <= i < len(strings) else ""
    return ""


def fitted_attrs(attrs: Mapping[str, str], height: float | None) -> dict[str, str]:
    """A row's attributes with the estimated height: a height set by hand stays; otherwise
    ``ht`` is the estimate, or absent for a one-line row."""
    if attrs.get("customHeight", "") in _TRUE:
        return dict(attrs)
    out = {k: v for k, v in attrs.items() if k != "ht"}
    if height is not None:
        out["ht"] = f"{height:g}"
    return out


class RowFit:
    """The height of rows in one sheet: its column widths and the workbook's wrapping styles."""

    def __init__(
        self,
        sheet_xml: bytes,
        wrapping: frozenset[int],
        shared_strings: Callable[[], Sequence[str]] = lambda: (),
    ) -> None:
        self.widths, self.default_width = column_widths(sheet_xml)
        self.wrapping = wrapping
        self._shared = shared_strings
        self._strings: Sequence[str] | None = None

    def shared(self) -> Sequence[str]:
        if self._strings is None:
            self._strings = self._shared()
        return self._strings

    def wraps(self, style: int | None) -> bool:
        return style is not None and style in self.wrapping

    def width(self, col: int) -> float:
        return self.widths.get(col, self.default_width)

    def height(self, cells: Iterable[tuple[int, object, int | None]]) -> float | None:
        """The height for a row of (column, value, style) cells; None for one line."""
        return row_height(
            (value, self.width(col))
            for col, value, style in cells
            if isinstance(value, str) and self.wraps(style)
        )
