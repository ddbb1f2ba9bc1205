"""Put a vbaProject.bin into an .xlsx/.xlsm package, turning it into a macro-enabled workbook."""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree import ElementTree as ET

__all__ = ["with_vba_project"]

_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_VBA_CT = "application/vnd.ms-office.vbaProject"
_XLSX_MAIN_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_VBA_PART = "xl/vbaProject.bin"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
# A fixed timestamp keeps the package byte-identical across builds.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _xml(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    xml: bytes = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
    return xml


def _content_types(data: bytes) -> bytes:
    root = ET.fromstring(data)
    overrides = root.findall(f"{{{_CT_NS}}}Override")
    for o in overrides:
        if o.get("ContentType") == _XLSX_MAIN_CT:
            o.set("ContentType", _XLSM_MAIN_CT)
    if not any(o.get("PartName") == "/" + _VBA_PART for o in overrides):
        ET.SubElement(root, f"{{{_CT_NS}}}Override", PartName="/" + _VBA_PART, ContentType=_VBA_CT)
    return _xml(root, _CT_NS)


def _workbook_rels(data: bytes) -> bytes:
    root = ET.fromstring(data)
    rels = root.findall(f"{{{_REL_NS}}}Relationship")
    if not any(r.get("Type") == _VBA_REL for r in rels):
        ids = {r.get("Id") for r in rels}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        target = posixpath.relpath(_VBA_PART, "xl")
        ET.SubElement(
            root, f"{{{_REL_NS}}}Relationship", Id=f"rId{n}", Type=_VBA_REL, Target=target
        )
    return _xml(root, _REL_NS)


def with_vba_project(package: bytes, vba_project: bytes) -> bytes:
    """Return `package` (an .xlsx or .xlsm) with `vba_project` as its xl/vbaProject.bin.

    Content types and the workbook relationship are added when missing. Document modules
    bind to the workbook and sheets through `codeName` (workbookPr, sheetPr): the workbook
    XML must name them as the VbaModule names do; this function does not edit it.
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        names = [n for n in src.namelist() if n != _VBA_PART]
        if "[Content_Types].xml" not in names or _WORKBOOK_RELS not in names:
            raise ValueError("not a SpreadsheetML package (content types or workbook rels missing)")
        for name in [*names, _VBA_PART]:
            if name == _VBA_PART:
                data = vba_project
            elif name == "[Content_Types].xml":
                data = _content_types(src.read(name))
            elif name == _WORKBOOK_RELS:
                data = _workbook_rels(src.read(name))
            else:
                data = src.read(name)
            dst.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()
