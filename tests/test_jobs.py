"""`theodoi jobs`: the scheduler over simulated days, state, retries, Excel, one instance."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import types
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import schedule
from backends import assert_vba_intact

from xladdin.adapters import jobs
from xladdin.adapters.cli import main
from xladdin.adapters.job_specs import parse_time, parse_weekday, specs_from_config
from xladdin.adapters.jobs import FakeClock, JobContext, Scheduler, run_once
from xladdin.core.errors import WorkbookBusyError
from xladdin.io import jobs_io
from xladdin.io.files import sha256_file
from xladdin.io.workspace import Workspace

MONDAY = datetime(2026, 11, 16, 0, 0)  # 21/11/2026 is a Saturday
CONFIG = {
    "collect_minutes": "60",
    "reminder_time": "08:00",
    "report_weekday": "Thứ Sáu",
    "report_time": "16:00",
}


class Recorder:
    """Fake job bodies: record when each ran; optionally fail or skip on chosen calls."""

    def __init__(self, fail: dict[str, set[int]] | None = None) -> None:
        self.calls: dict[str, list[datetime]] = {"collect": [], "reminders": [], "report": []}
        self.fail = fail or {}

    def runner(self, name: str) -> Any:
        def run(ctx: JobContext) -> str:
            self.calls[name].append(ctx.now)
            if len(self.calls[name]) in self.fail.get(name, set()):
                raise RuntimeError(f"hỏng lần {len(self.calls[name])}")
            return "xong"

        return run

    @property
    def runners(self) -> dict[str, Any]:
        return {name: self.runner(name) for name in self.calls}

    def count(self, name: str) -> int:
        return len(self.calls[name])


@pytest.fixture
def bare(tmp_path: Path) -> Workspace:
    """A workspace folder without a tracker: fake runners and an injected config need none."""
    root = tmp_path / "ws"
    root.mkdir()
    return Workspace(root, root / "TheoDoiNhiemVu.xlsm")


@pytest.fixture
def logged(bare: Workspace) -> Iterator[Path]:
    with jobs.logging_to(bare.root) as path:
        yield path


def make(
    ws: Workspace,
    clock: FakeClock,
    rec: Recorder,
    config: dict[str, str] | None = None,
    lines: list[str] | None = None,
) -> Scheduler:
    cfg = dict(CONFIG if config is None else config)
    return Scheduler(
        ws,
        clock=clock,
        runners=rec.runners,
        load_config=lambda: cfg,
        status=(lines.append if lines is not None else lambda _line: None),
    )


# -- a simulated week ---------------------------------------------------------------------
def test_a_simulated_week_runs_each_job_the_expected_number_of_times(bare: Workspace) -> None:
    clock, rec, lines = FakeClock(MONDAY), Recorder(), []
    sched = make(bare, clock, rec, lines=lines)
    sched.run(until=MONDAY + timedelta(days=7), max_nap=float("inf"))
    assert rec.count("collect") == 7 * 24
    assert rec.calls["collect"] == [MONDAY + timedelta(hours=h) for h in range(7 * 24)]
    assert rec.calls["reminders"] == [MONDAY + timedelta(days=d, hours=8) for d in range(7)]
    assert rec.calls["report"] == [datetime(2026, 11, 20, 16, 0)]  # Friday
    assert clock.now() == MONDAY + timedelta(days=7)
    # One status line per run, plus the start and stop lines.
    assert len(lines) == 7 * 24 + 7 + 1 + 2
    assert lines[1] == "2026-11-16 00:00 thu phiếu: xong"
    assert "2026-11-20 16:00 báo cáo tổng hợp: xong" in lines
    # The run left schedule's own clock alone.
    assert schedule.datetime is dt


def test_time_shim_is_contained(bare: Workspace) -> None:
    clock = FakeClock(datetime(2001, 1, 1))
    sched = make(bare, clock, Recorder())
    assert sched.seconds_to_next() == 0.0  # never collected: due now, in simulated time
    assert datetime.now().year > 2001 and schedule.datetime is dt
    with jobs._schedule_time(clock.now):
        assert schedule.datetime.datetime.now() == datetime(2001, 1, 1)
        assert datetime.now().year > 2001  # only schedule's name is swapped
        with pytest.raises(ZeroDivisionError), jobs._schedule_time(lambda: MONDAY):
            assert schedule.datetime.datetime.now() == MONDAY
            raise ZeroDivisionError
        assert schedule.datetime.datetime.now() == datetime(2001, 1, 1)
    assert schedule.datetime is dt


def test_reminder_time_changed_in_config_takes_effect(bare: Workspace) -> None:
    clock, rec = FakeClock(MONDAY), Recorder()
    config = dict(CONFIG)
    sched = Scheduler(
        bare, clock=clock, runners=rec.runners, load_config=lambda: config, status=print
    )
    sched.run(until=MONDAY + timedelta(hours=10), max_nap=float("inf"))
    config["reminder_time"] = "14:30"
    config["report_time"] = ""  # an empty time turns the job off
    sched.run(until=MONDAY + timedelta(days=2), max_nap=float("inf"))
    assert rec.calls["reminders"] == [
        MONDAY + timedelta(hours=8),
        MONDAY + timedelta(hours=14, minutes=30),
        MONDAY + timedelta(days=1, hours=14, minutes=30),
    ]
    assert [s.name for s in sched.specs] == ["collect", "reminders"]


# -- failures and retries -----------------------------------------------------------------
def test_a_failing_job_is_retried_at_the_next_tick_and_the_loop_survives(
    bare: Workspace, logged: Path
) -> None:
    clock, lines = FakeClock(MONDAY), []
    rec = Recorder(fail={"reminders": {1}, "collect": {3, 4}})
    sched = make(bare, clock, rec, lines=lines)
    sched.run(until=MONDAY + timedelta(days=2), max_nap=float("inf"))
    # 08:00 failed, retried one collect interval later, then back to its daily time.
    assert rec.calls["reminders"] == [
        MONDAY + timedelta(hours=8),
        MONDAY + timedelta(hours=9),
        MONDAY + timedelta(days=1, hours=8),
    ]
    assert rec.count("collect") == 48  # two failures did not stop or delay anything
    failed = [line for line in lines if "LỖI" in line]
    assert len(failed) == 3
    assert failed[0].startswith("2026-11-16 02:00 thu phiếu: LỖI – RuntimeError: hỏng lần 3.")
    assert "Sẽ thử lại lần sau" in failed[0] and str(logged) in failed[0]
    text = logged.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError: hỏng lần 1" in text
    state = json.loads((bare.root / jobs_io.STATE_NAME).read_text(encoding="utf-8"))
    assert state["jobs"]["reminders"]["last_run"] == "2026-11-17T08:00:00"


def test_failed_job_stays_due_for_the_next_once(bare: Workspace) -> None:
    rec = Recorder(fail={"reminders": {1}})
    at_8 = datetime(2026, 11, 16, 8, 5)
    run_once(bare, clock=FakeClock(MONDAY), runners=rec.runners, load_config=lambda: CONFIG)
    runs = run_once(bare, clock=FakeClock(at_8), runners=rec.runners, load_config=lambda: CONFIG)
    assert [(r.name, r.status) for r in runs] == [("collect", "done"), ("reminders", "failed")]
    later = at_8 + timedelta(minutes=10)
    runs = run_once(bare, clock=FakeClock(later), runners=rec.runners, load_config=lambda: CONFIG)
    assert [(r.name, r.status) for r in runs] == [("reminders", "done")]


def test_workbook_busy_inside_a_job_is_a_skip(bare: Workspace) -> None:
    calls: list[datetime] = []

    def busy_once(ctx: JobContext) -> str:
        calls.append(ctx.now)
        if len(calls) == 1:
            raise WorkbookBusyError("Một lần xử lý khác đang ghi sổ theo dõi; hãy thử lại sau.")
        return "xong"

    rec = Recorder()
    runners = {**rec.runners, "collect": busy_once}
    clock, lines = FakeClock(MONDAY), []
    sched = Scheduler(
        bare, clock=clock, runners=runners, load_config=lambda: CONFIG, status=lines.append
    )
    assert [r.status for r in sched.run_pending()] == ["skipped"]
    assert "đang ghi sổ theo dõi" in lines[-1]
    clock.sleep(3600)
    assert [r.status for r in sched.run_pending()] == ["done"]


# -- catching up ----------------------------------------------------------------------------
def test_missed_runs_are_caught_up_once_across_restarts(bare: Workspace) -> None:
    rec = Recorder()

    def once(when: datetime) -> list[str]:
        runs = run_once(
            bare, clock=FakeClock(when), runners=rec.runners, load_config=lambda: CONFIG
        )
        return [r.name for r in runs]

    assert once(datetime(2026, 11, 16, 7, 0)) == ["collect"]  # first start: no reminder yet
    assert once(datetime(2026, 11, 16, 7, 30)) == []
    assert once(datetime(2026, 11, 16, 8, 10)) == ["collect", "reminders"]
    # Shut down from Monday 08:10 to Thursday 10:00: three reminder slots, 74 collect slots.
    assert once(datetime(2026, 11, 19, 10, 0)) == ["collect", "reminders"]
    assert once(datetime(2026, 11, 19, 10, 1)) == []
    # Asleep over Friday 16:00 and Saturday 08:00: each once.
    assert once(datetime(2026, 11, 21, 9, 0)) == ["collect", "reminders", "report"]
    assert once(datetime(2026, 11, 21, 9, 30)) == []
    assert rec.count("reminders") == 3 and rec.count("report") == 1


def test_the_loop_catches_up_once_after_the_machine_slept(bare: Workspace) -> None:
    clock, rec = FakeClock(MONDAY), Recorder()
    sched = make(bare, clock, rec)
    sched.run(until=MONDAY + timedelta(hours=1), max_nap=float("inf"))
    clock.sleep(3 * 24 * 3600)  # the machine sleeps three days between two naps
    sched.run_pending()
    assert rec.count("reminders") == 1 and rec.count("collect") == 2
    assert rec.calls["reminders"] == [MONDAY + timedelta(days=3, hours=1)]


def test_a_collect_started_a_little_early_still_runs(bare: Workspace) -> None:
    rec = Recorder()
    config = {**CONFIG, "collect_minutes": "10"}
    # Task Scheduler every 10 minutes; the first start came 30 s late, so the next one is
    # only 9.5 minutes after it and must still count as "one interval later".
    times = [datetime(2026, 11, 16, 8, 0, 30), datetime(2026, 11, 16, 8, 10)]
    times.append(datetime(2026, 11, 16, 8, 20))
    for when in times:
        run_once(bare, clock=FakeClock(when), runners=rec.runners, load_config=lambda: config)
    assert rec.calls["collect"] == times
    # But not a whole minute early: 08:28:59 is too soon after 08:20.
    run_once(
        bare,
        clock=FakeClock(datetime(2026, 11, 16, 8, 28, 59)),
        runners=rec.runners,
        load_config=lambda: config,
    )
    assert rec.count("collect") == 3


def test_a_clock_set_back_does_not_stall_the_jobs(bare: Workspace, logged: Path) -> None:
    clock, rec = FakeClock(MONDAY + timedelta(days=1)), Recorder()
    sched = make(bare, clock, rec)
    sched.run(until=clock.now() + timedelta(hours=2), max_nap=float("inf"))
    assert rec.count("collect") == 2
    clock.current = MONDAY  # someone fixes the machine's clock: a day back
    sched.run(until=MONDAY + timedelta(hours=9), max_nap=float("inf"))
    assert rec.calls["collect"][2] == MONDAY  # at once, not a day later
    assert rec.count("collect") == 2 + 9 and rec.count("reminders") == 1
    assert "Đồng hồ của máy bị lùi lại" in logged.read_text(encoding="utf-8")
    # --once after the change: the stored (future) collect does not block it either.
    runs = run_once(bare, clock=FakeClock(MONDAY), runners=rec.runners, load_config=lambda: CONFIG)
    assert [r.name for r in runs] == ["collect"]


# -- state file ------------------------------------------------------------------------------
def test_corrupt_state_is_tolerated_and_rewritten(bare: Workspace, logged: Path) -> None:
    state = bare.root / jobs_io.STATE_NAME
    state.write_bytes(b'{"format": "theodoi-jobs", "jobs": {"collect": [1, 2')
    rec = Recorder()
    runs = run_once(bare, clock=FakeClock(MONDAY), runners=rec.runners, load_config=lambda: CONFIG)
    assert [r.name for r in runs] == ["collect"]
    data = json.loads(state.read_text(encoding="utf-8"))
    assert data["format"] == "theodoi-jobs"
    assert data["jobs"]["collect"]["last_run"] == "2026-11-16T00:00:00"
    assert "bị hỏng" in logged.read_text(encoding="utf-8")
    for junk in (b"", b"[]", b"\xff\xfe", b'{"format": "other"}', b'{"format":"theodoi-jobs"}'):
        state.write_bytes(junk)
        records, problem = jobs_io.read_state(state)
        assert records == {} and problem


def test_state_writes_are_atomic(
    bare: Workspace, logged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = Recorder()
    run_once(bare, clock=FakeClock(MONDAY), runners=rec.runners, load_config=lambda: CONFIG)
    state = bare.root / jobs_io.STATE_NAME
    before = state.read_bytes()

    def refuse(src: Any, dst: Any) -> None:
        raise PermissionError("held by an antivirus")

    monkeypatch.setattr(os, "replace", refuse)
    later = MONDAY + timedelta(hours=2)
    runs = run_once(bare, clock=FakeClock(later), runners=rec.runners, load_config=lambda: CONFIG)
    assert [r.status for r in runs] == ["done"]  # the job still ran; its record waits
    assert state.read_bytes() == before
    assert [p.name for p in bare.root.iterdir() if p.name.endswith(".tmp")] == []
    assert "Không ghi được tệp trạng thái" in logged.read_text(encoding="utf-8")


# -- configuration ---------------------------------------------------------------------------
def test_times_and_weekdays_as_staff_type_them() -> None:
    assert parse_time("08:00") == time(8, 0) and parse_time("8h30") == time(8, 30)
    assert parse_time("16:00:00") == time(16, 0) and parse_time("7h") == time(7, 0)
    assert parse_time("0.75") == time(18, 0) and parse_time("25:00") is None
    assert parse_time("sáng") is None
    for text in ("Thứ Sáu", "thứ sáu", "THỨ  SÁU", "thu sau", "Thứ 6", "T6", "friday"):
        assert parse_weekday(text) == 4, text
    assert parse_weekday("Chủ Nhật") == parse_weekday("CN") == 6
    assert parse_weekday("Thứ Hai") == 0 and parse_weekday("Thứ 8") is None


def test_specs_from_config_defaults_and_problems() -> None:
    specs, problems = specs_from_config({})
    assert [(s.name, s.timing.describe()) for s in specs] == [
        ("collect", "mỗi 10 phút"),
        ("reminders", "08:00 hằng ngày"),
        ("report", "16:00 Thứ Sáu hằng tuần"),
    ]
    assert problems == []
    specs, problems = specs_from_config(
        {"collect_minutes": "abc", "reminder_time": "", "report_weekday": "Thứ 9"},
        interval_seconds=None,
    )
    assert [s.name for s in specs] == ["collect", "report"]
    assert specs[0].timing.every_seconds == 600 and specs[1].timing.weekday == 4
    assert len(problems) == 2 and "“abc” không đọc được" in problems[0]
    specs, _ = specs_from_config(CONFIG, interval_seconds=3)
    assert specs[0].timing.describe() == "mỗi 3 giây"


# -- one instance per workspace --------------------------------------------------------------
def test_a_second_instance_is_refused(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    with jobs_io.instance_lock(workspace.root):
        code = main(["jobs", "--once", "--workbook", str(workspace.workbook)])
        assert code == 2
        err = capsys.readouterr().err
        assert "đang chạy" in err and f"tiến trình {os.getpid()}" in err
        with pytest.raises(WorkbookBusyError), jobs_io.instance_lock(workspace.root):
            pass
    # Released on exit: the next run takes it.
    with jobs_io.instance_lock(workspace.root):
        pass


def test_once_from_the_command_line(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from xladdin.adapters import job_tasks

    assert main(["jobs", "--once", "--workbook", str(workspace.workbook)]) == 0
    out = capsys.readouterr().out
    assert " thu phiếu: không có phiếu mới; tính tiến độ xong" in out
    assert main(["jobs", "--once", "--workbook", str(workspace.workbook)]) == 0
    assert "không có việc nào đến giờ; lần tới: thu phiếu " in capsys.readouterr().out

    def boom(ctx: JobContext) -> str:
        raise KeyError("x")

    monkeypatch.setitem(job_tasks.RUNNERS, "collect", boom)
    (workspace.root / jobs_io.STATE_NAME).unlink()
    assert main(["jobs", "--once", "--workbook", str(workspace.workbook)]) == 1
    captured = capsys.readouterr()
    assert "thu phiếu: LỖI – KeyError: 'x'" in captured.out
    assert "1 việc bị lỗi (thu phiếu)" in captured.err and "Traceback" not in captured.err
    log = jobs_io.log_path(workspace.root).read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log


# -- the mailbox hook ------------------------------------------------------------------------
def test_mailbox_hook_is_called_around_the_merge(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xladdin.adapters import job_tasks

    calls: list[tuple[str, Any]] = []
    fake = types.ModuleType("xladdin.commands.mailbox")

    def collect_mail(ws: Workspace, config: dict[str, str]) -> Any:
        calls.append(("collect", config["imap_host"]))
        return types.SimpleNamespace(items=[], lines=lambda: ["Hộp thư: 0 thư có phiếu."])

    def finish_mail(ws: Workspace, config: dict[str, str], mail: Any, merged: Any) -> list[Any]:
        calls.append(("finish", merged))
        return []

    fake.collect_mail = collect_mail  # type: ignore[attr-defined]
    fake.finish_mail = finish_mail  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "xladdin.commands.mailbox", fake)
    ctx = JobContext(workspace, MONDAY, {"imap_host": "mail.example.vn"}, {})
    assert job_tasks.collect(ctx).startswith("hộp thư: không có thư mới; không có phiếu mới")
    assert calls == [("collect", "mail.example.vn"), ("finish", None)]

    def not_yet(*_args: Any) -> Any:
        raise NotImplementedError

    fake.collect_mail = not_yet  # type: ignore[attr-defined]
    assert job_tasks.collect(ctx).startswith("không có phiếu mới")
    monkeypatch.setitem(sys.modules, "xladdin.commands.mailbox", None)  # import fails
    assert job_tasks.collect(ctx).startswith("không có phiếu mới")
    ctx.config = {"imap_host": ""}
    fake.collect_mail = collect_mail  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "xladdin.commands.mailbox", fake)
    calls.clear()
    job_tasks.collect(ctx)
    assert calls == []  # not configured: not called


# -- the real jobs on a real tracker ---------------------------------------------------------
@pytest.fixture
def returned(imported: Workspace) -> tuple[Workspace, Path]:
    """An agency's filled return waiting in the inbox (old enough to be read at once)."""
    from test_merge import fill

    from xladdin.commands.config import set_config
    from xladdin.commands.forms import issue_forms

    set_config({"period": "2026-11"}, workbook=imported.workbook)
    forms = issue_forms("2026-11", workbook=imported.workbook, now=datetime(2026, 11, 21, 9, 0))
    vptu = next(f for f in forms.forms if f.code == "VPTU")
    path = fill(
        vptu.path,
        imported.root / "inbox" / "Phieu_VPTU.xlsx",
        {0: {"status": "Đang triển khai", "progress": 40}},
    )
    old = path.stat().st_mtime - 60
    os.utime(path, (old, old))
    return imported, path


def test_tracker_open_in_excel_skips_collect_and_it_runs_later(
    returned: tuple[Workspace, Path],
) -> None:
    ws, inbox_file = returned
    owner = ws.workbook.with_name("~$" + ws.workbook.name)
    owner.write_bytes(b"Excel")
    before = sha256_file(ws.workbook)
    backups = len(list((ws.root / "backups").iterdir()))
    clock, lines = FakeClock(datetime(2026, 11, 24, 16, 0)), []
    runs = run_once(ws, clock=clock, status=lines.append)
    assert [(r.name, r.status) for r in runs] == [("collect", "skipped")]
    assert lines == [
        "2026-11-24 16:00 thu phiếu: Sổ theo dõi đang mở trong Excel (hoặc WPS Office); bỏ qua "
        "lần này."
    ]
    assert sha256_file(ws.workbook) == before and inbox_file.exists()
    state = json.loads((ws.root / jobs_io.STATE_NAME).read_text(encoding="utf-8"))
    assert "last_run" not in state["jobs"]["collect"]

    owner.unlink()  # Excel closed
    clock.sleep(60)
    runs = run_once(ws, clock=clock, status=lines.append)
    assert [(r.name, r.status) for r in runs] == [("collect", "done")]
    assert lines[-1] == (
        "2026-11-24 16:01 thu phiếu: 1 phiếu (1 đã tổng hợp); tính tiến độ xong "
        "(9 nhiệm vụ quá hạn)"
    )
    changed = sha256_file(ws.workbook)
    assert changed != before and not inbox_file.exists()
    assert_vba_intact(ws.workbook)  # the job's merge and recalc kept the macros and the ribbon
    assert len(list((ws.root / "archive").glob("*_Phieu_VPTU.xlsx"))) == 1

    # Ten minutes later nothing new: the tracker is not rewritten (no backup per tick).
    clock.sleep(600)
    backups_now = len(list((ws.root / "backups").iterdir()))
    run_once(ws, clock=clock, status=lines.append)
    assert lines[-1].endswith("không có phiếu mới; sổ không đổi, không cần tính lại")
    assert sha256_file(ws.workbook) == changed
    assert len(list((ws.root / "backups").iterdir())) == backups_now > backups
    # A new day moves due states: recalculated even without new returns.
    clock.sleep(24 * 3600)
    runs = run_once(ws, clock=clock, status=lines.append)
    assert [r.name for r in runs] == ["collect", "reminders"]
    assert (
        runs[0]
        .line()
        .startswith("2026-11-25 16:11 thu phiếu: không có phiếu mới; tính tiến độ xong")
    )


def test_letters_are_made_while_the_tracker_is_open(returned: tuple[Workspace, Path]) -> None:
    ws, _ = returned
    run_once(ws, clock=FakeClock(datetime(2026, 11, 27, 7, 0)), status=lambda _line: None)
    ws.workbook.with_name("~$" + ws.workbook.name).write_bytes(b"Excel")
    lines: list[str] = []
    runs = run_once(ws, clock=FakeClock(datetime(2026, 11, 27, 16, 5)), status=lines.append)
    assert [(r.name, r.status) for r in runs] == [
        ("collect", "skipped"),
        ("reminders", "done"),
        ("report", "done"),
    ]
    outbox = ws.root / "outbox" / "2026-11"
    assert (outbox / "BaoCao_TongHop_2026-11.docx").exists()
    reminders = sorted(outbox.glob("CV_DonDoc_*_2026-11.docx"))
    assert reminders
    assert f"đã lập {len(reminders)} công văn đôn đốc (tháng 11 năm 2026)" in lines[1]
