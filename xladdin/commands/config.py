"""Set values in "Cấu hình" (the demo, the import's plan name, scripts)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..book.base import Book, read_config
from ..book.file import edit_tracker
from ..core.layout import CONFIG_COLUMNS, CONFIG_ITEMS, SHEET_CONFIG


def write_config(book: Book, config: Mapping[str, str], values: Mapping[str, str]) -> None:
    """Rewrite "Cấu hình" with ``values`` over ``config`` (the current settings)."""
    rows = []
    for item in CONFIG_ITEMS:
        value = values.get(item.key, config.get(item.key, item.default))
        rows.append({"label": item.label, "value": value, "help": item.help, "key": item.key})
    book.write_table(SHEET_CONFIG, CONFIG_COLUMNS, rows, key_field="key")


def run(book: Book, values: Mapping[str, str]) -> None:
    write_config(book, read_config(book), values)


def set_config(values: Mapping[str, str], *, workbook: Path | None = None) -> None:
    with edit_tracker(workbook) as book:
        run(book, values)
