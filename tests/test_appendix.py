from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import PLANS
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xladdin.core.appendix import header_field, parse_appendix
from xladdin.core.document import RawDocument, RawRow, RawTable
from xladdin.core.errors import AppendixNotFoundError
from xladdin.core.layout import Level
from xladdin.io.docx_io import read_docx

FIXTURE_KEYS = [
    "I",
    "I.1",
    "I.2",
    "I.3",
    "I.4",
    "I.5",
    "I.6",
    "I.7",
    "I.8",
    "I.9",
    "I.10",
    "II",
    "II.1",
    "II.1.1",
    "II.1.2",
    "II.2",
    "II.2.1",
    "II.2.2",
    "II.2.3",
    "II.2.4",
    "II.2.5",
    "II.2.6",
    "II.2.7",
    "II.2.8",
    "II.2.9",
    "II.2.10",
    "II.2.11",
    "II.2.x1",
    "III",
    "III.1",
    "IV",
    "IV.1",
    "IV.2",
    "V",
    "V.1",
]


def test_fixture_is_exactly_its_appendix(plan_docx: Path) -> None:
    doc = read_docx(plan_docx)
    assert len(doc.tables) == 2  # the signature table must be ignored
    appendix = parse_appendix(doc)
    assert appendix.table_index == 1
    assert len(appendix.rows) == 35
    assert (
        appendix.count(Level.SECTION),
        appendix.count(Level.GROUP),
        appendix.count(Level.TASK),
    ) == (5, 2, 28)
    assert [r.key for r in appendix.rows] == FIXTURE_KEYS
    assert appendix.warnings == []
    by_key = {r.key: r for r in appendix.rows}
    assert by_key["II.1"].content == "Ứng dụng số" and by_key["II.1"].tt == "1"
    assert by_key["II.2"].tt == "2"  # NBSP-padded in the document
    assert by_key["II.2.x1"].tt == "" and by_key["II.2.x1"].lead == "Văn Phòng Tỉnh ủy"
    assert by_key["II.2.2"].coordinating == ""
    assert by_key["III.1"].content.startswith("Triển khai các giải pháp")  # leading space trimmed
    assert by_key["I.4"].timeframe == "Hoàn thành 30/01/2026"
    assert all(r.parent == "" for r in appendix.rows if r.level is Level.SECTION)
    assert by_key["II.1.2"].parent == "II.1" and by_key["I.10"].parent == "I"


def test_plan_title(plan_docx: Path) -> None:
    assert (
        read_docx(plan_docx).title
        == "Kế hoạch chuyển đổi số trong các cơ quan đảng tỉnh Điện Biên năm 2026"
    )


@pytest.mark.parametrize("name", ["KeHoach_LaiChau_6cot", "KeHoach_headers_variant"])
def test_other_layouts(name: str) -> None:
    """6 columns with Ghi chú, repeated/two-row headers, split rows, vMerge, per-section numbering."""
    expected = json.loads((PLANS / f"{name}.expected.json").read_text(encoding="utf-8"))
    appendix = parse_appendix(read_docx(PLANS / f"{name}.docx"))
    got = [
        {
            "key": r.key, "tt": r.tt, "level": r.level.value, "parent": r.parent, "content": r.content,
            "lead": r.lead, "coordinating": r.coordinating, "timeframe": r.timeframe, "notes": r.notes,
        }
        for r in appendix.rows
    ]  # fmt: skip
    assert got == expected


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("TT", "tt"), ("STT", "tt"), ("Số TT", "tt"), ("Nội dung nhiệm vụ", "content"), ("Nhiệm vụ", "content"),
        ("Nhiệm vụ chi tiết", "content"), ("Nội dung", "content"), ("Cơ quan chủ trì", "lead"),
        ("Đơn vị chủ trì", "lead"), ("Cơ quan phối hợp", "coordinating"), ("Đơn vị phối hợp", "coordinating"),
        ("Thời gian thực hiện", "timeframe"), ("Thời hạn", "timeframe"), ("Tiến độ", "timeframe"),
        ("Ghi chú", "notes"), ("  THỜI  GIAN\u00a0THỰC HIỆN ", "timeframe"), ("Giá trị", None), ("", None),
    ],
)  # fmt: skip
def test_header_synonyms(header: str, field: str | None) -> None:
    assert header_field(header) == field


def _doc(*rows: tuple[str, ...]) -> RawDocument:
    return RawDocument("x.docx", [RawTable([RawRow(r) for r in rows], 0)])


def test_no_appendix_table_is_a_clear_error() -> None:
    with pytest.raises(AppendixNotFoundError, match="Không tìm thấy bảng phụ lục"):
        parse_appendix(_doc(("STT", "Chỉ tiêu", "Giá trị"), ("1", "Tỷ lệ", "100%")))


def test_column_number_row_and_title_in_tt_cell() -> None:
    doc = _doc(
        ("TT", "Nhiệm vụ", "Chủ trì", "Thời hạn"),
        ("(1)", "(2)", "(3)", "(4)"),
        ("I. PHÁT TRIỂN", "", "", ""),
        ("1", "Việc một", "Sở A", "2026"),
        ("1", "Việc trùng số", "Sở B", "2026"),
    )
    rows = parse_appendix(doc).rows
    assert [(r.key, r.level.value) for r in rows] == [
        ("I", "section"),
        ("I.1", "task"),
        ("I.1-2", "task"),
    ]


cell = st.text(alphabet=st.sampled_from(list("IVX1.2 aĐbc\u00a0")), max_size=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cell, cell, cell, cell), max_size=25))
@example(rows=[("I", "", "", ""), ("", "", "", "1")])  # a section title's continuation row
def test_any_grid_gives_unique_keys(rows: list[tuple[str, str, str, str]]) -> None:
    doc = _doc(("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian thực hiện"), *rows)
    keys = [r.key for r in parse_appendix(doc).rows]
    assert len(keys) == len(set(keys))
    assert parse_appendix(doc).rows == parse_appendix(doc).rows  # same input, same keys
