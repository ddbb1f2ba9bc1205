"""Building blocks of the letter templates (python-docx), used by ``make_templates.py``.

The Party's document format (Hướng dẫn 36-HD/VPTW, 2018): A4, margins 20/20/30/15 mm, Times
New Roman; header as a borderless two-column table (issuing body, "*", number and, for a
công văn, the "V/v" subject on the left; "ĐẢNG CỘNG SẢN VIỆT NAM" with a rule of its own
length, then place and date on the right); a công văn then has "Kính gửi:", a báo cáo its
type name and subject as a centred title instead; body 14 pt justified with a first-line
indent; "Nơi nhận:" beside the signature block; page numbers from page 2, centred at the
top. Every document is marked as Word 2013+ (no "Compatibility Mode").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
TEXT_WIDTH = 165  # mm: A4 width 210 - left 30 - right 15
HEAD_LEFT, HEAD_RIGHT = 72, 93  # mm, header table columns
SIGN_LEFT, SIGN_RIGHT = 80, 85  # mm, "Nơi nhận" / signature columns
# The rule under "ĐẢNG CỘNG SẢN VIỆT NAM" is the paragraph's bottom border; the indents make
# it as long as the title (15 pt bold Times New Roman: 72.7 mm, measured with the metric-
# compatible Liberation Serif Bold) plus a hair on each side.
TITLE_RULE_INDENT = (HEAD_RIGHT - 74) / 2
FIRST_LINE = Mm(12.7)
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

Align = WD_ALIGN_PARAGRAPH


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


Text = str | Sequence[Run]


# -- document-wide setup ---------------------------------------------------------------------
def _set_fonts(el: Any, size_pt: float) -> None:
    """Times New Roman for every script slot, no theme fonts (a theme attribute wins over an
    explicit one in Word), Vietnamese as the proofing language."""
    for old in el.findall(qn("w:rFonts")):
        el.remove(old)
    fonts = OxmlElement("w:rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    el.insert(0, fonts)
    for name in ("w:sz", "w:szCs", "w:lang"):
        for old in el.findall(qn(name)):
            el.remove(old)
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), str(int(size_pt * 2)))
        el.append(size)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    lang.set(qn("w:bidi"), "ar-SA")
    el.append(lang)


def new_document(title: str) -> DocumentObject:
    doc = Document()
    # python-docx's default package carries a thumbnail of a blank page; Explorer would show it.
    pkg_rels = doc.part.package.rels
    for rid, rel in list(pkg_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del pkg_rels[rid]
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    assert defaults is not None
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _set_fonts(rpr, 14)
    ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    ppr.append(spacing)
    # Every built-in style (headings, captions, …) in Times New Roman too, so a style staff
    # pick while editing does not bring a theme font (Calibri, Cambria) into the letter.
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _set_fonts(normal.element.get_or_add_rPr(), 14)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # Page numbers: centred at the top from page 2 on; the first page has an empty header.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    number = section.header.paragraphs[0]
    number.alignment = Align.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "2"
    run.append(t)
    field.append(run)
    number._p.append(field)

    props = doc.core_properties
    props.title = title
    props.author = "TheoDoiNhiemVu"
    props.last_modified_by = "TheoDoiNhiemVu"
    props.comments = "Lập bằng TheoDoiNhiemVu."
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    word_2013(doc)
    # The body of python-docx's default document holds one empty paragraph.
    body = doc.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    return doc


def word_2013(doc: DocumentObject) -> None:
    """compatibilityMode 15: python-docx's default template says 14 (Word 2010), which makes
    Word open the file, and every letter made from it, in "Compatibility Mode"."""
    compat = doc.settings.element.find(qn("w:compat"))
    assert compat is not None
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


# -- size ---------------------------------------------------------------------------------------
_STYLE_REFS = ("w:pStyle", "w:rStyle", "w:tblStyle", "w:numStyleLink", "w:styleLink")
_THEME_LATIN = re.compile(rb"(<a:(?:major|minor)Font>\s*<a:latin typeface=\")[^\"]*(\")")


def _used_styles(doc: DocumentObject) -> set[str]:
    parts = [doc.element, doc.part.numbering_part.element]
    parts += [
        rel.target_part.element
        for rel in doc.part.rels.values()
        if rel.reltype.endswith(("/header", "/footer"))
    ]
    return {
        ref.get(qn("w:val"))
        for part in parts
        for tag in _STYLE_REFS
        for ref in part.iter(qn(tag))
        if ref.get(qn("w:val"))
    }


def slim(doc: DocumentObject) -> None:
    """Only the styles the template uses, and no Word 2010 copy of them.

    python-docx's default package defines every built-in style twice (styles.xml 350 KB,
    stylesWithEffects.xml 440 KB): each letter read, parsed, wrote and compressed them, most
    of the time of making a letter. A style staff pick later while editing comes from Word's
    (or LibreOffice's) own definition, whose fonts are the theme's: both theme fonts are
    Times New Roman, so it does not bring Calibri or Cambria into the letter either."""
    root = doc.styles.element
    styles = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
    keep = _used_styles(doc) | {i for i, s in styles.items() if s.get(qn("w:default")) == "1"}
    todo = list(keep)
    while todo:
        style = styles.get(todo.pop())
        for tag in ("w:basedOn", "w:next", "w:link"):
            el = style.find(qn(tag)) if style is not None else None
            if el is not None and el.get(qn("w:val")) not in keep:
                keep.add(el.get(qn("w:val")))
                todo.append(el.get(qn("w:val")))
    for style_id, style in styles.items():
        if style_id not in keep:
            root.remove(style)
    rels = doc.part.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del rels[rid]
        elif rel.reltype.endswith("/theme"):
            theme = rel.target_part
            theme._blob = _THEME_LATIN.sub(rb"\1" + FONT.encode() + rb"\2", theme.blob)


# -- paragraphs ---------------------------------------------------------------------------------
def fill(
    p: Paragraph,
    text: Text,
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: Align | None = Align.JUSTIFY,
    first_line: Mm | None = None,
    before: float = 0,
    after: float = 0,
    keep_next: bool = False,
) -> Paragraph:
    runs = [Run(text, bold, italic, underline)] if isinstance(text, str) else list(text)
    runs = [r for r in runs if r.text]
    for r in runs:
        run = p.add_run(r.text)
        run.font.size = Pt(size)
        run.bold = r.bold or None
        run.italic = r.italic or None
        run.underline = r.underline or None
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = first_line
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep_next or None
    if not runs:  # an empty paragraph still takes its size from the paragraph mark
        mark = p._p.get_or_add_pPr()
        rpr = OxmlElement("w:rPr")
        for tag in ("w:sz", "w:szCs"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), str(int(size * 2)))
            rpr.append(el)
        mark.append(rpr)
    return p


def body(doc: DocumentObject, text: Text, **kw: Any) -> Paragraph:
    """A body paragraph: 14 pt, justified, first-line indent, 6 pt before."""
    options: dict[str, Any] = {"first_line": FIRST_LINE, "before": 6}
    options.update(kw)
    return fill(doc.add_paragraph(), text, **options)


def heading(doc: DocumentObject, text: str) -> Paragraph:
    return body(doc, text, bold=True, keep_next=True)


def tag(doc: DocumentObject, text: str) -> Paragraph:
    """A docxtpl paragraph tag ({%p … %}): the whole paragraph disappears when rendered."""
    return fill(doc.add_paragraph(), text, size=6, align=None)


# Children order the OOXML schema prescribes (Word refuses files that break it; LibreOffice
# does not care, so a test in LibreOffice alone would not notice).
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange",
)  # fmt: skip
TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
)  # fmt: skip


def schema_order(parent: Any, order: Sequence[str]) -> None:
    rank = {qn(f"w:{name}"): i for i, name in enumerate(order)}
    children = sorted(parent, key=lambda el: rank.get(el.tag, len(order)))
    for child in children:
        parent.append(child)  # lxml moves an existing child


# -- tables ------------------------------------------------------------------------------------
def _table_props(table: Table, widths: Sequence[float], *, borders: bool) -> None:
    # Every table spans the text width exactly, like the body text above and below it.
    assert abs(sum(widths) - TEXT_WIDTH) < 0.01, widths
    tbl = table._tbl
    tblPr = tbl.tblPr
    for name in ("w:tblW", "w:tblLayout", "w:tblBorders", "w:tblCellMar", "w:tblLook"):
        for old in tblPr.findall(qn(name)):
            tblPr.remove(old)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths) * 56.6929)))
    width.set(qn("w:type"), "dxa")
    tblPr.append(width)
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if borders else "nil")
        if borders:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        edges.append(el)
    tblPr.append(edges)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblPr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("left", 57 if borders else 0), ("right", 57 if borders else 0)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblPr.append(margins)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    schema_order(tblPr, TBLPR_ORDER)
    table.autofit = False
    for col, w in zip(table.columns, widths, strict=True):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Mm(w)


def layout_table(doc: DocumentObject, widths: Sequence[float], rows: int) -> Table:
    table = doc.add_table(rows=rows, cols=len(widths))
    _table_props(table, widths, borders=False)
    for row in table.rows:
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    return table


def cell_lines(cell: _Cell, lines: Sequence[tuple[Text, dict[str, Any]]]) -> None:
    """Fill a cell with paragraphs; the cell's own first (empty) paragraph is reused."""
    for i, (text, options) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        fill(p, text, **options)


def repeat_header(row: Any) -> None:
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trPr.append(el)
    cant = OxmlElement("w:cantSplit")
    trPr.append(cant)


@dataclass(frozen=True)
class Col:
    header: str
    value: str  # jinja expression for the loop variable, e.g. "t.key"
    width: float  # mm
    align: Align = Align.LEFT


def data_table(doc: DocumentObject, loop: str, items: str, cols: Sequence[Col]) -> Table:
    """A bordered table: header row (repeated on every page), then one row per item.

    docxtpl's ``{%tr … %}`` removes the row that holds it, so the loop opens and closes in
    rows of their own around the one data row."""
    widths = [c.width for c in cols]
    table = doc.add_table(rows=4, cols=len(cols))
    _table_props(table, widths, borders=True)
    head, start, data, end = table.rows
    repeat_header(head)
    cell_options: dict[str, Any] = {"size": 12, "before": 2, "after": 2}
    for cell, col in zip(head.cells, cols, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        cell_lines(cell, [(col.header, {**cell_options, "bold": True, "align": Align.CENTER})])
    for cell, col in zip(data.cells, cols, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        cell_lines(cell, [(f"{{{{ {col.value} }}}}", {**cell_options, "align": col.align})])
    cell_lines(start.cells[0], [(f"{{%tr for {loop} in {items} %}}", {"size": 6})])
    cell_lines(end.cells[0], [("{%tr endfor %}", {"size": 6})])
    return table


# -- the parts every letter has -------------------------------------------------------------
def letterhead(doc: DocumentObject, subject: str | None) -> None:
    """The header table; ``subject`` is a công văn's "V/v …" line (None for a document with a
    type name, whose subject goes into :func:`doc_title`)."""
    table = layout_table(doc, (HEAD_LEFT, HEAD_RIGHT), rows=3 if subject else 2)
    centre: dict[str, Any] = {"align": Align.CENTER}
    (name, party), (number, dated) = (r.cells for r in table.rows[:2])
    cell_lines(
        name,
        [
            ("{{ committee }}", centre),
            ("{{ office }}", {**centre, "bold": True}),
            ("*", centre),
        ],
    )
    cell_lines(party, [("ĐẢNG CỘNG SẢN VIỆT NAM", {**centre, "size": 15, "bold": True})])
    rule = party.paragraphs[0]
    rule.paragraph_format.left_indent = Mm(TITLE_RULE_INDENT)
    rule.paragraph_format.right_indent = Mm(TITLE_RULE_INDENT)
    bottom_rule(rule)
    # Five spaces for the number the clerk writes in, then the suffix from "Cấu hình".
    cell_lines(number, [("Số      {{ letter_suffix }}", centre)])
    cell_lines(dated, [("{{ place }}, {{ date_text }}", {**centre, "italic": True})])
    if subject:
        # A công văn's subject: 12 pt italic under the number (HD 36, Phụ lục 3, row 5).
        about, blank = table.rows[2].cells
        cell_lines(about, [(subject, {**centre, "size": 12, "italic": True, "before": 2})])
        cell_lines(blank, [("", {"size": 12})])


SUBJECT_RULE = 20  # mm, the short line under a titled document's subject


def bottom_rule(p: Paragraph) -> None:
    """A single thin line under the paragraph, as long as the paragraph (its indents)."""
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)
    schema_order(ppr, PPR_ORDER)


def doc_title(doc: DocumentObject, type_name: str, subject: str) -> None:
    """The type name and subject of a document other than a công văn (HD 36, Phụ lục 3,
    row 5): the name in capitals, 16 pt bold; the subject below in normal case, 14 pt bold,
    with a short line under it (a border of an empty paragraph, not typed dashes, so Word
    keeps it centred and text extraction does not glue it to the next line)."""
    fill(doc.add_paragraph(), type_name, size=16, bold=True, align=Align.CENTER, before=18)
    fill(doc.add_paragraph(), subject, bold=True, align=Align.CENTER, keep_next=True)
    rule = fill(doc.add_paragraph(), "", size=4, align=Align.CENTER, after=10)
    side = Mm((TEXT_WIDTH - SUBJECT_RULE) / 2)
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = side
    bottom_rule(rule)


def addressee(doc: DocumentObject, who: str) -> None:
    fill(doc.add_paragraph(), f"Kính gửi: {who}", align=Align.CENTER, before=18, after=12)


def signature(doc: DocumentObject, recipients: Sequence[str]) -> None:
    fill(doc.add_paragraph(), "", size=8)
    table = layout_table(doc, (SIGN_LEFT, SIGN_RIGHT), rows=1)
    left, right = table.rows[0].cells
    # Hướng dẫn 36-HD/VPTW (03/4/2018), the table of type faces in its appendix, item 9 "Nơi
    # nhận văn bản": the words "Nơi nhận" lower case, 14 pt, upright, underlined, then a colon;
    # the recipients lower case, 12 pt, upright. (Bold italic 12 pt is the state format of
    # Nghị định 30/2020/NĐ-CP, not the Party's.)
    lines: list[tuple[Text, dict[str, Any]]] = [
        ([Run("Nơi nhận", underline=True), Run(":")], {"size": 14, "align": Align.LEFT})
    ]
    lines += [(r, {"size": 12, "align": Align.LEFT}) for r in recipients]
    cell_lines(left, lines)
    bold_centre: dict[str, Any] = {"bold": True, "align": Align.CENTER}
    cell_lines(
        right,
        [
            ("{%p if signer_authority %}", {"size": 6, "align": None}),
            ("{{ signer_authority }}", bold_centre),
            ("{%p endif %}", {"size": 6, "align": None}),
            ("{{ signer_title }}", bold_centre),
            ("", {}),
            ("", {}),
            ("", {}),
            ("", {}),
            ("{{ signer_name }}", bold_centre),
        ],
    )
