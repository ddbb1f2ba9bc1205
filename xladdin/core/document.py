"""A Word document as the appendix parser sees it: paragraphs and tables of plain text.

:mod:`xladdin.io.docx_io` reads a .docx into these; :mod:`xladdin.core.appendix` parses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawRow:
    cells: tuple[str, ...]
    repeat_header: bool = False


@dataclass
class RawTable:
    rows: list[RawRow]
    index: int
    heading: str = ""  # text of the paragraphs just before the table


@dataclass
class RawDocument:
    name: str
    tables: list[RawTable] = field(default_factory=list)
    title: str = ""
    # Runs typed in a legacy Vietnamese font and converted to Unicode: font name -> runs.
    legacy_fonts: dict[str, int] = field(default_factory=dict)
