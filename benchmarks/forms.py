"""`theodoi forms` for 200 agencies: this checkout against a baseline commit, in one run.

A 4,000-task, 200-agency synthetic tracker (``tests/synthetic.py``); the command as a user
types it (``theodoi forms --workbook …``: read the tracker, write 200 forms and their cover
letters) run as a fresh process, alternately from this checkout and from the baseline commit
checked out into a temporary git worktree. Goal (issue 17): ours ≤ 0.5× the baseline.

    .venv/bin/python benchmarks/forms.py --baseline <commit> [--rounds 5] [--write]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402
from bench_docs import write_section  # noqa: E402

from xladdin.commands.config import set_config  # noqa: E402
from xladdin.io.workspace import init_workspace  # noqa: E402

GOAL = 0.5
N_TASKS = 4000
N_AGENCIES = 200


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def run_forms(source: Path, tracker: Path) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one ``theodoi forms`` process whose ``xladdin``
    is imported from ``source``."""
    env = dict(os.environ, PYTHONPATH=str(source))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "xladdin.adapters.cli", "forms", "--workbook", str(tracker)],
        env=env,
        cwd=source,  # `-m` puts the working folder first on the path, before PYTHONPATH
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"forms failed from {source}:\n{done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--baseline", required=True, help="commit to compare against")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    base_commit = _git("rev-parse", "--short", args.baseline)
    ours_commit = _git("rev-parse", "--short", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    with tempfile.TemporaryDirectory(prefix="bench-forms-") as tmp:
        root = Path(tmp)
        base = root / "baseline"
        _git("worktree", "add", "--detach", str(base), base_commit)
        try:
            ws = init_workspace(root / "ws")
            synthetic.write_tracker(ws.workbook, N_TASKS, n_agencies=N_AGENCIES)
            set_config({"period": "2026-11"}, workbook=ws.workbook)
            run_forms(ROOT, ws.workbook)  # warm-up: file cache, compiled bytecode
            run_forms(base, ws.workbook)
            ours: list[tuple[float, float]] = []
            baseline: list[tuple[float, float]] = []
            for _ in range(args.rounds):
                ours.append(run_forms(ROOT, ws.workbook))
                baseline.append(run_forms(base, ws.workbook))
        finally:
            _git("worktree", "remove", "--force", str(base))
            shutil.rmtree(base, ignore_errors=True)
    ratios = [o[0] / b[0] for o, b in zip(ours, baseline, strict=True)]
    med_ours = statistics.median(w for w, _ in ours)
    med_base = statistics.median(w for w, _ in baseline)
    ratio = statistics.median(ratios)
    verdict = "met" if ratio <= GOAL else "**not met**"
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = f"""## Forms for 200 agencies

`theodoi forms --workbook <tracker>` as a fresh process on a {N_TASKS:,}-task, {N_AGENCIES}-agency synthetic tracker (`tests/synthetic.py`): read the tracker, write {N_AGENCIES} forms and their cover letters. *Ours* is this commit; *baseline* is commit `{base_commit}` (before forms were built from styled template cells and letter templates compiled once), checked out into a temporary worktree; the two alternate, round by round. Goal (issue 17) ≤ {GOAL}×.

| median of {args.rounds} alternating rounds, wall clock | ours | baseline `{base_commit}` | ratio (median of pairs) | goal |
|---|---:|---:|---:|---|
| 200 forms + 199 letters | {med_ours:.2f} s | {med_base:.2f} s | {ratio:.2f}× | ≤ {GOAL}× {verdict} |

- Rounds, ours (wall s): {", ".join(f"{w:.2f}" for w, _ in ours)}; baseline: {", ".join(f"{w:.2f}" for w, _ in baseline)}.
- CPU (user + sys) medians: ours {statistics.median(c for _, c in ours):.2f} s, baseline {statistics.median(c for _, c in baseline):.2f} s.
- Measured {now}, commit `{ours_commit}`{" (with uncommitted changes)" if dirty else ""}, Python {platform.python_version()}, {platform.platform()}, {os.cpu_count()} CPUs.
- Reproduce: `.venv/bin/python benchmarks/forms.py --baseline {base_commit} --write`"""
    print(body)
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", "forms", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
