"""Read and write the tracker workbook without Excel.

Reads go through python-calamine (fast, values only). Writes patch only the
worksheets that change (see :mod:`sheetxml`), then save atomically after a
backup. This module is the one place where the tracker file is touched.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.chart import ChartSeries
from ..core.errors import DiskFullError, InputFileError, WorkbookFormatError
from ..core.layout import (
    AGENCY_COLUMNS,
    CONFIG_COLUMNS,
    SHEET_AGENCIES,
    SHEET_CONFIG,
    SHEET_TASKS,
    TASK_COLUMNS,
    Column,
)
from ..core.table import column_positions, config_values, table_from_rows
from . import files
from .chartxml import update_first_chart
from .gridxml import MAX_ROW, grid_sheet_xml
from .rowfit import RowFit, wrap_styles
from .sheetxml import (
    append_xml_rows,
    build_rows,
    column_styles,
    last_row_number,
    percent_cells_of,
    read_state,
    replace_sheet_data,
)
from .xlsxpkg import XlsxPackage


class TrackerWorkbook:
    """The tracker as bytes in memory plus the parts changed since opening."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = Path(path)
        self._data = data
        self.pkg = XlsxPackage.from_bytes(data, self.path.name)
        self._opened = self.pkg.parts()  # to tell a write that changed nothing (no save)
        self._calamine: Any = None
        self._sheet_rows: dict[str, list[list[Any]]] = {}  # as read from the file's bytes
        self._percent: dict[str, set[tuple[int, int]]] = {}  # per sheet, until it is written
        self._wrapping: frozenset[int] | None = None  # the styles that wrap text
        self._locked = False
        self.backup_dir: Path | None = None
        self.last_backup: Path | None = None
        self.changed_sheets: list[str] = []

    @classmethod
    def open(cls, path: Path) -> TrackerWorkbook:
        path = Path(path)
        if not path.exists():
            raise InputFileError(f"Không tìm thấy sổ theo dõi {path}.")
        return cls(path, path.read_bytes())

    @classmethod
    @contextlib.contextmanager
    def edit(cls, path: Path, backup_dir: Path | None) -> Iterator[TrackerWorkbook]:
        """Read-modify-write under the tracker's lock; saved only if the block
        changed something and raised nothing, so a failure changes nothing.
        The block may set ``book.backup_dir`` once it has read the config."""
        path = Path(path)
        files.ensure_not_open_elsewhere(path)
        with files.file_lock(path):
            book = cls.open(path)
            book._locked = True
            book.backup_dir = backup_dir
            yield book
            if book.changed_sheets and book.has_changes():
                book.last_backup = book.save(book.backup_dir)

    # -- reading ---------------------------------------------------------------
    def rows(self, sheet: str) -> list[list[Any]]:
        """The sheet's values as calamine reads them from the file's bytes (cached)."""
        import python_calamine

        if self._calamine is None:
            try:
                self._calamine = python_calamine.CalamineWorkbook.from_filelike(
                    io.BytesIO(self._data)
                )
            except Exception as exc:  # calamine raises its own hierarchy
                raise InputFileError(f"Không đọc được sổ theo dõi {self.path.name}: {exc}") from exc
        if sheet not in self._calamine.sheet_names:
            raise WorkbookFormatError(
                f"Sổ theo dõi {self.path.name} không có trang tính “{sheet}”."
            )
        if sheet in self._sheet_rows:
            return self._sheet_rows[sheet]
        rows: list[list[Any]] = self._calamine.get_sheet_by_name(sheet).to_python(
            skip_empty_area=False
        )
        self._sheet_rows[sheet] = rows
        return rows

    def percent_cells(self, sheet: str) -> set[tuple[int, int]]:
        """(row, column) of the sheet's cells with a % number format, as the file is now
        (every read and write of a table asks: parsed once per sheet until it is written)."""
        if sheet not in self._percent:
            styles = self.pkg.read("xl/styles.xml") if self.pkg.has("xl/styles.xml") else None
            self._percent[sheet] = percent_cells_of(
                styles, self.pkg.read(self.pkg.sheet_part(sheet))
            )
        return self._percent[sheet]

    def read_table(
        self, sheet: str, columns: Sequence[Column], *, required: bool = True
    ) -> pd.DataFrame:
        """One row per non-empty sheet row, fields as columns, plus ``_row`` (Excel row)."""
        return table_from_rows(
            self.rows(sheet),
            columns,
            sheet=sheet,
            source=self.path.name,
            required=required,
            percent=self.percent_cells(sheet),
        )

    def read_tasks(self) -> pd.DataFrame:
        return self.read_table(SHEET_TASKS, TASK_COLUMNS)

    def read_agencies(self) -> pd.DataFrame:
        return self.read_table(SHEET_AGENCIES, AGENCY_COLUMNS)

    def read_config(self) -> dict[str, str]:
        return config_values(self.read_table(SHEET_CONFIG, CONFIG_COLUMNS))

    # -- writing ---------------------------------------------------------------
    def write_table(
        self,
        sheet: str,
        columns: Sequence[Column],
        records: Sequence[Mapping[str, Any]],
        *,
        key_field: str | None = None,
    ) -> None:
        """Replace the data rows of ``sheet`` (header and everything else kept)."""
        part = self.pkg.sheet_part(sheet)
        state = read_state(self.pkg, part)
        if any(state.headers.values()):
            positions = column_positions(state.headers, columns, sheet=sheet, source=self.path.name)
        else:
            positions = {c.field: i + 1 for i, c in enumerate(columns)}
        columns = [c for c in columns if c.field in positions]  # an optional one may be absent
        pos_list = [positions[c.field] for c in columns]
        values = [[rec.get(c.field) for c in columns] for rec in records]
        keys = (
            [str(rec.get(key_field) or f"#new{n}") for n, rec in enumerate(records)]
            if key_field
            else None
        )
        key_col = positions[key_field] if key_field else None
        body, last_row, last_col = build_rows(
            state,
            pos_list,
            values,
            keys,
            [c.header for c in columns],
            key_col,
            self._row_fit(self.pkg.read(part)),
        )
        xml = replace_sheet_data(self.pkg.read(part), body, last_row, last_col)
        self.pkg.write(part, xml)
        self.pkg.drop_calc_chain_if_needed(sheet)
        self._mark(sheet)

    def append_rows(
        self, sheet: str, columns: Sequence[Column], records: Sequence[Mapping[str, Any]]
    ) -> None:
        """Append rows at the end (for the audit log): existing rows stay untouched."""
        if not records:
            return
        part = self.pkg.sheet_part(sheet)
        xml = self.pkg.read(part)
        values = [[rec.get(c.field) for c in columns] for rec in records]
        first = max(last_row_number(xml), 1) + 1  # row 1 is the header even on an empty sheet
        xml = append_xml_rows(xml, first, values, column_styles(xml), self._row_fit(xml))
        self.pkg.write(part, xml)
        self._mark(sheet)

    def last_row(self, sheet: str) -> int:
        """The last row tag of the sheet, from its XML alone (no values are read)."""
        from .sheetxml import last_row_number

        return last_row_number(self.pkg.read(self.pkg.sheet_part(sheet)))

    def drop_leading_rows(self, sheet: str, count: int) -> None:
        """Remove the first ``count`` data rows (row 2 on) and move the rest up."""
        from .logxml import drop_leading_rows

        part = self.pkg.sheet_part(sheet)
        self.pkg.write(part, drop_leading_rows(self.pkg.read(part), 2, count))
        self._mark(sheet)

    def _row_fit(self, sheet_xml: bytes) -> RowFit:
        """Row heights for a write of this sheet: its widths, the workbook's wrap styles."""
        if self._wrapping is None:
            styles = self.pkg.read("xl/styles.xml") if self.pkg.has("xl/styles.xml") else None
            self._wrapping = wrap_styles(styles)
        return RowFit(sheet_xml, self._wrapping, self.pkg.shared_strings)

    def has_changes(self) -> bool:
        """Whether any part differs from the file as opened (or last saved): a validate that
        finds what the last one found, or an import of an unchanged plan, writes nothing."""
        return self.pkg.parts() != self._opened

    def mark_package_changed(self) -> None:
        """Parts other than sheets were edited (``theodoi repair``): save on exit."""
        self._mark("")

    def _mark(self, sheet: str) -> None:
        self._percent.pop(sheet, None)
        if sheet not in self.changed_sheets:
            self.changed_sheets.append(sheet)

    def to_bytes(self) -> bytes:
        return self.pkg.to_bytes()

    def save(self, backup_dir: Path | None, *, path: Path | None = None) -> Path | None:
        """Back up the file on disk, then replace it atomically. Returns the backup.

        Refused up front (:class:`DiskFullError`) when the drives lack room for the backup and
        the new file together; a write that runs out of room halfway leaves the tracker as it
        was and no backup or temp file of this attempt (nor of a writer killed earlier)."""
        target = Path(path) if path is not None else self.path
        files.ensure_not_open_elsewhere(target)
        data = self.to_bytes()
        lock = contextlib.nullcontext() if self._locked else files.file_lock(target)
        with lock:
            files.remove_orphan_temps(target, backup_dir)
            unwritten = files.tracker_unwritten(target)
            needs = [(target.parent, len(data))]
            if backup_dir is not None and target.exists():
                needs.append((backup_dir, target.stat().st_size))
            files.ensure_space(needs, unwritten)
            copy = files.backup(target, backup_dir) if backup_dir is not None else None
            try:
                files.atomic_write(target, data, unwritten=unwritten)
            except DiskFullError:
                # Nothing was replaced: the backup only repeats the tracker on disk; drop it,
                # then say how much room both files need (the numbers of the check above).
                if copy is not None:
                    with contextlib.suppress(OSError):
                        copy.unlink()
                files.ensure_space(needs, unwritten)
                raise
        self._data = data
        self._calamine = None
        self._sheet_rows = {}
        self._opened = self.pkg.parts()
        return copy

    def write_grid(
        self,
        sheet: str,
        cells: Mapping[tuple[int, int], Any],
        *,
        clear_from_row: int | None = None,
        chart: ChartSeries | None = None,
    ) -> None:
        """Empty every row of ``sheet`` from ``clear_from_row`` down, then set ``cells``
        ((row, column), 1-based → value; None leaves the cell empty). Rows above keep
        their bytes unless a cell in them is written; see :mod:`gridxml` for styles.
        Without ``clear_from_row`` nothing is emptied: only ``cells`` change.

        ``chart`` repoints the first chart of the sheet's drawing (references and cached
        points). A sheet whose chart a user deleted just gets the cells."""
        part = self.pkg.sheet_part(sheet)
        keep_all = MAX_ROW + 1  # one past Excel's last row
        xml = self.pkg.read(part)
        xml = grid_sheet_xml(
            xml, cells, clear_from_row=clear_from_row or keep_all, fit=self._row_fit(xml)
        )
        self.pkg.write(part, xml)
        if chart is not None:
            self.set_chart(sheet, chart)
        self.pkg.drop_calc_chain_if_needed(sheet)
        self._mark(sheet)

    def set_chart(self, sheet: str, series: ChartSeries) -> None:
        """Repoint the first chart of the sheet's drawing (references and cached points)."""
        update_first_chart(self.pkg, self.pkg.sheet_part(sheet), series)
        self._mark(sheet)
