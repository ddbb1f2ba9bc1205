"""Validate + recalc + write of a 4,000-task tracker, against openpyxl load + save of the same file.

Goal (issue "validate and recalc"): the headless path costs at most 0.5x an openpyxl round
trip, i.e. it must not be one. Both are timed in the same process, alternating, on fresh
copies of one synthetic tracker (tests/synthetic.py); imports are warmed up first.

    .venv/bin/python benchmarks/validate_recalc.py [--tasks 4000] [--rounds 5] [--write]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402
from bench_docs import write_section  # noqa: E402

from xladdin.commands.recalc import recalc_workbook  # noqa: E402
from xladdin.commands.validate import validate_workbook  # noqa: E402
from xladdin.io.workspace import init_workspace  # noqa: E402

TODAY = date(2026, 11, 21)
GOAL = 0.5


def ours(path: Path) -> None:
    validate_workbook(workbook=path, today=TODAY)
    recalc_workbook(workbook=path, today=TODAY)


def openpyxl_round_trip(path: Path) -> None:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, keep_vba=True)
        wb.save(path)
        wb.close()


def timed(fn: Callable[[Path], None], source: Path, scratch: Path) -> float:
    target = scratch / source.name
    shutil.copyfile(source, target)
    for extra in ("backups",):
        shutil.rmtree(scratch / extra, ignore_errors=True)
    start = time.perf_counter()
    fn(target)
    return time.perf_counter() - start


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="theodoi-bench-") as tmp:
        ws = init_workspace(Path(tmp) / "source")
        synthetic.write_tracker(ws.workbook, args.tasks)
        size = ws.workbook.stat().st_size
        scratch = init_workspace(Path(tmp) / "scratch").root
        timed(ours, ws.workbook, scratch)  # warm-up: imports, pandera schema build
        timed(openpyxl_round_trip, ws.workbook, scratch)
        mine: list[float] = []
        base: list[float] = []
        for _ in range(args.rounds):
            mine.append(timed(ours, ws.workbook, scratch))
            base.append(timed(openpyxl_round_trip, ws.workbook, scratch))
    m, b = statistics.median(mine), statistics.median(base)
    ratio = m / b
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(f"{args.tasks} tasks, {size / 1e6:.2f} MB: ours {m:.3f} s, openpyxl {b:.3f} s, "
          f"ratio {ratio:.2f}x (goal <= {GOAL}x {verdict})")  # fmt: skip
    if args.write:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        text = "\n".join(
            [
                "## Validate + recalc + write",
                "",
                f"A tracker of {args.tasks:,} synthetic tasks (`tests/synthetic.py`, "
                f"{size / 1e6:.2f} MB .xlsm). *Ours* is `validate_workbook` then "
                "`recalc_workbook` (read, pandera validation, findings written to “Kiểm tra”, "
                "recalculation, computed cells, “Tổng hợp” and its chart written, two backups "
                "and two atomic saves). *Baseline* is `openpyxl.load_workbook(keep_vba=True)` "
                "+ `save` of the same file, which alone is what a write path built on openpyxl "
                f"would cost. Goal: ≤ {GOAL}×.",
                "",
                f"| median of {args.rounds} alternating rounds | ours | openpyxl load + save "
                "| ratio | goal |",
                "|---|---:|---:|---:|---|",
                f"| {args.tasks:,} tasks | {m * 1000:.0f} ms | {b * 1000:.0f} ms | "
                f"{ratio:.2f}× | ≤ {GOAL}× {verdict} |",
                "",
                f"- Rounds, ours (s): {', '.join(f'{x:.3f}' for x in mine)}; "
                f"openpyxl (s): {', '.join(f'{x:.3f}' for x in base)}.",
                f"- Measured {now}, commit `{commit()}`, Python {platform.python_version()}, "
                f"{platform.platform()}, {__import__('os').cpu_count()} CPUs.",
                "- Reproduce: `.venv/bin/python benchmarks/validate_recalc.py --write`",
            ]
        )
        write_section(ROOT / "docs" / "benchmarks.md", "validate_recalc", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
