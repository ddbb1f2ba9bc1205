"""A merge killed by SIGKILL at any moment leaves a tracker that opens: the old one or the new one.

Each round copies a workspace holding the corpus's tracker, starts ``merge_returns`` on a few
returns in a child process, kills it after a random delay spread over the whole merge (reading,
checking, backup, the atomic write, the report), then opens the tracker. Its bytes must be
exactly those before the merge or exactly those of an uninterrupted merge of the same returns.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import corpus_generator

from xladdin.commands.merge import merge_returns
from xladdin.io.tracker_io import TrackerWorkbook

CORPUS = Path(__file__).resolve().parent / "data" / "returns"
# Accepted returns of three agencies (one in a .zip, one in an e-mail) and a refused one.
RETURNS = (
    "base_vptu.xlsx",
    "progress_percent_text.xlsx",
    "tcvn3_text.xlsx",
    "in_zip.zip",
    "mail.eml",
    "progress_abc.xlsx",
)
ROUNDS = 20

WORKER = """
import sys
from datetime import date, datetime
from pathlib import Path

import python_calamine  # imported before "ready", so the delay is spent merging
import xladdin.core.normalize
import xladdin.validators
from xladdin.io import files
from xladdin.commands.merge import merge_returns

backup = files.backup


def announced_backup(*args, **kwargs):
    # The save's first step: the parent may aim its kill at the write that follows.
    copy = backup(*args, **kwargs)
    print("backed-up", flush=True)
    return copy


files.backup = announced_backup
print("ready", flush=True)
merge_returns(
    [Path(p) for p in sys.argv[2:]],
    workbook=Path(sys.argv[1]),
    now=datetime(2026, 11, 27, 9, 0),
    today=date(2026, 11, 27),
    archive=False,
)
print("done", flush=True)
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _start(workbook: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(workbook), *(str(CORPUS / n) for n in RETURNS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_during_merges(tmp_path: Path) -> None:
    template = corpus_generator().build_workspace(tmp_path / "template")
    name = template.workbook.name
    before = digest(template.workbook)
    backups = set((template.root / "backups").iterdir())

    # One uninterrupted merge gives the "new" tracker and how long a merge takes.
    calibration = tmp_path / "calibration"
    shutil.copytree(template.root, calibration)
    proc = _start(calibration / name)
    started = time.monotonic()
    out, _ = proc.communicate(timeout=120)
    duration = time.monotonic() - started
    assert proc.returncode == 0 and out.split() == ["backed-up", "done"]
    after = digest(calibration / name)
    assert after != before

    rng = random.Random(20261127)
    # Half the rounds stratified over 0-1.5 x the whole merge; half aimed at the write: a
    # few milliseconds after the backup, while the temp file is written and replaces the old.
    half = ROUNDS // 2
    spread = [(False, duration * 1.5 * rng.uniform(i, i + 1) / half) for i in range(half)]
    aimed = [(True, rng.uniform(0.0, 0.006)) for _ in range(ROUNDS - half)]
    seen = {"old": 0, "new": 0}
    backed_up_but_old = 0
    interrupted: Path | None = None
    for i, (after_backup, delay) in enumerate(spread + aimed):
        root = tmp_path / f"round{i:02d}"
        shutil.copytree(template.root, root)
        workbook = root / name
        proc = _start(workbook)
        if after_backup:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "backed-up"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert proc.stdout is not None
        proc.stdout.close()

        with zipfile.ZipFile(workbook) as zf:
            assert zf.testzip() is None
        tasks = TrackerWorkbook.open(workbook).read_tasks()
        assert len(tasks) > 0
        state = digest(workbook)
        assert state in (before, after), f"round {i}: a tracker that is neither old nor new"
        seen["old" if state == before else "new"] += 1
        if state == before:
            interrupted = workbook
            if set((root / "backups").iterdir()) - {root / "backups" / b.name for b in backups}:
                backed_up_but_old += 1
    # Kills landed on both sides of the write.
    assert seen["old"] and seen["new"], seen
    # The lock of a killed merge does not block the next one, which gives the same tracker.
    assert interrupted is not None
    merged = merge_returns(
        [CORPUS / n for n in RETURNS],
        workbook=interrupted,
        now=datetime(2026, 11, 27, 9, 0),
        today=date(2026, 11, 27),
        archive=False,
    )
    assert len(merged.accepted) == len(RETURNS) - 1
    assert digest(interrupted) == after
    print(f"merge {duration:.2f}s; {seen}; killed after the backup, before the replace: "
          f"{backed_up_but_old}")  # fmt: skip
