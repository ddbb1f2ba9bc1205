"""Write an agency's form (phiếu báo cáo) as a plain .xlsx: the one place form files are written.

A form is a new small file that preserves nothing. Its fixed parts (workbook, relationships,
theme, and each sheet's columns, panes, print settings and protection) come from one form
built with openpyxl per run (:func:`xladdin.io.form_book.form_workbook`, the template); each
form's cells are then written as XML from :mod:`xladdin.io.form_cells`, with the cell formats
of a :class:`~xladdin.io.form_book.StyleBook` shared by the run. Building and saving every
form with openpyxl took half of ``theodoi forms`` for 200 agencies; the file read back is the
same (``tests/test_form_writer.py`` holds every form to the openpyxl build).

Sheets, in order: FORM_SHEET (the lead tasks; editable cells unlocked and yellow),
FORM_COORD_SHEET (coordination tasks, all locked), FORM_HELP_SHEET, FORM_META_SHEET
(veryHidden).

Entries carry fixed times and the issue time as the modified date, so two runs with the same
tracker and the same issue time give identical bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from numbers import Number
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.compat import safe_string
from openpyxl.packaging.core import DocumentProperties
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidationList
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import tostring

from ..core.form_content import AgencyForm
from . import files
from .form_book import CREATOR, StyleBook, form_workbook, utc, validations
from .form_cells import SheetCells, form_sheets

__all__ = ["FormWriter", "form_bytes", "reference_form_bytes", "restamp", "write_form"]

_STYLES = "xl/styles.xml"
_CORE = "docProps/core.xml"
_SHEETS = tuple(f"xl/worksheets/sheet{n}.xml" for n in (1, 2, 3, 4))
_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")
_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>.*</sheetData>", re.S)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_VALIDATIONS = re.compile(rb"<dataValidations\b.*?</dataValidations>", re.S)
_PROTECTION_END = re.compile(rb"<sheetProtection\b[^>]*/>")
_TEXT_ENTITIES = {"\r": "&#13;"}  # a bare CR would read back as a line feed


def _stamp(issued_at: datetime) -> tuple[int, int, int, int, int, int]:
    moment = max(issued_at.replace(tzinfo=None), datetime(1980, 1, 1))
    return moment.timetuple()[:6]


def _zip(entries: list[tuple[str, bytes]], issued_at: datetime) -> bytes:
    stamp = _stamp(issued_at)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in entries:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def restamp(data: bytes, issued_at: datetime) -> bytes:
    """Same entries, fixed times: openpyxl stamps the zip entries and ``dcterms:modified``
    with the wall clock at save, which would make every run's bytes differ. Also how the
    demo and tests give a filled return the "last saved" time Excel would have written
    (a naive time is local time)."""
    modified = utc(issued_at).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == _CORE:
                body = _MODIFIED.sub(lambda m: m[1] + modified + m[2], body)
            entries.append((info.filename, body))
    return _zip(entries, issued_at)


def reference_form_bytes(form: AgencyForm) -> bytes:
    """The form as openpyxl builds and saves it (the template, and the tests' reference)."""
    buffer = io.BytesIO()
    ExcelWriter(form_workbook(form), zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED)).save()
    return restamp(buffer.getvalue(), form.issued_at)


# -- cells as XML -------------------------------------------------------------------------------


def _value_xml(value: Any) -> tuple[str, str]:
    """(type attribute, content) of a cell holding ``value``, as openpyxl writes it."""
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value.strip() != value else ""
        return "inlineStr", f"<is><t{space}>{escape(value, _TEXT_ENTITIES)}</t></is>"
    if isinstance(value, bool):
        return "b", f"<v>{int(value)}</v>"
    if isinstance(value, datetime | date | time | timedelta):
        if isinstance(value, datetime | time):
            value = value.replace(tzinfo=None)
        return "n", f"<v>{safe_string(to_excel(value))}</v>"
    if isinstance(value, Number):
        return "n", f"<v>{safe_string(value)}</v>"
    return _value_xml(str(value))


def sheet_data_xml(sheet: SheetCells, styles: StyleBook) -> str:
    """The ``<sheetData>`` of one sheet: its rows, each cell with its look's format."""
    out = ["<sheetData>"]
    heights = sheet.heights
    current = 0
    for row, col, value, look in sheet.cells:
        if row != current:
            if current:
                out.append("</row>")
            height = heights.get(row)
            ht = f' ht="{height}" customHeight="1"' if height is not None else ""
            out.append(f'<row r="{row}"{ht}>')
            current = row
        ref = f"{get_column_letter(col)}{row}"
        s = styles.index(value, look)
        if value is None or value == "":
            # As openpyxl: an empty text keeps its text type (the metadata reads it as "").
            t = "n" if value is None else "inlineStr"
            out.append(f'<c r="{ref}" s="{s}" t="{t}"/>')
        else:
            t, content = _value_xml(value)
            out.append(f'<c r="{ref}" s="{s}" t="{t}">{content}</c>')
    if current:
        out.append("</row>")
    out.append("</sheetData>")
    return "".join(out)


def _dimension(sheet: SheetCells) -> bytes:
    r1, c1, r2, c2 = sheet.dimension()
    return f'<dimension ref="{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"/>'.encode()


@dataclass(frozen=True)
class _SheetFrame:
    """A template sheet around its rows: up to ``<sheetData>``, from there to where the
    validations go (after the protection), and the rest."""

    head: bytes
    middle: bytes
    tail: bytes

    @classmethod
    def of(cls, xml: bytes) -> _SheetFrame:
        data = _SHEET_DATA.search(xml)
        protection = _PROTECTION_END.search(xml)
        if data is None or protection is None:
            raise ValueError("openpyxl wrote a form sheet without rows or protection")
        rest = _VALIDATIONS.sub(b"", xml[protection.end() :])
        return cls(xml[: data.start()], xml[data.end() : protection.end()], rest)

    def xml(self, sheet: SheetCells, rows: str, extra: bytes = b"") -> bytes:
        head = _DIMENSION.sub(_dimension(sheet), self.head, count=1)
        return head + rows.encode() + self.middle + extra + self.tail


class FormWriter:
    """Writes the forms of one run: the template package is built with the first form, and
    every form shares its fixed parts and the run's cell formats."""

    def __init__(self) -> None:
        self._styles = StyleBook()
        self._styles_xml = b""
        self._n_styles = -1
        self._parts: list[tuple[str, bytes]] = []
        self._frames: dict[str, _SheetFrame] = {}

    def _template(self, form: AgencyForm) -> None:
        with zipfile.ZipFile(io.BytesIO(reference_form_bytes(form))) as pkg:
            self._parts = [(name, pkg.read(name)) for name in pkg.namelist()]
        found = dict(self._parts)
        self._frames = {name: _SheetFrame.of(found[name]) for name in _SHEETS}

    def _stylesheet(self) -> bytes:
        # Formats only ever get added, so a form keeps the indexes it was written with.
        n = len(self._styles.workbook._cell_styles)
        if n != self._n_styles:
            self._styles_xml = tostring(write_stylesheet(self._styles.workbook))
            self._n_styles = n
        return self._styles_xml

    def form_bytes(self, form: AgencyForm) -> bytes:
        if not self._parts:
            self._template(form)
        sheets = dict(zip(_SHEETS, form_sheets(form), strict=True))
        written = {name: sheet_data_xml(sheet, self._styles) for name, sheet in sheets.items()}
        checks = validations(len(form.lead))
        extra = tostring(DataValidationList(dataValidation=checks).to_tree()) if checks else b""
        new: dict[str, bytes] = {
            name: self._frames[name].xml(sheet, written[name], extra if name == _SHEETS[0] else b"")
            for name, sheet in sheets.items()
        }
        new[_STYLES] = self._stylesheet()
        new[_CORE] = _core_xml(form)
        return _zip([(name, new.get(name, body)) for name, body in self._parts], form.issued_at)


def _core_xml(form: AgencyForm) -> bytes:
    moment = utc(form.issued_at)
    props = DocumentProperties(
        title=form.title,
        subject=form.plan,
        creator=CREATOR,
        lastModifiedBy=CREATOR,
        created=moment,
        modified=moment,
    )
    return tostring(props.to_tree())


def form_bytes(form: AgencyForm, writer: FormWriter | None = None) -> bytes:
    return (writer or FormWriter()).form_bytes(form)


def write_form(path: Path, form: AgencyForm, writer: FormWriter | None = None) -> Path:
    """Write the form atomically (temp file in the same folder, then replace); ``writer``
    shares one run's template and formats."""
    path = Path(path)
    data = form_bytes(form, writer)
    files.make_folder(path.parent, f"chưa ghi tệp {path.name}", size=len(data))
    files.atomic_write(path, data)
    return path
