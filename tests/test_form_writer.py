"""Forms written as XML from one run's template read back as the openpyxl build of each form.

``theodoi forms`` writes each form's cells as XML into the fixed parts of one form built with
openpyxl (:class:`xladdin.io.form_io.FormWriter`); :func:`reference_form_bytes` builds and saves
every form with openpyxl. Read back by openpyxl and by python-calamine (what the merge reads),
the two must hold the same values, looks, heights, validations, protection and properties,
for forms whose values are of every kind, written one after the other by one writer.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from xladdin.core.agencies import Agency, AgencyCatalogue
from xladdin.core.form_content import AgencyForm
from xladdin.core.forms import plan_forms
from xladdin.core.layout import FORM_COLUMNS, FORM_FIRST_ROW, FORM_SHEET
from xladdin.core.period import parse_period
from xladdin.io.form_cells import DATE_FORMAT, FONT_NAME
from xladdin.io.form_io import FormWriter, form_bytes, reference_form_bytes

CATALOGUE = AgencyCatalogue(
    [
        Agency(code="STC", name="Sở Tài chính"),
        Agency(code="CAT", name="Công an tỉnh"),
        Agency(code="SYT", name="Sở Y tế"),
    ]
)


def _task(key: str, lead: str, coordinating: str = "", **values: Any) -> dict[str, Any]:
    return {"key": key, "level": "Nhiệm vụ", "lead": lead, "coordinating": coordinating} | values


# Every kind of value a form cell gets: dates, text that looks like a date, time values in
# text columns, a formula-like text, numbers, blanks, long wrapped text, spaces at the ends,
# a carriage return, a control character.
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
        completed_on=date(2026, 11, 2),
    ),
    _task("I.2", "Sở Tài chính", due_date="cuối năm", progress=100.0, status="Hoàn thành"),
    _task("I.3", "Sở Tài chính", timeframe=datetime(2026, 6, 30, 8, 0), proposals=time(9, 30)),
    _task("I.4", "Công an tỉnh", "Sở Tài chính", due_date=date(2026, 3, 1), result="  lề  "),
    _task("I.5", "Công an tỉnh", difficulties="a\r\nb\x07c", progress=7, result=timedelta(days=2)),
    _task("I.6", "Sở Y tế", "Sở Tài chính, Công an tỉnh", content="<b>&amp;</b> \"x\" 'y'"),
]


def _forms(records: list[dict[str, Any]] = RECORDS) -> tuple[AgencyForm, ...]:
    return plan_forms(
        records,
        CATALOGUE,
        plan="Kế hoạch thử",
        period=parse_period("2026-11"),
        return_deadline="25/11/2026",
        office="VĂN PHÒNG TỈNH ỦY",
        issued_at=datetime(2026, 11, 21, 10, 0, 5),
        secret=b"s" * 32,
    ).forms


def _look(cell: Cell) -> tuple[Any, ...]:
    f, a, p, b = cell.font, cell.alignment, cell.protection, cell.border
    return (
        cell.value,
        cell.data_type,
        cell.number_format,
        (f.name, f.sz, f.b, f.i),
        (cell.fill.fill_type, cell.fill.fgColor.rgb),
        tuple(
            (s.style, s.color.rgb if s.color else None) for s in (b.left, b.right, b.top, b.bottom)
        ),
        (a.horizontal, a.vertical, a.wrap_text),
        (p.locked, p.hidden),
    )


def _sheet(ws: Worksheet) -> dict[str, Any]:
    ps, prot = ws.page_setup, ws.protection
    return {
        "cells": {c.coordinate: _look(c) for row in ws.iter_rows() for c in row if c.has_style},
        "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None},
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "state": ws.sheet_state,
        "panes": ws.freeze_panes,
        "titles": ws.print_title_rows,
        "page": (ps.orientation, ps.paperSize, ps.fitToWidth, ps.fitToHeight),
        "fit": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
        "protection": (prot.sheet, prot.password, prot.formatColumns, prot.formatRows,
                       prot.selectLockedCells, prot.insertRows, prot.deleteRows, prot.sort),
        "validations": sorted(
            (str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2, dv.allow_blank,
             dv.showDropDown, dv.showErrorMessage, dv.errorTitle, dv.error,
             dv.showInputMessage, dv.promptTitle, dv.prompt)
            for dv in ws.data_validations.dataValidation
        ),
    }  # fmt: skip


def _book(data: bytes) -> dict[str, Any]:
    wb: Workbook = openpyxl.load_workbook(io.BytesIO(data))
    p = wb.properties
    return {
        "sheets": {ws.title: _sheet(ws) for ws in wb.worksheets},
        "order": wb.sheetnames,
        "active": wb.active.title if wb.active else None,
        "lock": wb.security.lockStructure if wb.security else None,
        "props": (p.title, p.subject, p.creator, p.lastModifiedBy, p.created, p.modified),
    }


def _values(data: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def test_every_form_of_a_run_reads_back_as_its_openpyxl_build() -> None:
    forms = _forms()
    assert {f.agency.code for f in forms} == {"STC", "CAT", "SYT"}
    writer = FormWriter()  # one run: the template is the first form, formats are shared
    for form in forms:
        written = writer.form_bytes(form)
        reference = reference_form_bytes(form)
        assert _book(written) == _book(reference), form.agency.code
        assert _values(written) == _values(reference), form.agency.code


def test_a_form_with_no_tasks_of_its_own_after_one_with_many() -> None:
    records = [*RECORDS, _task("I.7", "Sở Y tế", "Sở Tài chính")]
    forms = sorted(_forms(records), key=lambda f: -len(f.lead))
    writer = FormWriter()
    for form in forms:
        assert _book(writer.form_bytes(form)) == _book(reference_form_bytes(form))
    alone = [f for f in _forms([RECORDS[0], _task("I.1", "Sở Y tế", "Sở Tài chính")])]
    writer = FormWriter()
    for form in sorted(alone, key=lambda f: len(f.lead)):  # the template has no lead task
        assert _book(writer.form_bytes(form)) == _book(reference_form_bytes(form))


def test_two_runs_over_the_same_forms_give_the_same_bytes() -> None:
    forms = _forms()
    run = FormWriter()
    written = [run.form_bytes(f) for f in forms]
    assert form_bytes(forms[0]) == written[0]  # a first form is written alike by any writer
    rerun = FormWriter()
    assert [rerun.form_bytes(f) for f in forms] == written


_value = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.integers(-(10**6), 10**6),
    st.floats(0, 100, allow_nan=False),
    st.dates(date(1990, 1, 1), date(2100, 1, 1)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.fixed_dictionaries(
            {f: _value for f in ("content", "due_date", "status", "progress", "result")}
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_values_read_back_as_the_openpyxl_build(values: list[dict[str, Any]]) -> None:
    records = [_task(f"I.{n}", "Sở Tài chính", **v) for n, v in enumerate(values, start=1)]
    (form,) = _forms(records)
    written, reference = FormWriter().form_bytes(form), reference_form_bytes(form)
    assert _book(written) == _book(reference)
    assert _values(written) == _values(reference)


@pytest.mark.parametrize("code", ["STC", "CAT"])
def test_the_written_form_is_a_package_openpyxl_reads_without_complaint(code: str) -> None:
    form = next(f for f in _forms() if f.agency.code == code)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        openpyxl.load_workbook(io.BytesIO(form_bytes(form)))


def test_a_form_keeps_each_cells_look() -> None:
    form = next(f for f in _forms() if f.agency.code == "STC")
    sheet = openpyxl.load_workbook(io.BytesIO(form_bytes(form)))[FORM_SHEET]
    col = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}
    rows = {sheet.cell(r, col["key"]).value: r for r in range(FORM_FIRST_ROW, sheet.max_row + 1)}
    dated = sheet.cell(rows["I.1"], col["due_date"])
    typed = sheet.cell(rows["I.2"], col["due_date"])
    assert dated.number_format == DATE_FORMAT and dated.value == datetime(2026, 12, 31)
    assert typed.value == "cuối năm" and typed.number_format != DATE_FORMAT
    for r in rows.values():
        status = sheet.cell(r, col["status"])
        content = sheet.cell(r, col["content"])
        assert not status.protection.locked and status.fill.fgColor.rgb == "FFFFF2CC"
        assert content.protection.locked and content.fill.fill_type is None
        assert content.alignment.wrap_text and content.border.left.style == "thin"
        assert content.font.name == FONT_NAME
    assert sheet.cell(rows["I.1"], col["difficulties"]).value == "=không phải công thức"
