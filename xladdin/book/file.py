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
from ..core.layout import Column
from ..core.table import Rows
from ..io.tracker_io import TrackerWorkbook
from ..io.workspace import Workspace, find_workspace
from .base import Cells, NoteCell, read_config


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
        self._writing().write_table(sheet, columns, records, key_field=key_field)

    def write_cells(self, sheet: str, cells: Cells) -> None:
        self._writing().write_grid(sheet, cells)

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

    def save(self) -> Path | None:
        tracker = self._writing()
        if not tracker.changed_sheets:
            return None
        tracker.last_backup = tracker.save(tracker.backup_dir)
        tracker.changed_sheets.clear()
        return tracker.last_backup


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
