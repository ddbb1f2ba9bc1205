"""The record of mail sent: ``SoGuiThu.csv`` in the outbox folder, one row per step.

Every message has a key (kind, period, agency, and for an acknowledgement the hash of the
return it answers). Sending one message writes two rows: "đang gửi" (the intent, with its
Message-ID) before the message goes to the server, then "đã gửi" with the server's reply once
the server has accepted it, or "lỗi" with the cause when it did not. Each row is written on
its own (the whole file rewritten atomically and fsynced, :func:`xladdin.io.files.atomic_write`),
so a crash leaves at most one message with an intent and no outcome.

Re-running sends only the keys without an "đã gửi" row. A key whose last row is "đang gửi"
(the process died between handing the message to the server and reading its reply) is *not*
sent again on its own: the server may have taken it, and an official letter must not arrive
twice. It is listed as "chưa rõ đã gửi chưa"; ``--gui-lai-chua-ro`` sends it again after a
person has checked (the Sent folder of the account, or by phone). A "lỗi" row means the
server did not accept the message, so it is sent again.

A CSV (UTF-8 with BOM) like the forms ledger, so Excel opens it as it is.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.errors import WorkbookBusyError
from . import files

LEDGER_NAME = "SoGuiThu.csv"
HEADER = (
    "Thời gian",
    "Mã thư",
    "Loại thư",
    "Kỳ báo cáo",
    "Cơ quan",
    "Người nhận",
    "Message-ID",
    "Trạng thái",
    "Trả lời của máy chủ",
)
SENDING, SENT, FAILED = "đang gửi", "đã gửi", "lỗi"


@dataclass(frozen=True)
class LedgerRow:
    time: datetime
    key: str
    kind: str
    period: str
    agency: str
    recipients: str
    message_id: str
    status: str
    reply: str = ""


def read_ledger(folder: Path) -> list[LedgerRow]:
    """Every row, oldest first; a row a person mangled in Excel is skipped."""
    try:
        text = (Path(folder) / LEDGER_NAME).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    out = []
    for row in list(csv.reader(io.StringIO(text)))[1:]:
        if len(row) < len(HEADER):
            continue
        try:
            when = datetime.fromisoformat(row[0].strip())
        except ValueError:
            continue
        out.append(LedgerRow(when, *(c.strip() for c in row[1:9])))
    return out


def _write(folder: Path, rows: list[LedgerRow]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow(
            [
                r.time.isoformat(timespec="seconds"),
                r.key,
                r.kind,
                r.period,
                r.agency,
                files.csv_cell(r.recipients),
                r.message_id,
                r.status,
                files.csv_cell(r.reply),
            ]
        )
    files.atomic_write(
        Path(folder) / LEDGER_NAME,
        ("\ufeff" + buf.getvalue()).encode("utf-8"),
        unwritten="chưa ghi sổ gửi thư; dừng gửi để không gửi trùng",
    )


class Ledger:
    """The ledger of one outbox folder, held under its lock for a batch of sends."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.rows = read_ledger(self.folder)

    def state(self, key: str) -> str:
        """ "đã gửi" once any send of ``key`` was accepted; else its last status; "" if none."""
        last = ""
        for r in self.rows:
            if r.key == key:
                if r.status == SENT:
                    return SENT
                last = r.status
        return last

    def append(self, row: LedgerRow) -> None:
        self.rows.append(row)
        _write(self.folder, self.rows)


@contextlib.contextmanager
def locked_ledger(folder: Path, *, timeout: float = 120.0) -> Iterator[Ledger]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(files.file_lock(folder / LEDGER_NAME, timeout=timeout))
        except WorkbookBusyError:
            raise WorkbookBusyError(
                "Một lần gửi thư khác đang chạy; lần này không gửi, hãy thử lại sau."
            ) from None
        yield Ledger(folder)
