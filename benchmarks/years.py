"""Years of use: many monthly merges of 200 returns into a 4,000-task tracker.

Each cycle fills every agency's form with new values (a later save each month) and merges
them in a fresh process, as the scheduled job does. Recorded per cycle: the merge's peak
resident memory, the tracker's size, the rows in "Nhật ký" and in the yearly archives.
Goals (issue 17): peak memory in the last cycle ≤ 1.1× the first; the tracker's size bounded;
the archives and the sheet together hold every log row written (counted).

    .venv/bin/python benchmarks/years.py [--cycles 24] [--write]
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import random
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402
from bench_docs import write_section  # noqa: E402
from merge import COL, STATUSES, _peak_rss_mib  # noqa: E402

from xladdin.commands.config import set_config  # noqa: E402
from xladdin.commands.forms import issue_forms  # noqa: E402
from xladdin.core.layout import FORM_FIRST_ROW, FORM_SHEET  # noqa: E402
from xladdin.core.log_archive import DEFAULT_KEEP_ROWS  # noqa: E402
from xladdin.io.form_io import restamp  # noqa: E402
from xladdin.io.workspace import init_workspace  # noqa: E402

START = datetime(2026, 11, 1, 9, 0)
MEMORY_GOAL = 1.1


def fill(forms: list[tuple[Path, int]], folder: Path, cycle: int, saved: datetime) -> None:
    import openpyxl

    folder.mkdir(parents=True)
    rng = random.Random(cycle)
    for path, n_lead in forms:
        wb = openpyxl.load_workbook(path)
        sheet = wb[FORM_SHEET]
        for r in range(FORM_FIRST_ROW, FORM_FIRST_ROW + n_lead):
            status = rng.choice(STATUSES)
            progress = {"Hoàn thành": 100, "Chưa triển khai": 0}.get(status, rng.randint(5, 95))
            sheet.cell(r, COL["status"]).value = status
            sheet.cell(r, COL["progress"]).value = progress
            sheet.cell(r, COL["result"]).value = (
                f"Kết quả tháng {cycle}" if status == "Hoàn thành" else None
            )
            sheet.cell(r, COL["difficulties"]).value = rng.choice((None, f"Vướng {cycle}"))
        buf = io.BytesIO()
        wb.save(buf)
        wb.close()
        (folder / path.name).write_bytes(restamp(buf.getvalue(), saved))


def child(tracker: Path, returns: Path, now: str) -> None:
    """A fresh process: import, reset the peak, merge, print the figures as JSON."""
    import contextlib

    from xladdin.commands.merge import merge_returns

    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    when = datetime.fromisoformat(now)
    outcome = merge_returns([returns], workbook=tracker, now=when, today=when.date())
    refused = [r for r in outcome.results if not r.accepted]
    if refused:
        raise SystemExit(f"refused: {refused[0].name}: {refused[0].reasons}")
    written = outcome.cells_changed + len(outcome.accepted)  # change rows + receipt rows
    print(json.dumps({"peak": _peak_rss_mib(), "written": written}))


def counts(tracker: Path) -> tuple[int, int]:
    from xladdin.book.base import read_log
    from xladdin.book.file import open_tracker
    from xladdin.commands.log import read_whole_log

    whole = read_whole_log(tracker)
    return len(read_log(open_tracker(tracker))), len(whole.rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cycles", type=int, default=24)
    parser.add_argument("--tasks", type=int, default=4000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.child[2])
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="theodoi-years-") as tmp:
        ws = init_workspace(Path(tmp) / "ws")
        synthetic.write_tracker(ws.workbook, args.tasks, n_agencies=args.agencies)
        set_config({"period": "2026-11"}, workbook=ws.workbook)
        issued = issue_forms("2026-11", workbook=ws.workbook, now=START - timedelta(days=1))
        forms = [(f.path, f.n_lead) for f in issued.forms if f.n_lead]
        _, initial = counts(ws.workbook)
        written = initial
        for cycle in range(1, args.cycles + 1):
            saved = START + timedelta(days=cycle)
            folder = Path(tmp) / f"returns_{cycle:02d}"
            fill(forms, folder, cycle, saved)
            run = subprocess.run(
                [sys.executable, __file__, "--child", str(ws.workbook), str(folder),
                 (saved + timedelta(hours=1)).isoformat()],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            figures = json.loads(run.stdout.strip().splitlines()[-1])
            written += figures["written"]
            in_sheet, whole = counts(ws.workbook)
            row = {
                "cycle": cycle,
                "peak": figures["peak"],
                "size": ws.workbook.stat().st_size / 1e6,
                "sheet": in_sheet,
                "whole": whole,
                "written": written,
            }
            rows.append(row)
            print(
                f"cycle {cycle:2d}: peak {row['peak']:.1f} MiB, tracker {row['size']:.2f} MB, "
                f"log {in_sheet} rows in the sheet, {whole} in all (written {written})",
                flush=True,
            )
    first, last = rows[0], rows[-1]
    ratio = last["peak"] / first["peak"]
    complete = all(r["whole"] == r["written"] for r in rows)
    verdict = "met" if ratio <= MEMORY_GOAL else "NOT met"
    print(f"peak memory last/first {ratio:.2f}x (goal <= {MEMORY_GOAL}x {verdict}); "
          f"every log row kept: {complete}")  # fmt: skip
    if args.write:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=False,
        ).stdout.strip()  # fmt: skip
        table = [
            "| cycle | merge peak RSS | tracker | rows in “Nhật ký” | rows in all (archives + sheet) | rows written |",
            "|---:|---:|---:|---:|---:|---:|",
        ]  # fmt: skip
        for r in rows:
            if r["cycle"] in (1, 2, 3, 6, 12, 18, len(rows)) or r is last:
                table.append(
                    f"| {r['cycle']} | {r['peak']:.1f} MiB | {r['size']:.2f} MB | {r['sheet']} | "
                    f"{r['whole']} | {r['written']} |"
                )
        body = "\n".join([
            "## Years of use",
            "",
            f"{args.cycles} monthly cycles: {len(forms)} returns (one per agency, every row filled "
            f"with new values) merged each cycle into a {args.tasks:,}-task synthetic tracker, "
            "each merge in a fresh process as the scheduled job runs it, “Số dòng tối đa của "
            f"trang “Nhật ký”” at its default ({DEFAULT_KEEP_ROWS}). Goal: the merge's peak memory in the last "
            f"cycle ≤ {MEMORY_GOAL}× the first; every log row kept (counted in the archives and "
            "the sheet read as one by `theodoi log`).",
            "",
            *table,
            "",
            f"- Peak memory last/first: {ratio:.2f}× (goal ≤ {MEMORY_GOAL}×: {verdict}). Every "
            f"log row kept: {'yes' if complete else 'NO'}.",
            f"- Tracker size bound: a merge first moves the log's oldest rows to the archive "
            f"when the sheet holds more than {DEFAULT_KEEP_ROWS}, so after a merge the sheet "
            f"holds at most {DEFAULT_KEEP_ROWS // 2} + one receipt row per agency + that "
            f"merge's rows ({max(r['sheet'] for r in rows)} at most here) and the tracker "
            f"stays at {max(r['size'] for r in rows):.2f} MB at most.",
            f"- Measured {datetime.now(UTC):%Y-%m-%d %H:%M UTC}, commit `{commit}`, Python "
            f"{platform.python_version()}, {platform.platform()}.",
            f"- Reproduce: `.venv/bin/python benchmarks/years.py --cycles {args.cycles} --write`",
        ])  # fmt: skip
        write_section(ROOT / "docs" / "benchmarks.md", "years", body)
    return 0 if ratio <= MEMORY_GOAL and complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
