"""The mail options of ``theodoi forms``, ``letters`` and ``merge``, and ``theodoi config``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .cli_run import console

SEND_HELP = (
    "Gửi thư điện tử cho từng cơ quan (địa chỉ ở trang “Cơ quan”). Lần gửi đầu tiên của kỳ "
    "chỉ xem trước: thư được ghi vào outbox/<kỳ>/thu/, chạy lại lệnh để gửi thật."
)
DRY_RUN_HELP = "Chỉ xem trước: ghi thư thành tệp .eml trong outbox/<kỳ>/thu/, không gửi."
RESEND_HELP = (
    "Gửi lại cả thư “chưa rõ đã gửi chưa” (lần gửi trước bị dừng giữa chừng), sau khi đã "
    "kiểm tra thư mục Thư đã gửi."
)


def mail_options(send_flag: str = "--send", send_help: str = SEND_HELP) -> Callable[[Any], Any]:
    """``--send``, ``--dry-run`` and ``--gui-lai-chua-ro`` on a command."""

    def decorate(f: Any) -> Any:
        f = click.option("--gui-lai-chua-ro", "resend", is_flag=True, help=RESEND_HELP)(f)
        f = click.option("--dry-run", "dry_run", is_flag=True, help=DRY_RUN_HELP)(f)
        return click.option(send_flag, "send", is_flag=True, help=send_help)(f)

    return decorate


def wanted(send: bool, dry_run: bool) -> tuple[bool, bool | None]:
    """(mail at all, the ``dry_run`` argument of the library: True, or None = previewed first)."""
    if dry_run:
        return True, True
    return send, None


def print_sent(outcome: Any) -> None:
    for line in outcome.lines():
        console.print(line, markup=False, highlight=False)
