"""Printing the tracker: how tall a row of wrapped text is, and how a sheet fits an A4 page.

Pure arithmetic on text and column widths, shared by every writer of rows (the tracker's
sheets, the agencies' forms, the template build): Excel and LibreOffice do not both size the
rows of a file they did not write (LibreOffice keeps the height it is given, or the default),
so the writers store a height for every row whose wrapped text needs more than one line.

The widths are Times New Roman's (Liberation Serif, LibreOffice's stand-in on Linux, has the
same advance widths), the tracker's and the forms' only font, at 12 pt. A column ``w`` wide
is ``w`` digit widths: 8 px, 6 pt for this font, as Excel and LibreOffice both count it.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterable, Sequence

from .layout import (
    SHEET_AGENCIES,
    SHEET_CHECKS,
    SHEET_CONFIG,
    SHEET_LOG,
    SHEET_SUMMARY,
    SHEET_TASKS,
    Column,
)

FONT_SIZE = 12.0  # points, the body font of the tracker and the forms
LINE_HEIGHT = 15.0  # points per line of 12-pt text: Excel 14.25, LibreOffice 13.8
ROW_PADDING = 3.0  # points above and below the lines of a row
DEFAULT_ROW_HEIGHT = 15.75  # one line of 12-pt Times New Roman (the sheets' default)
DIGIT_WIDTH = 6.0  # points: a column width unit (the digit "0" at 12 pt)
CELL_PADDING = 3.0  # points of a column's width that text never uses (left and right margins)

# Advance widths of Times New Roman, per mille of the em, for " " (32) to "~" (126).
_ASCII = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278,
    500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444,
    921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722,
    556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500,
    333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
)  # fmt: skip
# Letters that are not an ASCII letter plus combining marks, and common punctuation.
_OTHER = {
    "đ": 500, "Đ": 722, "…": 1000, "–": 500, "—": 1000, "“": 444, "”": 444, "‘": 333,
    "’": 333, "•": 350, "×": 564, "°": 400, "≤": 549, "≥": 549, "\t": 1000,
}  # fmt: skip
# The horn of ơ and ư widens them (ờ, ữ, … decompose to o or u plus the horn).
_HORN = "\u031b"
_HORNED = {"o": 529, "u": 542, "O": 722, "U": 776}
_UNKNOWN = 1000  # any other script: an em, never too narrow
_WIDTHS: dict[str, int] = {chr(32 + i): w for i, w in enumerate(_ASCII)} | _OTHER


def _char_width(ch: str) -> int:
    known = _WIDTHS.get(ch)
    if known is not None:
        return known
    parts = unicodedata.normalize("NFD", ch)
    if unicodedata.category(parts[0]).startswith("M"):
        return 0  # a combining mark on its own draws on the letter before it
    if _HORN in parts and parts[0] in _HORNED:
        width = _HORNED[parts[0]]
    else:
        width = _WIDTHS.get(parts[0], _UNKNOWN)
    _WIDTHS[ch] = width
    return width


def text_points(text: str, size: float = FONT_SIZE) -> float:
    """How wide ``text`` is on one line, in points."""
    return sum(_char_width(ch) for ch in text) * size / 1000


def column_points(width: float) -> float:
    """The width in points a column ``width`` units wide gives its text."""
    return max(width * DIGIT_WIDTH - CELL_PADDING, DIGIT_WIDTH)


def wrap_text(text: str, width: float, slack: float = 0.97, size: float = FONT_SIZE) -> list[str]:
    """``text`` broken into the lines a wrapped cell of a column ``width`` units wide shows:
    words go on a line while they fit (in ``slack`` of the width), a word longer than a line
    breaks anywhere, "\n" starts a line."""
    room = column_points(width) * slack * 1000 / size  # per-mille units, as the widths
    space = _char_width(" ")
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            w = sum(_char_width(ch) for ch in word)
            if line and used + space + w <= room:
                line.append(word)
                used += space + w
                continue
            if line:  # the word starts a new line
                lines.append(" ".join(line))
                line, used = [], 0.0
            if w <= room:
                line, used = [word], w
                continue
            piece = ""  # a word wider than the line: its characters fill line after line
            for ch in word:
                cw = _char_width(ch)
                if piece and used + cw > room:
                    lines.append(piece)
                    piece, used = "", 0.0
                piece += ch
                used += cw
            line = [piece]
        lines.append(" ".join(line))
    return lines


# Kept: the same texts come back in every form of a run (the help sheet, shared tasks).
@functools.lru_cache(maxsize=8192)
def wrapped_lines(text: str, width: float, size: float = FONT_SIZE) -> int:
    """Lines ``text`` takes in a wrapped cell of a column ``width`` units wide.

    Meant as a slight overestimate (3 % of the width is left as slack, for glyphs drawn
    wider on screen): a row cut short hides text, a row a little tall does not."""
    return len(wrap_text(text, width, size=size))


def row_height(cells: Iterable[tuple[str, float]]) -> float | None:
    """The height (points) of a row whose wrapped cells hold these (text, column width)
    pairs: enough lines for the tallest; None when every text fits on one line (the row
    keeps the sheet's default height)."""
    lines = 1
    for text, width in cells:
        if not text:
            continue
        # Cheap test first: a text that fits even in its widest reading takes one line.
        if "\n" not in text and len(text) * _UNKNOWN * FONT_SIZE / 1000 <= column_points(width):
            continue
        lines = max(lines, wrapped_lines(text, width))
    return height_of(lines) if lines > 1 else None


def height_of(lines: int) -> float:
    """The height in points of a row of ``lines`` lines of 12-pt text."""
    return lines * LINE_HEIGHT + ROW_PADDING


# -- the printed page -------------------------------------------------------------------
# A4 landscape, in points, and the margins every sheet of the tracker prints with (inches,
# as the file format writes them).
PAPER_A4 = 9  # the file format's code for A4
PAGE_WIDTH, PAGE_HEIGHT = 841.89, 595.28
MARGIN_LEFT = MARGIN_RIGHT = 0.4
MARGIN_TOP = MARGIN_BOTTOM = 0.6
MARGIN_HEADER = MARGIN_FOOTER = 0.3
# Below this a 12-pt text prints smaller than 7 pt: the printed columns of each sheet are
# chosen so that one page's width holds them at this scale or more (tests/test_print.py).
MIN_PRINT_SCALE = 55


def printable_width() -> float:
    """Points across a landscape A4 page inside the margins."""
    return PAGE_WIDTH - (MARGIN_LEFT + MARGIN_RIGHT) * 72


def printable_height() -> float:
    """Points down a landscape A4 page inside the top and bottom margins."""
    return PAGE_HEIGHT - (MARGIN_TOP + MARGIN_BOTTOM) * 72


# Points a column width unit takes on paper at 100 %: LibreOffice draws a unit of this font
# a little wider than Excel's 6 pt (6.06 measured), so pages are fitted to the wider.
PRINT_UNIT = 6.3


def fit_scale(widths: Iterable[float]) -> int:
    """The print scale (per cent, at most 100) that fits columns this wide across one
    landscape A4 page, rounded down."""
    total = sum(w * PRINT_UNIT for w in widths)
    if total <= 0:
        return 100
    return min(100, math.floor(100 * printable_width() / total))


# -- what each sheet prints ------------------------------------------------------------
# The last field of a table sheet's print area: the columns left of it and itself are what a
# reader of the printed sheet needs; the rest stay on screen (hidden from print by the print
# area, never hidden in the sheet). A sheet not named here prints every column.
PRINT_LAST_FIELD: dict[str, str] = {
    SHEET_TASKS: "result",
    SHEET_LOG: "new",
    SHEET_CONFIG: "help",
}
PRINTED_SHEETS = (SHEET_TASKS, SHEET_AGENCIES, SHEET_SUMMARY, SHEET_CHECKS, SHEET_LOG, SHEET_CONFIG)


def printed_columns(sheet: str, columns: Sequence[Column]) -> tuple[Column, ...]:
    """The columns of a table sheet inside its print area, from column A."""
    last = PRINT_LAST_FIELD.get(sheet)
    fields = [c.field for c in columns]
    end = fields.index(last) + 1 if last in fields else len(columns)
    return tuple(columns[:end])
