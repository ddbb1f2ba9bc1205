"""click's text, said in Vietnamese in one place (``xladdin/adapters/cli_text.py``).

Every sentence click marks for translation in the modules that talk to users is in the
catalogue, or is a programming error no user can cause; every catalogue key is still one click
uses (a click upgrade that rewords a message fails here, not in front of a user).
"""

from __future__ import annotations

import ast
import errno
import importlib
import string
import unicodedata
from pathlib import Path

import pytest

from xladdin.adapters.cli_text import (
    CLICK_MODULES,
    CLICK_TEXT,
    install,
    os_error_message,
    translate,
)

# Raised while commands are declared (a programmer's mistake) or never reached by `theodoi`.
DEVELOPER_ONLY = {
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Invalid start character for option ({option})",
    "Choice({choices})",
    "Unknown standard stream '{name}'",
    "Unknown color {colour!r}",
}
# Passed to `_` through a variable: core.py's `_(extra["required"])`.
INDIRECT = {"required"}


def click_messages() -> set[str]:
    found: set[str] = set()
    for name in CLICK_MODULES:
        source = Path(importlib.import_module(name).__file__ or "").read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext")
            ):
                found.update(
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                )
    return found


def test_every_click_message_is_translated() -> None:
    missing = click_messages() - set(CLICK_TEXT) - DEVELOPER_ONLY
    assert not missing, f"click says these in English: {sorted(missing)}"


def test_every_key_is_still_used_by_click() -> None:
    stale = set(CLICK_TEXT) - click_messages() - INDIRECT
    assert not stale, f"click no longer says: {sorted(stale)}"
    core = Path(importlib.import_module("click.core").__file__ or "").read_text(encoding="utf-8")
    assert '_(extra["required"])' in core and '= "required"' in core


@pytest.mark.parametrize(("key", "text"), sorted(CLICK_TEXT.items()))
def test_translation_fits_its_key(key: str, text: str) -> None:
    """Fills only fields click gives, is NFC, and is not the English."""
    fields = {f for _, f, _, _ in string.Formatter().parse(key) if f}
    used = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    assert used <= fields, f"{text!r} uses fields click does not give"
    assert unicodedata.normalize("NFC", text) == text
    assert text != key


def test_click_speaks_vietnamese() -> None:
    import click

    install()  # what importing the CLI does
    assert click.types.Path(dir_okay=False).name == "tệp"
    assert translate("Usage:") == "Cách dùng:"
    err = click.BadParameter("x", param_hint="'--a'")
    assert err.format_message() == "Giá trị không hợp lệ cho '--a': x"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EACCES, "không có quyền truy cập"),
        (errno.ENOSPC, "ổ đĩa đã đầy"),
        (errno.EROFS, "ổ đĩa chỉ cho đọc, không cho ghi"),
        (9999, "hệ điều hành báo lỗi số 9999"),
    ],
)
def test_os_errors_in_vietnamese(code: int, reason: str, tmp_path: Path) -> None:
    exc = OSError(code, "Some English from the system", str(tmp_path / "a.json"))
    assert os_error_message(exc) == f"Không dùng được {tmp_path / 'a.json'}: {reason}."


def test_os_error_without_a_path() -> None:
    assert os_error_message(OSError(errno.EIO, "I/O error")) is None
