"""Closing reporting periods (issue 17, item 2): the snapshot files, the change since the
last closed period in recalc, and the trend of the plan's completion rate."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlremote
from click.testing import CliRunner

from xladdin.adapters.cli import cli
from xladdin.commands.config import set_config
from xladdin.commands.export import export_tasks
from xladdin.commands.forms import issue_forms
from xladdin.commands.history import close_period, read_snapshot
from xladdin.commands.merge import merge_returns
from xladdin.commands.recalc import recalc_workbook
from xladdin.core.errors import UsageError
from xladdin.core.layout import (
    DUE_OVERDUE,
    FORM_COLUMNS,
    FORM_FIRST_ROW,
    FORM_REPORT_DATE_CELL,
    FORM_SHEET,
    SHEET_SUMMARY,
    SUMMARY_FIRST_DATA_ROW,
)
from xladdin.core.summary import TREND_LABEL
from xladdin.io.form_io import restamp
from xladdin.io.period_history_io import TREND_FILE, history_folder
from xladdin.io.workspace import Workspace

xw_remote = xlremote.xw_remote

COL = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}
NOV = date(2026, 11, 21)
DEC = date(2026, 12, 3)


def fill(form: Path, target: Path, rows: dict[int, dict[str, Any]]) -> None:
    wb = openpyxl.load_workbook(form)
    ws = wb[FORM_SHEET]
    ws.cell(*FORM_REPORT_DATE_CELL).value = "20/11/2026"
    for i, values in rows.items():
        for field, value in values.items():
            ws.cell(FORM_FIRST_ROW + i, COL[field]).value = value
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    target.write_bytes(restamp(target.read_bytes(), datetime(2026, 11, 20, 15, 0)))


def by_key(ws: Workspace, today: date) -> dict[str, dict[str, Any]]:
    return {
        t["key"]: t for t in export_tasks(workbook=ws.workbook, today=today) if t["level"] == "task"
    }


def test_two_closed_periods_then_a_report_shows_the_right_deltas(imported: Workspace) -> None:
    ws = imported
    set_config({"period": "2026-11"}, workbook=ws.workbook)
    october = close_period(
        "2026-10", workbook=ws.workbook, today=NOV, now=datetime(2026, 11, 21, 8)
    )
    assert october.change is None  # nothing closed before
    before = by_key(ws, date(2026, 10, 31))
    assert {r["key"] for r in read_snapshot(ws.root / "archive", "2026-10")} == set(before)

    forms = issue_forms("2026-11", workbook=ws.workbook, now=datetime(2026, 11, 21, 9))
    form = next(f for f in forms.forms if f.code == "VPTU").path
    keys = [
        r[0].value
        for r in openpyxl.load_workbook(form)[FORM_SHEET].iter_rows(
            min_row=FORM_FIRST_ROW, max_col=1
        )
    ]
    fill(form, ws.root / "inbox" / "Phieu.xlsx", {
        0: {"status": "Hoàn thành", "progress": 100, "result": "Xong"},
        1: {"status": "Hoàn thành", "progress": 100, "result": "Xong"},
        2: {"status": "Đang triển khai", "progress": 40},
    })  # fmt: skip
    merged = merge_returns(workbook=ws.workbook, now=datetime(2026, 11, 21, 9, 30), today=NOV)
    assert [r.status for r in merged.results] == ["accepted"], merged.results[0].reasons
    november = close_period(workbook=ws.workbook, today=NOV, now=datetime(2026, 11, 21, 10))
    assert november.closing.totals.period == "2026-11"
    change = november.change
    assert change is not None and change.previous == "2026-10"
    done_before = {
        k for k, t in before.items() if t["status"] in ("Hoàn thành", "Hoàn thành quá hạn")
    }
    assert set(change.new_completions) == {keys[0], keys[1]} - done_before
    assert change.progress[keys[2]] == pytest.approx(40 - (before[keys[2]]["progress"] or 0))
    nov_tasks = by_key(ws, NOV)
    n = len(nov_tasks)
    done_now = sum(t["status"] in ("Hoàn thành", "Hoàn thành quá hạn") for t in nov_tasks.values())
    assert change.rate_delta == pytest.approx(round((done_now - len(done_before)) / n * 100, 1))

    # December: the report compares with November (the last closed period), not October.
    set_config({"period": "2026-12"}, workbook=ws.workbook)
    report = recalc_workbook(workbook=ws.workbook, today=DEC)
    assert report.change is not None and report.change.previous == "2026-11"
    assert report.change.new_completions == ()
    dec_tasks = by_key(ws, DEC)
    expected_overdue = {
        k for k, t in dec_tasks.items()
        if t["due_state"] == DUE_OVERDUE and nov_tasks[k]["due_state"] != DUE_OVERDUE
    }  # fmt: skip
    assert set(report.change.newly_overdue) == expected_overdue
    assert (
        "So với kỳ trước (tháng 11 năm 2026): thêm 0 nhiệm vụ hoàn thành"
        in report.change.sentence()
    )
    # "Tổng hợp" says the same under the plan's figures, and lists the rate per period.
    plan_block = {
        row[0].value: row[1].value
        for row in openpyxl.load_workbook(ws.workbook)[SHEET_SUMMARY].iter_rows(
            min_row=SUMMARY_FIRST_DATA_ROW, max_col=2
        )
        if row[0].value
    }
    labels = list(plan_block)
    assert labels[labels.index("So với kỳ trước") :] == [
        "So với kỳ trước", "Hoàn thành thêm", "Mới quá hạn", "Tỷ lệ hoàn thành (± điểm)",
        "Tiến độ bình quân (± điểm)", TREND_LABEL, "Tháng 10/2026", "Tháng 11/2026",
        "Tháng 12/2026 (hiện nay)",
    ]  # fmt: skip
    assert plan_block["So với kỳ trước"] == "Tháng 11/2026"
    assert plan_block["Hoàn thành thêm"] == 0
    assert plan_block["Mới quá hạn"] == len(expected_overdue)
    assert plan_block["Tỷ lệ hoàn thành (± điểm)"] == pytest.approx(report.change.rate_delta)
    assert plan_block["Tháng 11/2026"] == pytest.approx(round(done_now / n * 100, 1))
    assert plan_block["Tháng 12/2026 (hiện nay)"] == pytest.approx(
        round(report.result.plan.completion_rate * 100, 1)
    )

    # The report letter says the same and charts the trend: Oct, Nov, then now.
    from docxread import full_text, open_docx

    from xladdin.commands.letters import make_letters

    letters = make_letters("bao-cao", workbook=ws.workbook, today=DEC)
    (letter,) = letters.files
    doc = open_docx(letter.docx)
    assert report.change.sentence() in full_text(doc)
    assert len(doc.inline_shapes) == 2  # the agencies' chart and the trend

    # The trend: one row per closed period, readable without the tool.
    with (history_folder(ws.root / "archive") / TREND_FILE).open(encoding="utf-8-sig") as fh:
        trend = list(csv.DictReader(fh))
    assert [r["Kỳ báo cáo"] for r in trend] == ["2026-10", "2026-11"]
    assert float(trend[1]["Tỷ lệ hoàn thành"]) == pytest.approx(round(done_now / n, 4))
    # Closing November again replaces its row instead of adding one.
    again = close_period("2026-11", workbook=ws.workbook, today=DEC, now=datetime(2026, 12, 3, 8))
    assert [t.period for t in again.trend] == ["2026-10", "2026-11"]


def test_a_period_not_yet_begun_cannot_be_closed(imported: Workspace) -> None:
    with pytest.raises(UsageError, match="chưa bắt đầu"):
        close_period("2027-01", workbook=imported.workbook, today=NOV, now=datetime(2026, 11, 21))


def test_the_cli_closes_a_period_as_the_library_does(imported: Workspace) -> None:
    run = CliRunner().invoke(
        cli, ["close-period", "--period", "2026-10", "--workbook", str(imported.workbook),
              "--today", "21/11/2026"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "Đã chốt kỳ báo cáo tháng 10 năm 2026" in run.output
    rows = read_snapshot(imported.root / "archive", "2026-10")
    assert len(rows) == len(by_key(imported, date(2026, 10, 31)))


def test_the_job_closes_the_last_period_when_a_new_one_starts(imported: Workspace) -> None:
    from xladdin.adapters import job_tasks
    from xladdin.adapters.jobs import JobContext

    memo: dict[str, Any] = {}
    for now in (datetime(2026, 11, 21, 9), datetime(2026, 11, 30, 23)):
        job_tasks.collect(JobContext(imported, now, {}, memo))
    assert memo["period"] == "2026-11"
    assert not (history_folder(imported.root / "archive") / TREND_FILE).exists()
    summary = job_tasks.collect(JobContext(imported, datetime(2026, 12, 1, 7), {}, memo))
    assert summary.startswith("đã chốt tháng 11 năm 2026")
    assert memo["period"] == "2026-12"
    assert len(read_snapshot(imported.root / "archive", "2026-11")) == len(by_key(imported, NOV))
    job_tasks.collect(JobContext(imported, datetime(2026, 12, 1, 8), {}, memo))
    with (history_folder(imported.root / "archive") / TREND_FILE).open(encoding="utf-8-sig") as fh:
        assert [r["Kỳ báo cáo"] for r in csv.DictReader(fh)] == ["2026-11"]  # closed once


def test_a_report_before_any_closed_period_has_no_comparison(imported: Workspace) -> None:
    from docxread import full_text, open_docx

    from xladdin.commands.letters import make_letters

    (letter,) = make_letters("bao-cao", workbook=imported.workbook, today=NOV).files
    doc = open_docx(letter.docx)
    assert "So với kỳ trước" not in full_text(doc)
    assert len(doc.inline_shapes) == 1


def test_the_button_closes_what_the_cli_closes(
    imported: Workspace, tmp_path: Path, xw_remote: Any
) -> None:
    """ "Chốt kỳ báo cáo" on the book Excel has open (xlwings' remote engine) writes the same
    task rows as `theodoi close-period` on the file."""
    import shutil

    from test_buttons_forms import _book
    from xlremote import alerts

    from xladdin.adapters import buttons

    other = tmp_path / "copy"
    shutil.copytree(imported.root, other)
    copy = Workspace(other, other / imported.workbook.name)
    book = _book(copy)
    message = buttons.close_period(book, today=NOV, now=datetime(2026, 11, 21, 9))
    assert alerts(book) == [message]
    assert message.startswith("Đã chốt kỳ báo cáo tháng 11 năm 2026")
    close_period("2026-11", workbook=imported.workbook, today=NOV, now=datetime(2026, 11, 21, 9))
    assert read_snapshot(other / "archive", "2026-11") == read_snapshot(
        imported.root / "archive", "2026-11"
    )


def test_the_trend_holds_the_last_twelve_closed_periods_before_now_then_now() -> None:
    from types import SimpleNamespace
    from typing import cast

    from xladdin.core.period import parse_period
    from xladdin.core.period_history import PeriodTotals, trend_points
    from xladdin.core.recalc import Recalc
    from xladdin.core.summary import history_rows

    def closed(code: str, rate: float) -> PeriodTotals:
        return PeriodTotals(code, datetime(2026, 1, 1), 10, 0, 0, 0, 0, rate, 0.0)

    months = [f"{2025 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}" for m in range(1, 16)]
    trend = [closed(code, i / 100) for i, code in enumerate(months)]  # 2025-01 … 2026-03
    now = SimpleNamespace(period=parse_period("2026-03"), plan=SimpleNamespace(completion_rate=0.5))
    points = trend_points(trend, cast(Recalc, now))
    assert [label for label, _ in points] == [
        *(f"Tháng {int(c[5:])}/{c[:4]}" for c in months[2:14]),
        "Tháng 3/2026 (hiện nay)",
    ]  # 2026-03 itself is the current period: "now", not a closed one
    assert points[0][1] == 2.0 and points[-1][1] == 50.0
    assert trend_points(trend[14:], cast(Recalc, now)) == []
    assert history_rows(None, []) == []
    assert history_rows(None, points)[0] == [TREND_LABEL, None]
