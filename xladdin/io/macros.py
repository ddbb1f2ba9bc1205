"""Is the tracker still a macro workbook with its ribbon, and the package edits that make it one
again (``theodoi repair``).

LibreOffice's Excel 2007-365 filter (what "Keep current format" writes for a workbook it opened)
drops ``xl/vbaProject.bin``, the macro-enabled content type and every ``codeName``, and keeps the
ribbon part. The file opens, every command still works, and the buttons point at nothing; this
module finds that and puts back what the VBA project needs, part by part, leaving every sheet's
cells, styles and the user's additions alone.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from .xlsxpkg import XlsxPackage

VBA_PART = "xl/vbaProject.bin"
RIBBON_PART = "customUI/customUI14.xml"
CT_MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_RIBBON = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
_WORKBOOK_CT = re.compile(
    rb'(<Override\b[^>]*PartName="/xl/workbook\.xml"[^>]*ContentType=")([^"]*)(")'
)


def _missing(names: Collection[str], read: Callable[[str], bytes]) -> list[str]:
    problems = []
    if VBA_PART not in names:
        problems.append("không còn macro (dự án VBA)")
    elif CT_MACRO_WORKBOOK.encode() not in read("[Content_Types].xml"):
        problems.append("không còn được đánh dấu là sổ có macro")
    if RIBBON_PART not in names or REL_RIBBON.encode() not in read("_rels/.rels"):
        problems.append("không còn thẻ ribbon “Theo dõi nhiệm vụ”")
    return problems


def missing_macro_parts(pkg: XlsxPackage) -> list[str]:
    """What stops the ribbon's buttons, in Vietnamese (empty when nothing does)."""
    return _missing(set(pkg.names()), pkg.read)


def missing_macro_parts_in(path: Path) -> list[str]:
    """The same for a file, reading only the zip directory and two small parts (every CLI
    command asks before it starts). A file that is no workbook says nothing here: the
    command itself reports it."""
    try:
        with zipfile.ZipFile(path) as zf:
            return _missing(set(zf.namelist()), zf.read)
    except (OSError, KeyError, zipfile.BadZipFile):
        return []


def _set_attr(tag: bytes, name: bytes, value: bytes) -> bytes:
    if re.search(rb"\s" + name + rb'="', tag):
        return re.sub(rb"(\s" + name + rb'=")[^"]*(")', rb"\g<1>" + value + rb"\g<2>", tag, count=1)
    close = b"/>" if tag.endswith(b"/>") else b">"
    return tag[: -len(close)] + b" " + name + b'="' + value + b'"' + close


def set_code_names(pkg: XlsxPackage, code_names: Mapping[str, str]) -> None:
    """``workbookPr codeName="ThisWorkbook"`` and each sheet's ``sheetPr codeName`` (sheet name
    -> code name; other sheets get the next free ``SheetN``): VBA binds its document modules
    by these names."""
    wb = pkg.read("xl/workbook.xml")
    m = re.search(rb"<(?:\w+:)?workbookPr\b[^>]*?/?>", wb)
    if m:
        wb = wb[: m.start()] + _set_attr(m.group(0), b"codeName", b"ThisWorkbook") + wb[m.end() :]
    else:  # workbookPr follows fileVersion and fileSharing, or opens the workbook
        anchor = re.search(rb"<(?:\w+:)?(?:fileSharing|fileVersion)\b[^>]*?/>", wb) or re.search(
            rb"<(?:\w+:)?workbook\b[^>]*>", wb
        )
        assert anchor is not None
        wb = wb[: anchor.end()] + b'<workbookPr codeName="ThisWorkbook"/>' + wb[anchor.end() :]
    pkg.write("xl/workbook.xml", wb)
    taken = set(code_names.values())
    n = 1
    for sheet, part in pkg.sheet_parts().items():
        code = code_names.get(sheet)
        if code is None:
            while f"Sheet{n}" in taken:
                n += 1
            code = f"Sheet{n}"
            taken.add(code)
        xml = pkg.read(part)
        m = re.search(rb"<(?:\w+:)?sheetPr\b[^>]*?/?>", xml)
        if m:
            xml = (
                xml[: m.start()]
                + _set_attr(m.group(0), b"codeName", code.encode())
                + xml[m.end() :]
            )
        else:  # sheetPr is the worksheet's first child
            top = re.search(rb"<(?:\w+:)?worksheet\b[^>]*>", xml)
            assert top is not None
            prefix = re.match(rb"<(\w+:)?", top.group(0))
            p = prefix.group(1) or b"" if prefix else b""
            xml = (
                xml[: top.end()]
                + b"<"
                + p
                + b'sheetPr codeName="'
                + code.encode()
                + b'"/>'
                + xml[top.end() :]
            )
        pkg.write(part, xml)


def mark_macro_enabled(pkg: XlsxPackage) -> None:
    """The workbook part typed as macro-enabled, and ``.bin`` parts as a VBA project."""
    types = pkg.read("[Content_Types].xml")
    types = _WORKBOOK_CT.sub(rb"\g<1>" + CT_MACRO_WORKBOOK.encode() + rb"\g<3>", types, count=1)
    if b'Extension="bin"' not in types:
        types = types.replace(
            b"</Types>",
            b'<Default Extension="bin" ContentType="' + CT_VBA.encode() + b'"/></Types>',
        )
    pkg.write("[Content_Types].xml", types)


def _add_relationship(pkg: XlsxPackage, rels_part: str, rel_type: str, target: str) -> None:
    rels = pkg.read(rels_part)
    if rel_type.encode() in rels:
        return
    ids = {int(i) for i in re.findall(rb'Id="rId(\d+)"', rels)}
    new = f'<Relationship Id="rId{max(ids, default=0) + 1}" Type="{rel_type}" Target="{target}"/>'
    pkg.write(rels_part, rels.replace(b"</Relationships>", new.encode() + b"</Relationships>"))


def put_vba_project(pkg: XlsxPackage, vba_project: bytes) -> None:
    pkg.write(VBA_PART, vba_project)
    _add_relationship(pkg, "xl/_rels/workbook.xml.rels", REL_VBA, "vbaProject.bin")


def put_ribbon(pkg: XlsxPackage, ribbon_xml: bytes) -> None:
    pkg.write(RIBBON_PART, ribbon_xml)
    _add_relationship(pkg, "_rels/.rels", REL_RIBBON, RIBBON_PART)
