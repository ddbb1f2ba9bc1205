"""The Excel backend: the workbook open in Excel, through an xlwings ``Book``.

Each operation is one bulk read (a sheet's used range, cached until the sheet is written)
or a fixed number of bulk writes (whole tables, one range per written column, one block),
so the number of Excel calls does not grow with the number of rows. Cell notes are the
only per-cell calls, and the validate command caps them.

xlwings is never imported here: the book object comes from the ribbon adapter
(``xw.Book.caller()``), so importing this module costs nothing at a click.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.chart import ChartSeries
from ..core.errors import WorkbookFormatError, WorkspaceError
from ..core.layout import FIRST_DATA_ROW, Column
from ..core.model import nfc
from ..core.table import Rows, column_positions
from ..io import files
from ..io.sheetxml import is_percent_format
from ..io.workspace import Workspace
from .base import Cells, NoteCell, last_used_row, read_config, stored_values


def workspace_of(book: Any) -> Workspace:
    """The workspace of an open workbook: the folder it was saved in."""
    path = Path(str(book.fullname))
    if not path.is_absolute():  # never saved, or opened from OneDrive / SharePoint
        raise WorkspaceError(
            f"Không xác định được thư mục làm việc của sổ “{book.name}” (sổ chưa được lưu hoặc "
            "đang mở từ OneDrive/SharePoint). Hãy lưu sổ vào thư mục làm việc trên máy rồi bấm lại."
        )
    return Workspace(path.parent, path)


class ExcelBook:
    """A :class:`~xladdin.book.base.Book` over an xlwings ``Book``."""

    def __init__(self, xl_book: Any) -> None:
        self.xl = xl_book
        self._rows: dict[str, Rows] = {}
        self._percent: dict[str, set[tuple[int, int]]] = {}

    @property
    def name(self) -> str:
        return str(self.xl.name)

    @property
    def workspace(self) -> Workspace:
        return workspace_of(self.xl)

    def rows(self, sheet: str) -> Rows:
        if sheet not in self._rows:
            if sheet not in [s.name for s in self.xl.sheets]:
                raise WorkbookFormatError(f"Sổ theo dõi {self.name} không có trang tính “{sheet}”.")
            used = self.xl.sheets[sheet].used_range
            values = used.options(ndim=2).value or [[None]]
            top, left = used.row, used.column
            self._rows[sheet] = [[]] * (top - 1) + [[None] * (left - 1) + list(r) for r in values]
        return self._rows[sheet]

    def percent_cells(self, sheet: str) -> set[tuple[int, int]]:
        """One number-format read per column of the used range; a column of mixed formats
        asks its cells that hold a number. Office.js cannot read formats synchronously: no
        percent cells are known there, so nothing is converted either way."""
        if sheet in self._percent:
            return self._percent[sheet]
        rows = self.rows(sheet)
        last = max(last_used_row(rows), FIRST_DATA_ROW)
        found: set[tuple[int, int]] = set()
        target = self.xl.sheets[sheet]
        try:
            for col in range(1, max((len(r) for r in rows), default=0) + 1):
                fmt = target.range((FIRST_DATA_ROW, col), (last, col)).number_format
                if fmt is not None:
                    if is_percent_format(fmt):
                        found |= {(r, col) for r in range(FIRST_DATA_ROW, last + 1)}
                    continue
                for r in range(FIRST_DATA_ROW, last + 1):
                    v = rows[r - 1][col - 1] if col - 1 < len(rows[r - 1]) else None
                    is_number = isinstance(v, int | float) and not isinstance(v, bool)
                    if is_number and is_percent_format(target.range((r, col)).number_format):
                        found.add((r, col))
        except NotImplementedError:
            found = set()
        self._percent[sheet] = found
        return found

    def _positions(self, sheet: str, columns: Sequence[Column]) -> dict[str, int]:
        rows = self.rows(sheet)
        header = {i + 1: h for i, h in enumerate(rows[0] if rows else [])}
        return column_positions(header, columns, sheet=sheet, source=self.name)

    def _sheet(self, sheet: str) -> Any:
        self._rows.pop(sheet, None)  # what Excel holds now differs from the cached read
        return self.xl.sheets[sheet]

    def write_table(
        self,
        sheet: str,
        columns: Sequence[Column],
        records: Sequence[Mapping[str, Any]],
        *,
        key_field: str | None = None,
    ) -> None:
        """One clear and one write, whatever the row count."""
        rows = self.rows(sheet)
        percent = self.percent_cells(sheet)
        positions = self._positions(sheet, columns)
        width = max(max(positions.values()), len(rows[0]) if rows else 0)
        ours = set(positions.values())
        carried: dict[str, list[Any]] = {}
        if key_field is not None:
            kcol = positions[key_field] - 1
            for old in rows[FIRST_DATA_ROW - 1 :]:
                if kcol < len(old) and nfc(old[kcol]):
                    carried.setdefault(nfc(old[kcol]), old)
        old_last = last_used_row(rows)
        target = self._sheet(sheet)
        if old_last >= FIRST_DATA_ROW:
            target.range((FIRST_DATA_ROW, 1), (old_last, width)).clear_contents()
        if not records:
            return
        block = [[None] * width for _ in records]
        for line, rec in zip(block, records, strict=True):
            previous = carried.get(nfc(rec.get(key_field))) if key_field else None
            if previous is not None:
                for i, v in enumerate(previous[:width]):
                    if i + 1 not in ours:
                        line[i] = v
            for field, col in positions.items():
                line[col - 1] = rec.get(field)
        if percent:  # Excel keeps a cell's format where it is: convert ours by position
            for n, line in enumerate(block, start=FIRST_DATA_ROW):
                stored = stored_values({(n, c): line[c - 1] for c in ours}, percent)
                for (_, c), v in stored.items():
                    line[c - 1] = v
        target.range((FIRST_DATA_ROW, 1)).value = block

    def write_cells(self, sheet: str, cells: Cells) -> None:
        """One write per column: from its first to its last written row, the cells in
        between keeping their current values."""
        if cells:
            rows = self.rows(sheet)
            self._write_columns(sheet, rows, stored_values(cells, self.percent_cells(sheet)))

    def _write_columns(self, sheet: str, rows: Rows, cells: Cells) -> None:
        if not cells:
            return
        by_col: dict[int, dict[int, Any]] = {}
        for (r, c), v in cells.items():
            by_col.setdefault(c, {})[r] = v
        target = self._sheet(sheet)
        for col in sorted(by_col):
            new = by_col[col]
            column = []
            for r in range(min(new), max(new) + 1):
                if r in new:
                    column.append([new[r]])
                else:
                    row = rows[r - 1] if r - 1 < len(rows) else []
                    column.append([row[col - 1] if col - 1 < len(row) else None])
            target.range((min(new), col)).value = column

    def write_block(self, sheet: str, cells: Cells, *, clear_from_row: int) -> None:
        """Cells above ``clear_from_row`` as :meth:`write_cells`; below it one clear and one
        write of the rectangle that holds every cell."""
        rows = self.rows(sheet)
        above = {rc: v for rc, v in cells.items() if rc[0] < clear_from_row}
        below = {rc: v for rc, v in cells.items() if rc[0] >= clear_from_row}
        self._write_columns(sheet, rows, above)
        old_last = last_used_row(rows)
        width = max([len(r) for r in rows] + [c for _, c in below])
        target = self._sheet(sheet)
        if old_last >= clear_from_row:
            target.range((clear_from_row, 1), (old_last, width)).clear_contents()
        if not below:
            return
        first_col = min(c for _, c in below)
        last_col = max(c for _, c in below)
        last_row = max(r for r, _ in below)
        block = [
            [below.get((r, c)) for c in range(first_col, last_col + 1)]
            for r in range(clear_from_row, last_row + 1)
        ]
        target.range((clear_from_row, first_col)).value = block

    def set_chart(self, sheet: str, series: ChartSeries) -> None:
        target = self.xl.sheets[sheet]
        if len(target.charts):
            target.charts[0].set_source_data(target.range(series.source_address()))

    def append_rows(
        self, sheet: str, columns: Sequence[Column], records: Sequence[Mapping[str, Any]]
    ) -> None:
        """Records as one block of rows after the sheet's last used row."""
        if not records:
            return
        positions = self._positions(sheet, columns)
        first = max(last_used_row(self.rows(sheet)), 1) + 1
        block = [[None] * max(positions.values()) for _ in records]
        for line, rec in zip(block, records, strict=True):
            for field, col in positions.items():
                line[col - 1] = rec.get(field)
        self._sheet(sheet).range((first, 1)).value = block

    def replace_notes(
        self, old: Iterable[NoteCell], new: Mapping[NoteCell, str], *, mark: str
    ) -> None:
        """A note at an ``old`` cell goes when it is ours (or its text cannot be read:
        Office.js cannot read note text synchronously). An engine without notes just
        keeps the highlights."""
        try:
            for sheet, row, col in old:
                note = self.xl.sheets[sheet].range((row, col)).note
                if note is None:
                    continue
                try:
                    ours = str(note.text or "").startswith(mark)
                except NotImplementedError:
                    ours = True
                if ours:
                    note.delete()
            for (sheet, row, col), text in new.items():
                self.xl.sheets[sheet].range((row, col)).add_note(mark + text)
        except NotImplementedError:
            return

    def save(self) -> Path | None:
        """Back up the file on disk (the tracker before these writes), then save the book."""
        ws = self.workspace
        backup = files.backup(ws.workbook, ws.folder(read_config(self), "backup_dir"))
        self.xl.save()
        return backup
