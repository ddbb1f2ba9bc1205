"""The file backend: the tracker ``.xlsm`` on disk, read and patched without Excel.

Reads come from python-calamine, writes patch only the sheet parts they change and keep
every other byte (:class:`xladdin.io.tracker_io.TrackerWorkbook`). :func:`edit_tracker`
takes the tracker's lock, refuses when Excel has it open, and on a clean exit saves once,
atomically, after a backup into the folder "Cấu hình" names; an exception saves nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.chart import ChartSeries
from ..core.layout import FIRST_DATA_ROW, Column
from ..core.model import nfc
from ..core.table import Rows, column_positions
from ..io.tracker_io import TrackerWorkbook
from ..io.workspace import Workspace, find_workspace
from .base import Cells, NoteCell, read_config, stored_values


class FileBook:
    """A :class:`~xladdin.book.base.Book` over a :class:`TrackerWorkbook` in memory."""

    def __init__(self, tracker: TrackerWorkbook, workspace: Workspace, *, writable: bool):
        self.tracker = tracker
        self._workspace = workspace
        self._writable = writable

    @property
    def name(self) -> str:
        return self.tracker.path.name

    @property
    def workspace(self) -> Workspace:
        return self._workspace

    @property
    def last_backup(self) -> Path | None:
        return self.tracker.last_backup

    def rows(self, sheet: str) -> Rows:
        return self.tracker.rows(sheet)

    def percent_cells(self, sheet: str) -> set[tuple[int, int]]:
        return self.tracker.percent_cells(sheet)

    def _writing(self) -> TrackerWorkbook:
        if not self._writable:  # a programming error: read-only books come from open_tracker
            raise RuntimeError(f"{self.name} was opened read-only")
        return self.tracker

    def write_table(
        self,
        sheet: str,
        columns: Sequence[Column],
        records: Sequence[Mapping[str, Any]],
        *,
        key_field: str | None = None,
    ) -> None:
        percent = self.percent_cells(sheet)
        if percent:
            records = _into_percent_cells(self.rows(sheet), columns, records, key_field, percent)
        self._writing().write_table(sheet, columns, records, key_field=key_field)

    def write_cells(self, sheet: str, cells: Cells) -> None:
        self._writing().write_grid(sheet, stored_values(cells, self.percent_cells(sheet)))

    def write_block(self, sheet: str, cells: Cells, *, clear_from_row: int) -> None:
        self._writing().write_grid(sheet, cells, clear_from_row=clear_from_row)

    def set_chart(self, sheet: str, series: ChartSeries) -> None:
        self._writing().set_chart(sheet, series)

    def append_rows(
        self, sheet: str, columns: Sequence[Column], records: Sequence[Mapping[str, Any]]
    ) -> None:
        self._writing().append_rows(sheet, columns, records)

    def replace_notes(
        self, old: Iterable[NoteCell], new: Mapping[NoteCell, str], *, mark: str
    ) -> None:
        """Nothing on disk: notes are a convenience of the open workbook. The file's findings
        are the "Kiểm tra" rows, and the conditional format built into the template
        highlights the cells they name in Excel and LibreOffice alike."""

    def last_row(self, sheet: str) -> int:
        """The file backend only: the sheet's last row without reading its values."""
        return self.tracker.last_row(sheet)

    def drop_leading_rows(self, sheet: str, count: int) -> None:
        """The file backend only (the log archive): the first ``count`` data rows go."""
        self._writing().drop_leading_rows(sheet, count)

    def save(self) -> Path | None:
        tracker = self._writing()
        if not tracker.changed_sheets or not tracker.has_changes():
            return None
        tracker.last_backup = tracker.save(tracker.backup_dir)
        tracker.changed_sheets.clear()
        return tracker.last_backup


def _into_percent_cells(
    rows: Rows,
    columns: Sequence[Column],
    records: Sequence[Mapping[str, Any]],
    key_field: str | None,
    percent: set[tuple[int, int]],
) -> list[Mapping[str, Any]]:
    """Records with their numbers ÷100 where they will land in a % formatted cell: the cell's
    style moves with its row's key (or stays with its position without a key)."""
    header = {i + 1: h for i, h in enumerate(rows[0] if rows else [])}
    positions = column_positions(header, columns, sheet="", source="", required=False)
    if key_field is not None and key_field in positions:
        kcol = positions[key_field]
        row_of = {
            nfc(r[kcol - 1]): n
            for n, r in enumerate(rows[FIRST_DATA_ROW - 1 :], start=FIRST_DATA_ROW)
            if kcol - 1 < len(r) and nfc(r[kcol - 1])
        }
        targets = [row_of.get(nfc(rec.get(key_field))) for rec in records]
    else:
        targets = list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(records)))
    out: list[Mapping[str, Any]] = []
    for rec, row in zip(records, targets, strict=True):
        if row is None:  # a new key: its row gets the column's style, not a moved one
            out.append(rec)
            continue
        stored = stored_values({(row, c): rec.get(f) for f, c in positions.items()}, percent)
        out.append({**rec, **{f: stored[(row, c)] for f, c in positions.items()}})
    return out


@contextlib.contextmanager
def edit_tracker(workbook: Path | None = None) -> Iterator[FileBook]:
    """The tracker of ``workbook``'s workspace (or the current folder's), for writing."""
    ws = find_workspace(workbook)
    with TrackerWorkbook.edit(ws.workbook, None) as tracker:
        book = FileBook(tracker, ws, writable=True)
        # The backup goes where the tracker's own "Cấu hình" says, read before any write.
        tracker.backup_dir = ws.folder(read_config(book), "backup_dir")
        yield book


def open_tracker(workbook: Path | None = None) -> FileBook:
    """The tracker for reading only: no lock, so it works while Excel has the file open."""
    ws = find_workspace(workbook)
    return FileBook(TrackerWorkbook.open(ws.workbook), ws, writable=False)
