"""Everything the ``theodoi`` command would say in English, said in Vietnamese, in one place.

click marks each sentence it shows users for gettext (``_("…")`` and ``ngettext`` inside its
modules) and formats it only when it shows it. :func:`install` points those names at
:data:`CLICK_TEXT`, so usage errors, bad values, path checks and the help's notes ("Usage:",
"Options", "[default: …]", "required") come out in Vietnamese wherever click formats them: in
the CLI's own error handler and in click's standalone mode (``CliRunner``) alike.
``tests/test_cli_text.py`` checks that every sentence click marks is here (or is a programming
error no user can cause) and that every key here is still one click uses.

Also here: the date type of ``--today`` (a date that does not exist is said to be so) and the
Vietnamese reason for an operating-system error on a path.
"""

from __future__ import annotations

import calendar
import errno
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

HELP_HELP = "Hiện hướng dẫn này rồi thoát."
DEBUG_HELP = "In chi tiết lỗi kỹ thuật (traceback) khi có lỗi."

# click's msgid -> what the user reads. Vietnamese has no plural forms, so an ngettext pair
# is two keys. A key's {fields} are filled by click; a translation may leave one out (the
# English type names "file", "integer" are not repeated).
CLICK_TEXT: dict[str, str] = {
    # help
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "env var: {var}": "biến môi trường: {var}",
    "(dynamic)": "(tính khi chạy)",
    "deprecated": "không còn dùng",
    "Show this message and exit.": HELP_HELP,
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Confirm the action without prompting.": "Xác nhận luôn, không hỏi lại.",
    "Do you want to continue?": "Có tiếp tục không?",
    # usage errors
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Gõ “{command} {option}” để xem hướng dẫn.",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name}.",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Có phải ý bạn là một trong: {possibilities}?)",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số {param_name}.",
    "Got unexpected extra argument ({args})": "Thừa đối số không dùng đến: {args}.",
    "Got unexpected extra arguments ({args})": "Thừa các đối số không dùng đến: {args}.",
    "Option {name!r} requires an argument.": "Tùy chọn {name} cần một giá trị đi kèm.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name} cần {nargs} giá trị đi kèm.",
    "Option {name!r} does not take a value.": "Tùy chọn {name} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Đối số {name!r} cần {nargs} giá trị.",
    "Takes {nargs} values but 1 was given.": "Cần {nargs} giá trị nhưng chỉ có 1.",
    "Takes {nargs} values but {len} were given.": "Cần {nargs} giá trị nhưng có {len}.",
    "{len_type} values are required, but {len_value} was given.": (
        "Cần {len_type} giá trị nhưng có {len_value}."
    ),
    "{len_type} values are required, but {len_value} were given.": (
        "Cần {len_type} giá trị nhưng có {len_value}."
    ),
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Lưu ý: lệnh {name!r} không còn được dùng.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Lưu ý: {name!r} không còn được dùng.{extra_message}"
    ),
    # bad values
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "{value!r} is not {choice}.": "{value!r} không phải giá trị được phép; chỉ dùng được {choice}.",
    "{value!r} is not one of {choices}.": (
        "{value!r} không phải giá trị được phép; chọn một trong các giá trị: {choices}."
    ),
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value!r} does not match the format {format}.": "{value!r} không đúng dạng {format}.",
    "{value!r} does not match the formats {formats}.": (
        "{value!r} không đúng dạng nào trong các dạng {formats}."
    ),
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng cho phép ({range}).",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là số hợp lệ.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} không phải giá trị có/không hợp lệ. Các giá trị dùng được: {states}"
    ),
    "{value!r} is not a valid UUID.": "{value!r} không phải mã UUID hợp lệ.",
    # paths ({name} is click's English "file" / "directory" / "path", title-cased: left out)
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "{name} {filename!r} does not exist.": "không tìm thấy {filename!r}.",
    "{name} {filename!r} is a file.": "{filename!r} là một tệp, không phải thư mục.",
    "{name} {filename!r} is a directory.": "{filename!r} là một thư mục, không phải tệp.",
    "{name} {filename!r} is not readable.": "không có quyền đọc {filename!r}.",
    "{name} {filename!r} is not writable.": "không có quyền ghi vào {filename!r}.",
    "{name} {filename!r} is not executable.": "không có quyền chạy {filename!r}.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "unknown error": "lỗi không rõ nguyên nhân",
    # prompts
    "Aborted!": "Đã dừng.",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai lần nhập không khớp nhau.",
    "Error: invalid input": "Lỗi: giá trị nhập không hợp lệ.",
    "Press any key to continue...": "Bấm phím bất kỳ để tiếp tục…",
}

# The click modules whose ``_`` / ``ngettext`` carry text a user can see.
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


def translate(message: str) -> str:
    """click's gettext: the Vietnamese of a sentence click shows (unknown ones unchanged)."""
    return CLICK_TEXT.get(message, message)


def ntranslate(singular: str, plural: str, n: int) -> str:
    """click's ngettext."""
    return translate(singular if n == 1 else plural)


def install() -> None:
    """Make click speak Vietnamese; call before any command or option is declared (the
    default help text and the path type's name are read when they are made)."""
    import importlib

    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ntranslate  # type: ignore[attr-defined]


# --- dates ---------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
DATE_FORMATS = "YYYY-MM-DD hoặc dd/mm/yyyy"


def date_problem(year: int, month: int, day: int) -> str | None:
    """Why year-month-day is not a day of the calendar, in Vietnamese; None if it is one."""
    if not 1 <= year <= 9999:
        return f"không có năm {year}"
    if not 1 <= month <= 12:
        return f"không có tháng {month}, tháng chỉ từ 1 đến 12"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"tháng {month}/{year} chỉ có {days} ngày"
    return None


class DateType(click.ParamType):
    """A day typed as YYYY-MM-DD or dd/mm/yyyy; gives a :class:`datetime.date`."""

    name = "ngày"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "NGÀY"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if m := _ISO.fullmatch(text):
            year, month, day = (int(g) for g in m.groups())
        elif m := _DMY.fullmatch(text):
            day, month, year = (int(g) for g in m.groups())
        else:
            self.fail(f"ngày phải có dạng {DATE_FORMATS}.", param, ctx)
        problem = date_problem(year, month, day)
        if problem is not None:
            self.fail(f"ngày {text} không có thật ({problem}).", param, ctx)
        return date(year, month, day)


# --- operating-system errors ---------------------------------------------------------------

_REASONS = {
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "hệ điều hành không cho phép",
    errno.EEXIST: "đã có một tệp hoặc thư mục trùng tên",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc, không cho ghi",
    errno.ENAMETOOLONG: "tên quá dài",
    errno.EINVAL: "tên có ký tự không dùng được",
    errno.EBUSY: "đang bị một chương trình khác dùng",
    errno.ELOOP: "đường dẫn vòng lặp qua liên kết",
}


def error_path(exc: OSError) -> Path | None:
    """The path an OS error names, if it names one."""
    name = exc.filename
    if isinstance(name, str | bytes | os.PathLike):
        return Path(os.fsdecode(name))
    return None


def os_error_reason(exc: OSError) -> str:
    """Why an operation on a path failed, in Vietnamese (never the system's English text)."""
    path = error_path(exc)
    if exc.errno == errno.ENOTDIR and path is not None:
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            return f"{blocker} là một tệp, không phải thư mục"
        return "một phần của đường dẫn là tệp, không phải thư mục"
    if exc.errno == errno.ENOENT and path is not None:
        missing = next((p for p in reversed(path.parents) if not p.exists()), None)
        if missing is not None:
            return f"thư mục {missing} không tồn tại"
        return "không tồn tại"
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    code = getattr(exc, "winerror", None) or exc.errno
    return f"hệ điều hành báo lỗi số {code}" if code else "hệ điều hành báo lỗi"


def os_error_message(exc: OSError) -> str | None:
    """One Vietnamese sentence for an OS error on a path; None when it names no path."""
    path = error_path(exc)
    if path is None:
        return None
    return f"Không dùng được {path}: {os_error_reason(exc)}."
