"""Merge of returned forms: 200 returns x 20 tasks into a 4,000-task tracker.

Goal (forms/merge issue): the full merge (read and check every return, apply, audit log,
backup and save) costs at most 1.0x a naive ``pandas.concat(pandas.read_excel(f) for f in
files)`` of the same returns, timed in the same process, alternating. Second figure: peak
resident memory of a fresh process merging 2,000 returns (goal < 300 MiB).

    .venv/bin/python benchmarks/merge.py [--rounds 3] [--memory-returns 2000] [--write]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402
from bench_docs import write_section  # noqa: E402

from xladdin.commands.config import set_config  # noqa: E402
from xladdin.commands.forms import issue_forms  # noqa: E402
from xladdin.core.layout import FORM_COLUMNS, FORM_FIRST_ROW, FORM_SHEET  # noqa: E402
from xladdin.io.form_io import restamp  # noqa: E402
from xladdin.io.workspace import init_workspace  # noqa: E402

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 25, 9, 0)
GOAL = 1.0
MEMORY_GOAL_MIB = 300
COL = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}
STATUSES = ("Đang triển khai", "Hoàn thành", "Chưa triển khai", "Tạm dừng")


def make_returns(root: Path, n_tasks: int, n_agencies: int) -> tuple[Path, Path]:
    """A workspace with a tracker and a folder of filled returns, one per agency."""
    import openpyxl

    ws = init_workspace(root / "ws")
    synthetic.write_tracker(ws.workbook, n_tasks, n_agencies=n_agencies)
    set_config({"period": "2026-11"}, workbook=ws.workbook)
    issued = issue_forms("2026-11", workbook=ws.workbook, now=NOW - timedelta(days=5))
    returns = root / "returns"
    returns.mkdir()
    rng = random.Random(3)
    for form in issued.forms:
        if form.n_lead == 0:
            continue
        wb = openpyxl.load_workbook(form.path)
        sheet = wb[FORM_SHEET]
        for r in range(FORM_FIRST_ROW, FORM_FIRST_ROW + form.n_lead):
            status = rng.choice(STATUSES)
            progress = {"Hoàn thành": 100, "Chưa triển khai": 0}.get(status, rng.randint(5, 95))
            sheet.cell(r, COL["status"]).value = status
            sheet.cell(r, COL["progress"]).value = progress
            sheet.cell(r, COL["result"]).value = (
                "Đã triển khai theo kế hoạch" if status == "Hoàn thành" else None
            )
            sheet.cell(r, COL["difficulties"]).value = rng.choice((None, "Thiếu kinh phí"))
        buf = io.BytesIO()
        wb.save(buf)
        wb.close()
        target = returns / form.path.name
        target.write_bytes(restamp(buf.getvalue(), NOW - timedelta(hours=rng.randint(1, 48))))
    return ws.workbook, returns


def ours(tracker: Path, original: bytes, returns: Path) -> float:
    from xladdin.commands.merge import merge_returns

    tracker.write_bytes(original)
    shutil.rmtree(tracker.parent / "backups", ignore_errors=True)
    start = time.perf_counter()
    outcome = merge_returns([returns], workbook=tracker, now=NOW, today=TODAY, archive=False)
    elapsed = time.perf_counter() - start
    bad = [r for r in outcome.results if not r.accepted]
    if bad:
        raise SystemExit(f"benchmark returns refused: {bad[0].name}: {bad[0].reasons}")
    return elapsed


def naive(returns: Path) -> float:
    import pandas as pd

    files = sorted(returns.glob("*.xlsx"))
    start = time.perf_counter()
    frame = pd.concat(pd.read_excel(f, engine="openpyxl") for f in files)
    elapsed = time.perf_counter() - start
    assert len(frame) > 0
    return elapsed


def make_memory_returns(root: Path, n_returns: int) -> tuple[Path, Path]:
    """n returns: the 200 of make_returns, then re-saved copies at later times."""
    tracker, returns = make_returns(root, 4000, 200)
    base = sorted(returns.glob("*.xlsx"))
    for i in range(n_returns - len(base)):
        src = base[i % len(base)]
        when = NOW - timedelta(minutes=i + 1)
        (returns / f"{i:05d}_{src.name}").write_bytes(restamp(src.read_bytes(), when))
    return tracker, returns


def _peak_rss_mib() -> float:
    """The process's peak resident set (VmHWM); ru_maxrss as a fallback."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(tracker: Path, returns: Path) -> None:
    """Run in a fresh process: import the library, then merge. Linux keeps the parent's peak
    across fork+exec, so the peak is reset first (clear_refs 5) where the kernel allows it."""
    from xladdin.commands.merge import merge_returns

    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    before = _peak_rss_mib()
    outcome = merge_returns([returns], workbook=tracker, now=NOW, today=TODAY, archive=False)
    peak = _peak_rss_mib()
    print(f"{len(outcome.results)} {before:.1f} {peak:.1f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-returns", type=int, default=2000)
    parser.add_argument("--memory-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(*args.memory_child)
        return 0
    with tempfile.TemporaryDirectory(prefix="theodoi-merge-") as tmp:
        tracker, returns = make_returns(Path(tmp), 4000, 200)
        n_files = len(list(returns.glob("*.xlsx")))
        original = tracker.read_bytes()
        ours(tracker, original, returns)  # warm-up: imports, schema build
        naive(returns)
        mine, base = [], []
        for _ in range(args.rounds):
            mine.append(ours(tracker, original, returns))
            base.append(naive(returns))
    m, b = statistics.median(mine), statistics.median(base)
    ratio = m / b
    with tempfile.TemporaryDirectory(prefix="theodoi-mem-") as tmp:
        mem_tracker, mem_returns = make_memory_returns(Path(tmp), args.memory_returns)
        child = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(mem_tracker), str(mem_returns)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    n_mem, before_mib, peak_mib = child.stdout.split()[-3:]
    verdict = "met" if ratio <= GOAL else "NOT met"
    mem_verdict = "met" if float(peak_mib) < MEMORY_GOAL_MIB else "NOT met"
    print(f"{n_files} returns: ours {m:.2f} s, naive pandas {b:.2f} s, ratio {ratio:.2f}x "
          f"(goal <= {GOAL}x {verdict}); {n_mem} returns peak RSS {peak_mib} MiB "
          f"(before merge {before_mib} MiB; goal < {MEMORY_GOAL_MIB} MiB {mem_verdict})")  # fmt: skip
    if args.write:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        body = "\n".join([
            "## Merge of returned forms",
            "",
            f"{n_files} returns × 20 tasks (one per agency, generated by issuing real forms from a "
            "4,000-task synthetic tracker and filling them with openpyxl) merged into that tracker. "
            "*Ours* is `merge_returns` (open and check every return, normalise, validate, apply, "
            "audit log, backup, atomic save). *Baseline* is "
            "`pandas.concat(pandas.read_excel(f) for f in files)` of the same files. "
            f"Goal ≤ {GOAL}×.",
            "",
            f"| median of {args.rounds} alternating rounds | ours | naive pandas | ratio | goal |",
            "|---|---:|---:|---:|---|",
            f"| {n_files} returns | {m:.2f} s | {b:.2f} s | {ratio:.2f}× | ≤ {GOAL}× {verdict} |",
            "",
            f"- Peak resident memory of a fresh process merging {n_mem} returns: {peak_mib} MiB "
            f"({before_mib} MiB after importing the library, before the merge started; the "
            f"returns are generated by another process); goal < {MEMORY_GOAL_MIB} MiB: "
            f"{mem_verdict}.",
            f"- Rounds, ours (s): {', '.join(f'{x:.2f}' for x in mine)}; naive (s): "
            f"{', '.join(f'{x:.2f}' for x in base)}.",
            f"- Measured {now}, Python {platform.python_version()}, {platform.platform()}, "
            f"{os.cpu_count()} CPUs.",
            "- Reproduce: `.venv/bin/python benchmarks/merge.py --write`",
        ])  # fmt: skip
        write_section(ROOT / "docs" / "benchmarks.md", "merge", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
