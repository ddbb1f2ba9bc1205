"""Cutting the audit log's oldest rows out of the sheet XML as bytes (io/logxml.py): the rows
that stay keep their cells and order, numbered from row 2, whatever the namespace prefix."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from xladdin.core.errors import WorkbookFormatError
from xladdin.io.logxml import drop_leading_rows
from xladdin.io.sheetxml import append_xml_rows

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet(n: int, prefix: str) -> bytes:
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{NS}"' if prefix else f'xmlns="{NS}"'
    empty = (
        f'<{p}worksheet {xmlns}><{p}dimension ref="A1:C1"/><{p}sheetData>'
        f'<{p}row r="1"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>Thời gian</{p}t></{p}is>'
        f"</{p}c></{p}row></{p}sheetData></{p}worksheet>"
    ).encode()
    values = [[f"dòng {i}", i, f"ghi chú {i}"] for i in range(n)]
    xml = append_xml_rows(empty, 2, values, {})
    return (
        xml
        if not prefix
        else xml.replace(b"<row", f"<{p}row".encode())
        .replace(b"</row>", f"</{p}row>".encode())
        .replace(b"<c ", f"<{p}c ".encode())
        .replace(b"</c>", f"</{p}c>".encode())
    )


def table(xml: bytes) -> list[tuple[int, list[str], list[str]]]:
    root = etree.fromstring(xml)
    out = []
    for row in root.iter(f"{{{NS}}}row"):
        refs = [c.get("r") for c in row.iter(f"{{{NS}}}c")]
        texts = ["".join(c.itertext()) for c in row.iter(f"{{{NS}}}c")]
        out.append((int(row.get("r")), refs, texts))
    return out


@given(n=st.integers(0, 30), cut=st.integers(0, 35), prefix=st.sampled_from(["", "x"]))
def test_the_rows_that_stay_move_up_whole(n: int, cut: int, prefix: str) -> None:
    xml = sheet(n, prefix)
    before = table(xml)
    after = table(drop_leading_rows(xml, 2, cut))
    kept = [before[0], *before[1 + cut :]]
    assert [texts for _, _, texts in after] == [texts for _, _, texts in kept]
    assert [r for r, _, _ in after] == list(range(1, len(after) + 1))
    for r, refs, _ in after:
        assert all(re.fullmatch(rf"[A-Z]+{r}", ref) for ref in refs)
    dim = re.search(rb'dimension ref="A1:C(\d+)"', drop_leading_rows(xml, 2, cut))
    assert dim is not None and int(dim.group(1)) == max(1 + n - min(cut, n), 1)


def test_rows_without_numbers_are_not_guessed() -> None:
    xml = f'<worksheet xmlns="{NS}"><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>'
    with pytest.raises(WorkbookFormatError, match="không ghi số dòng"):
        drop_leading_rows(xml.encode(), 2, 1)
