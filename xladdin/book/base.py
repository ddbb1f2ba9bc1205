"""The one interface every command works on: the tracker workbook, wherever it is open.

A command (:mod:`xladdin.commands`) reads whole sheets and writes whole columns, tables,
blocks and log rows through a :class:`Book`. Two backends implement it, in the manner of
xlwings' own engines:

- :class:`xladdin.book.file.FileBook`: the ``.xlsm`` on disk, patched part by part (every
  other byte kept), saved atomically under a lock after a backup;
- :class:`xladdin.book.excel.ExcelBook`: the workbook open in Excel, through xlwings, one
  bulk read or write per operation, so the number of Excel calls does not grow with rows.

The readers below are shared: both backends hand over raw rows and the same
:func:`xladdin.core.table.table_from_rows` turns them into frames.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from ..core.chart import ChartSeries
from ..core.layout import (
    AGENCY_COLUMNS,
    CONFIG_COLUMNS,
    LOG_COLUMNS,
    SHEET_AGENCIES,
    SHEET_CONFIG,
    SHEET_LOG,
    SHEET_TASKS,
    TASK_COLUMNS,
    Column,
)
from ..core.table import Rows, column_positions, config_values, table_from_rows
from ..core.tracker import TrackerData
from ..io.workspace import Workspace

Cells = Mapping[tuple[int, int], Any]  # (row, column), 1-based -> value; None empties the cell
NoteCell = tuple[str, int, int]  # (sheet, row, column)


class Book(Protocol):
    """The tracker's sheets, read and written in bulk."""

    @property
    def name(self) -> str:
        """The file name, for messages."""

    @property
    def workspace(self) -> Workspace:
        """The folder the tracker lives in, with its inbox, outbox, archive and secret."""

    def rows(self, sheet: str) -> Rows:
        """Every value from A1 to the last used cell (row 1 = headers), in one read.
        A missing sheet raises :class:`~xladdin.core.errors.WorkbookFormatError`."""

    def percent_cells(self, sheet: str) -> set[tuple[int, int]]:
        """(row, column) of the cells with a % number format, where a typed "50%" is stored as
        0.5. Numbers read from them are ×100 and numbers written to them ÷100, so commands
        only ever see 50; a backend that cannot tell gives an empty set (and validation asks
        about every progress between 0 and 1)."""

    def write_table(
        self,
        sheet: str,
        columns: Sequence[Column],
        records: Sequence[Mapping[str, Any]],
        *,
        key_field: str | None = None,
    ) -> None:
        """Replace the data rows of a table; the header row stays. With ``key_field`` the
        cells of the user's own columns (and, on disk, row heights and styles) move with
        their row's key."""

    def write_cells(self, sheet: str, cells: Cells) -> None:
        """Set these cells of a table; every other cell keeps its value. Values are table
        values, as the readers give them (a progress of 50 goes into a % cell as 0.5)."""

    def write_block(self, sheet: str, cells: Cells, *, clear_from_row: int) -> None:
        """Empty every row from ``clear_from_row`` down, then set ``cells`` as they are stored
        (a layout such as "Tổng hợp", whose rates are fractions shown by a % format)."""

    def set_chart(self, sheet: str, series: ChartSeries) -> None:
        """Point the sheet's first chart at ``series`` (a sheet without a chart is left)."""

    def append_rows(
        self, sheet: str, columns: Sequence[Column], records: Sequence[Mapping[str, Any]]
    ) -> None:
        """Add rows after the last used row (the audit log): earlier rows stay untouched."""

    def replace_notes(
        self, old: Iterable[NoteCell], new: Mapping[NoteCell, str], *, mark: str
    ) -> None:
        """Remove the notes starting with ``mark`` at ``old`` cells, then add ``new`` ones."""

    def save(self) -> Path | None:
        """Make the writes so far durable now (after a backup of the file on disk); the
        backup's path, if one was made."""


# -- the shared readers ------------------------------------------------------------------
def read_table(
    book: Book, sheet: str, columns: Sequence[Column], *, required: bool = True
) -> pd.DataFrame:
    """One record per non-empty row, fields as columns, plus ``_row`` (Excel row)."""
    return table_from_rows(
        book.rows(sheet),
        columns,
        sheet=sheet,
        source=book.name,
        required=required,
        percent=book.percent_cells(sheet),
    )


def read_log(book: Book) -> list[dict[str, Any]]:
    """The audit log's rows; columns added in later versions are simply absent from the
    rows of an older tracker (its header gains them on the next :func:`append_log`)."""
    frame = read_table(book, SHEET_LOG, LOG_COLUMNS, required=False)
    return [{str(k): v for k, v in rec.items() if k != "_row"} for rec in frame.to_dict("records")]


def append_log(book: Book, records: Sequence[Mapping[str, Any]]) -> None:
    """Append audit-log rows. Rows are written by position, so a header cell missing from
    an older tracker's log is written first, where the row's value for it will go."""
    if not records:
        return
    rows = book.rows(SHEET_LOG)
    header = list(rows[0]) if rows else []
    missing = {
        (1, i + 1): col.header
        for i, col in enumerate(LOG_COLUMNS)
        if i >= len(header) or header[i] is None or not str(header[i]).strip()
    }
    if missing:
        book.write_cells(SHEET_LOG, missing)
    book.append_rows(SHEET_LOG, LOG_COLUMNS, records)


def log_over_limit(book: Book) -> bool:
    """Whether "Nhật ký" holds more rows than "Cấu hình" allows (cheap: no log is parsed
    into records)."""
    from ..core.log_archive import keep_rows_setting

    return _log_over(book, keep_rows_setting(read_config(book).get("log_keep_rows")))


def _log_over(book: Book, limit: int) -> bool:
    if not limit:
        return False
    # On a file, count the row tags: reading a long log's values only to count them left
    # the merge that follows with a bigger process (issue 17).
    last_row = getattr(book, "last_row", None)
    last = last_row(SHEET_LOG) if last_row is not None else last_used_row(book.rows(SHEET_LOG))
    return bool(last - 1 > limit)


def archive_log(book: Book) -> int:
    """When "Nhật ký" holds more rows than "Cấu hình" allows, move the oldest to the yearly
    archives (:mod:`xladdin.core.log_archive`); call it on a saved book, then save again.
    Returns the number of rows moved."""
    from ..core.log_archive import keep_rows_setting, plan_archive

    drop = getattr(book, "drop_leading_rows", None)
    if drop is None:  # Excel open: the scheduled job does it
        return 0
    config = read_config(book)
    limit = keep_rows_setting(config.get("log_keep_rows"))
    if not _log_over(book, limit):
        return 0
    plan = plan_archive(read_log(book), limit)
    if plan is None:
        return 0
    from ..io.log_archive_io import FOLDER, append_to_archive

    folder = book.workspace.folder(config, "archive_dir") / FOLDER
    # The archive first, checked; only then does the tracker drop the rows (saved by the
    # caller): a move stopped in between leaves rows in both, never in neither.
    for year, moved in sorted(plan.by_year.items()):
        append_to_archive(folder, year, moved)
    # Cut as bytes, not rewritten: rewriting a long log is what made a merge's memory grow.
    drop(SHEET_LOG, plan.cut)
    book.append_rows(SHEET_LOG, LOG_COLUMNS, plan.head_kept)
    return plan.moved


def header_positions(book: Book, sheet: str, columns: Sequence[Column]) -> dict[str, int]:
    """Column (1-based) of each field, found by its header text in row 1."""
    rows = book.rows(sheet)
    header = {i + 1: h for i, h in enumerate(rows[0] if rows else [])}
    return column_positions(header, columns, sheet=sheet, source=book.name)


def read_data(book: Book) -> TrackerData:
    """The "Nhiệm vụ", "Cơ quan" and "Cấu hình" sheets: what validate, recalc, forms,
    merge and letters all start from."""
    positions = {c: f for f, c in header_positions(book, SHEET_TASKS, TASK_COLUMNS).items()}
    return TrackerData(
        tasks=read_table(book, SHEET_TASKS, TASK_COLUMNS),
        agencies=read_table(book, SHEET_AGENCIES, AGENCY_COLUMNS),
        config_table=read_table(book, SHEET_CONFIG, CONFIG_COLUMNS),
        percent=frozenset(
            (r, positions[c]) for r, c in book.percent_cells(SHEET_TASKS) if c in positions
        ),
    )


def stored_values(
    cells: Mapping[tuple[int, int], Any], percent: set[tuple[int, int]]
) -> dict[tuple[int, int], Any]:
    """Cell values as they are stored: a number going into a % formatted cell ÷100 (the
    inverse of what the readers do), everything else as it is."""
    return {
        rc: v / 100
        if rc in percent and isinstance(v, int | float) and not isinstance(v, bool)
        else v
        for rc, v in cells.items()
    }


def read_config(book: Book) -> dict[str, str]:
    return config_values(read_table(book, SHEET_CONFIG, CONFIG_COLUMNS))


def last_used_row(rows: Rows) -> int:
    """The last row holding a value (0 for an empty sheet)."""
    for n in range(len(rows), 0, -1):
        if any(v is not None and v != "" for v in rows[n - 1]):
            return n
    return 0
