"""A write killed by SIGKILL at any moment leaves a tracker that opens: old or new."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

WRITER = """
import sys
from pathlib import Path
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.core.layout import SHEET_TASKS, TASK_COLUMNS
path = Path(sys.argv[1])
n = 0
print("ready", flush=True)
while True:
    n += 1
    with TrackerWorkbook.edit(path, path.parent / "backups") as book:
        rows = [{"key": f"K.{i}", "level": "Nhiệm vụ", "content": "x" * 200, "notes": str(n)}
                for i in range(400)]
        book.write_table(SHEET_TASKS, TASK_COLUMNS, rows, key_field="key")
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_during_writes(workspace: Workspace) -> None:
    rng = random.Random(20261121)
    seen_versions: set[str] = set()
    for _ in range(20):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(workspace.workbook)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with zipfile.ZipFile(workspace.workbook) as zf:
            assert zf.testzip() is None
        tasks = TrackerWorkbook.open(workspace.workbook).read_tasks()
        notes = set(tasks["notes"])
        assert len(notes) <= 1  # one version, never a mix of two
        seen_versions |= {str(n) for n in notes}
    # the next writer is not blocked by the lock of a killed one
    with TrackerWorkbook.edit(workspace.workbook, None) as book:
        assert len(book.read_tasks()) in (0, 400)
    assert seen_versions  # at least one write completed during the run
