"""The record of issued forms: ``SoPhatHanhPhieu.csv`` in the outbox folder.

One row per ``theodoi forms`` run (or click of "Tạo phiếu báo cáo"): the period, when, the
return deadline the forms carry (the one in "Cấu hình", or the working-day rule's when that
one had already passed, :mod:`xladdin.core.deadlines`), and how many forms. Merging reads it to know
each period's own deadline: "Cấu hình" only holds the current one, and a return for an
earlier period is judged against the deadline its forms were issued with.

A CSV (UTF-8 with BOM) rather than a tracker sheet: issuing forms only reads the tracker, so
it can run while someone has the workbook open; Excel opens the file as it is.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import files

LEDGER_NAME = "SoPhatHanhPhieu.csv"
HEADER = ("Kỳ báo cáo", "Phát hành lúc", "Hạn gửi phiếu", "Số phiếu")


@dataclass(frozen=True)
class IssuedPeriod:
    period: str
    issued_at: datetime
    deadline: str  # as printed on the forms when they were issued; may be empty
    forms: int


def read_ledger(folder: Path) -> list[IssuedPeriod]:
    """Every recorded issue, oldest first; a missing file is an empty record, and a row a
    person mangled in Excel is skipped rather than stopping a merge."""
    path = Path(folder) / LEDGER_NAME
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    out: list[IssuedPeriod] = []
    for row in list(csv.reader(io.StringIO(text)))[1:]:
        if len(row) < 4:
            continue
        try:
            out.append(
                IssuedPeriod(
                    row[0].strip(),
                    datetime.fromisoformat(row[1].strip()),
                    row[2].strip(),
                    int(row[3]),
                )
            )
        except ValueError:
            continue
    return out


def record_issue(folder: Path, entry: IssuedPeriod) -> Path:
    """Append ``entry`` (the whole file is rewritten atomically)."""
    path = Path(folder) / LEDGER_NAME
    rows = read_ledger(folder)
    rows.append(entry)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow(
            [
                r.period,
                r.issued_at.isoformat(timespec="seconds"),
                files.csv_cell(r.deadline),
                r.forms,
            ]
        )
    files.atomic_write(path, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return path


def deadlines(entries: list[IssuedPeriod]) -> dict[str, str]:
    """The deadline of each period as last issued (a re-issue replaces the earlier one)."""
    return {e.period: e.deadline for e in entries}
