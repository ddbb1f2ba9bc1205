"""Returned forms opened as untrusted input (:mod:`xladdin.io.return_sources` finds them in
files, folders, .zip, .eml and Outlook .msg).

Nothing here runs a macro or resolves an XML entity. Every container and workbook is read
with size caps, every XML part of a workbook is checked for DOCTYPE/ENTITY declarations
before any parser sees it, and anything unexpected becomes a :class:`ReturnRefused` with a
Vietnamese message naming the file (and sheet, row, column where there is one).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

from ..core.errors import InputFileError
from ..core.layout import (
    FORM_FIRST_ROW,
    FORM_HEADER_ROW,
    FORM_META_SHEET,
    FORM_REPORT_DATE_CELL,
    FORM_SHEET,
)
from ..core.returns import FormFile, ReturnSource
from ..core.table import col_index
from . import ods_io
from .active_content import DamagedPart, active_part
from .sheetxml import legacy_font_cells, percent_cells_of
from .xlsxpkg import parse_xml

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CONTAINER_SUFFIXES = (".zip", ".eml", ".msg")
MAX_FILE = 20 * 1024 * 1024  # a form of a few hundred rows is well under 1 MB
MAX_UNPACKED = 64 * 1024 * 1024  # total uncompressed size of one returned workbook
MAX_MEMBERS = 2000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
NS_CORE = "http://purl.org/dc/terms/"


NOT_A_RETURN = (
    "{name}: không phải phiếu báo cáo (chỉ nhận phiếu .xlsx hoặc .ods, thư .eml hoặc .msg, tệp nén "
    ".zip), nên không đọc. Nếu đây là phiếu, hãy mở bằng Excel hoặc LibreOffice, lưu lại đúng "
    "định dạng .xlsx hoặc .ods rồi chép vào thư mục nhận phiếu."
)


class ReturnRefused(InputFileError):
    """A returned file that cannot be merged; the message says why, in Vietnamese."""


# -- opening one returned workbook -----------------------------------------------------------


def _sniff(source: ReturnSource) -> None:
    head = source.data[:8]
    if head.startswith(OLE_MAGIC):
        if (
            b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e"
            in source.data
        ):
            raise ReturnRefused(
                f"{source.name}: tệp được đặt mật khẩu; hãy gỡ mật khẩu rồi gửi lại."
            )
        raise ReturnRefused(
            f"{source.name}: là tệp Excel đời cũ (.xls); hãy mở phiếu gốc đã nhận (.xlsx), "
            "điền và lưu đúng định dạng .xlsx."
        )
    if not head.startswith(ZIP_MAGIC):
        raise ReturnRefused(f"{source.name}: không phải tệp Excel (.xlsx).")


def _unpack(source: ReturnSource) -> dict[str, bytes]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(source.data))
    except zipfile.BadZipFile as exc:
        raise ReturnRefused(
            f"{source.name}: tệp bị hỏng hoặc gửi thiếu (không giải nén được)."
        ) from exc
    parts: dict[str, bytes] = {}
    total = 0
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ReturnRefused(f"{source.name}: cấu trúc tệp bất thường; không xử lý.")
        for info in infos:
            try:
                with zf.open(info) as f:
                    content = f.read(MAX_UNPACKED - total + 1)
            except (
                zipfile.BadZipFile,
                OSError,
                RuntimeError,
                EOFError,
                NotImplementedError,
            ) as exc:
                raise ReturnRefused(
                    f"{source.name}: tệp bị hỏng hoặc gửi thiếu (không giải nén được)."
                ) from exc
            total += len(content)
            if total > MAX_UNPACKED:
                raise ReturnRefused(
                    f"{source.name}: nội dung giải nén quá lớn (nghi tệp độc hại); không xử lý."
                )
            parts[info.filename] = content
    return parts


def _check_parts(source: ReturnSource, parts: dict[str, bytes]) -> None:
    ods = ods_io.is_ods(parts)
    if "xl/workbook.xml" not in parts and not ods:
        raise ReturnRefused(
            f"{source.name}: không phải sổ tính Excel (.xlsx) hay LibreOffice (.ods)."
        )
    for name, content in parts.items():
        if name.lower().endswith((".xml", ".rels", ".vml", ".rdf")):
            if content[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00<\x00" in content[:64]:
                raise ReturnRefused(
                    f"{source.name}: phần {name} được mã hóa UTF-16, không phải cách Excel lưu "
                    "phiếu; không xử lý."
                )
            # The whole part, not just its start: a long comment can push a DOCTYPE down.
            if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
                raise ReturnRefused(
                    f"{source.name}: phần {name} chứa khai báo DOCTYPE/ENTITY (nghi tệp độc hại); "
                    "không xử lý."
                )
    # Macros, ActiveX controls, embedded objects: by what the package declares and what each
    # part is, under any name (io/active_content.py).
    try:
        part = active_part(parts, ods=ods)
    except DamagedPart as exc:
        raise ReturnRefused(
            f"{source.name}: phần {exc.part} bị hỏng nên không kiểm tra được phiếu có macro hay "
            "không; không xử lý. Hãy điền vào phiếu gốc đã nhận rồi gửi lại."
        ) from exc
    if part is not None:
        raise ReturnRefused(
            f"{source.name}: phiếu có chứa macro hoặc đối tượng nhúng (ActiveX, OLE) ở phần "
            f"{part}; không xử lý. Hãy điền vào phiếu gốc đã nhận (.xlsx, không macro) rồi gửi lại."
        )


def _saved_at(parts: dict[str, bytes]) -> datetime | None:
    core = parts.get("docProps/core.xml")
    if not core:
        return None
    try:
        root = parse_xml(core)
    except Exception:
        return None
    node = root.find(f"{{{NS_CORE}}}modified")
    if node is None or not node.text:
        return None
    text = node.text.strip().replace("Z", "+00:00")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (
        value.replace(tzinfo=None)
        if value.tzinfo is None
        else value.astimezone().replace(tzinfo=None)
    )


_CELL_WITH_FORMULA = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?f\b', re.S
)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z0-9:]+)"')


def _sheet_part(parts: dict[str, bytes], sheet: str) -> str | None:
    """The worksheet part of ``sheet`` through workbook.xml and its rels."""
    wb = parse_xml(parts["xl/workbook.xml"])
    rels_data = parts.get("xl/_rels/workbook.xml.rels")
    if rels_data is None:
        return None
    rels = {r.get("Id"): r.get("Target", "") for r in parse_xml(rels_data)}
    ns_main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    ns_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    for s in wb.iter(f"{{{ns_main}}}sheet"):
        if s.get("name") == sheet:
            target = rels.get(s.get(f"{{{ns_rel}}}id"), "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def open_form(source: ReturnSource) -> FormFile:
    """Read a returned form's metadata and rows; refuse what is not a readable form."""
    import python_calamine

    _sniff(source)
    parts = _unpack(source)
    _check_parts(source, parts)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(source.data))
    except Exception as exc:  # calamine's own error hierarchy (English text: not shown)
        raise ReturnRefused(f"{source.name}: không đọc được nội dung sổ tính.") from exc
    names = list(book.sheet_names)
    if FORM_META_SHEET not in names:
        raise ReturnRefused(
            f"{source.name}: thiếu thông tin nhận dạng phiếu (trang ẩn “{FORM_META_SHEET}”): "
            "phiếu đã bị chép sang tệp khác hoặc bị xóa phần nhận dạng; hãy điền vào phiếu gốc."
        )
    if FORM_SHEET not in names:
        raise ReturnRefused(
            f"{source.name}: không có trang “{FORM_SHEET}” (trang đã bị đổi tên hoặc xóa)."
        )

    def values(sheet: str) -> list[list[Any]]:
        try:
            rows: list[list[Any]] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine parses lazily: a damaged sheet fails here
            raise ReturnRefused(
                f"{source.name}: trang “{sheet}” bị hỏng, không đọc được nội dung."
            ) from exc
        return rows

    meta: dict[str, str] = {}
    for row in values(FORM_META_SHEET):
        if len(row) >= 2 and str(row[0] or "").strip():
            meta[str(row[0]).strip()] = "" if row[1] is None else str(row[1]).strip()
    form = values(FORM_SHEET)
    header = form[FORM_HEADER_ROW - 1] if len(form) >= FORM_HEADER_ROW else []
    body = form[FORM_FIRST_ROW - 1 :]
    while body and all(v is None or v == "" for v in body[-1]):
        body.pop()
    r, c = FORM_REPORT_DATE_CELL
    report_date = form[r - 1][c - 1] if len(form) >= r and len(form[r - 1]) >= c else None
    part = None if ods_io.is_ods(parts) else _sheet_part(parts, FORM_SHEET)
    formulas: set[tuple[int, int]] = set()
    merged: list[str] = []
    percent_cells: set[tuple[int, int]] = set()
    legacy_cells: dict[tuple[int, int], str] = {}
    saved = _saved_at(parts)
    if ods_io.is_ods(parts):
        try:
            formulas, merged, percent_cells, legacy_cells = ods_io.sheet_facts(
                parts.get("content.xml", b""), FORM_SHEET
            )
        except Exception as exc:  # a damaged content part of an untrusted file
            raise ReturnRefused(f"{source.name}: tệp bị hỏng, không đọc được nội dung.") from exc
        saved = ods_io.saved_at(parts.get("meta.xml"))
    elif part and part in parts:
        xml = parts[part]
        formulas = {
            (int(m.group(2)), col_index(m.group(1).decode()))
            for m in _CELL_WITH_FORMULA.finditer(xml)
        }
        merged = [m.group(1).decode() for m in _MERGE.finditer(xml)]
        percent_cells = percent_cells_of(parts.get("xl/styles.xml"), xml)
        legacy_cells = legacy_font_cells(parts.get("xl/styles.xml"), xml)
    other: dict[str, list[list[Any]]] = {}
    for sheet in names:
        if sheet in (FORM_SHEET, FORM_META_SHEET):
            continue
        rows = values(sheet)
        if any(v is not None and v != "" for r in rows for v in r):
            other[sheet] = [list(r) for r in rows]
    return FormFile(
        source=source,
        sheet_names=names,
        meta=meta,
        saved_at=saved,
        report_date=report_date,
        header=list(header),
        rows=[list(r) for r in body],
        formulas=formulas,
        merged=merged,
        percent_cells=percent_cells,
        legacy_cells=legacy_cells,
        other_sheets=other,
    )
