"""Work done once per run gives the files that work done per cell or per letter gave.

Forms copy each cell look's style indexes from the first cell of that look (``_Looks``);
letters share one read, patched and compiled template (``LetterTemplates``). Both must write
exactly the bytes of the one-at-a-time path, and a letter must not carry the last one's text.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from docxread import full_text, open_docx
from letterdata import TODAY, reported_source, workspace_with
from openpyxl.cell.cell import Cell

from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.core.agencies import Agency, AgencyCatalogue
from xladdin.core.forms import plan_forms
from xladdin.core.letters import LetterKind, build_letters
from xladdin.core.period import parse_period
from xladdin.core.tracker import recalc
from xladdin.io import form_io, letters_io

CATALOGUE = AgencyCatalogue(
    [Agency(code="STC", name="Sở Tài chính"), Agency(code="CAT", name="Công an tỉnh")]
)


def _task(key: str, lead: str, coordinating: str = "", **values: Any) -> dict[str, Any]:
    return {"key": key, "level": "Nhiệm vụ", "lead": lead, "coordinating": coordinating} | values


# Every kind of value a form cell gets: dates, text that looks like a date, a time value in a
# text column, a formula-like text, numbers, blanks, long wrapped text.
RECORDS = [
    {"key": "I", "level": "Phần", "content": "Phần I"},
    _task(
        "I.1",
        "Sở Tài chính",
        "Công an tỉnh",
        content="Nội dung " * 40,
        timeframe="Quý IV/2026",
        due_date=date(2026, 12, 31),
        status="Đang triển khai",
        progress=45.5,
        result="Dòng một\nDòng hai",
        difficulties="=không phải công thức",
    ),
    _task("I.2", "Sở Tài chính", due_date="cuối năm", progress=100.0, status="Hoàn thành"),
    _task("I.3", "Sở Tài chính", timeframe=datetime(2026, 6, 30, 8, 0), proposals=time(9, 30)),
    _task("I.4", "Công an tỉnh", "Sở Tài chính", due_date=date(2026, 3, 1)),
]


def _forms() -> Any:
    return plan_forms(
        RECORDS,
        CATALOGUE,
        plan="Kế hoạch thử",
        period=parse_period("2026-11"),
        return_deadline="25/11/2026",
        office="VĂN PHÒNG TỈNH ỦY",
        issued_at=datetime(2026, 11, 21, 10, 0, 5),
        secret=b"s" * 32,
    ).forms


def test_forms_from_copied_looks_are_the_bytes_of_cell_by_cell_styling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forms = _forms()
    assert len(forms) == 2
    copied = [form_io.form_bytes(form) for form in forms]

    def every_cell(self: Any, cell: Cell, key: Hashable, build: Callable[[Cell], None]) -> None:
        # The setters on every cell, as before looks were kept.
        cell.font = form_io._BODY_FONT
        build(cell)

    monkeypatch.setattr(form_io._Looks, "apply", every_cell)
    assert [form_io.form_bytes(form) for form in forms] == copied


def test_a_form_keeps_each_cells_look() -> None:
    import io

    import openpyxl

    from xladdin.core.layout import FORM_COLUMNS, FORM_FIRST_ROW, FORM_SHEET

    form = next(f for f in _forms() if f.agency.code == "STC")
    sheet = openpyxl.load_workbook(io.BytesIO(form_io.form_bytes(form)))[FORM_SHEET]
    col = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}
    rows = {sheet.cell(r, col["key"]).value: r for r in range(FORM_FIRST_ROW, sheet.max_row + 1)}
    dated = sheet.cell(rows["I.1"], col["due_date"])
    typed = sheet.cell(rows["I.2"], col["due_date"])
    assert dated.number_format == form_io.DATE_FORMAT and dated.value == datetime(2026, 12, 31)
    assert typed.value == "cuối năm" and typed.number_format != form_io.DATE_FORMAT
    for r in rows.values():
        status = sheet.cell(r, col["status"])
        content = sheet.cell(r, col["content"])
        assert not status.protection.locked and status.fill.fgColor.rgb == "FFFFF2CC"
        assert content.protection.locked and content.fill.fill_type is None
        assert content.alignment.wrap_text and content.border.left.style == "thin"
        assert content.font.name == form_io.FONT_NAME
    assert sheet.cell(rows["I.1"], col["difficulties"]).value == "=không phải công thức"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, plan_docx: Path) -> Path:
    return reported_source(tmp_path_factory.mktemp("src") / "ws", plan_docx)


def test_letters_from_one_compiled_template_are_the_bytes_of_letters_made_alone(
    source: Path, tmp_path: Path
) -> None:
    ws = workspace_with(source, tmp_path / "ws")
    data = read_data(open_tracker(ws.workbook))
    plan = build_letters(LetterKind.REQUEST, recalc(data, TODAY), data.catalogue(), data.config)
    letters = plan.letters[:4]
    assert len(letters) >= 3
    made = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    templates = letters_io.LetterTemplates()
    shared = []
    for letter in letters:
        path = letters_io.template_path(letter.template, ws.root)
        shared.append(templates.render(path, letter.context, letter.chart, created=made))
    alone = [
        letters_io.render_docx(
            letters_io.template_path(letter.template, ws.root),
            letter.context,
            letter.chart,
            created=made,
        )
        for letter in letters
    ]
    assert shared == alone
    # Each letter is addressed to its own agency, and no two letters read the same.
    texts = [full_text(open_docx(data_bytes)) for data_bytes in shared]
    for text, letter in zip(texts, letters, strict=True):
        assert "Kính gửi: " + letter.context["agency"]["addressee"] in text
    assert len(set(texts)) == len(texts)
