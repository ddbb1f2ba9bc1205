"""The mail options of ``theodoi forms``, ``letters`` and ``merge``, and ``theodoi config``
(registered by :mod:`.cli`, which adds ``--debug``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .cli_run import console

FILE = click.Path(path_type=Path, dir_okay=False)
WORKBOOK_OPTION = click.option(
    "--workbook",
    "-w",
    type=FILE,
    metavar="TỆP",
    default=None,
    help="Sổ theo dõi (.xlsm). Mặc định: sổ trong thư mục làm việc hiện tại.",
)

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


@click.argument("key", metavar="[KHÓA]", required=False)
@click.argument("value", metavar="[GIÁ_TRỊ]", required=False)
@click.option(
    "--agency",
    metavar="MÃ",
    default=None,
    help="Đọc (hoặc đặt, khi có KHÓA là địa chỉ thư) địa chỉ thư của cơ quan có mã này ở trang "
    "“Cơ quan”; nhiều địa chỉ cách nhau bởi dấu ;.",
)
@WORKBOOK_OPTION
def config_cmd(
    key: str | None, value: str | None, agency: str | None, workbook: Path | None
) -> None:
    """Xem hoặc sửa trang “Cấu hình” và địa chỉ thư của cơ quan, không cần mở Excel.

    Không đối số: mọi tham số. KHÓA: một tham số (khóa ở cột “Khóa (không sửa)” hoặc tên
    tham số). KHÓA GIÁ_TRỊ: đặt giá trị (có sao lưu, ghi an toàn như mọi lần ghi sổ).
    Ví dụ: theodoi config smtp_host mail.dienbien.dcs.vn; theodoi config --agency btc
    btc@dienbien.dcs.vn."""
    from ..commands import config as settings
    from ..core.errors import UsageError

    if agency is not None:
        if value is not None:
            raise UsageError("Với --agency chỉ ghi một địa chỉ thư (hoặc không ghi gì để xem).")
        code, name, email = settings.agency_email(agency, key, workbook=workbook)
        verb = "Đã đặt" if key is not None else "Địa chỉ thư của"
        console.print(f"{verb} {name} ({code}): {email or '(chưa có)'}", markup=False)
        return
    if key is not None and value is not None:
        k, label, v = settings.set_one(key, value, workbook=workbook)
        console.print(f"Đã đặt “{label}” ({k}) = {v or '(để trống)'}", markup=False)
        return
    for k, label, v in settings.show_config(key, workbook=workbook):
        console.print(f"{k}\t{label}\t{v}", markup=False, highlight=False)
