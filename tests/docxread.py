"""Reading generated letters back with python-docx, for the structural tests."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"


def open_docx(source: Path | bytes) -> Document:
    return docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))


def paragraphs(doc: Document) -> list[Paragraph]:
    """Every paragraph of the body, table cells included, in document order."""
    return [Paragraph(p, doc) for p in doc.element.body.iter(qn("w:p"))]


def full_text(doc: Document) -> str:
    return "\n".join(p.text for p in paragraphs(doc))


def body_paragraphs(doc: Document) -> list[Paragraph]:
    """Paragraphs directly in the body (not in tables)."""
    return list(doc.paragraphs)


def cell_texts(cell: Any) -> list[str]:
    return [p.text for p in cell.paragraphs]


def rows(table: Table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def run_sizes(p: Paragraph) -> set[float | None]:
    return {r.font.size.pt if r.font.size else None for r in p.runs if r.text.strip()}


def is_bold(p: Paragraph) -> bool:
    runs = [r for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def is_italic(p: Paragraph) -> bool:
    runs = [r for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.italic for r in runs)


def fonts_named(doc: Document) -> set[str]:
    """Every font an ``rFonts`` element names (styles, defaults, runs), theme slots flagged."""
    names: set[str] = set()
    parts = [doc.element, doc.styles.element]
    for part in parts:
        for el in part.iter(qn("w:rFonts")):
            for attr, value in el.attrib.items():
                local = attr.split("}")[-1]
                names.add(f"theme:{value}" if local.endswith("Theme") else value)
    return names


def default_fonts(doc: Document) -> dict[str, str]:
    rfonts = doc.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}"
    )
    assert rfonts is not None
    return {k.split("}")[-1]: v for k, v in rfonts.attrib.items()}


def has_bottom_rule(p: Paragraph) -> bool:
    ppr = p._p.pPr
    if ppr is None:
        return False
    bottom = ppr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}")
    return bottom is not None and bottom.get(qn("w:val")) == "single"


def borderless(table: Table) -> bool:
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    if borders is None:
        return True
    return all(el.get(qn("w:val")) in ("nil", "none") for el in borders)
