"""Recalculation against a plan computed by hand (PRODUCT.md, "Calculations").

Today is 21/11/2026, the period is 2026-11 (from 01/11/2026) and "due soon" means due
within 15 days, i.e. on or before 06/12/2026. Every expected figure below is worked out
in the comments from the records, not from the library.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from xladdin.adapters.cli import main
from xladdin.commands.config import set_config
from xladdin.commands.recalc import recalc_workbook
from xladdin.core.agencies import Agency, AgencyCatalogue
from xladdin.core.layout import (
    AGENCY_COLUMNS,
    DUE_DONE_LATE,
    DUE_DONE_ON_TIME,
    DUE_NO_DEADLINE,
    DUE_ON_TIME,
    DUE_OVERDUE,
    DUE_SOON,
    PLAN_FIGURES,
    SHEET_AGENCIES,
    SHEET_SUMMARY,
    SHEET_TASKS,
    STATUS_UNSET,
    STATUSES,
    SUMMARY_AGENCIES,
    SUMMARY_FIRST_DATA_ROW,
    SUMMARY_OVERDUE,
    SUMMARY_PLAN,
    SUMMARY_SECTIONS,
    SUMMARY_STAMP_CELL,
    TASK_COLUMNS,
    SummaryBlock,
)
from xladdin.core.period import parse_period
from xladdin.core.recalc import NO_LEAD, Recalc, recalculate
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

TODAY = date(2026, 11, 21)
PERIOD = parse_period("2026-11")
SOON_DAYS = 15

STC = "Sở Tài chính"
SNV = "Sở Nội vụ"
UNKNOWN = "Sở Xây dựng"  # not in the catalogue
AGENCY_ROWS = [{"code": "STC", "name": STC}, {"code": "SNV", "name": SNV}]

DONE, DONE_LATE, PAUSED = "Hoàn thành", "Hoàn thành quá hạn", "Tạm dừng"
NOT_STARTED, IN_PROGRESS = "Chưa triển khai", "Đang triển khai"
FIXED, QUARTER, ONGOING, ROADMAP, RECURRING = (
    "Ngày cụ thể",
    "Quý",
    "Thường xuyên",
    "Theo lộ trình",
    "Định kỳ",
)


def _section(key: str, content: str) -> dict[str, Any]:
    return {"key": key, "tt": key, "level": "Phần", "content": content}


def _group(key: str, parent: str, content: str, **kw: Any) -> dict[str, Any]:
    return {"key": key, "tt": key, "level": "Nhóm", "parent": parent, "content": content, **kw}


def _task(key: str, parent: str, lead: str | None, **kw: Any) -> dict[str, Any]:
    return {
        "key": key,
        "tt": key.rsplit(".", 1)[-1],
        "level": "Nhiệm vụ",
        "parent": parent,
        "content": f"Nhiệm vụ {key}",
        "lead": lead,
        **kw,
    }


RECORDS: list[dict[str, Any]] = [
    _section("I", "Công tác tài chính, tổ chức"),
    # done, due 15/10 (past) -> 100, "Hoàn thành đúng hạn"; done => reported
    _task("I.1", "I", STC, status=DONE, progress=100, result="Đã ban hành",
          deadline_kind=FIXED, due_date=date(2026, 10, 15), updated_at=date(2026, 11, 5)),
    # 40 %, due 10/11 < 21/11 -> overdue by 21 - 10 = 11 days; updated 10/11 >= 01/11
    _task("I.2", "I", STC, status=IN_PROGRESS, progress=40,
          deadline_kind=FIXED, due_date=date(2026, 11, 10), updated_at=date(2026, 11, 10)),
    # not started -> 0; due 01/12: 10 days ahead <= 15 -> due soon; never updated
    _task("I.3", "I", SNV, status=NOT_STARTED,
          deadline_kind=FIXED, due_date=date(2026, 12, 1)),
    # paused at 20 %, ongoing -> no fixed deadline; updated 20/10 < 01/11 -> not reported
    _task("I.4", "I", SNV, status=PAUSED, progress=20, deadline_kind=ONGOING,
          updated_at=date(2026, 10, 20)),
    # no status, no progress (counts 0); quarter due 30/09 -> overdue by
    # 31 (30/09 -> 31/10) + 21 (31/10 -> 21/11) = 52 days; unknown lead; never updated
    _task("I.5", "I", UNKNOWN, deadline_kind=QUARTER, due_date=date(2026, 9, 30)),
    _section("II", "Công tác chuyển đổi số"),
    _group("II.1", "II", "Nhóm nhiệm vụ hạ tầng", weight=2),
    # done late, weight 2 -> 100, "Hoàn thành quá hạn"
    _task("II.1.1", "II.1", SNV, status=DONE_LATE, progress=100, result="Xong", weight=2,
          deadline_kind=FIXED, due_date=date(2026, 8, 31), updated_at=date(2026, 11, 15)),
    # roadmap-bound: due 30/06 is past but never overdue -> no fixed deadline; weight 1
    _task("II.1.2", "II.1", STC, status=IN_PROGRESS, progress=50, weight=1,
          deadline_kind=ROADMAP, due_date=date(2026, 6, 30), updated_at=date(2026, 11, 20)),
    # 30 %, due 30/06/2027 far ahead -> "Trong hạn"; weight 3; updated 31/10 < 01/11
    _task("II.1.3", "II.1", STC, status=IN_PROGRESS, progress=30, weight=3,
          deadline_kind=FIXED, due_date=date(2027, 6, 30), updated_at=date(2026, 10, 31)),
    # done, quarter due 31/12 -> on time; updated before the period but done => reported
    _task("II.2", "II", SNV, status=DONE, progress=100, result="Xong",
          deadline_kind=QUARTER, due_date=date(2026, 12, 31), updated_at=date(2026, 9, 30)),
    # 60 %, due 06/12 = 21/11 + 15 days: the last "due soon" day; updated 01/11 (period start)
    _task("II.3", "II", SNV, status=IN_PROGRESS, progress=60,
          deadline_kind=FIXED, due_date=date(2026, 12, 6), updated_at=date(2026, 11, 1)),
    # two leads; not started, due 20/11 -> overdue by 1 day; never updated
    _task("II.4", "II", f"{STC}; {SNV}", status=NOT_STARTED,
          deadline_kind=FIXED, due_date=date(2026, 11, 20)),
    # recurring with a past date: never overdue -> no fixed deadline
    _task("II.5", "II", STC, status=IN_PROGRESS, progress=10,
          deadline_kind=RECURRING, due_date=date(2026, 1, 15), updated_at=date(2026, 11, 3)),
]  # fmt: skip

# Leaf progress (the cell after recalculation) and due state. Done -> 100 and not
# started -> 0 are written; other leaves keep what was reported (I.5: nothing).
LEAVES: dict[str, tuple[float | None, str]] = {
    "I.1": (100, DUE_DONE_ON_TIME),
    "I.2": (40, DUE_OVERDUE),
    "I.3": (0, DUE_SOON),
    "I.4": (20, DUE_NO_DEADLINE),
    "I.5": (None, DUE_OVERDUE),
    "II.1.1": (100, DUE_DONE_LATE),
    "II.1.2": (50, DUE_NO_DEADLINE),
    "II.1.3": (30, DUE_ON_TIME),
    "II.2": (100, DUE_DONE_ON_TIME),
    "II.3": (60, DUE_SOON),
    "II.4": (0, DUE_OVERDUE),
    "II.5": (10, DUE_NO_DEADLINE),
}

# Tree progress (unrounded); a leaf without a progress counts 0 (I.5).
# II.1 = (100*2 + 50*1 + 30*3) / (2 + 1 + 3) = 340 / 6 = 56.666...
# I    = (100 + 40 + 0 + 20 + 0) / 5 = 160 / 5 = 32
# II   = (II.1 * 2 + 100 + 60 + 0 + 10) / (2 + 1 + 1 + 1 + 1)
#      = (340/3 + 170) / 6 = (850/3) / 6 = 425/9 = 47.222...
TREE = {"I": 32.0, "II": 425 / 9, "II.1": 340 / 6}
# ... and as the cells show them, to one decimal (whole numbers without decimals).
TREE_CELLS = {"I": 32, "II": 47.2, "II.1": 56.7}


def _figures(
    *,
    tasks: int,
    completed: int,
    on_time: int,
    late: int,
    overdue: int,
    due_soon: int,
    no_fixed: int,
    not_reported: int,
    completion_rate: float,
    mean_progress: float,
    statuses: dict[str, int],
) -> dict[str, Any]:
    return {
        "tasks": tasks,
        "completed": completed,
        "completed_on_time": on_time,
        "completed_late": late,
        "overdue": overdue,
        "due_soon": due_soon,
        "no_fixed_deadline": no_fixed,
        "not_reported": not_reported,
        "completion_rate": completion_rate,
        "mean_progress": mean_progress,
        "statuses": {s: statuses.get(s, 0) for s in (*STATUSES, "")},
    }


# The whole plan: 12 leaf tasks.
# completed: I.1, II.1.1, II.2 = 3 (on time I.1, II.2; late II.1.1)
# overdue: I.2, I.5, II.4 = 3; due soon: I.3, II.3 = 2
# no fixed deadline (not completed): I.4, II.1.2, II.5 = 3
# not reported (not completed, updated before 01/11 or never): I.3, I.4, I.5, II.1.3, II.4 = 5
# progress: 100+40+0+20+0 + 100+50+30+100+60+0+10 = 510 -> 510/12 = 42.5; rate 3/12 = 0.25
PLAN = _figures(
    tasks=12, completed=3, on_time=2, late=1, overdue=3, due_soon=2, no_fixed=3,
    not_reported=5, completion_rate=0.25, mean_progress=42.5,
    statuses={NOT_STARTED: 2, IN_PROGRESS: 5, DONE: 2, DONE_LATE: 1, PAUSED: 1, "": 1},
)  # fmt: skip

# Agencies, in Vietnamese order: Sở Nội vụ < Sở Tài chính < Sở Xây dựng (N < T < X).
# II.4 (two leads) counts once for each.
# SNV: I.3, I.4, II.1.1, II.2, II.3, II.4 = 6; completed II.1.1 (late), II.2 (on time);
#   overdue II.4; soon I.3, II.3; no fixed I.4; not reported I.3, I.4, II.4;
#   progress 0+20+100+100+60+0 = 280 -> 280/6; rate 2/6
# STC: I.1, I.2, II.1.2, II.1.3, II.4, II.5 = 6; completed I.1 (on time); overdue I.2, II.4;
#   no fixed II.1.2, II.5; not reported II.1.3, II.4; progress 100+40+50+30+0+10 = 230
# Sở Xây dựng (unknown, no code): I.5 = 1, overdue, not reported, no status, progress 0
AGENCIES = [
    {"code": "SNV", "name": SNV, **_figures(
        tasks=6, completed=2, on_time=1, late=1, overdue=1, due_soon=2, no_fixed=1,
        not_reported=3, completion_rate=2 / 6, mean_progress=280 / 6,
        statuses={NOT_STARTED: 2, IN_PROGRESS: 1, DONE: 1, DONE_LATE: 1, PAUSED: 1},
    )},
    {"code": "STC", "name": STC, **_figures(
        tasks=6, completed=1, on_time=1, late=0, overdue=2, due_soon=0, no_fixed=2,
        not_reported=2, completion_rate=1 / 6, mean_progress=230 / 6,
        statuses={NOT_STARTED: 1, IN_PROGRESS: 4, DONE: 1},
    )},
    {"code": "", "name": UNKNOWN, **_figures(
        tasks=1, completed=0, on_time=0, late=0, overdue=1, due_soon=0, no_fixed=0,
        not_reported=1, completion_rate=0.0, mean_progress=0.0, statuses={"": 1},
    )},
]  # fmt: skip

# Sections. I: I.1-I.5 = 5; completed I.1; overdue I.2, I.5; soon I.3; no fixed I.4;
#   not reported I.3, I.4, I.5; progress 160 -> 32; rate 1/5
# II: II.1.1, II.1.2, II.1.3, II.2, II.3, II.4, II.5 = 7; completed II.1.1 (late), II.2;
#   overdue II.4; soon II.3; no fixed II.1.2, II.5; not reported II.1.3, II.4;
#   progress 100+50+30+100+60+0+10 = 350 -> 50; rate 2/7
SECTIONS = [
    {"key": "I", "title": "Công tác tài chính, tổ chức", "progress": TREE["I"], **_figures(
        tasks=5, completed=1, on_time=1, late=0, overdue=2, due_soon=1, no_fixed=1,
        not_reported=3, completion_rate=1 / 5, mean_progress=32.0,
        statuses={DONE: 1, IN_PROGRESS: 1, NOT_STARTED: 1, PAUSED: 1, "": 1},
    )},
    {"key": "II", "title": "Công tác chuyển đổi số", "progress": TREE["II"], **_figures(
        tasks=7, completed=2, on_time=1, late=1, overdue=1, due_soon=1, no_fixed=2,
        not_reported=2, completion_rate=2 / 7, mean_progress=50.0,
        statuses={DONE_LATE: 1, IN_PROGRESS: 4, DONE: 1, NOT_STARTED: 1},
    )},
]  # fmt: skip

# Overdue, most days late first: I.5 (52), I.2 (11), II.4 (1); progress as shown.
OVERDUE = [
    {"key": "I.5", "content": "Nhiệm vụ I.5", "lead": UNKNOWN, "due_date": "2026-09-30",
     "days_late": 52, "status": "", "progress": None},
    {"key": "I.2", "content": "Nhiệm vụ I.2", "lead": STC, "due_date": "2026-11-10",
     "days_late": 11, "status": IN_PROGRESS, "progress": 40},
    {"key": "II.4", "content": "Nhiệm vụ II.4", "lead": f"{STC}; {SNV}",
     "due_date": "2026-11-20", "days_late": 1, "status": NOT_STARTED, "progress": 0},
]  # fmt: skip


def _catalogue() -> AgencyCatalogue:
    return AgencyCatalogue(Agency(code=a["code"], name=a["name"]) for a in AGENCY_ROWS)


def _library() -> Recalc:
    return recalculate(RECORDS, _catalogue(), today=TODAY, period=PERIOD, due_soon_days=SOON_DAYS)


def _approx(figures: dict[str, Any]) -> dict[str, Any]:
    """Exact counts, floats to 1e-12 (a weighted mean may sum in another order)."""
    return {
        k: pytest.approx(v, rel=1e-12, abs=1e-12) if isinstance(v, float) else v
        for k, v in figures.items()
    }


# -- the pure calculation ------------------------------------------------------------
def test_leaf_progress_and_due_state() -> None:
    tasks = {t["key"]: t for t in _library().tasks}
    assert {k: (tasks[k].get("progress"), tasks[k]["due_state"]) for k in LEAVES} == LEAVES


def test_group_and_section_progress_cells() -> None:
    tasks = {t["key"]: t for t in _library().tasks}
    assert {k: tasks[k]["progress"] for k in TREE_CELLS} == TREE_CELLS
    assert all(tasks[k]["due_state"] is None for k in TREE_CELLS)


def test_records_passed_in_are_not_modified() -> None:
    before = [dict(r) for r in RECORDS]
    _library()
    assert before == RECORDS


def test_plan_figures() -> None:
    result = _library()
    assert result.plan.as_dict() == PLAN
    assert result.figures()["plan"] == PLAN


def test_agency_figures() -> None:
    result = _library()
    got = [{"code": a.code, "name": a.name, **a.as_dict()} for a in result.agencies]
    assert got == [_approx(a) for a in AGENCIES]


def test_section_figures() -> None:
    result = _library()
    got = result.figures()["sections"]
    assert got == [_approx(s) for s in SECTIONS]


def test_overdue_list() -> None:
    assert _library().figures()["overdue"] == OVERDUE


def test_figures_header() -> None:
    figures = _library().figures()
    assert (figures["today"], figures["period"]) == ("2026-11-21", "2026-11")


@pytest.mark.parametrize(
    ("soon_days", "due_soon", "on_time"),
    [
        (15, {"I.3", "II.3"}, {"II.1.3"}),  # 06/12 is the 15th day: still due soon
        (14, {"I.3"}, {"II.1.3", "II.3"}),  # 06/12 is beyond 14 days
        (0, set(), {"II.1.3", "II.3", "I.3"}),
    ],
)
def test_due_soon_window(soon_days: int, due_soon: set[str], on_time: set[str]) -> None:
    result = recalculate(RECORDS, _catalogue(), today=TODAY, period=PERIOD, due_soon_days=soon_days)
    states = {t["key"]: t["due_state"] for t in result.tasks}
    assert {k for k, s in states.items() if s == DUE_SOON} == due_soon
    assert {k for k, s in states.items() if s == DUE_ON_TIME} == on_time


def test_task_due_today_is_due_soon_not_overdue() -> None:
    record = _task("X.1", "", STC, status=IN_PROGRESS, progress=5, deadline_kind=FIXED,
                   due_date=TODAY)  # fmt: skip
    result = recalculate([record], _catalogue(), today=TODAY, period=PERIOD, due_soon_days=0)
    assert result.tasks[0]["due_state"] == DUE_SOON
    assert result.overdue == []


def test_leaf_without_lead_goes_to_its_own_bucket_last() -> None:
    records = [*RECORDS, _task("II.6", "II", None, status=IN_PROGRESS, progress=70)]
    result = recalculate(records, _catalogue(), today=TODAY, period=PERIOD)
    assert [a.name for a in result.agencies] == [SNV, STC, UNKNOWN, NO_LEAD]
    assert (result.agencies[-1].tasks, result.agencies[-1].code) == (1, "")


def test_row_with_unreadable_level_keeps_its_reported_progress() -> None:
    """A typo in "Cấp" (validation reports it) must not make recalculation erase the
    progress an agency reported: recalc_workbook writes this cell back to the file."""
    records = [
        _section("I", "Phần I"),
        {**_task("I.1", "I", STC, status=IN_PROGRESS, progress=35), "level": "Nhiem vu con"},
    ]
    result = recalculate(records, _catalogue(), today=TODAY, period=PERIOD)
    assert result.tasks[1]["progress"] == 35


# -- through the workbook --------------------------------------------------------------
def _write_plan(path: Path) -> None:
    with TrackerWorkbook.edit(path, None) as book:
        book.write_table(SHEET_TASKS, TASK_COLUMNS, RECORDS, key_field="key")
        book.write_table(SHEET_AGENCIES, AGENCY_COLUMNS, AGENCY_ROWS, key_field="code")
    set_config({"period": "2026-11", "due_soon_days": "15"}, workbook=path)


@pytest.fixture
def tracker(imported: Workspace) -> Path:
    _write_plan(imported.workbook)
    return imported.workbook


def _run_api(path: Path) -> None:
    recalc_workbook(workbook=path, today=TODAY, now=datetime(2026, 11, 21, 10, 30))


def _run_cli(path: Path) -> None:
    assert main(["recalc", "-w", str(path), "--today", "2026-11-21"]) == 0


RUNNERS = {"recalc_workbook": _run_api, "cli": _run_cli}


def _summary_rows(path: Path) -> list[list[Any]]:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET_SUMMARY)
    return [list(r) for r in sheet.to_python(skip_empty_area=False)]


def _block(rows: list[list[Any]], block: SummaryBlock) -> list[list[Any]]:
    """A block's data rows (down to its first empty row), "" read as None."""
    out = []
    first = block.first_col - 1
    for row in rows[SUMMARY_FIRST_DATA_ROW - 1 :]:
        cells = [row[c] if c < len(row) else "" for c in range(first, first + len(block.columns))]
        if all(c == "" for c in cells):
            break
        out.append([None if c == "" else c for c in cells])
    return out


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def test_recalc_workbook_returns_the_library_figures(tracker: Path) -> None:
    outcome = recalc_workbook(workbook=tracker, today=TODAY)
    figures = outcome.result.figures()
    assert figures == _library().figures()
    assert figures["plan"] == PLAN and figures["overdue"] == OVERDUE


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_task_cells_after_recalc(tracker: Path, runner: str) -> None:
    RUNNERS[runner](tracker)
    back = TrackerWorkbook.open(tracker).read_tasks().to_dict("records")
    assert [r["key"] for r in back] == [r["key"] for r in RECORDS]  # nothing added or lost
    cells = {r["key"]: (r["progress"], r["due_state"]) for r in back}
    assert {k: cells[k] for k in LEAVES} == LEAVES
    assert {k: cells[k] for k in TREE_CELLS} == {k: (v, None) for k, v in TREE_CELLS.items()}
    # everything else stays as written
    for before, after in zip(RECORDS, back, strict=True):
        for field in ("status", "lead", "due_date", "updated_at", "weight", "result"):
            assert after[field] == before.get(field), (before["key"], field)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_summary_sheet_values(tracker: Path, runner: str) -> None:
    RUNNERS[runner](tracker)
    rows = _summary_rows(tracker)
    stamp = rows[SUMMARY_STAMP_CELL[0] - 1][SUMMARY_STAMP_CELL[1] - 1]
    assert stamp.endswith("\nNgày tính hạn: 21/11/2026\nKỳ báo cáo: tháng 11 năm 2026 (2026-11)")
    if runner == "recalc_workbook":
        assert stamp.startswith("Tính lúc 21/11/2026 10:30\n")

    # The plan block shows plain numbers: the completion rate in percent (0.25 -> 25).
    shown = {**PLAN, "completion_rate": 25, "mean_progress": 42.5}
    plan = [(label, shown[key]) for key, label in PLAN_FIGURES]
    plan += [(f"Trạng thái: {s}", PLAN["statuses"][s]) for s in STATUSES]
    plan += [(STATUS_UNSET, PLAN["statuses"][""])]
    assert [tuple(r) for r in _block(rows, SUMMARY_PLAN)] == plan

    agencies = [
        [a["name"], a["completion_rate"], round(a["mean_progress"], 1), a["tasks"],
         a["completed"], a["completed_on_time"], a["completed_late"], a["overdue"],
         a["due_soon"], a["no_fixed_deadline"], a["not_reported"], a["code"] or None]
        for a in AGENCIES
    ]  # fmt: skip
    assert _block(rows, SUMMARY_AGENCIES) == [
        [pytest.approx(v) if isinstance(v, float) else v for v in row] for row in agencies
    ]
    # 280/6 = 46.67 -> 46.7; 230/6 = 38.33 -> 38.3
    assert [r[2] for r in _block(rows, SUMMARY_AGENCIES)] == [46.7, 38.3, 0]

    sections = [
        ["I", "Công tác tài chính, tổ chức", 32, 5, 1, 2, 1, pytest.approx(1 / 5)],
        ["II", "Công tác chuyển đổi số", 47.2, 7, 2, 1, 1, pytest.approx(2 / 7)],
    ]
    assert _block(rows, SUMMARY_SECTIONS) == sections

    overdue = _block(rows, SUMMARY_OVERDUE)
    assert [[*r[:3], _day(r[3]), *r[4:]] for r in overdue] == [
        ["I.5", "Nhiệm vụ I.5", UNKNOWN, date(2026, 9, 30), 52, None, None],
        ["I.2", "Nhiệm vụ I.2", STC, date(2026, 11, 10), 11, IN_PROGRESS, 40],
        ["II.4", "Nhiệm vụ II.4", f"{STC}; {SNV}", date(2026, 11, 20), 1, NOT_STARTED, 0],
    ]


def test_recalc_workbook_keeps_progress_of_row_with_unreadable_level(imported: Workspace) -> None:
    """The file-level consequence of the case above: the reported 35 must survive."""
    typo = {**_task("II.6", "II", SNV, status=IN_PROGRESS, progress=35), "level": "Nhiem vu con"}
    with TrackerWorkbook.edit(imported.workbook, None) as book:
        book.write_table(SHEET_TASKS, TASK_COLUMNS, [*RECORDS, typo], key_field="key")
        book.write_table(SHEET_AGENCIES, AGENCY_COLUMNS, AGENCY_ROWS, key_field="code")
    _run_api(imported.workbook)
    back = TrackerWorkbook.open(imported.workbook).read_tasks().to_dict("records")
    assert {r["key"]: r["progress"] for r in back}["II.6"] == 35


def test_recalc_twice_gives_the_same_file_values(tracker: Path) -> None:
    _run_api(tracker)
    first = (_summary_rows(tracker), TrackerWorkbook.open(tracker).read_tasks())
    _run_api(tracker)
    second = (_summary_rows(tracker), TrackerWorkbook.open(tracker).read_tasks())
    assert first[0] == second[0]
    assert first[1].to_dict("records") == second[1].to_dict("records")


def test_export_json_summary_equals_library_figures(tracker: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    code = main(["export", "-w", str(tracker), "--format", "json", "--today", "2026-11-21",
                 "-o", str(out)])  # fmt: skip
    assert code == 0
    exported = json.loads(out.read_text("utf-8"))
    assert exported["summary"] == _library().figures()
    tasks = {t["key"]: t for t in exported["tasks"]}
    assert {k: (tasks[k]["progress"], tasks[k]["due_state"]) for k in LEAVES} == LEAVES
    assert tasks["II.4"]["lead_code"] is None  # two leads: no single code
    assert (tasks["I.1"]["lead_code"], tasks["I.5"]["lead_code"]) == ("STC", None)
