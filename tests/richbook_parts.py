"""XML templates for the parts that `richbook.enrich` adds to a workbook package.

Kept apart from the public API in `richbook.py` so each module stays readable: the package
plumbing (`Package`, relationship paths, schema-ordered insertion) and the part builders, which
return plain text/bytes.  The markup follows what Excel 2010+ writes for the same objects
(element order matters: Excel repairs files whose children are out of schema order), written
from the ECMA-376 / MS-XLSX element definitions, not copied from any file.
"""

from __future__ import annotations

import posixpath
import struct
import uuid
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote, unquote
from xml.sax.saxutils import escape

from lxml import etree

# --- namespaces -------------------------------------------------------------------------------
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A14 = "http://schemas.microsoft.com/office/drawing/2010/main"

# Namespaces a worksheet root must declare for the fragments below; `Requires="x14"` on
# mc:Choice names a *prefix*, so x14 has to be in scope under exactly that prefix.
SHEET_NSMAP = {"r": REL_NS, "mc": MC, "x14": X14, "xdr": XDR, "xm": XM}

# --- relationship types / content types -------------------------------------------------------
_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT = _OD + "officeDocument"
RT_WORKSHEET = _OD + "worksheet"
RT_COMMENTS = _OD + "comments"
RT_VML = _OD + "vmlDrawing"
RT_DRAWING = _OD + "drawing"
RT_IMAGE = _OD + "image"
RT_CHART = _OD + "chart"
RT_CTRL_PROP = _OD + "ctrlProp"
RT_HYPERLINK = _OD + "hyperlink"
RT_CUSTOM_PROPS = _OD + "custom-properties"
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
RT_RIBBON14 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"

_VND = "application/vnd.openxmlformats-officedocument."
CT_WORKBOOK = _VND + "spreadsheetml.sheet.main+xml"
CT_WORKBOOK_MACRO = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_WORKSHEET = _VND + "spreadsheetml.worksheet+xml"
CT_COMMENTS = _VND + "spreadsheetml.comments+xml"
CT_DRAWING = _VND + "drawing+xml"
CT_CHART = _VND + "drawingml.chart+xml"
CT_VML = _VND + "vmlDrawing"
CT_CTRL_PROP = "application/vnd.ms-excel.controlproperties+xml"
CT_CUSTOM_PROPS = _VND + "custom-properties+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_PNG = "image/png"
CT_XML = "application/xml"

# Excel's fixed extension URIs (MS-XLSX 2.2.4): which ext carries what.
EXT_X14_CF = "{78C0D931-6437-407d-A8EE-F0AAD7539E65}"
EXT_X14_DV = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
EXT_CF_ID = "{B025F937-C7B1-47D3-B67F-A62EFF666E3E}"
EXT_COMPAT = "{63B3BB69-23CF-44E3-9099-C40C66FF867C}"

# Order of CT_Worksheet / CT_Workbook children; new elements are inserted at their slot.
_WORKSHEET_CHILDREN = (
    "sheetPr dimension sheetViews sheetFormatPr cols sheetData sheetCalcPr sheetProtection "
    "protectedRanges scenarios autoFilter sortState dataConsolidate customSheetViews mergeCells "
    "phoneticPr conditionalFormatting dataValidations hyperlinks printOptions pageMargins "
    "pageSetup headerFooter rowBreaks colBreaks customProperties cellWatches ignoredErrors "
    "smartTags drawing legacyDrawing legacyDrawingHF drawingHF picture oleObjects controls "
    "webPublishItems tableParts extLst "
)
_WORKBOOK_CHILDREN = (
    "fileVersion fileSharing workbookPr absPath workbookProtection bookViews sheets "
    "functionGroups externalReferences definedNames calcPr oleSize customWorkbookViews "
    "pivotCaches smartTagPr smartTagTypes webPublishing fileRecoveryPr webPublishObjects extLst "
)
WORKSHEET_ORDER = tuple(_WORKSHEET_CHILDREN.split())
WORKBOOK_ORDER = tuple(_WORKBOOK_CHILDREN.split())


def x(text: str) -> str:
    """Escape for element text and double-quoted attributes."""
    return escape(text, {'"': "&quot;"})


def quote_sheet(name: str) -> str:
    """Sheet name as used in formulas; always quoted, which Excel accepts for any name."""
    return "'" + name.replace("'", "''") + "'"


def guid(seed: str) -> str:
    # Deterministic so that enriching the same input twice gives identical bytes.
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "richbook:" + seed)).upper() + "}"


def col_letter(index0: int) -> str:
    out = ""
    n = index0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    """0-based index of a column given by letters ("A" -> 0)."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def png_bytes(size: int = 24) -> bytes:
    """A small valid RGB PNG (a two-colour diagonal), built without Pillow."""
    rows = b"".join(
        b"\x00"
        + b"".join(b"\x2f\x55\x97" if (cx + cy) % 8 < 4 else b"\xdd\xeb\xf7" for cx in range(size))
        for cy in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


CONTENT_TYPES = "[Content_Types].xml"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
_PARSER = etree.XMLParser(remove_blank_text=False, resolve_entities=False)


def read_parts(path: Path) -> dict[str, bytes]:
    """Every zip entry of the package: part name -> uncompressed bytes (in archive order)."""
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def rels_name(part: str) -> str:
    """Relationship part of `part` ("" = the package itself)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve_target(source: str, target: str) -> str:
    """Part name a relationship target points to (absolute `/xl/..` as openpyxl writes, or
    relative to the source part's folder as Excel writes)."""
    target = unquote(target)
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


# --- package plumbing ----------------------------------------------------------------------------
class Package:
    """Parts in memory plus parsed XML for the parts being edited (serialised on save)."""

    def __init__(self, src: Path) -> None:
        self.parts = read_parts(src)
        self._xml: dict[str, etree._Element] = {}

    def xml(self, name: str) -> etree._Element:
        if name not in self._xml:
            self._xml[name] = parse(self.parts[name])
        return self._xml[name]

    def set_xml(self, name: str, root: etree._Element) -> None:
        self._xml[name] = root
        self.parts.setdefault(name, b"")

    def free_name(self, pattern: str) -> str:
        taken = {n.lower() for n in self.parts}
        n = 1
        while pattern.format(n).lower() in taken:
            n += 1
        return pattern.format(n)

    def content_type(self, part: str) -> str | None:
        types = self.xml(CONTENT_TYPES)
        for el in types.iterfind(f"{{{CT_NS}}}Override"):
            if el.get("PartName", "").lower() == "/" + part.lower():
                return el.get("ContentType")
        ext = part.rsplit(".", 1)[-1].lower()
        for el in types.iterfind(f"{{{CT_NS}}}Default"):
            if el.get("Extension", "").lower() == ext:
                return el.get("ContentType")
        return None

    def ensure_default(self, ext: str, content_type: str) -> None:
        types = self.xml(CONTENT_TYPES)
        if not any(
            el.get("Extension", "").lower() == ext for el in types.iterfind(f"{{{CT_NS}}}Default")
        ):
            # Defaults must precede Overrides in the schema sequence.
            default = etree.Element(f"{{{CT_NS}}}Default", Extension=ext, ContentType=content_type)
            types.insert(len(types.findall(f"{{{CT_NS}}}Default")), default)

    def add_part(self, name: str, data: bytes, content_type: str | None = None) -> None:
        self.parts[name] = data
        if content_type:
            self.set_content_type(name, content_type)

    def set_content_type(self, part: str, content_type: str) -> None:
        """Make `part` resolve to `content_type` (edit its Override or add one)."""
        if self.content_type(part) == content_type:
            return
        types = self.xml(CONTENT_TYPES)
        for el in types.iterfind(f"{{{CT_NS}}}Override"):
            if el.get("PartName", "").lower() == "/" + part.lower():
                el.set("ContentType", content_type)
                return
        override = etree.SubElement(types, f"{{{CT_NS}}}Override")
        override.set("PartName", "/" + part)
        override.set("ContentType", content_type)

    def rels(self, source: str) -> etree._Element:
        name = rels_name(source) if source else "_rels/.rels"
        if name not in self.parts:
            self.set_xml(
                name, etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})
            )
        return self.xml(name)

    def find_rel(self, source: str, rel_type: str) -> etree._Element | None:
        return next((r for r in self.rels(source) if r.get("Type") == rel_type), None)

    def add_rel(self, source: str, rel_type: str, target: str, *, external: bool = False) -> str:
        """Relate `source` ("" = package) to part `target` (or an external URL); return rId."""
        root = self.rels(source)
        ids = {r.get("Id") for r in root}
        n = len(ids) + 1
        while f"rId{n}" in ids:
            n += 1
        rel = etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=f"rId{n}", Type=rel_type)
        if external:
            rel.set("Target", target)
            rel.set("TargetMode", "External")
        else:
            rel.set("Target", quote(posixpath.relpath(target, posixpath.dirname(source) or ".")))
        return f"rId{n}"

    def save(self, dst: Path) -> None:
        for name, root in self._xml.items():
            # The declaration exactly as Excel writes it (lxml would use single quotes).
            self.parts[name] = XML_DECLARATION + etree.tostring(root, encoding="UTF-8")
        order = [CONTENT_TYPES] + [n for n in self.parts if n != CONTENT_TYPES]
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in order:
                # Fixed timestamp: enriching the same input twice yields identical bytes.
                zf.writestr(
                    zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)),
                    self.parts[name],
                    compress_type=zipfile.ZIP_DEFLATED,
                )


def local_name(el: etree._Element) -> str:
    if not isinstance(el.tag, str):
        return ""
    if el.tag == f"{{{MC}}}AlternateContent":
        # Rank an mc:AlternateContent by what its Choice wraps (controls, oleObjects, absPath).
        inner = el.find(f"{{{MC}}}Choice/*")
        return local_name(inner) if inner is not None else ""
    return etree.QName(el).localname


def place(root: etree._Element, el: etree._Element, order: Sequence[str]) -> etree._Element:
    """Insert `el` before the first child that the schema puts after it."""
    rank = order.index(local_name(el))
    for i, child in enumerate(root):
        name = local_name(child)
        if name in order and order.index(name) > rank:
            root.insert(i, el)
            return el
    root.append(el)
    return el


def frag(markup: str) -> etree._Element:
    ns = " ".join(f'xmlns:{k}="{v}"' for k, v in SHEET_NSMAP.items())
    return etree.fromstring(f'<root xmlns="{MAIN}" {ns}>{markup}</root>', _PARSER)[0]


def with_namespaces(root: etree._Element) -> etree._Element:
    """Root carrying SHEET_NSMAP declarations (lxml cannot add them in place)."""
    nsmap: dict[str | None, str] = dict(root.nsmap)
    missing = {k: v for k, v in SHEET_NSMAP.items() if k not in nsmap}
    if not missing:
        return root
    nsmap.update(missing)
    new = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
    new.text = root.text
    new.extend(list(root))
    return new


def child(root: etree._Element, name: str) -> etree._Element | None:
    return root.find(f"{{{MAIN}}}{name}")


# --- package-level parts ----------------------------------------------------------------------
def custom_ui14_xml() -> bytes:
    # onAction names a macro; a missing macro only errors when the button is clicked.
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">'
        '<ribbon><tabs><tab id="tabTheoDoiNhiemVu" label="Theo dõi nhiệm vụ">'
        '<group id="grpCapNhat" label="Cập nhật">'
        '<button id="btnCapNhat" label="Cập nhật dữ liệu" size="large" imageMso="Refresh" '
        'onAction="SampleCall"/>'
        "</group></tab></tabs></ribbon></customUI>"
    ).encode()


CUSTOM_PROPERTIES: tuple[tuple[str, str, str], ...] = (
    ("Phiên bản mẫu", "lpwstr", "richbook-1"),
    ("Đơn vị chủ trì", "lpwstr", "Văn phòng UBND tỉnh"),
    ("Số phụ lục", "i4", "3"),
    ("Đã kiểm thử", "bool", "true"),
)


def custom_property_xml(pid: int, name: str, vtype: str, value: str) -> str:
    return (
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" '
        f'name="{x(name)}"><vt:{vtype}>{x(value)}</vt:{vtype}></property>'
    )


def custom_props_xml() -> bytes:
    props = "".join(
        custom_property_xml(pid, *prop) for pid, prop in enumerate(CUSTOM_PROPERTIES, start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'docPropsVTypes">{props}</Properties>'
    ).encode()


# --- comments + legacy VML --------------------------------------------------------------------
def comments_xml(ref: str, author: str, text: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<comments xmlns="{MAIN}"><authors><author>{x(author)}</author></authors>'
        f'<commentList><comment ref="{ref}" authorId="0"><text>'
        f'<r><rPr><b/><sz val="9"/><rFont val="Tahoma"/></rPr><t>{x(author)}:</t></r>'
        f'<r><rPr><sz val="9"/><rFont val="Tahoma"/></rPr><t xml:space="preserve">\n{x(text)}</t>'
        "</r></text></comment></commentList></comments>"
    ).encode()


def _vml_style(col: int, row: int, width: float, height: float, z: int, extra: str = "") -> str:
    # Approximate absolute position; Excel re-derives it from x:Anchor, LibreOffice uses it.
    return (
        f"position:absolute;margin-left:{col * 48 + 2}pt;margin-top:{row * 15 + 2}pt;"
        f"width:{width}pt;height:{height}pt;z-index:{z}{extra}"
    )


def vml_xml(
    block: int, note_row: int, note_col: int, control: str, ctrl_anchor: tuple[int, int]
) -> bytes:
    """Legacy drawing holding a cell comment box and a form control (checkbox or button).

    `block` is the o:idmap block: shape ids are block*1024+1 (note) and +2 (control), and
    must be unique across the workbook.  `control` is "Checkbox" or "Button".
    """
    note_id, ctrl_id = block * 1024 + 1, block * 1024 + 2
    c0, r0 = ctrl_anchor
    if control == "Button":
        ctrl_body = (
            f'<v:shape id="_x0000_s{ctrl_id}" type="#_x0000_t201" '
            f'style="{_vml_style(c0, r0, 96, 24, 2)}" o:button="t" fillcolor="buttonFace [67]" '
            'strokecolor="windowText [64]" o:insetmode="auto">'
            '<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/>'
            '<o:lock v:ext="edit" rotation="t"/>'
            '<v:textbox style="mso-direction-alt:auto" o:singleclick="f">'
            '<div style="text-align:center"><font face="Calibri" size="220" color="#000000">'
            "Cập nhật</font></div></v:textbox>"
            f'<x:ClientData ObjectType="Button"><x:Anchor>{c0}, 0, {r0}, 0, {c0 + 2}, 0, '
            f"{r0 + 1}, 0</x:Anchor><x:PrintObject>False</x:PrintObject>"
            "<x:AutoFill>False</x:AutoFill><x:FmlaMacro>[0]!SampleCall</x:FmlaMacro>"
            "<x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign>"
            "</x:ClientData></v:shape>"
        )
    else:
        ctrl_body = (
            f'<v:shape id="_x0000_s{ctrl_id}" type="#_x0000_t201" '
            f'style="{_vml_style(c0, r0, 96, 18, 2, ";mso-wrap-style:tight")}" filled="f" '
            'fillcolor="window [65]" stroked="f" strokecolor="windowText [64]" '
            'o:insetmode="auto"><v:path shadowok="t" strokeok="t" fillok="t"/>'
            '<o:lock v:ext="edit" rotation="t"/>'
            '<v:textbox style="mso-direction-alt:auto" o:singleclick="f">'
            '<div style="text-align:left"><font face="Segoe UI" size="160" color="auto">'
            "Đã rà soát</font></div></v:textbox>"
            f'<x:ClientData ObjectType="Checkbox"><x:Anchor>{c0}, 0, {r0}, 0, {c0 + 2}, 0, '
            f"{r0 + 1}, 0</x:Anchor><x:AutoFill>False</x:AutoFill><x:AutoLine>False</x:AutoLine>"
            "<x:TextVAlign>Center</x:TextVAlign><x:Checked>1</x:Checked><x:NoThreeD/>"
            "</x:ClientData></v:shape>"
        )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f'<v:shape id="_x0000_s{note_id}" type="#_x0000_t202" '
        f'style="{_vml_style(note_col + 1, note_row, 108, 59.25, 1, ";visibility:hidden")}" '
        'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:Anchor>{note_col + 1}, 15, {note_row}, 2, {note_col + 3}, 15, {note_row + 4}, 16"
        f"</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{note_row}</x:Row>"
        f"<x:Column>{note_col}</x:Column></x:ClientData></v:shape>"
        '<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        '<v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
        '<o:lock v:ext="edit" shapetype="t"/></v:shapetype>'
        f"{ctrl_body}</xml>"
    ).encode()


def ctrl_prop_xml(control: str) -> bytes:
    body = (
        'objectType="Button" lockText="1"'
        if control == "Button"
        else 'objectType="CheckBox" checked="Checked" lockText="1" noThreeD="1"'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<formControlPr xmlns="{X14}" {body}/>'
    ).encode()


# --- DrawingML ----------------------------------------------------------------------------------
def _anchor(prefix: str, c1: int, r1: int, c2: int, r2: int) -> str:
    def cell(tag: str, col: int, row: int) -> str:
        return (
            f"<{prefix}{tag}><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></{prefix}{tag}>"
        )

    return cell("from", c1, r1) + cell("to", c2, r2)


_ZERO_XFRM = '<a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></a:xfrm>'


def drawing_xml(
    c0: int,
    *,
    shape_text: str,
    image_rid: str,
    ctrl_shape_id: int,
    ctrl_name: str,
    chart_rid: str | None = None,
) -> bytes:
    """A drawing with a text rectangle, a picture, the DrawingML twin of the form control
    (hidden, linked to the VML shape via a14:compatExt as Excel 2010+ writes it) and
    optionally a chart frame.  Objects are stacked in column `c0` (0-based)."""
    shape = (
        f"<xdr:twoCellAnchor>{_anchor('xdr:', c0, 1, c0 + 3, 5)}"
        '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="Hình chữ nhật 1"/>'
        f"<xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr>{_ZERO_XFRM}"
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        '<a:solidFill><a:srgbClr val="DDEBF7"/></a:solidFill>'
        '<a:ln w="12700"><a:solidFill><a:srgbClr val="2F5597"/></a:solidFill></a:ln></xdr:spPr>'
        '<xdr:txBody><a:bodyPr vertOverflow="clip" horzOverflow="clip" rtlCol="0" anchor="ctr"/>'
        '<a:lstStyle/><a:p><a:pPr algn="ctr"/><a:r><a:rPr lang="vi-VN" sz="1100">'
        '<a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:rPr>'
        f"<a:t>{x(shape_text)}</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/>"
        "</xdr:twoCellAnchor>"
    )
    picture = (
        f'<xdr:twoCellAnchor editAs="oneCell">{_anchor("xdr:", c0, 6, c0 + 1, 9)}'
        '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="3" name="Hình ảnh 2" descr="Biểu trưng"/>'
        '<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
        f'<xdr:blipFill><a:blip r:embed="{image_rid}"/><a:stretch><a:fillRect/></a:stretch>'
        f'</xdr:blipFill><xdr:spPr>{_ZERO_XFRM}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        "</xdr:spPr></xdr:pic><xdr:clientData/></xdr:twoCellAnchor>"
    )
    control = (
        f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice xmlns:a14="{A14}" Requires="a14">'
        f'<xdr:twoCellAnchor editAs="oneCell">{_anchor("xdr:", c0, 10, c0 + 2, 11)}'
        f'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="{ctrl_shape_id}" '
        f'name="{x(ctrl_name)}" hidden="1"><a:extLst><a:ext uri="{EXT_COMPAT}">'
        f'<a14:compatExt spid="_x0000_s{ctrl_shape_id}"/></a:ext></a:extLst></xdr:cNvPr>'
        f'<xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr bwMode="auto">{_ZERO_XFRM}'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        "</xdr:spPr></xdr:sp><xdr:clientData/></xdr:twoCellAnchor></mc:Choice>"
        "<mc:Fallback/></mc:AlternateContent>"
    )
    chart = ""
    if chart_rid:
        chart = (
            f"<xdr:twoCellAnchor>{_anchor('xdr:', c0, 12, c0 + 7, 27)}"
            '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
            '<xdr:cNvPr id="4" name="Biểu đồ 3"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
            f'<a:graphicData uri="{C}"><c:chart xmlns:c="{C}" r:id="{chart_rid}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>"
            "</xdr:twoCellAnchor>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}" xmlns:r="{REL_NS}">'
        f"{shape}{picture}{control}{chart}</xdr:wsDr>"
    ).encode()


def chart_xml(
    title: str,
    *,
    name_ref: str,
    series_name: str,
    cat_ref: str,
    cats: list[str],
    val_ref: str,
    vals: list[int],
) -> bytes:
    """Clustered column chart over a category range and a value range (with caches, so a
    reader that does not recalculate still has values to draw)."""
    str_pts = "".join(f'<c:pt idx="{i}"><c:v>{x(v)}</c:v></c:pt>' for i, v in enumerate(cats))
    num_pts = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(vals))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{REL_NS}">'
        '<c:roundedCorners val="0"/><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/>'
        f'<a:p><a:r><a:t>{x(title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/>'
        '</c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/><c:barChart>'
        '<c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        '<c:ser><c:idx val="0"/><c:order val="0"/>'
        f'<c:tx><c:strRef><c:f>{x(name_ref)}</c:f><c:strCache><c:ptCount val="1"/>'
        f'<c:pt idx="0"><c:v>{x(series_name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
        '<c:invertIfNegative val="0"/>'
        f'<c:cat><c:strRef><c:f>{x(cat_ref)}</c:f><c:strCache><c:ptCount val="{len(cats)}"/>'
        f"{str_pts}</c:strCache></c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>{x(val_ref)}</c:f><c:numCache>"
        f'<c:formatCode>General</c:formatCode><c:ptCount val="{len(vals)}"/>{num_pts}'
        "</c:numCache></c:numRef></c:val></c:ser>"
        '<c:gapWidth val="150"/><c:axId val="50010001"/><c:axId val="50010002"/></c:barChart>'
        '<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="1"/>'
        '<c:tickLblPos val="nextTo"/><c:crossAx val="50010002"/><c:crosses val="autoZero"/>'
        '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>'
        '<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>'
        '<c:numFmt formatCode="General" sourceLinked="1"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="50010001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/>'
        '</c:valAx></c:plotArea><c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    ).encode()


# --- worksheet fragments (main namespace is the default; prefixes from SHEET_NSMAP) ----------
def cf_classic(color_sqref: str, bar_sqref: str, bar_id: str, priority: int) -> list[str]:
    """A colour scale (no dxf needed, so styles.xml stays untouched) and a data bar whose
    Excel 2010 look lives in the x14 twin, linked by `bar_id`."""
    return [
        f'<conditionalFormatting sqref="{color_sqref}"><cfRule type="colorScale" '
        f'priority="{priority}">'
        '<colorScale><cfvo type="min"/><cfvo type="max"/><color rgb="FFF8696B"/>'
        '<color rgb="FF63BE7B"/></colorScale></cfRule></conditionalFormatting>',
        f'<conditionalFormatting sqref="{bar_sqref}"><cfRule type="dataBar" '
        f'priority="{priority + 1}">'
        '<dataBar><cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar>'
        f'<extLst><ext uri="{EXT_CF_ID}"><x14:id>{bar_id}</x14:id></ext></extLst>'
        "</cfRule></conditionalFormatting>",
    ]


def ext_x14_cf(bar_sqref: str, bar_id: str) -> str:
    return (
        f'<ext uri="{EXT_X14_CF}"><x14:conditionalFormattings><x14:conditionalFormatting>'
        f'<x14:cfRule type="dataBar" id="{bar_id}"><x14:dataBar minLength="0" maxLength="100" '
        'border="1" negativeBarBorderColorSameAsPositive="0"><x14:cfvo type="autoMin"/>'
        '<x14:cfvo type="autoMax"/><x14:borderColor rgb="FF638EC6"/>'
        '<x14:negativeFillColor rgb="FFFF0000"/><x14:negativeBorderColor rgb="FFFF0000"/>'
        '<x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule>'
        f"<xm:sqref>{bar_sqref}</xm:sqref></x14:conditionalFormatting>"
        "</x14:conditionalFormattings></ext>"
    )


def dv_classic(whole_sqref: str, list_sqref: str) -> list[str]:
    return [
        f'<dataValidation type="whole" operator="between" allowBlank="1" showInputMessage="1" '
        f'showErrorMessage="1" errorTitle="Sai dữ liệu" error="Nhập số nguyên từ 0 đến 100000" '
        f'sqref="{whole_sqref}"><formula1>0</formula1><formula2>100000</formula2>'
        "</dataValidation>",
        f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="{list_sqref}">'
        '<formula1>"Cao,Trung bình,Thấp"</formula1></dataValidation>',
    ]


def ext_x14_dv(list_formula: str, sqref: str) -> str:
    # A list whose source is on another sheet: Excel 2007 could not store that in the classic
    # element, so Excel 2010+ writes it here; it is exactly what openpyxl silently drops.
    return (
        f'<ext uri="{EXT_X14_DV}"><x14:dataValidations count="1">'
        '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
        f"<x14:formula1><xm:f>{x(list_formula)}</xm:f></x14:formula1>"
        f"<xm:sqref>{sqref}</xm:sqref></x14:dataValidation></x14:dataValidations></ext>"
    )


def controls_xml(shape_id: int, rid: str, name: str, c0: int, r0: int, macro: str = "") -> str:
    macro_attr = f' macro="{x(macro)}"' if macro else ""
    return (
        '<mc:AlternateContent><mc:Choice Requires="x14"><controls>'
        '<mc:AlternateContent><mc:Choice Requires="x14">'
        f'<control shapeId="{shape_id}" r:id="{rid}" name="{x(name)}">'
        f'<controlPr defaultSize="0" autoFill="0" autoLine="0" autoPict="0"{macro_attr}>'
        f'<anchor moveWithCells="1">{_anchor("", c0, r0, c0 + 2, r0 + 1)}</anchor>'
        "</controlPr></control></mc:Choice></mc:AlternateContent>"
        "</controls></mc:Choice></mc:AlternateContent>"
    )


# Added only where the product has none (it may well set its own page layout).
PAGE_DEFAULTS = (
    ("pageMargins", '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
                    'header="0.3" footer="0.3"/>'),
    ("pageSetup", '<pageSetup paperSize="9" orientation="landscape"/>'),
    ("headerFooter", "<headerFooter><oddFooter>&amp;LTheo dõi nhiệm vụ&amp;RTrang &amp;P/&amp;N"
                     "</oddFooter></headerFooter>"),
)  # fmt: skip


def inline_cell(ref: str, value: str | int, formula: str | None = None) -> str:
    # Inline strings keep sharedStrings.xml untouched (it belongs to the rewritten sheets).
    if formula is not None:
        return f'<c r="{ref}"><f>{x(formula)}</f><v>{value}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{x(value)}</t></is></c>'


# --- the new, never-written sheet ---------------------------------------------------------------
EXTRA_CATEGORIES = ["Quý I", "Quý II", "Quý III", "Quý IV"]
EXTRA_TOTALS = [12, 15, 9, 20]
EXTRA_DONE = [10, 14, 7, 18]
EXTRA_STATUSES = ["Chưa thực hiện", "Đang thực hiện", "Hoàn thành", "Tạm dừng"]
EXTRA_LAST_ROW = 7


def extra_chart_xml(sheet_name: str) -> bytes:
    sheet, last = quote_sheet(sheet_name), 2 + len(EXTRA_CATEGORIES)
    return chart_xml(
        "Nhiệm vụ theo quý",
        name_ref=f"{sheet}!$B$2",
        series_name="Số nhiệm vụ",
        cat_ref=f"{sheet}!$A$3:$A${last}",
        cats=EXTRA_CATEGORIES,
        val_ref=f"{sheet}!$B$3:$B${last}",
        vals=EXTRA_TOTALS,
    )


def extra_sheet_xml(title: str) -> bytes:
    """Data for the extra sheet: a merged title row, headers on row 2, four quarters (the
    chart's source), a SUM row and a list of statuses in F3:F6 (a named range)."""
    rows = [
        [inline_cell("A1", title)],
        [
            inline_cell(f"{c}2", v)
            for c, v in zip(
                "ABCDEF",
                [
                    "Quý",
                    "Số nhiệm vụ",
                    "Hoàn thành",
                    "Liên kết",
                    "Chọn từ sheet khác",
                    "Trạng thái",
                ],
                strict=True,
            )
        ],
    ]
    for i, (cat, total, done, status) in enumerate(
        zip(EXTRA_CATEGORIES, EXTRA_TOTALS, EXTRA_DONE, EXTRA_STATUSES, strict=True)
    ):
        r = i + 3
        link = {3: "Cổng thông tin", 4: "Về trang đầu"}.get(r)
        row = [inline_cell(f"A{r}", cat), inline_cell(f"B{r}", total), inline_cell(f"C{r}", done)]
        if link:
            row.append(inline_cell(f"D{r}", link))
        row.append(inline_cell(f"F{r}", status))
        rows.append(row)
    rows.append(
        [
            inline_cell("A7", "Cộng"),
            inline_cell("B7", sum(EXTRA_TOTALS), "SUM(B3:B6)"),
            inline_cell("C7", sum(EXTRA_DONE), "SUM(C3:C6)"),
        ]
    )
    data = "".join(f'<row r="{i}">{"".join(cells)}</row>' for i, cells in enumerate(rows, 1))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL_NS}"><dimension ref="A1:F{EXTRA_LAST_ROW}"/>'
        f"<sheetData>{data}</sheetData></worksheet>"
    ).encode()
