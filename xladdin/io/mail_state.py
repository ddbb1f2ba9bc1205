"""The mailbox job's memory: ``<workspace>/.theodoi-mail.json``, beside the tracker.

It records every message the job has taken from the server (by SHA-256 of its raw bytes and
by Message-ID) and every UID it has looked at, so that a message is never merged twice: not when
the server marks it unread again, not when a copy arrives under another UID, not after a crash
or a restart. A message is recorded as ``collected`` before its returns are merged and becomes
``processed`` or ``rejected`` once it has been moved on the server; ``skipped`` messages carry
no return and ``repeat`` ones are copies of a message handled before.

Writes are atomic (temp file, then replace), under a lock file, like the tracker's.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..core.errors import WorkbookBusyError, WorkspaceError
from . import files

STATE_NAME = ".theodoi-mail.json"
VERSION = 1
COLLECTED, PROCESSED, REJECTED, SKIPPED, REPEAT = (
    "collected",
    "processed",
    "rejected",
    "skipped",
    "repeat",
)


@dataclass
class MailRecord:
    sha256: str
    message_id: str
    mailbox: str  # "user@host:port/folder" it was found in
    uidvalidity: int
    uid: int
    status: str
    subject: str = ""
    sender: str = ""
    files: list[str] = field(default_factory=list)  # relative to the workspace when inside it
    reasons: list[str] = field(default_factory=list)
    collected_at: str = ""
    finished_at: str = ""
    moved_to: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MailRecord:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class MailState:
    path: Path
    records: dict[str, MailRecord] = field(default_factory=dict)  # by sha256
    uids: dict[str, set[int]] = field(default_factory=dict)  # "mailbox#uidvalidity" → UIDs

    @classmethod
    def load(cls, path: Path) -> MailState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as exc:
            # Starting afresh could move or report messages a second time: a person decides.
            raise WorkspaceError(
                f"Tệp trạng thái hộp thư {path} bị hỏng, không đọc được ({type(exc).__name__}). "
                "Khôi phục tệp từ bản sao lưu, hoặc xóa tệp nếu chắc chắn các thư chưa đọc trong "
                "hộp thư đều chưa được tổng hợp."
            ) from exc
        records = {
            r["sha256"]: MailRecord.from_json(r) for r in data.get("messages", []) if "sha256" in r
        }
        uids = {k: {int(u) for u in v} for k, v in data.get("uids", {}).items()}
        return cls(path, records, uids)

    def save(self) -> None:
        data = {
            "version": VERSION,
            "messages": [asdict(r) for r in self.records.values()],
            "uids": {k: sorted(v) for k, v in sorted(self.uids.items())},
        }
        text = json.dumps(data, ensure_ascii=False, indent=1)
        files.atomic_write(self.path, (text + "\n").encode("utf-8"))

    # -- queries and updates ---------------------------------------------------------------
    @staticmethod
    def uid_key(mailbox: str, uidvalidity: int) -> str:
        return f"{mailbox}#{uidvalidity}"

    def known_uids(self, mailbox: str, uidvalidity: int) -> set[int]:
        return self.uids.get(self.uid_key(mailbox, uidvalidity), set())

    def note_uid(self, mailbox: str, uidvalidity: int, uid: int) -> None:
        self.uids.setdefault(self.uid_key(mailbox, uidvalidity), set()).add(uid)

    def find(self, sha256: str, message_id: str) -> MailRecord | None:
        """The record of the same bytes, else of the same Message-ID (a re-sent copy)."""
        if sha256 in self.records:
            return self.records[sha256]
        if message_id:
            for rec in self.records.values():
                if rec.message_id == message_id and rec.status != REPEAT:
                    return rec
        return None

    def add(self, record: MailRecord) -> None:
        self.records[record.sha256] = record
        self.note_uid(record.mailbox, record.uidvalidity, record.uid)

    def pending(self) -> list[MailRecord]:
        """Collected but not yet moved on the server (an earlier run stopped in between)."""
        return [r for r in self.records.values() if r.status == COLLECTED]


def state_path(root: Path) -> Path:
    return Path(root) / STATE_NAME


@contextlib.contextmanager
def locked_state(root: Path, *, timeout: float = 120.0) -> Iterator[MailState]:
    """The state under its lock; saved on the way out, also when the body fails half-way,
    so that what was done on the server before the failure is remembered."""
    path = state_path(root)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(files.file_lock(path, timeout=timeout))
        except WorkbookBusyError:
            raise WorkbookBusyError(
                "Một lần thu phiếu từ hộp thư khác đang chạy; lần này bỏ qua, hãy thử lại sau."
            ) from None
        state = MailState.load(path)
        try:
            yield state
        finally:
            state.save()
