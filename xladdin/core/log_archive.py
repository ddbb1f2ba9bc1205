"""Which audit-log rows stay in the tracker and which move to the yearly archive (pure).

"Nhật ký" grows by thousands of rows per monthly merge; kept whole in the tracker it slows
every write (each merge reads it) and, after a few years, Excel itself. After a write, when
the sheet holds more rows than "Cấu hình" allows, the oldest rows (all already saved) move
to the archive of their year until half the allowance is left.

Every archived row carries a fingerprint of its values. A move writes the archive first and
checks the rows are there before the tracker drops them: a move stopped between the two
steps leaves the rows in both places, and the next move skips the fingerprints the archive
already has. Nothing is lost and nothing is archived twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .layout import LOG_ARCHIVE_COLUMNS, LOG_COLUMNS, LOG_ROW_ID
from .model import nfc

RECEIPT = "Nhận phiếu"  # core.merge.ACTION_RECEIVED (merge imports heavier modules)

ROW_ID = LOG_ROW_ID
ARCHIVE_COLUMNS = LOG_ARCHIVE_COLUMNS
DEFAULT_KEEP_ROWS = 5000


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell read through pandas
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, str) and not value.strip():
        return None
    return value


def row_id(record: Mapping[str, Any]) -> str:
    """A fingerprint of a log row's values (as a person reads them: 50 = 50.0)."""
    values = [_plain(record.get(c.field)) for c in LOG_COLUMNS]
    text = json.dumps(values, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def year_of(record: Mapping[str, Any]) -> int | None:
    when = record.get("time")
    if isinstance(when, datetime | date):
        return when.year
    try:
        return datetime.fromisoformat(str(when)).year
    except ValueError:
        return None


@dataclass(frozen=True)
class ArchivePlan:
    by_year: dict[int, list[dict[str, Any]]]  # rows to archive, with their ROW_ID, oldest first
    cut: int  # the first ``cut`` rows leave the sheet …
    head_kept: list[dict[str, Any]]  # … and these of them are written back after the others
    keep: list[dict[str, Any]]  # the rows that stay in the sheet

    @property
    def moved(self) -> int:
        return sum(len(rows) for rows in self.by_year.values())


def plan_archive(records: Sequence[Mapping[str, Any]], limit: int) -> ArchivePlan | None:
    """The rows to move when the sheet holds more than ``limit`` rows (None: nothing to do).

    The newest ``limit // 2`` rows stay, and so does each agency's latest receipt row
    ("Nhận phiếu"): merging judges a new return against it. A row without a readable time
    goes with the year of the row before it (or stays, at the very start)."""
    if limit <= 0 or len(records) <= limit:
        return None
    cut = len(records) - limit // 2
    latest: dict[str, int] = {}
    for i, rec in enumerate(records):
        if nfc(rec.get("action")) == RECEIPT:
            latest[nfc(rec.get("agency")).split(" ")[0]] = i
    pinned = set(latest.values())
    by_year: dict[int, list[dict[str, Any]]] = {}
    head: list[dict[str, Any]] = []
    year: int | None = None
    for i, rec in enumerate(records[:cut]):
        year = year_of(rec) or year
        if year is None or i in pinned:
            head.append(dict(rec))
            continue
        by_year.setdefault(year, []).append({**rec, ROW_ID: row_id(rec)})
    if not by_year:
        return None
    return ArchivePlan(by_year, cut, head, [*head, *(dict(r) for r in records[cut:])])


def keep_rows_setting(text: str | None) -> int:
    """The "Cấu hình" allowance: a whole number, or the default when blank; 0 turns
    archiving off."""
    if text is None or not str(text).strip():
        return DEFAULT_KEEP_ROWS
    try:
        return max(0, int(float(str(text).strip().replace(".", "").replace(",", ""))))
    except ValueError:
        return DEFAULT_KEEP_ROWS
