"""Completion dates (issue 17, item 3): "Ngày hoàn thành" decides on time or late; the
merge fills it from the report date; a status that contradicts it is a validate finding;
returns of forms issued before the column still merge."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from xladdin.commands.config import set_config
from xladdin.commands.export import export_tasks
from xladdin.commands.forms import issue_forms
from xladdin.commands.merge import merge_returns
from xladdin.commands.validate import validate_workbook
from xladdin.core.agencies import Agency, AgencyCatalogue
from xladdin.core.layout import (
    DUE_DONE_LATE,
    DUE_DONE_ON_TIME,
    FORM_COLUMNS,
    FORM_FIRST_ROW,
    FORM_HEADER_ROW,
    FORM_REPORT_DATE_CELL,
    FORM_SHEET,
    SHEET_TASKS,
    STATUS_DONE,
    STATUS_DONE_LATE,
    TASK_COLUMNS,
)
from xladdin.core.recalc import due_state
from xladdin.core.timeframe import FIXED_DEADLINE_KINDS, DeadlineKind
from xladdin.io.form_io import restamp
from xladdin.io.workspace import Workspace
from xladdin.validators import validate_tasks

NOW = datetime(2026, 11, 21, 9, 0)
TODAY = date(2026, 11, 21)
COL = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}
DUE = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("status", "kind", "completed_on", "expected"),
    [
        (STATUS_DONE, DeadlineKind.FIXED_DATE, date(2026, 6, 30), DUE_DONE_ON_TIME),
        (STATUS_DONE, DeadlineKind.FIXED_DATE, date(2026, 7, 1), DUE_DONE_LATE),
        (STATUS_DONE_LATE, DeadlineKind.FIXED_DATE, date(2026, 6, 1), DUE_DONE_ON_TIME),
        (STATUS_DONE_LATE, DeadlineKind.FIXED_DATE, None, DUE_DONE_LATE),
        (STATUS_DONE, DeadlineKind.FIXED_DATE, None, DUE_DONE_ON_TIME),
        # No fixed deadline: the date cannot make it late; the typed status stands.
        (STATUS_DONE, DeadlineKind.ONGOING, date(2026, 7, 1), DUE_DONE_ON_TIME),
        (STATUS_DONE_LATE, DeadlineKind.ONGOING, date(2026, 6, 1), DUE_DONE_LATE),
    ],
)
def test_completion_date_decides_on_time_or_late(
    status: str, kind: DeadlineKind, completed_on: date | None, expected: str
) -> None:
    assert due_state(status, kind, DUE, TODAY, 15, completed_on) == expected


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    base = {c.field: None for c in TASK_COLUMNS}
    records = [
        {**base, "key": f"NV{i}", "level": "Nhiệm vụ", "content": "Việc", "lead": "Sở Tài chính",
         "deadline_kind": "Ngày cụ thể", "due_date": DUE, "progress": 100, "result": "Xong",
         "_row": i + 2, **r}
        for i, r in enumerate(rows)
    ]  # fmt: skip
    return pd.DataFrame({k: pd.Series([r[k] for r in records], dtype=object) for k in records[0]})


@pytest.mark.parametrize(
    ("row", "finding"),
    [
        ({"status": STATUS_DONE, "completed_on": date(2026, 7, 2)}, "sau hạn 30/06/2026"),
        ({"status": STATUS_DONE_LATE, "completed_on": date(2026, 6, 2)}, "không sau hạn"),
        (
            {"status": "Đang triển khai", "progress": 50, "completed_on": date(2026, 6, 2)},
            "Đã ghi ngày hoàn thành 02/06/2026",
        ),
        ({"status": STATUS_DONE_LATE, "completed_on": date(2026, 12, 1)}, "muộn hơn ngày hôm nay"),
        ({"status": STATUS_DONE, "completed_on": "hôm qua"}, "phải là một ngày"),
        ({"status": STATUS_DONE, "completed_on": date(2026, 6, 30)}, None),
        ({"status": STATUS_DONE_LATE, "completed_on": date(2026, 7, 1)}, None),
        ({"status": STATUS_DONE_LATE, "completed_on": None}, None),
    ],
)
def test_a_status_contradicting_the_completion_date_is_a_finding(
    row: dict[str, Any], finding: str | None
) -> None:
    catalogue = AgencyCatalogue([Agency("STC", "Sở Tài chính")])
    found = [f for f in validate_tasks(_frame([row]), catalogue, TODAY)]
    messages = [f.message for f in found]
    if finding is None:
        assert messages == []
    else:
        assert len(found) == 1 and finding in messages[0], messages
        assert found[0].sheet == SHEET_TASKS and found[0].row == 2


# -- through real files --------------------------------------------------------------------
@pytest.fixture
def issued(imported: Workspace) -> tuple[Workspace, Any]:
    set_config({"period": "2026-11"}, workbook=imported.workbook)
    return imported, issue_forms("2026-11", workbook=imported.workbook, now=NOW)


def fill(form: Path, target: Path, rows: dict[int, dict[str, Any]], *, drop_column: bool = False,
         report: date = date(2026, 11, 20)) -> Path:  # fmt: skip
    wb = openpyxl.load_workbook(form)
    ws = wb[FORM_SHEET]
    ws.cell(*FORM_REPORT_DATE_CELL).value = report.strftime("%d/%m/%Y")
    for i, values in rows.items():
        for field, value in values.items():
            ws.cell(FORM_FIRST_ROW + i, COL[field]).value = value
    if drop_column:  # a form issued before the column existed
        ws.delete_cols(COL["completed_on"])
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    wb.close()
    target.write_bytes(restamp(target.read_bytes(), datetime(2026, 11, 20, 15, 0)))
    return target


def _keys(form: Path) -> list[str]:
    ws = openpyxl.load_workbook(form)[FORM_SHEET]
    assert ws.cell(FORM_HEADER_ROW, COL["completed_on"]).value == "Ngày hoàn thành"
    blank = ws.cell(FORM_FIRST_ROW, COL["completed_on"])  # the agency types a date here
    assert not blank.protection.locked and blank.number_format == "dd/mm/yyyy"
    return [r[0].value for r in ws.iter_rows(min_row=FORM_FIRST_ROW, max_col=1)]


FIXED = {k.value for k in FIXED_DEADLINE_KINDS}  # export gives the kind's code


def _fixed(task: dict[str, Any]) -> bool:
    return task["deadline_kind"] in FIXED and task["due_date"] is not None


@pytest.mark.parametrize("drop_column", [False, True], ids=["form-now", "form-before-column"])
def test_completion_dates_drive_the_on_time_late_split(
    issued: tuple[Workspace, Any], drop_column: bool
) -> None:
    ws, outcome = issued
    form = next(f for f in outcome.forms if f.code == "VPTU").path
    keys = _keys(form)
    before = {t["key"]: t for t in export_tasks(workbook=ws.workbook, today=TODAY)}
    rows = [i for i, k in enumerate(keys) if _fixed(before[k])]
    assert len(rows) >= 3, "the sample plan gives VPTU three tasks with fixed deadlines"
    early, late, blank = rows[:3]
    due = {i: date.fromisoformat(before[keys[i]]["due_date"]) for i in (early, late, blank)}
    day = {early: due[early].replace(day=1), late: date(2026, 11, 19)}
    assert due[late] < day[late], "the test needs a task due before 19/11/2026"
    done = {"progress": 100, "result": "Xong"}
    filled = {
        # Typed "late" but finished before the deadline, typed "on time" but finished after:
        # the dates decide, and validate names both contradictions.
        early: {"status": STATUS_DONE_LATE, **done, "completed_on": f"{day[early]:%d/%m/%Y}"},
        late: {"status": STATUS_DONE, **done, "completed_on": f"{day[late]:%d/%m/%Y}"},
        blank: {"status": STATUS_DONE, **done},  # date left blank: the report date
    }
    if drop_column:
        filled = {i: {f: v for f, v in r.items() if f != "completed_on"} for i, r in filled.items()}
    fill(form, ws.root / "inbox" / "Phieu.xlsx", filled, drop_column=drop_column)
    result = merge_returns(workbook=ws.workbook, now=NOW, today=TODAY)
    assert [r.status for r in result.results] == ["accepted"], result.results[0].reasons
    after = {t["key"]: t for t in export_tasks(workbook=ws.workbook, today=TODAY)}
    report = date(2026, 11, 20)
    expected_day = (
        {i: report for i in (early, late, blank)} if drop_column else {**day, blank: report}
    )
    for i in (early, late, blank):
        task = after[keys[i]]
        assert task["completed_on"] == expected_day[i].isoformat(), (i, task)
        late_by_date = expected_day[i] > due[i]
        assert task["due_state"] == (DUE_DONE_LATE if late_by_date else DUE_DONE_ON_TIME)
    untouched = [k for k in keys if k not in {keys[i] for i in filled}]
    assert all(after[k]["completed_on"] is None for k in untouched)
    findings = validate_workbook(workbook=ws.workbook, today=TODAY).findings
    conflicts = {f.row for f in findings if f.column == "Trạng thái" and "hạn" in f.message}
    rows_of = {t["key"]: t["_row"] for t in after.values()} if "_row" in after[keys[0]] else None
    expected_conflicts = {
        i
        for i in (early, late, blank)
        if (expected_day[i] > due[i]) != (filled[i]["status"] == STATUS_DONE_LATE)
    }
    assert len(conflicts) == len(expected_conflicts)
    if rows_of is not None:
        assert conflicts == {rows_of[keys[i]] for i in expected_conflicts}
