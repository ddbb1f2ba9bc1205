"""`theodoi jobs` as a real process: picks up a dropped return, stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from test_merge import fill

from xladdin.commands.config import set_config
from xladdin.commands.export import export_tasks
from xladdin.commands.forms import issue_forms
from xladdin.core.layout import FORM_FIRST_ROW, FORM_SHEET
from xladdin.io.files import sha256_file
from xladdin.io.jobs_io import log_path
from xladdin.io.workspace import Workspace

TIMEOUT = 20.0


def _reader(stream: object, lines: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line.rstrip("\n"))


def wait_for(what: str, check: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM to a child is POSIX")
def test_jobs_process_picks_up_a_dropped_return_and_stops_on_sigterm(
    imported: Workspace, tmp_path: Path
) -> None:
    ws = imported
    # Letters off: this test is about collecting.
    set_config({"period": "2026-11", "reminder_time": "", "report_time": ""}, workbook=ws.workbook)
    forms = issue_forms("2026-11", workbook=ws.workbook, now=datetime(2026, 11, 21, 9, 0))
    vptu = next(f for f in forms.forms if f.code == "VPTU")
    ready = fill(
        vptu.path, tmp_path / "Phieu_VPTU.xlsx", {0: {"status": "Hoàn thành", "result": "Xong"}}
    )
    key = str(openpyxl.load_workbook(ready)[FORM_SHEET].cell(FORM_FIRST_ROW, 1).value)
    old = time.time() - 30  # saved a while ago, as an attachment usually is
    os.utime(ready, (old, old))

    proc = subprocess.Popen(
        [sys.executable, "-m", "xladdin.adapters.cli", "jobs", "--workbook", str(ws.workbook),
         "--interval-seconds", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()

    def saw(text: str) -> Callable[[], bool]:
        def check() -> bool:
            while not lines.empty():
                seen.append(lines.get())
            return any(text in line for line in seen)

        return check

    try:
        wait_for("the first collect", saw("thu phiếu: không có phiếu mới"))
        before = sha256_file(ws.workbook)
        dropped = ws.root / "inbox" / ready.name
        os.replace(ready, dropped)  # dropped in one step, as a mail program saves it
        dropped_at = time.monotonic()
        wait_for("the return to be archived", lambda: not dropped.exists())
        wait_for("the merge's status line", saw("1 phiếu (1 đã tổng hợp)"))
        picked_up = time.monotonic() - dropped_at
        assert sha256_file(ws.workbook) != before
        assert list((ws.root / "archive").glob("*_Phieu_VPTU.xlsx"))
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = proc.stderr.read() if proc.stderr else ""
    assert code == 0, stderr
    assert picked_up < 10, picked_up  # one 1-second interval plus the merge, not minutes
    wait_for("the stop line", saw("đã dừng việc tự động (nhận tín hiệu SIGTERM)"), 5)
    log = log_path(ws.root).read_text(encoding="utf-8")
    assert "Bắt đầu việc tự động" in log
    assert log.rstrip().endswith("Đã dừng việc tự động (nhận tín hiệu SIGTERM).")
    assert "Traceback" not in log and stderr == ""
    task = next(t for t in export_tasks(workbook=ws.workbook) if t["key"] == key)
    assert task["status"] == "Hoàn thành" and task["result"] == "Xong"
    # The instance lock went with the process: the next run starts.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "xladdin.adapters.cli",
            "jobs",
            "--once",
            "--workbook",
            str(ws.workbook),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
