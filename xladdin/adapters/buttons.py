"""Ribbon buttons (xlwings ``RunPython`` targets), one function per entry of
:data:`xladdin.core.ribbon.BUTTONS`.

Each button gets the calling workbook (``xw.Book.caller()``, or a book passed in by tests),
wraps it in the Excel backend (:class:`~xladdin.book.excel.ExcelBook`), runs the same command
as the CLI and the jobs (:mod:`xladdin.commands`) and shows the command's message, or the
error's, in a message box. No traceback ever reaches the user.

RunPython starts a fresh interpreter per click, so pandas, pandera and friends are imported
inside the functions, never at module level.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

TITLE = "Theo dõi nhiệm vụ"


def _button(book: Any | None, action: Callable[[Any], str]) -> str:
    """Run one button on an :class:`ExcelBook`; its message, or the error's, in a message box."""
    from ..book.excel import ExcelBook
    from ..core.errors import TheoDoiError

    if book is None:
        import xlwings as xw

        book = xw.Book.caller()
    try:
        message = action(ExcelBook(book))
    except TheoDoiError as exc:
        message = exc.user_message()
    except Exception as exc:  # the last line of defence: staff must never see a traceback
        message = (
            f"Lỗi không mong đợi: {type(exc).__name__}: {exc}\n"
            "Hãy chạy lệnh tương ứng “theodoi … --debug” và báo cho bộ phận kỹ thuật."
        )
    book.app.alert(message, title=TITLE)
    return message


def _now(now: datetime | None) -> datetime:
    return now or datetime.now().replace(microsecond=0)


def import_appendix(book: Any | None = None, *, now: datetime | None = None) -> str:
    def action(b: Any) -> str:
        from ..commands import plan

        parsed = plan.read_plan(plan.newest_plan(b.workspace.root))
        return plan.message(plan.run(b, parsed, now=_now(now)))

    return _button(book, action)


def validate(book: Any | None = None, *, today: date | None = None) -> str:
    def action(b: Any) -> str:
        from ..commands import validate

        return validate.message(validate.run(b, today or date.today()).findings)

    return _button(book, action)


def recalc(
    book: Any | None = None, *, today: date | None = None, now: datetime | None = None
) -> str:
    def action(b: Any) -> str:
        from ..commands import recalc

        outcome = recalc.run(b, today or date.today(), now)
        return recalc.message(outcome.result, outcome.change)

    return _button(book, action)


def close_period(
    book: Any | None = None, *, today: date | None = None, now: datetime | None = None
) -> str:
    def action(b: Any) -> str:
        from ..commands import history

        at = _now(now)
        return history.message(history.run(b, today or at.date(), at))

    return _button(book, action)


def make_forms(book: Any | None = None, *, now: datetime | None = None) -> str:
    def action(b: Any) -> str:
        from ..commands import forms

        return forms.message(*forms.run(b, now=now))

    return _button(book, action)


def send_forms(book: Any | None = None, *, now: datetime | None = None) -> str:
    """Forms and cover letters, then a box asking to send (how many mails to whom)."""
    if book is None:
        import xlwings as xw

        book = xw.Book.caller()
    xl = book

    def confirm(question: str) -> bool:
        return bool(xl.app.alert(question, title=TITLE, buttons="ok_cancel") == "ok")

    def action(b: Any) -> str:
        from ..commands import mail_batches

        return mail_batches.send_forms_confirmed(b, confirm, now=now)

    return _button(xl, action)


def merge_returns(
    book: Any | None = None, *, today: date | None = None, now: datetime | None = None
) -> str:
    def action(b: Any) -> str:
        from ..commands import merge

        at = _now(now)
        return merge.message(merge.run(b, today=today or at.date(), now=at))

    return _button(book, action)


def make_letters(book: Any | None = None) -> str:
    def action(b: Any) -> str:
        from ..commands import letters

        return letters.message(letters.run(b))

    return _button(book, action)


def open_folder(book: Any | None = None) -> str:
    def action(b: Any) -> str:
        folder = Path(b.xl.fullname).parent
        if sys.platform.startswith("win"):
            os.startfile(folder)  # type: ignore[attr-defined]  # Windows only
        elif sys.platform == "darwin":
            subprocess.Popen(["open", str(folder)])
        return f"Thư mục làm việc: {folder}"

    return _button(book, action)


def check_setup(book: Any | None = None) -> str:
    def action(b: Any) -> str:
        from ..commands import doctor

        return doctor.message(doctor.run(b))

    return _button(book, action)


def show_help(book: Any | None = None) -> str:
    def action(b: Any) -> str:
        from ..core.ribbon import help_text

        return help_text()

    return _button(book, action)
