"""The audit log stays small in the tracker: old rows move, whole and checked, to a yearly
archive workbook, and ``theodoi log`` reads both as one. A kill in the middle loses nothing
and duplicates nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from xladdin.adapters.cli import cli
from xladdin.book.base import append_log, archive_log, read_log
from xladdin.book.file import edit_tracker, open_tracker
from xladdin.commands.config import set_config
from xladdin.commands.log import read_whole_log
from xladdin.core.layout import LOG_COLUMNS, SHEET_LOG
from xladdin.core.log_archive import ROW_ID, keep_rows_setting, plan_archive, row_id
from xladdin.io.log_archive_io import archive_files, read_archive
from xladdin.io.workspace import Workspace

START = datetime(2026, 12, 20, 9, 0)


def rows(n: int, start: datetime = START, tag: str = "") -> list[dict[str, Any]]:
    """Log rows of every type a log holds: times, text with diacritics, numbers, dates."""
    return [
        {
            "time": start + timedelta(hours=i),
            "action": "Tổng hợp phiếu",
            "file": f"PhieuBaoCao_VPTU_{tag}{i}.xlsx",
            "sha256": f"{i:064x}",
            "agency": "VPTU – Văn phòng Tỉnh ủy",
            "key": f"I.{i % 7 + 1}",
            "column": "Tiến độ (%)",
            "old": i,
            "new": f"Đã rà soát {i}/20 xã" if i % 2 else i + 0.5,
            "period": "2026-12",
            "saved_at": start + timedelta(hours=i, minutes=-30),
            "report_date": date(2026, 12, 1) + timedelta(days=i % 20),
            "note": "1 ô thay đổi",
        }
        for i in range(n)
    ]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, datetime) and isinstance(b, date) and not isinstance(b, datetime):
        return a.date() == b
    if isinstance(b, datetime) and isinstance(a, date) and not isinstance(a, datetime):
        return b.date() == a
    if isinstance(a, int | float) or isinstance(b, int | float):
        # "Giá trị cũ/mới" are text columns: a number logged there reads back as its text,
        # in the tracker's sheet and in the archive alike.
        try:
            return abs(float(a) - float(b)) < 1e-9
        except (TypeError, ValueError):
            return False
    return bool(a == b)


def append(ws: Workspace, records: list[dict[str, Any]]) -> int:
    """What a merge does: move what is over the allowance and save, then append and save."""
    with edit_tracker(ws.workbook) as book:
        moved = archive_log(book)
        book.save()
        append_log(book, records)
        book.save()
    return moved


# -- the plan (pure) ------------------------------------------------------------------------------
@given(st.integers(0, 400), st.integers(0, 200))
def test_a_plan_keeps_order_and_every_row(n: int, limit: int) -> None:
    recs = rows(n)
    plan = plan_archive(recs, limit)
    if plan is None:
        assert limit == 0 or n <= limit
        return
    moved = [r for y in sorted(plan.by_year) for r in plan.by_year[y]]
    assert [r["file"] for r in moved + plan.keep] == [r["file"] for r in recs]
    assert len(plan.keep) == limit // 2
    assert all(r[ROW_ID] == row_id(r) for r in moved)


def test_rows_go_to_the_year_of_their_time() -> None:
    plan = plan_archive(rows(30, datetime(2026, 12, 31, 12)), 10)
    assert plan is not None and sorted(plan.by_year) == [2026, 2027]


def test_the_setting() -> None:
    assert keep_rows_setting("") == 5000 and keep_rows_setting("20.000") == 20000
    assert keep_rows_setting("0") == 0 and keep_rows_setting("nhiều") == 5000


# -- on a real tracker ----------------------------------------------------------------------------
def test_old_rows_move_and_the_log_reads_as_one(imported: Workspace) -> None:
    set_config({"log_keep_rows": "40"}, workbook=imported.workbook)
    before = read_log(open_tracker(imported.workbook))
    batches = [
        rows(30),
        rows(30, START + timedelta(days=20), "b"),
        rows(30, START + timedelta(days=25), "c"),
    ]
    moved = sum(append(imported, batch) for batch in batches)  # the second is in January 2027
    added = [r for batch in batches for r in batch]
    sheet = read_log(open_tracker(imported.workbook))
    # Only rows already saved move: the sheet keeps half the allowance and the last batch.
    assert len(sheet) <= 40 // 2 + 30 and moved == len(before) + len(added) - len(sheet)
    folder = imported.root / "archive" / "nhat-ky"
    found = archive_files(folder)
    years = [p.parent.name for p in found]
    assert years[0] == "2026" and years[-1] == "2027"

    whole = read_whole_log(imported.workbook)
    assert len(whole.rows) == len(before) + len(added)  # every row, none twice
    assert whole.archived + whole.in_sheet == len(whole.rows)
    for want, got in zip([*before, *added], whole.rows, strict=True):
        for c in LOG_COLUMNS:
            assert same(want.get(c.field), got.get(c.field)), (c.field, want, got)

    # A person opens the archive without our tool: a plain workbook with the log's headers.
    wb = openpyxl.load_workbook(found[0])
    sheet_rows = list(wb[SHEET_LOG].iter_rows(values_only=True))
    assert list(sheet_rows[0][: len(LOG_COLUMNS)]) == [c.header for c in LOG_COLUMNS]
    assert isinstance(sheet_rows[1][0], datetime)


def test_the_cli_writes_the_whole_log(imported: Workspace, tmp_path: Path) -> None:
    set_config({"log_keep_rows": "20"}, workbook=imported.workbook)
    append(imported, rows(50))
    out = tmp_path / "nhat_ky.csv"
    result = CliRunner().invoke(
        cli, ["log", "--workbook", str(imported.workbook), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    total = len(read_whole_log(imported.workbook).rows)
    assert len(lines) == total + 1 and lines[0].startswith("Thời gian,Thao tác")
    assert f"Nhật ký có {total} dòng" in result.output


def test_a_kill_between_archive_and_tracker_loses_and_repeats_nothing(
    imported: Workspace,
) -> None:
    set_config({"log_keep_rows": "20"}, workbook=imported.workbook)
    before = len(read_log(open_tracker(imported.workbook))) + 50
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from test_log_archive import rows
        from xladdin.book.base import append_log
        from xladdin.book.file import edit_tracker
        from xladdin.book.base import archive_log
        with edit_tracker(Path({str(imported.workbook)!r})) as book:
            append_log(book, rows(50))
            book.save()
            archive_log(book)
            os.kill(os.getpid(), signal.SIGKILL)  # archive written, rows not yet dropped
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], check=False)
    assert proc.returncode == -9
    assert len(read_log(open_tracker(imported.workbook))) == before  # nothing dropped
    (archive,) = archive_files(imported.root / "archive" / "nhat-ky")
    in_archive = read_archive(archive)
    assert in_archive  # the rows are in both places now
    assert len(read_whole_log(imported.workbook).rows) == before  # and counted once

    append(imported, rows(5, START + timedelta(days=3), "d"))  # the next merge's move
    whole = read_whole_log(imported.workbook)
    assert len(whole.rows) == before + 5
    folder = imported.root / "archive" / "nhat-ky"
    ids = [r[ROW_ID] for f in archive_files(folder) for r in read_archive(f)]
    assert len(ids) == len(set(ids))  # nothing archived twice


def test_without_an_allowance_nothing_moves(imported: Workspace) -> None:
    set_config({"log_keep_rows": "0"}, workbook=imported.workbook)
    assert append(imported, rows(60)) == 0
    assert not (imported.root / "archive" / "nhat-ky").exists()
    assert os.path.exists(imported.workbook)


def test_each_agencys_latest_receipt_stays() -> None:
    """Merging judges a new return against the agency's latest receipt row: it never moves."""
    recs = rows(40)
    receipt = {**recs[3], "action": "Nhận phiếu", "agency": "STC – Sở Tài chính"}
    older = {**recs[1], "action": "Nhận phiếu", "agency": "STC – Sở Tài chính"}
    recs[1], recs[3] = older, receipt
    plan = plan_archive(recs, 10)
    assert plan is not None
    assert receipt in plan.keep and older not in plan.keep
    assert len(plan.keep) == 10 // 2 + 1


def test_a_merge_moves_the_old_rows_before_its_own(imported: Workspace, tmp_path: Path) -> None:
    from xladdin.commands.merge import merge_returns

    set_config({"log_keep_rows": "20"}, workbook=imported.workbook)
    with edit_tracker(imported.workbook) as book:
        append_log(book, rows(60))
        book.save()
    total = len(read_log(open_tracker(imported.workbook)))
    empty = tmp_path / "hop-thu"
    empty.mkdir()
    merge_returns([empty], workbook=imported.workbook, now=START + timedelta(days=90))
    sheet = read_log(open_tracker(imported.workbook))
    assert len(sheet) <= 20 // 2 + 1  # half the allowance and the agency's latest receipt
    assert len(read_whole_log(imported.workbook).rows) == total
    assert [r["key"] for r in sheet][-3:] == [r["key"] for r in rows(60)][-3:]
