"""Ribbon buttons (xlwings ``RunPython`` targets), one function per button.

Each function gets the calling workbook (``xw.Book.caller()``, or a book passed in
by tests), calls the library and ends with a Vietnamese message box. RunPython
starts a fresh interpreter per click, so heavy libraries are imported lazily.
Buttons whose feature is not wired to the open workbook yet say so plainly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

TITLE = "Theo dõi nhiệm vụ"


def _book(book: Any | None) -> Any:
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def _alert(book: Any, message: str) -> None:
    book.app.alert(message, title=TITLE)


def _not_yet(book: Any | None, feature: str, command: str) -> None:
    b = _book(book)
    _alert(
        b,
        f"Nút “{feature}” chưa được nối với sổ đang mở trong phiên bản này.\n"
        f"Tạm thời hãy đóng sổ rồi chạy lệnh: {command}",
    )


def import_appendix(book: Any | None = None) -> None:
    _not_yet(book, "Nhập phụ lục", "theodoi import KE_HOACH.docx --workbook <sổ theo dõi>")


def validate(book: Any | None = None) -> None:
    _not_yet(book, "Kiểm tra dữ liệu", "(chưa có; sẽ có ở bản sau)")


def recalc(book: Any | None = None) -> None:
    _not_yet(book, "Tính tiến độ", "(chưa có; sẽ có ở bản sau)")


def make_forms(book: Any | None = None) -> None:
    _not_yet(book, "Tạo phiếu báo cáo", "(chưa có; sẽ có ở bản sau)")


def merge_returns(book: Any | None = None) -> None:
    _not_yet(book, "Tổng hợp phiếu", "(chưa có; sẽ có ở bản sau)")


def make_letters(book: Any | None = None) -> None:
    _not_yet(book, "Tạo công văn", "(chưa có; sẽ có ở bản sau)")


def open_folder(book: Any | None = None) -> None:
    b = _book(book)
    folder = Path(b.fullname).parent
    if sys.platform.startswith("win"):
        os.startfile(folder)  # type: ignore[attr-defined]  # Windows only
    elif sys.platform == "darwin":
        subprocess.Popen(["open", str(folder)])
    _alert(b, f"Thư mục làm việc: {folder}")


HELP = (
    "Thẻ “Theo dõi nhiệm vụ”:\n"
    "• Nhập phụ lục: đọc bảng phụ lục từ tệp kế hoạch Word.\n"
    "• Kiểm tra dữ liệu: tìm ô nhập sai, liệt kê ở trang “Kiểm tra”.\n"
    "• Tính tiến độ: tính lại tiến độ, cập nhật trang “Tổng hợp”.\n"
    "• Tạo phiếu báo cáo / Tổng hợp phiếu: gửi và nhận phiếu của các cơ quan.\n"
    "• Tạo công văn: đề nghị báo cáo, đôn đốc, báo cáo tổng hợp.\n"
    "Mọi nút đều có lệnh tương ứng “theodoi …” chạy không cần Excel (xem README)."
)


def show_help(book: Any | None = None) -> None:
    _alert(_book(book), HELP)
