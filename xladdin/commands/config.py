"""Read and set "Cấu hình" and an agency's e-mail (the demo, the import's plan name,
``theodoi config``, scripts). Every write is a tracker write: lock, backup, atomic replace."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..book.base import Book, header_positions, read_config, read_table
from ..book.file import edit_tracker, open_tracker
from ..core.errors import UsageError
from ..core.layout import (
    AGENCY_COLUMNS,
    CONFIG_COLUMNS,
    CONFIG_ITEMS,
    SHEET_AGENCIES,
    SHEET_CONFIG,
    ConfigItem,
)
from ..core.model import nfc


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


# -- `theodoi config [KEY [VALUE]]` and `theodoi config --agency CODE [EMAIL]` ----------------
def _item(key: str) -> ConfigItem:
    wanted = nfc(key).casefold()
    for item in CONFIG_ITEMS:
        if wanted in (item.key.casefold(), item.label.casefold()):
            return item
    keys = ", ".join(i.key for i in CONFIG_ITEMS)
    raise UsageError(f"Không có tham số “{key}” ở trang “{SHEET_CONFIG}”. Các khóa có: {keys}.")


def show_config(
    key: str | None = None, *, workbook: Path | None = None
) -> list[tuple[str, str, str]]:
    """(key, label, value) of every setting, or of ``key`` (its key or its label)."""
    config = read_config(open_tracker(workbook))
    items = [_item(key)] if key else list(CONFIG_ITEMS)
    return [(i.key, i.label, config.get(i.key, i.default)) for i in items]


def set_one(key: str, value: str, *, workbook: Path | None = None) -> tuple[str, str, str]:
    """Set one setting (backup, atomic write, under the tracker's lock); (key, label, value)."""
    item = _item(key)
    value = nfc(value)
    if item.key in MAIL_KEYS:
        # A wrong port or a typo in "có" is reported now, not at 3 a.m. by the scheduled job.
        _check_mail_setting(item.key, value)
    set_config({item.key: value}, workbook=workbook)
    return item.key, item.label, value


MAIL_KEYS = frozenset(
    {"smtp_port", "smtp_security", "mail_pause_seconds", "mail_max_per_run", "mail_unknown_sender"}
)


def _check_mail_setting(key: str, value: str) -> None:
    from ..core.mail_compose import unknown_sender_allowed
    from ..io.smtp_io import SmtpSettings

    if key == "mail_unknown_sender":
        unknown_sender_allowed({key: value})
    else:
        SmtpSettings.from_config({key: value})


def agency_email(
    code: str, email: str | None = None, *, workbook: Path | None = None
) -> tuple[str, str, str]:
    """(code, name, email) of an agency in "Cơ quan"; with ``email``, set it first (an empty
    text clears it). Every address must look like one (several: separated by ;)."""
    from ..core.mail_compose import addresses

    wanted = code.strip().upper()
    if email is None:
        agencies = read_table(open_tracker(workbook), SHEET_AGENCIES, AGENCY_COLUMNS)
        return _agency_row(agencies, wanted, code)[1:]
    email = nfc(email)
    parts = [p for p in email.replace(",", ";").split(";") if p.strip()]
    found = addresses(email)
    if len(found) != len(parts):
        raise UsageError(
            f"“{email}” không phải địa chỉ thư điện tử hợp lệ (nhiều địa chỉ thì cách nhau bởi "
            "dấu ;)."
        )
    with edit_tracker(workbook) as book:
        agencies = read_table(book, SHEET_AGENCIES, AGENCY_COLUMNS)
        row, code_, name, _ = _agency_row(agencies, wanted, code)
        column = header_positions(book, SHEET_AGENCIES, AGENCY_COLUMNS)["email"]
        book.write_cells(SHEET_AGENCIES, {(row, column): "; ".join(found) or None})
    return code_, name, "; ".join(found)


def _agency_row(agencies: Any, wanted: str, typed: str) -> tuple[int, str, str, str]:
    for rec in agencies.to_dict("records"):
        if str(rec.get("code") or "").strip().upper() == wanted:
            return int(rec["_row"]), wanted, nfc(rec.get("name")), nfc(rec.get("email"))
    raise UsageError(f"Không có cơ quan mã “{typed}” ở trang “{SHEET_AGENCIES}”.")
