"""Run xlwings' remote engine on a real workbook file: no Excel, no Office.js, no server.

xlwings' "remote" engine (``xlwings/pro/_xlremote.py``, used by xlwings Server and xlwings
Lite) builds a book from the JSON payload its Office.js client sends; reads come from that
payload and writes become a list of actions for the client to replay. This module builds that
payload from an ``.xlsx``/``.xlsm`` file, so a button can be called on ``xw.Book(json=...)``
and its effect checked as actions:

    book = open_book(path)
    buttons.validate(book)
    assert alerts(actions(book)) == ["..."]

What the payload holds, and how (see :func:`payload_from_workbook`):

- every worksheet in tab order with its ``visibility``, hidden ones included (chart sheets are
  not worksheets and, as in Office.js, are left out);
- ``values`` from A1 to the last cell of the used range, as Office.js ``Range.values`` gives them
  after the client's date handling: ``""`` for an empty cell, JSON numbers (an integral number
  arrives as ``int`` once the JSON is parsed), ``True``/``False``, error codes as text
  (``"#N/A"``), text as is, and a number whose format is a date or time as the ISO string the
  client makes of it (``"2026-11-21T09:00:00.000Z"``);
- ``used_range_address`` (the used range need not start at A1), defined names, tables, charts,
  pictures, shapes, notes (cells only: the client does not send note text), print area,
  gridlines, and the book's active sheet, selection and calculation mode.

The engine only exists when ``XLWINGS_LICENSE_KEY`` is set while xlwings is imported, since
engines register at import time. :func:`remote_xlwings` takes care of that, also when xlwings
was already imported without the key (another test module did it first), by registering the
engine itself. Use the ``xw_remote`` fixture or call :func:`open_book`, which does it for you.

Known differences from a live client: a formula without a cached value reads as ``""`` (Excel
would calculate it; a :class:`UncachedFormulaWarning` names the cells); positions of charts,
pictures and shapes are computed from column widths and row heights with a 7-pixel digit
width, so they are close to, not equal to, what Excel reports; whether a custom number format
counts as a date depends on Excel's locale (see ``custom_date_formats``).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import importlib
import json
import math
import os
import posixpath
import re
import warnings
import weakref
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import IO, Any, NamedTuple
from urllib.parse import unquote

import pytest
from lxml import etree

LICENSE_ENV = "XLWINGS_LICENSE_KEY"
NONCOMMERCIAL_KEY = "noncommercial"
CLIENT = "Office.js"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_EMU_PER_POINT = 12700
_MAX_DIGIT_WIDTH = 7  # pixels of "0" in Excel's default font (Calibri 11 at 96 dpi)
_VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}
_CALCULATION = {"auto": "Automatic", "manual": "Manual", "autoNoTable": "AutomaticExceptTables"}
# Built-in number formats Excel files under the Date and Time categories.
_DATE_TIME_BUILTIN_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_UNIX_EPOCH_SERIAL = 25569  # 1970-01-01 as an Excel (1900 system) serial
_SIMPLE_REF = re.compile(
    r"=?(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!\[\]():,=+*/^&<>\"%{} -]+))!"
    r"(?P<ref>\$?[A-Za-z]{1,3}\$?[1-9][0-9]*(?::\$?[A-Za-z]{1,3}\$?[1-9][0-9]*)?"
    r"|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?[1-9][0-9]*:\$?[1-9][0-9]*)"
)


class UncachedFormulaWarning(UserWarning):
    """Cells hold formulas without a cached value: the payload has ``""`` where Excel has one."""


# -- xlwings with the remote engine ------------------------------------------------------------
@contextlib.contextmanager
def license_env() -> Iterator[None]:
    """``XLWINGS_LICENSE_KEY=noncommercial`` for the duration (an existing key is kept).

    xlwings checks the key only while its PRO modules are imported, so the variable is needed
    around the import, not afterwards; it is restored on exit to keep other tests unaffected.
    """
    previous = os.environ.get(LICENSE_ENV)
    if previous:
        yield
        return
    os.environ[LICENSE_ENV] = NONCOMMERCIAL_KEY
    try:
        yield
    finally:
        if previous is None:
            del os.environ[LICENSE_ENV]
        else:
            os.environ[LICENSE_ENV] = previous


def remote_xlwings() -> ModuleType:
    """The ``xlwings`` module with its "remote" engine registered; safe to call repeatedly."""
    with license_env():
        import xlwings as xw

        if "remote" not in [engine.name for engine in xw.engines]:
            # xlwings was imported without a key (its PRO import failed quietly then):
            # importing the engine module now validates the key and gives the engine.
            from xlwings.main import Engine

            xlremote = importlib.import_module("xlwings.pro._xlremote")
            xw.engines.add(Engine(impl=xlremote.engine))
    return xw


@pytest.fixture(scope="session")
def xw_remote() -> ModuleType:
    """``xlwings`` with the remote engine; ``xw_remote.Book(json=payload)`` works."""
    return remote_xlwings()


# Sheet names as the payload had them, per book, so actions can be given sheet names even after
# the script added, moved or renamed sheets (the engine mutates the payload it was given).
_INITIAL_SHEETS: weakref.WeakKeyDictionary[Any, list[str]] = weakref.WeakKeyDictionary()


def open_book(source: Path | str | Mapping[str, Any], **options: Any) -> Any:
    """An ``xw.Book`` on the remote engine, from a workbook file or a ready payload.

    ``options`` go to :func:`payload_from_workbook`. A payload passed in is copied through
    JSON first (what the client sends is JSON), so the caller's dict is never mutated. The new
    book becomes the remote app's active book: ``book.app.alert`` records on the active book.
    """
    xw = remote_xlwings()
    if isinstance(source, Mapping):
        if options:
            raise TypeError("options only apply when building the payload from a file")
        payload = source
    else:
        payload = payload_from_workbook(Path(source), **options)
    payload = json.loads(json.dumps(payload, ensure_ascii=False, allow_nan=False))
    book = xw.Book(json=payload)
    _INITIAL_SHEETS[book.impl] = [sheet["name"] for sheet in payload["sheets"]]
    return book


# -- inspecting the actions --------------------------------------------------------------------
class NoteAdded(NamedTuple):
    sheet: str | None
    address: str
    text: str


def actions(book: Any) -> list[dict[str, Any]]:
    """Copies of the book's queued actions, each with the ``sheet_name`` it applies to.

    ``sheet_position`` is the sheet's index when the action was queued; replaying the sheet
    actions (add, delete, move, copy, rename) turns it into a name. ``sheet_name`` is None for
    actions on no sheet (alerts, names, ...).
    """
    impl = book.impl
    queued = impl.json()["actions"]
    names = _INITIAL_SHEETS.get(impl)
    if names is None:  # not made by open_book: assume no sheet was added, moved or renamed
        names = [sheet["name"] for sheet in impl.api["sheets"]]
    names = list(names)
    result = []
    for action in queued:
        entry = copy.deepcopy(action)
        position = action.get("sheet_position")
        entry["sheet_name"] = (
            names[position] if isinstance(position, int) and 0 <= position < len(names) else None
        )
        _replay_sheet_action(names, action)
        result.append(entry)
    return result


def _replay_sheet_action(names: list[str], action: Mapping[str, Any]) -> None:
    func, args, position = action["func"], action.get("args") or [], action.get("sheet_position")
    if func == "addSheet":
        names.insert(int(args[0]), str(args[1]))
    elif func == "sheetDelete" and position is not None:
        del names[position]
    elif func == "setSheetName" and position is not None:
        names[position] = str(args[0])
    elif func == "setSheetPosition" and position is not None:
        names.insert(int(args[0]), names.pop(position))
    elif func == "copySheet" and position is not None:
        where, target, name = args[0], int(args[1]), str(args[2])
        names.insert(target if where == "Before" else target + 1, name)


def _action_list(source: Any) -> list[Mapping[str, Any]]:
    if hasattr(source, "impl"):
        return list(actions(source))
    return list(source)


def range_address(row: int, column: int, row_count: int = 1, column_count: int = 1) -> str:
    """A1 address of a block given 0-based start like the actions carry: ``(1, 0, 2, 3)`` → A2:C3."""
    first = f"{_col_letter(column + 1)}{row + 1}"
    if row_count == 1 and column_count == 1:
        return first
    return f"{first}:{_col_letter(column + column_count)}{row + row_count}"


def values_written(source: Any, sheet: str | int) -> dict[str, list[list[Any]]]:
    """``{address: values}`` of every ``setValues`` on ``sheet`` (a later write wins).

    ``source`` is a book or :func:`actions` output; ``sheet`` a name, or the 0-based position
    the actions carry. Values are as sent to the client: None became ``""``, a date became
    ``"2026-11-21"`` and a date with a time ``"2026-11-21 09:00:00"``.
    """
    result: dict[str, list[list[Any]]] = {}
    for action in _action_list(source):
        if action["func"] != "setValues" or not _on_sheet(action, sheet):
            continue
        address = range_address(
            action["start_row"], action["start_column"], action["row_count"], action["column_count"]
        )
        result[address] = action["values"]
    return result


def sheet_after(book: Any, sheet: str) -> list[list[Any]]:
    """The values of ``sheet`` once the client replayed the book's actions: the payload's
    values with every ``rangeClearContents`` (cells become ``""``), ``sheetClearContents``
    and ``setValues`` applied in order. Rows and columns grow as writes reach them."""
    payload = next(s for s in book.impl.api["sheets"] if s["name"] == sheet)
    grid = [list(r) for r in payload["values"]]

    def ensure(rows: int, cols: int) -> None:
        while len(grid) < rows:
            grid.append([])
        for r in grid:
            r.extend([""] * (cols - len(r)))

    for action in actions(book):
        if action.get("sheet_name") != sheet:
            continue
        func = action["func"]
        if func == "sheetClearContents":
            grid = [["" for _ in r] for r in grid]
            continue
        if func not in ("setValues", "rangeClearContents"):
            continue
        r0, c0 = action["start_row"], action["start_column"]
        n_rows, n_cols = action["row_count"], action["column_count"]
        ensure(r0 + n_rows, max([c0 + n_cols, *(len(r) for r in grid)]))
        for i in range(n_rows):
            for j in range(n_cols):
                grid[r0 + i][c0 + j] = (
                    "" if func == "rangeClearContents" else action["values"][i][j]
                )
    return grid


def _on_sheet(action: Mapping[str, Any], sheet: str | int) -> bool:
    if isinstance(sheet, int):
        return bool(action.get("sheet_position") == sheet)
    if "sheet_name" not in action:
        raise ValueError("pass actions(book) (or the book) to select actions by sheet name")
    return bool(action["sheet_name"] == sheet)


def alerts(source: Any) -> list[str]:
    """The prompts of the message boxes, in order (``args`` also has title, buttons, mode)."""
    return [action["args"][0] for action in _action_list(source) if action["func"] == "alert"]


def notes_added(source: Any) -> list[NoteAdded]:
    """Notes the script added: sheet name (None for raw actions), address without ``$``, text."""
    return [
        NoteAdded(action.get("sheet_name"), action["args"][0].replace("$", ""), action["args"][1])
        for action in _action_list(source)
        if action["func"] == "addNote"
    ]


def count(source: Any) -> Counter[str]:
    """How many actions of each kind: ``count(book)["setValues"]``."""
    return Counter(action["func"] for action in _action_list(source))


# -- the package: parts, relationships, XML ----------------------------------------------------
def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child) == name]


def _child(element: Any, name: str) -> Any | None:
    for child in element:
        if _local(child) == name:
            return child
    return None


def _first_child(element: Any, *names: str) -> Any | None:
    for name in names:
        child = _child(element, name)
        if child is not None:
            return child
    return None


def _val(element: Any, name: str, default: str | None = None) -> str | None:
    child = _child(element, name) if element is not None else None
    return child.get("val", default) if child is not None else default


def _rid(element: Any) -> str | None:
    return element.get(f"{{{_R}}}id") or element.get(
        "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
    )


class _Rel(NamedTuple):
    id: str
    kind: str  # the last segment of the relationship type: "worksheet", "chart", ...
    part: str  # zip member name the target resolves to ("" when external)


class _Package:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.zip = archive
        self.names = set(archive.namelist())

    def open(self, part: str) -> IO[bytes]:
        return self.zip.open(part)

    def xml(self, part: str) -> Any | None:
        if part not in self.names:
            return None
        with self.zip.open(part) as stream:
            return etree.parse(stream, _PARSER).getroot()

    def rels(self, part: str) -> list[_Rel]:
        folder, name = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", f"{name}.rels"))
        if root is None:
            return []
        result = []
        for rel in root:
            if _local(rel) != "Relationship":
                continue
            target = unquote(rel.get("Target", ""))
            if rel.get("TargetMode") == "External":
                resolved = ""
            elif target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            kind = rel.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
            result.append(_Rel(rel.get("Id", ""), kind, resolved))
        return result

    def rel_parts(self, part: str, kind: str) -> list[str]:
        return [rel.part for rel in self.rels(part) if rel.kind == kind and rel.part in self.names]


# -- sheet geometry (for the positions of drawings) --------------------------------------------
def _width_points(width: float) -> float:
    """Points of a column ``width`` as stored in the file (characters plus padding)."""
    mdw = _MAX_DIGIT_WIDTH
    return math.trunc(((256 * width + math.trunc(128 / mdw)) / 256) * mdw) * 0.75


@dataclass
class _Geometry:
    default_row_height: float = 15.0
    default_col_width: float | None = None
    base_col_width: float = 8.0
    cols: list[tuple[int, int, float]] = field(default_factory=list)  # min, max, points
    rows: dict[int, float] = field(default_factory=dict)  # 1-based row -> points

    def default_col_points(self) -> float:
        if self.default_col_width is not None:
            return _width_points(self.default_col_width)
        mdw = _MAX_DIGIT_WIDTH
        # baseColWidth digits plus 5 pixels of padding and gridline, rounded up to 8 pixels
        return math.ceil((self.base_col_width * mdw + 5) / 8) * 8 * 0.75

    def col_left(self, col: int) -> float:
        """Points from the sheet's left edge to 0-based column ``col``."""
        default = self.default_col_points()
        total = col * default
        for first, last, points in self.cols:
            lo, hi = first - 1, min(last, col)  # 0-based columns lo..hi-1 are before col
            if hi > lo:
                total += (hi - lo) * (points - default)
        return total

    def row_top(self, row: int) -> float:
        """Points from the sheet's top edge to 0-based row ``row``."""
        default = self.default_row_height
        return row * default + sum(h - default for r, h in self.rows.items() if r <= row)


@dataclass
class _SheetScan:
    geometry: _Geometry = field(default_factory=_Geometry)
    show_gridlines: bool = True
    selection: str | None = None
    uncached_formulas: list[str] = field(default_factory=list)
    drawing: str | None = None  # r:id of <drawing>


def _scan_sheet(stream: IO[bytes]) -> _SheetScan:
    """One streaming pass over a worksheet part, for everything but the cell values."""
    scan = _SheetScan()
    geometry = scan.geometry
    view_depth = 0  # inside the first <sheetView>
    seen_view = False
    active_pane: str | None = None
    selections: dict[str | None, str] = {}
    last_row = 0
    for event, element in etree.iterparse(
        stream, events=("start", "end"), resolve_entities=False, no_network=True
    ):
        name = _local(element)
        if event == "start":
            if name == "sheetView" and not seen_view:
                seen_view = True
                view_depth = 1
                scan.show_gridlines = element.get("showGridLines", "1") not in ("0", "false")
            continue
        if name == "sheetView" and view_depth:
            view_depth = 0
        elif name == "pane" and view_depth:
            active_pane = element.get("activePane", "topLeft")
        elif name == "selection" and view_depth:
            area = (element.get("sqref") or element.get("activeCell") or "A1").split()[0]
            selections[element.get("pane")] = area
        elif name == "sheetFormatPr":
            geometry.default_row_height = float(element.get("defaultRowHeight", "15"))
            default_width = element.get("defaultColWidth")
            if default_width:
                geometry.default_col_width = float(default_width)
            geometry.base_col_width = float(element.get("baseColWidth", "8"))
        elif name == "col":
            hidden = element.get("hidden") in ("1", "true")
            width = element.get("width")
            if hidden or width is not None:
                points = 0.0 if hidden else _width_points(float(width or 0))
                first = int(element.get("min", "1"))
                geometry.cols.append((first, int(element.get("max", first)), points))
        elif name == "c":
            formula, value = _child(element, "f"), _child(element, "v")
            cached = value is not None and (
                bool(value.text) or element.get("t") in ("str", "s", "inlineStr")
            )
            ref = element.get("r")
            if formula is not None and not cached and ref:
                scan.uncached_formulas.append(ref)
        elif name == "row":
            last_row = int(element.get("r") or last_row + 1)
            if element.get("hidden") in ("1", "true"):
                geometry.rows[last_row] = 0.0
            elif (height := element.get("ht")) is not None:
                geometry.rows[last_row] = float(height)
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
        elif name == "drawing":
            scan.drawing = _rid(element)
    if selections:
        scan.selection = selections.get(active_pane) or next(iter(selections.values()))
    return scan


# -- drawings and charts -----------------------------------------------------------------------
@dataclass(frozen=True)
class ChartSeriesInfo:
    """References of one series, as written in the chart part (formulas without ``=``)."""

    name_ref: str | None
    categories_ref: str | None
    values_ref: str | None


@dataclass(frozen=True)
class ChartInfo:
    """A chart on a worksheet, read from its drawing and chart parts."""

    sheet: str
    name: str
    chart_type: str  # Office.js Excel.ChartType value, e.g. "ColumnClustered"
    left: float
    top: float
    width: float
    height: float
    part: str
    title: str | None = None
    series: tuple[ChartSeriesInfo, ...] = ()

    def payload(self) -> dict[str, Any]:
        """The entry the remote engine reads from a sheet's ``charts`` list."""
        return {
            "name": self.name,
            "chart_type": self.chart_type,
            "left": self.left,
            "top": self.top,
            "width": self.width,
            "height": self.height,
        }


@dataclass(frozen=True)
class _DrawingObject:
    kind: str  # "chart", "Image", "GeometricShape", "Group", "Line"
    name: str
    left: float
    top: float
    width: float
    height: float
    chart_part: str | None = None
    lock_aspect_ratio: bool = False


_SHAPE_KINDS = {"pic": "Image", "sp": "GeometricShape", "grpSp": "Group", "cxnSp": "Line"}


def _anchor_box(anchor: Any, geometry: _Geometry) -> tuple[float, float, float, float]:
    def number(marker: Any, name: str) -> int:
        child = _child(marker, name)
        return int(child.text or 0) if child is not None else 0

    def corner(marker: Any) -> tuple[float, float]:
        col_off = number(marker, "colOff") / _EMU_PER_POINT
        row_off = number(marker, "rowOff") / _EMU_PER_POINT
        return (
            geometry.col_left(number(marker, "col")) + col_off,
            geometry.row_top(number(marker, "row")) + row_off,
        )

    def extent(element: Any | None) -> tuple[float, float]:
        if element is None:
            return 0.0, 0.0
        return (
            int(element.get("cx", 0)) / _EMU_PER_POINT,
            int(element.get("cy", 0)) / _EMU_PER_POINT,
        )

    kind = _local(anchor)
    if kind == "twoCellAnchor":
        left, top = corner(_child(anchor, "from"))
        right, bottom = corner(_child(anchor, "to"))
        return left, top, right - left, bottom - top
    if kind == "oneCellAnchor":
        left, top = corner(_child(anchor, "from"))
        return (left, top, *extent(_child(anchor, "ext")))
    position = _child(anchor, "pos")  # absoluteAnchor
    if position is None:
        return (0.0, 0.0, *extent(_child(anchor, "ext")))
    left = int(position.get("x", 0)) / _EMU_PER_POINT
    top = int(position.get("y", 0)) / _EMU_PER_POINT
    return (left, top, *extent(_child(anchor, "ext")))


def _anchored_element(anchor: Any) -> Any | None:
    for child in anchor:
        name = _local(child)
        if name in _SHAPE_KINDS or name == "graphicFrame":
            return child
        if name == "AlternateContent":  # the first choice Excel understands, else the fallback
            for branch in child:
                for inner in branch:
                    if _local(inner) in _SHAPE_KINDS or _local(inner) == "graphicFrame":
                        return inner
    return None


def _drawing_objects(pkg: _Package, drawing_part: str, geometry: _Geometry) -> list[_DrawingObject]:
    root = pkg.xml(drawing_part)
    if root is None:
        return []
    rels = {rel.id: rel for rel in pkg.rels(drawing_part)}
    objects = []
    for anchor in root:
        if _local(anchor) not in ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor"):
            continue
        element = _anchored_element(anchor)
        if element is None:
            continue
        properties = next(element.iter("{*}cNvPr"), None)
        name = properties.get("name", "") if properties is not None else ""
        box = _anchor_box(anchor, geometry)
        kind = _local(element)
        if kind == "graphicFrame":
            chart = next(element.iter("{*}chart"), None)
            rel = rels.get(_rid(chart) or "") if chart is not None else None
            if rel is None or rel.kind != "chart" or rel.part not in pkg.names:
                continue  # SmartArt, chartex and other frames: not in Office.js' charts
            objects.append(_DrawingObject("chart", name, *box, chart_part=rel.part))
        else:
            locks = next(element.iter("{*}picLocks"), None)
            lock = locks is not None and locks.get("noChangeAspect") in ("1", "true")
            objects.append(_DrawingObject(_SHAPE_KINDS[kind], name, *box, lock_aspect_ratio=lock))
    return objects


_GROUPING_SUFFIX = {"clustered": "Clustered", "stacked": "Stacked", "percentStacked": "Stacked100"}
_SCATTER_KINDS = {"smooth": "Smooth", "smoothMarker": "Smooth", "line": "Lines"}


def _series_elements(plot: Any) -> list[Any]:
    return _children(plot, "ser")


def _no_marker(series: Any) -> bool:
    return _val(_child(series, "marker"), "symbol") == "none"


def _no_line(series: Any) -> bool:
    properties = _child(series, "spPr")
    line = _child(properties, "ln") if properties is not None else None
    return line is not None and _child(line, "noFill") is not None


def _chart_type(plot_area: Any) -> str:
    """Office.js' ``Excel.ChartType`` value for the first plot of a chart part's plot area."""
    plots = [el for el in plot_area if _local(el).endswith("Chart")]
    if not plots:
        return "Unsupported"
    kinds = [_local(el) for el in plots]
    if "stockChart" in kinds:  # a volume-high-low-close chart has a bar plot for the volume
        prices = len(_series_elements(plots[kinds.index("stockChart")]))
        volume = "V" if "barChart" in kinds else ""
        return f"Stock{volume}{'OHLC' if prices >= 4 else 'HLC'}"
    plot = plots[0]
    kind = kinds[0]
    grouping = _val(plot, "grouping", "clustered" if kind == "barChart" else "standard") or ""
    series = _series_elements(plot)
    if kind == "barChart":
        column = _val(plot, "barDir", "col") == "col"
        suffix = _GROUPING_SUFFIX.get(grouping, "Clustered")
        return ("Column" if column else "Bar") + suffix
    if kind == "bar3DChart":
        column = _val(plot, "barDir", "col") == "col"
        shape = _val(plot, "shape", "box") or "box"
        if shape == "box":
            prefix, word = "3D", "Column" if column else "Bar"
        else:
            prefix, word = shape.capitalize(), "Col" if column else "Bar"
        return prefix + word + _GROUPING_SUFFIX.get(grouping, "")
    if kind in ("lineChart", "line3DChart", "areaChart", "area3DChart"):
        base = "Line" if kind.startswith("line") else "Area"
        if kind.endswith("3DChart"):
            return "3D" + base + ("" if base == "Line" else _GROUPING_SUFFIX.get(grouping, ""))
        if base == "Line" and not all(_no_marker(s) for s in series):
            base = "LineMarkers"
        return base + _GROUPING_SUFFIX.get(grouping, "")
    if kind in ("pieChart", "pie3DChart", "doughnutChart"):
        exploded = any(int(_val(s, "explosion", "0") or 0) > 0 for s in series)
        base = {"pieChart": "Pie", "pie3DChart": "3DPie", "doughnutChart": "Doughnut"}[kind]
        return base + ("Exploded" if exploded else "")
    if kind == "ofPieChart":
        return "BarOfPie" if _val(plot, "ofPieType") == "bar" else "PieOfPie"
    if kind == "scatterChart":
        style = _val(plot, "scatterStyle", "marker") or "marker"
        smooth = style.startswith("smooth") or any(_val(s, "smooth") == "1" for s in series)
        lines = style != "marker" and not all(_no_line(s) for s in series)
        markers = not all(_no_marker(s) for s in series)
        if smooth and lines:
            return "XYScatterSmooth" + ("" if markers else "NoMarkers")
        if lines:
            return "XYScatterLines" + ("" if markers else "NoMarkers")
        return "XYScatter"
    if kind == "radarChart":
        radar = _val(plot, "radarStyle", "standard") or "standard"
        return {"filled": "RadarFilled", "marker": "RadarMarkers"}.get(radar, "Radar")
    if kind == "bubbleChart":
        return "Bubble3DEffect" if _val(plot, "bubble3D") == "1" else "Bubble"
    if kind in ("surfaceChart", "surface3DChart"):
        base = "SurfaceTopView" if kind == "surfaceChart" else "Surface"
        return base + ("Wireframe" if _val(plot, "wireframe") == "1" else "")
    return kind[:1].upper() + kind[1:-5]


def _rich_text(element: Any | None) -> str | None:
    if element is None:
        return None
    return "".join(t.text or "" for t in element.iter("{*}t")) or None


def _formula(element: Any | None) -> str | None:
    if element is None:
        return None
    found = next(element.iter("{*}f"), None)
    return found.text if found is not None else None


def _chart_info(pkg: _Package, sheet: str, obj: _DrawingObject) -> ChartInfo:
    assert obj.chart_part is not None
    root = pkg.xml(obj.chart_part)
    chart = _child(root, "chart") if root is not None else None
    plot_area = _child(chart, "plotArea") if chart is not None else None
    chart_type = _chart_type(plot_area) if plot_area is not None else "Unsupported"
    title = _rich_text(_child(chart, "title")) if chart is not None else None
    series = []
    if plot_area is not None:
        for plot in plot_area:
            for ser in _series_elements(plot) if _local(plot).endswith("Chart") else []:
                series.append(
                    ChartSeriesInfo(
                        name_ref=_formula(_child(ser, "tx")),
                        categories_ref=_formula(_first_child(ser, "cat", "xVal")),
                        values_ref=_formula(_first_child(ser, "val", "yVal")),
                    )
                )
    return ChartInfo(
        sheet=sheet,
        name=obj.name,
        chart_type=chart_type,
        left=obj.left,
        top=obj.top,
        width=obj.width,
        height=obj.height,
        part=obj.chart_part,
        title=title,
        series=tuple(series),
    )


# -- notes and tables --------------------------------------------------------------------------
def _notes(pkg: _Package, sheet_part: str) -> dict[str, str]:
    """Legacy comments ("notes") of a sheet, ``{address: text}``; threaded comments excluded."""
    threaded: set[str] = set()
    for part in pkg.rel_parts(sheet_part, "threadedComment"):
        root = pkg.xml(part)
        if root is not None:
            threaded.update(el.get("ref", "") for el in root.iter("{*}threadedComment"))
    notes: dict[str, str] = {}
    for part in pkg.rel_parts(sheet_part, "comments"):
        root = pkg.xml(part)
        for comment in root.iter("{*}comment") if root is not None else []:
            ref = comment.get("ref", "")
            if ref and ref not in threaded:
                notes[ref] = _rich_text(_child(comment, "text")) or ""
    return notes


def _bounds(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.replace("$", "").partition(":")
    r1, c1 = _cell_index(first)
    r2, c2 = _cell_index(last or first)
    return r1, c1, r2, c2


def _tables(pkg: _Package, sheet_part: str) -> list[dict[str, Any]]:
    tables = []
    for part in pkg.rel_parts(sheet_part, "table"):
        root = pkg.xml(part)
        if root is None:
            continue
        r1, c1, r2, c2 = _bounds(root.get("ref", "A1"))
        headers = int(root.get("headerRowCount", "1")) > 0
        totals = int(root.get("totalsRowCount", "0")) > 0
        style = _child(root, "tableStyleInfo")

        def flag(name: str, style: Any = style) -> bool:
            return style is not None and style.get(name) in ("1", "true")

        body_first, body_last = r1 + (1 if headers else 0), r2 - (1 if totals else 0)
        columns = _child(root, "tableColumns")
        tables.append(
            {
                "name": root.get("displayName") or root.get("name", ""),
                "range_address": _ref(r1, c1, r2, c2),
                "header_row_range_address": _ref(r1, c1, r1, c2) if headers else None,
                "data_body_range_address": _ref(body_first, c1, max(body_first, body_last), c2),
                "total_row_range_address": _ref(r2, c1, r2, c2) if totals else None,
                "show_headers": headers,
                "show_totals": totals,
                "table_style": style.get("name", "") if style is not None else "",
                "show_autofilter": headers and _child(root, "autoFilter") is not None,
                "show_table_style_first_column": flag("showFirstColumn"),
                "show_table_style_last_column": flag("showLastColumn"),
                "show_table_style_row_stripes": flag("showRowStripes"),
                "show_table_style_column_stripes": flag("showColumnStripes"),
                "columns": [
                    col.get("name", "") for col in (columns if columns is not None else [])
                ],
                "row_count": r2 - r1 + 1,
                "column_count": c2 - c1 + 1,
            }
        )
    return tables


# -- values ------------------------------------------------------------------------------------
def _col_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_index(ref: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Za-z]{1,3})([0-9]+)", ref)
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for char in match[1].upper():
        col = col * 26 + ord(char) - 64
    return int(match[2]), col


def _ref(r1: int, c1: int, r2: int, c2: int) -> str:
    first = f"{_col_letter(c1)}{r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:{_col_letter(c2)}{r2}"


def _json_number(value: float | int) -> float | int:
    """A number as Python sees it after ``JSON.stringify`` → ``json.loads``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def iso_from_serial(serial: float) -> str:
    """The client's date string: ``new Date(Math.round((serial - 25569) * 86400000)).toISOString()``."""
    milliseconds = math.floor((serial - _UNIX_EPOCH_SERIAL) * 86400 * 1000 + 0.5)
    moment = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=milliseconds)
    return moment.isoformat(timespec="milliseconds") + "Z"


def _is_date_category(number_format: str, custom_date_formats: bool) -> bool:
    from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

    builtin = BUILTIN_FORMATS_REVERSE.get(number_format)
    if builtin is not None:
        return builtin in _DATE_TIME_BUILTIN_IDS
    return custom_date_formats


def _office_value(
    value: Any, number_format: str, epoch: dt.datetime, custom_date_formats: bool
) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return _json_number(value)
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        from openpyxl.utils.datetime import to_excel

        serial = float(to_excel(value, epoch))  # back to the number the cell holds
        if _is_date_category(number_format, custom_date_formats):
            return iso_from_serial(serial)
        return _json_number(serial)
    return str(value)


@dataclass
class _SheetValues:
    values: list[list[Any]]
    used_range_address: str | None


def _read_values(worksheet: Any, epoch: dt.datetime, custom_date_formats: bool) -> _SheetValues:
    from openpyxl.cell.read_only import ReadOnlyCell

    worksheet.reset_dimensions()  # don't trust <dimension>: find the cells
    cells: dict[tuple[int, int], Any] = {}
    for row in worksheet.iter_rows():
        for cell in row:
            if isinstance(cell, ReadOnlyCell):
                cells[cell.row, cell.column] = _office_value(
                    cell.value, cell.number_format, epoch, custom_date_formats
                )
    if not cells:
        return _SheetValues([[""]], None)
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    last_row, last_col = max(rows), max(cols)
    values = [[""] * last_col for _ in range(last_row)]
    for (r, c), value in cells.items():
        values[r - 1][c - 1] = value
    return _SheetValues(values, _ref(min(rows), min(cols), last_row, last_col))


# -- the workbook ------------------------------------------------------------------------------
@dataclass
class _SheetEntry:
    name: str
    state: str
    part: str
    kind: str  # "worksheet", "chartsheet", "dialogsheet", "xlMacrosheet"


def _workbook_part(pkg: _Package) -> str:
    for rel in pkg.rels(""):
        if rel.kind == "officeDocument":
            return rel.part
    return "xl/workbook.xml"


def _sheet_entries(pkg: _Package, workbook_part: str, root: Any) -> list[_SheetEntry]:
    rels = {rel.id: rel for rel in pkg.rels(workbook_part)}
    entries = []
    sheets = _child(root, "sheets")
    for sheet in sheets if sheets is not None else []:
        rel = rels.get(_rid(sheet) or "")
        entries.append(
            _SheetEntry(
                name=sheet.get("name", ""),
                state=sheet.get("state", "visible"),
                part=rel.part if rel else "",
                kind=rel.kind if rel else "",
            )
        )
    return entries


def _names(root: Any, all_sheets: Sequence[str], worksheets: Sequence[str]) -> list[dict[str, Any]]:
    """Defined names as the client lists them; hidden ones (``_FilterDatabase``...) left out."""
    position = {name.casefold(): ix for ix, name in enumerate(worksheets)}
    names = []
    defined = _child(root, "definedNames")
    for item in defined if defined is not None else []:
        if item.get("hidden") in ("1", "true"):
            continue
        name = item.get("name", "")
        name = name.removeprefix("_xlnm.")  # built-ins show as Print_Area, Print_Titles
        formula = (item.text or "").strip()
        local = item.get("localSheetId")
        scope = all_sheets[int(local)] if local is not None else None
        match = _SIMPLE_REF.fullmatch(formula)
        sheet_index = address = None
        if match:
            sheet_name = (match["quoted"] or "").replace("''", "'") or match["plain"] or ""
            sheet_index = position.get(sheet_name.casefold())
            if sheet_index is not None:
                address = match["ref"].replace("$", "").upper()
        names.append(
            {
                "name": name,
                "refers_to": "=" + formula,
                "sheet_index": sheet_index,
                "address": address,
                "book_scope": scope is None,
                "scope_sheet_name": scope,
                "scope_sheet_index": position.get(scope.casefold()) if scope else None,
            }
        )
    return names


def _config(values: list[list[Any]]) -> dict[str, str]:
    """The xlwings.conf sheet as the client reads it (A1's region, key and value columns)."""
    config = {}
    for row in values:
        if len(row) < 2 or row[0] == "":
            break
        value = row[1]
        config[str(row[0])] = str(value).lower() if isinstance(value, bool) else str(value)
    return config


def _open_openpyxl(path: Path) -> Any:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # unsupported extensions, x14 validations
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)


def _xlwings_version() -> str:
    try:
        return metadata.version("xlwings")
    except metadata.PackageNotFoundError:  # pragma: no cover - xlwings is a dependency
        return "unknown"


def read_charts(path: Path) -> dict[str, list[ChartInfo]]:
    """Charts of every worksheet, ``{sheet name: [ChartInfo, ...]}`` in drawing order."""
    with zipfile.ZipFile(path) as archive:
        pkg = _Package(archive)
        part = _workbook_part(pkg)
        root = pkg.xml(part)
        result: dict[str, list[ChartInfo]] = {}
        for entry in _sheet_entries(pkg, part, root):
            if entry.kind != "worksheet":
                continue
            with pkg.open(entry.part) as stream:
                scan = _scan_sheet(stream)
            result[entry.name] = [
                _chart_info(pkg, entry.name, obj)
                for obj in _sheet_drawing(pkg, entry.part, scan)
                if obj.kind == "chart"
            ]
        return result


def read_notes(path: Path) -> dict[str, dict[str, str]]:
    """Notes (legacy comments) with their text: ``{sheet name: {address: text}}``."""
    with zipfile.ZipFile(path) as archive:
        pkg = _Package(archive)
        part = _workbook_part(pkg)
        return {
            entry.name: _notes(pkg, entry.part)
            for entry in _sheet_entries(pkg, part, pkg.xml(part))
            if entry.kind == "worksheet"
        }


def _sheet_drawing(pkg: _Package, sheet_part: str, scan: _SheetScan) -> list[_DrawingObject]:
    rels = {rel.id: rel for rel in pkg.rels(sheet_part)}
    rel = rels.get(scan.drawing or "")
    if rel is None or rel.kind != "drawing":
        return []
    return _drawing_objects(pkg, rel.part, scan.geometry)


def payload_from_workbook(
    path: Path,
    *,
    custom_date_formats: bool = True,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    selection: str | None = None,
) -> dict[str, Any]:
    """The request body xlwings' Office.js client would send for the workbook at ``path``.

    ``custom_date_formats``: Excel files a custom format such as ``dd/mm/yyyy`` under the Date
    category when it matches one of the locale's date formats (it does for Vietnamese
    Windows), and under Custom otherwise; the client only turns Date and Time cells into ISO
    strings. True treats every custom date format as a date, False as Custom (the serial
    number is sent). Built-in formats are always classified as Excel does.

    ``include``/``exclude``: like the client's options (and the ``INCLUDE``/``EXCLUDE`` keys of
    an ``xlwings.conf`` sheet, which apply when neither is given); an excluded sheet is sent
    with ``values`` ``[[]]`` and no tables. ``selection`` overrides the saved selection.

    The result is plain JSON data (``json.dumps`` works); the remote engine mutates what it is
    given, so build a new payload (or use :func:`open_book`) for each book.
    """
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        pkg = _Package(archive)
        workbook_part = _workbook_part(pkg)
        root = pkg.xml(workbook_part)
        if root is None:
            raise ValueError(f"{path} has no workbook part")
        entries = _sheet_entries(pkg, workbook_part, root)
        worksheets = [e for e in entries if e.kind == "worksheet"]
        worksheet_names = [e.name for e in worksheets]
        names = _names(root, [e.name for e in entries], worksheet_names)
        calc = _child(root, "calcPr")
        view = next(root.iter("{*}workbookView"), None)
        active_tab = int(view.get("activeTab", "0")) if view is not None else 0
        active_entry = entries[active_tab] if active_tab < len(entries) else None
        active = worksheets.index(active_entry) if active_entry in worksheets else 0

        sheets: list[dict[str, Any]] = []
        scans: list[_SheetScan] = []
        uncached: dict[str, list[str]] = {}
        workbook = _open_openpyxl(path)
        try:
            epoch = workbook.epoch
            for entry in worksheets:
                with pkg.open(entry.part) as stream:
                    scan = _scan_sheet(stream)
                scans.append(scan)
                if scan.uncached_formulas:
                    uncached[entry.name] = scan.uncached_formulas
                read = _read_values(workbook[entry.name], epoch, custom_date_formats)
                objects = _sheet_drawing(pkg, entry.part, scan)
                print_area = next(
                    (
                        n["address"]
                        for n in names
                        if n["name"] == "Print_Area" and n["scope_sheet_name"] == entry.name
                    ),
                    None,
                )
                sheets.append(
                    {
                        "name": entry.name,
                        "visibility": _VISIBILITY.get(entry.state, "Visible"),
                        "values": read.values,
                        "used_range_address": read.used_range_address,
                        "show_gridlines": scan.show_gridlines,
                        "print_area": print_area,
                        "tables": _tables(pkg, entry.part),
                        "charts": [
                            _chart_info(pkg, entry.name, obj).payload()
                            for obj in objects
                            if obj.kind == "chart"
                        ],
                        "pictures": [
                            {
                                "name": obj.name,
                                "left": obj.left,
                                "top": obj.top,
                                "width": obj.width,
                                "height": obj.height,
                                "lock_aspect_ratio": obj.lock_aspect_ratio,
                            }
                            for obj in objects
                            if obj.kind == "Image"
                        ],
                        "shapes": [
                            {
                                "name": obj.name,
                                "type": obj.kind,
                                "left": obj.left,
                                "top": obj.top,
                                "width": obj.width,
                                "height": obj.height,
                            }
                            for obj in objects
                            if obj.kind != "chart"
                        ],
                        "notes": [{"address": ref} for ref in _notes(pkg, entry.part)],
                        "pivot_tables": [],
                    }
                )
        finally:
            workbook.close()

    if uncached:
        cells = "; ".join(f"{sheet}: {', '.join(refs[:5])}" for sheet, refs in uncached.items())
        warnings.warn(
            f"{path.name}: formulas without a cached value read as '' ({cells})",
            UncachedFormulaWarning,
            stacklevel=2,
        )

    excluded = _excluded_sheets(sheets, include, exclude)
    for sheet in sheets:
        if sheet["name"] in excluded:
            sheet["values"] = [[]]
            sheet["tables"] = []
            del sheet["used_range_address"]

    active_scan = scans[active] if scans else _SheetScan()
    return {
        "client": CLIENT,
        "version": _xlwings_version(),
        "book": {
            "name": path.name,
            "active_sheet_index": active,
            "selection": selection or active_scan.selection or "A1",
            "calculation": _CALCULATION.get(
                calc.get("calcMode", "auto") if calc is not None else "auto", "Automatic"
            ),
        },
        "names": names,
        "sheets": sheets,
    }


def _excluded_sheets(
    sheets: Sequence[Mapping[str, Any]],
    include: Iterable[str] | None,
    exclude: Iterable[str] | None,
) -> set[str]:
    include_list = list(include or [])
    exclude_list = list(exclude or [])
    if not include_list and not exclude_list:
        conf = next((s for s in sheets if s["name"] == "xlwings.conf"), None)
        config = _config(conf["values"]) if conf is not None else {}
        include_list = [s.strip() for s in config.get("INCLUDE", "").split(",") if s.strip()]
        exclude_list = [s.strip() for s in config.get("EXCLUDE", "").split(",") if s.strip()]
    if include_list and exclude_list:
        raise ValueError("Either use 'include' or 'exclude', but not both!")
    if include_list:
        return {s["name"] for s in sheets if s["name"] not in include_list}
    return set(exclude_list)
