"""Read the tables of a plan .docx into plain grids of cell texts.

Word XML is read directly (not through python-docx's object model) so that
merged cells are expanded exactly once: a horizontally merged cell keeps its text
in the first grid column, a vertically merged cell repeats the text of the cell
where the merge starts.
"""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from ..core.document import RawDocument, RawRow, RawTable
from ..core.errors import InputFileError
from ..core.legacy_vn import from_font, legacy_font
from .xlsxpkg import MAX_UNCOMPRESSED, safe_parser

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _run_font(node: etree._Element, default: str | None) -> str | None:
    """The font of the run holding ``node``: its own ``w:rFonts``, else the document's."""
    run = node.getparent()
    while run is not None and run.tag != f"{W}r":
        run = run.getparent()
    fonts = run.find(f"{W}rPr/{W}rFonts") if run is not None else None
    if fonts is not None:
        for attr in ("ascii", "hAnsi", "cs"):
            name = fonts.get(f"{W}{attr}")
            if name:
                return name
    return default


def _text(
    el: etree._Element, legacy: dict[str, int] | None = None, default: str | None = None
) -> str:
    """Text of a paragraph-bearing element; breaks and tabs become spaces. Text typed in a
    TCVN3 or VNI font is converted to Unicode by that font's table (counted in ``legacy``)."""
    parts: list[str] = []
    for p in el.iter(f"{W}p"):
        buf: list[str] = []
        for node in p.iter(f"{W}t", f"{W}br", f"{W}tab", f"{W}cr", f"{W}noBreakHyphen"):
            if node.tag == f"{W}t":
                text = node.text or ""
                font = _run_font(node, default)
                encoding = legacy_font(font)
                if encoding and text.strip():
                    text = from_font(text, encoding)
                    if legacy is not None:
                        legacy[str(font)] = legacy.get(str(font), 0) + 1
                buf.append(text)
            elif node.tag == f"{W}noBreakHyphen":
                buf.append("-")
            else:
                buf.append(" ")
        parts.append("".join(buf))
    text = " ".join(parts)
    return unicodedata.normalize("NFC", " ".join(text.replace("\u00a0", " ").split()))


def _direct_cells(tr: etree._Element) -> list[etree._Element]:
    # Cells may sit inside content controls (w:sdt) or custom XML wrappers.
    out = []
    for child in tr:
        if child.tag == f"{W}tc":
            out.append(child)
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            out.extend(c for c in child.iter(f"{W}tc") if c.getparent() is not None)
    return out


def _grid(tbl: etree._Element, text_of: Callable[[etree._Element], str] = _text) -> list[RawRow]:
    rows: list[RawRow] = []
    above: dict[int, str] = {}
    for tr in tbl.iter(f"{W}tr"):
        if tr.getparent() is not None and _enclosing_tbl(tr) is not tbl:
            continue
        trpr = tr.find(f"{W}trPr")
        header = trpr is not None and trpr.find(f"{W}tblHeader") is not None
        cells: list[str] = []
        col = 0
        grid_before = trpr.find(f"{W}gridBefore") if trpr is not None else None
        if grid_before is not None:
            skip = int(grid_before.get(f"{W}val", "0"))
            cells.extend([""] * skip)
            col += skip
        for tc in _direct_cells(tr):
            tcpr = tc.find(f"{W}tcPr")
            span = 1
            vmerge = None
            if tcpr is not None:
                gs = tcpr.find(f"{W}gridSpan")
                if gs is not None:
                    span = max(1, int(gs.get(f"{W}val", "1")))
                vm = tcpr.find(f"{W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{W}val", "continue")
            text = above.get(col, "") if vmerge == "continue" else text_of(tc)
            cells.append(text)
            above[col] = text
            for k in range(1, span):
                cells.append("")
                above[col + k] = ""
            col += span
        rows.append(RawRow(tuple(cells), header))
    return rows


def _enclosing_tbl(el: etree._Element) -> etree._Element | None:
    node = el.getparent()
    while node is not None and node.tag != f"{W}tbl":
        node = node.getparent()
    return node


def _default_font(path: Path) -> str | None:
    """The document's default font (``w:docDefaults`` in word/styles.xml), if it names one."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("word/styles.xml")
            if info.file_size > MAX_UNCOMPRESSED:
                return None
            root = etree.fromstring(zf.read(info), safe_parser())
    except (KeyError, zipfile.BadZipFile, OSError, etree.XMLSyntaxError):
        return None
    fonts = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    return None if fonts is None else fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi")


def read_docx(path: Path) -> RawDocument:
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("word/document.xml")
            if info.file_size > MAX_UNCOMPRESSED:
                raise InputFileError(f"Tệp {path.name} quá lớn; không xử lý.")
            data = zf.read(info)
    except FileNotFoundError as exc:
        raise InputFileError(f"Không tìm thấy tệp {path}.") from exc
    except KeyError as exc:
        raise InputFileError(f"Tệp {path.name} không phải văn bản Word (.docx).") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(
            f"Tệp {path.name} không đọc được như văn bản Word .docx (tệp .doc cũ cần lưu lại dạng .docx)."
        ) from exc
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise InputFileError(f"Tệp {path.name} bị hỏng: {exc}") from exc
    body = root.find(f"{W}body")
    doc = RawDocument(path.name)
    if body is None:
        return doc
    default = _default_font(path)

    def text_of(el: etree._Element) -> str:
        return _text(el, doc.legacy_fonts, default)

    recent: list[str] = []
    paragraphs: list[str] = []
    for el in body.iter(f"{W}p", f"{W}tbl"):
        if el.tag == f"{W}tbl":
            if _enclosing_tbl(el) is not None:
                continue
            doc.tables.append(RawTable(_grid(el, text_of), len(doc.tables), " ".join(recent[-4:])))
            recent = []
        elif _enclosing_tbl(el) is None:
            t = text_of(el)
            if t:
                recent.append(t)
                paragraphs.append(t)
    doc.title = _plan_title(paragraphs)
    return doc


def _plan_title(paragraphs: list[str]) -> str:
    """ "KẾ HOẠCH" on its own line followed by the subject → "Kế hoạch <subject>"."""
    for i, p in enumerate(paragraphs[:40]):
        if p.strip().upper() == "KẾ HOẠCH" and i + 1 < len(paragraphs):
            subject = paragraphs[i + 1].strip()
            return f"Kế hoạch {subject[:1].lower()}{subject[1:]}" if subject else ""
    return ""
