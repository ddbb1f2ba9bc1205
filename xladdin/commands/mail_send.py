"""Sending the office's mail: preview to ``outbox/<period>/thu/`` or send through SMTP.

One call for every kind (forms, reminders, acknowledgements): the messages are composed
first (:mod:`xladdin.core.mail_compose`), then :func:`deliver` previews or sends those not
sent yet according to the ledger (:mod:`xladdin.io.mail_ledger`), at most "Số thư gửi tối đa
mỗi lần" per run with "Số giây nghỉ giữa hai thư" between two. The first send of a period is a
preview unless one was made already: nothing leaves the machine before someone has seen it.
A failure stops the batch (the connection is usually gone); what was accepted is recorded,
and the next run sends the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from ..core.errors import MailboxError
from ..core.letterhead import office_in_place
from ..core.mail_compose import (
    KIND_ACK,
    KIND_LABELS,
    OutgoingMail,
    Unaddressed,
    build_message,
    from_preview,
)
from ..io import files
from ..io.letters_io import OVERRIDE_FOLDER
from ..io.mail_ledger import FAILED, SENDING, SENT, LedgerRow, locked_ledger, read_ledger
from ..io.smtp_io import SmtpSession, SmtpSettings, open_smtp
from ..io.workspace import Workspace, bundled

PREVIEW_DIR = "thu"
TEMPLATE_PACKAGE = "xladdin._templates"


def template_text(name: str, root: Path | None) -> str:
    """The workspace's own ``templates/<name>.txt.j2`` if there is one, else the bundled one."""
    file_name = f"{name}.txt.j2"
    if root is not None:
        own = Path(root) / OVERRIDE_FOLDER / file_name
        if own.is_file():
            return own.read_text(encoding="utf-8")
    return bundled(TEMPLATE_PACKAGE, file_name).read_text(encoding="utf-8")


def wire_bytes(msg: EmailMessage) -> bytes:
    """The message as smtplib puts it on the wire (CRLF line ends): also the preview file."""
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


@dataclass
class SendOutcome:
    kind: str
    dry_run: bool
    preview_dir: Path | None = None
    previewed: list[Path] = field(default_factory=list)
    sent: list[OutgoingMail] = field(default_factory=list)
    already: list[OutgoingMail] = field(default_factory=list)  # sent by an earlier run
    unconfirmed: list[OutgoingMail] = field(default_factory=list)  # see mail_ledger
    deferred: list[OutgoingMail] = field(default_factory=list)  # over the per-run cap
    failed: list[tuple[OutgoingMail, str]] = field(default_factory=list)
    not_tried: list[OutgoingMail] = field(default_factory=list)  # after a failure
    unaddressed: list[Unaddressed] = field(default_factory=list)
    first_preview: bool = False  # a send asked for, previewed first

    def lines(self) -> list[str]:
        label = KIND_LABELS.get(self.kind, "thư")
        out: list[str] = []
        if self.dry_run:
            why = " (lần gửi đầu tiên của kỳ luôn xem trước)" if self.first_preview else ""
            out.append(
                f"Xem trước{why}: đã ghi {len(self.previewed)} {label} vào thư mục "
                f"{self.preview_dir}; chưa gửi thư nào."
            )
            out += [f"• {p.name}" for p in self.previewed[:20]]
            if len(self.previewed) > 20:
                out.append(f"… và {len(self.previewed) - 20} thư khác.")
            if self.previewed:
                out.append("Kiểm tra các thư, rồi chạy lại lệnh với --send để gửi.")
        else:
            out.append(f"Đã gửi {len(self.sent)} {label}.")
            out += [f"• {m.agency_name}: {', '.join(m.to)}" for m in self.sent[:20]]
        if self.already:
            out.append(f"{len(self.already)} thư đã gửi ở lần trước nên không gửi lại.")
        for m in self.unconfirmed:
            out.append(
                f"Chưa rõ thư gửi {m.agency_name} ({', '.join(m.to)}) đã đến máy chủ chưa (lần "
                "gửi trước bị dừng giữa chừng) nên không gửi lại. Kiểm tra thư mục Thư đã gửi "
                "của tài khoản; nếu chưa gửi, chạy lại với --gui-lai-chua-ro."
            )
        if self.deferred:
            out.append(
                f"{len(self.deferred)} thư vượt số thư gửi tối đa mỗi lần, sẽ gửi ở lần chạy sau."
            )
        for m, cause in self.failed:
            out.append(f"Không gửi được thư cho {m.agency_name}: {cause}")
        if self.not_tried:
            out.append(f"{len(self.not_tried)} thư chưa gửi vì lỗi trên; chạy lại để gửi tiếp.")
        for u in self.unaddressed:
            out.append(f"Không gửi thư cho {u.agency_name or u.agency_code}: {u.reason}.")
        return out

    def message(self) -> str:
        return "\n".join(self.lines())


SessionFactory = Callable[[SmtpSettings], AbstractContextManager[SmtpSession]]


def deliver(
    ws: Workspace,
    config: dict[str, str],
    kind: str,
    mails: Sequence[OutgoingMail],
    unaddressed: Sequence[Unaddressed] = (),
    *,
    dry_run: bool | None = None,
    resend_unconfirmed: bool = False,
    now: datetime | None = None,
    connect: SessionFactory = open_smtp,
    sleep: Callable[[float], None] = time.sleep,
) -> SendOutcome:
    """Preview or send ``mails`` (all of one kind).

    ``dry_run``: True previews, False sends, None (a send asked for) previews when no
    preview nor send of these mails' periods was made before, else sends."""
    settings = SmtpSettings.from_config(config)
    now = (now or datetime.now()).replace(microsecond=0)
    outbox = ws.folder(config, "outbox_dir")
    periods = sorted({m.period for m in mails})
    first = dry_run is None and not _seen_before(outbox, kind, periods)
    preview = bool(dry_run) or first
    outcome = SendOutcome(kind, preview, unaddressed=list(unaddressed), first_preview=first)
    sender = settings.sender or "nguoi-gui@chua-cau-hinh.invalid"
    name = office_in_place(config)  # "Văn phòng Tỉnh ủy Điện Biên"
    if not preview:
        settings.require()
    with locked_ledger(outbox) as ledger:
        pending = []
        for m in mails:
            state = ledger.state(m.key)
            if state == SENT:
                outcome.already.append(m)
            elif state == SENDING and not resend_unconfirmed:
                outcome.unconfirmed.append(m)
            else:
                pending.append(m)
        if preview:
            # Acknowledgements of one merge may answer returns of several periods: they are
            # previewed beside the first (the merge's own period comes first, mail_batches).
            folder = outbox / (periods[0] if periods else "") / PREVIEW_DIR
            outcome.preview_dir = folder
            folder.mkdir(parents=True, exist_ok=True)
            for m in pending:
                path = folder / f"{m.file_stem()}.eml"
                files.atomic_write(path, wire_bytes(build_message(m, sender, name, now)))
                outcome.previewed.append(path)
            return outcome
        pending, outcome.deferred = pending[: settings.max_per_run], pending[settings.max_per_run :]
        if not pending:
            return outcome
        with connect(settings) as session:
            for i, m in enumerate(pending):
                when = datetime.now().replace(microsecond=0)
                msg = build_message(m, settings.sender, name, when)
                row = dict(
                    kind=m.kind,
                    period=m.period,
                    agency=m.agency_code,
                    recipients="; ".join(m.to),
                    message_id=str(msg["Message-ID"]),
                )
                ledger.append(LedgerRow(when, m.key, status=SENDING, **row))
                try:
                    reply = session.send(msg, m.to)
                except MailboxError as exc:
                    ledger.append(
                        LedgerRow(datetime.now(), m.key, status=FAILED, reply=str(exc), **row)
                    )
                    outcome.failed.append((m, exc.user_message()))
                    outcome.not_tried = list(pending[i + 1 :])
                    break
                ledger.append(
                    LedgerRow(
                        datetime.now().replace(microsecond=0),
                        m.key,
                        status=SENT,
                        reply=reply,
                        **row,
                    )
                )
                outcome.sent.append(m)
                if i + 1 < len(pending) and settings.pause:
                    sleep(settings.pause)
    return outcome


def _seen_before(outbox: Path, kind: str, periods: Sequence[str]) -> bool:
    """Whether mail of ``kind`` for these periods was previewed or sent before."""
    if any(r.kind == kind and r.period in periods for r in read_ledger(outbox)):
        return True
    return any(any((outbox / p / PREVIEW_DIR).glob(f"{kind}_*.eml")) for p in periods)


def queued(outbox: Path, period: str) -> list[OutgoingMail]:
    """The acknowledgements previewed in ``outbox/<period>/thu/`` (sent or not: the ledger
    decides). Replies answer returns that a merge has filed away, so unlike forms and letters
    they cannot be made again: their preview files are the queue."""
    import email
    import email.policy

    out = []
    for path in sorted((outbox / period / PREVIEW_DIR).glob(f"{KIND_ACK}_*.eml")):
        try:
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        except (OSError, ValueError):
            continue
        if isinstance(msg, EmailMessage) and (mail := from_preview(msg)) is not None:
            out.append(mail)
    return out


def would_send(
    ws: Workspace, config: dict[str, str], kind: str, mails: Sequence[OutgoingMail]
) -> tuple[list[OutgoingMail], bool]:
    """What :func:`deliver` with ``dry_run=None`` would do, read without the ledger's lock: the
    mails not sent yet, and whether they would only be previewed (the first send of a
    period). For a confirmation box before the send."""
    outbox = ws.folder(config, "outbox_dir")
    ledger = read_ledger(outbox)
    sent = {r.key for r in ledger if r.status == SENT}
    periods = sorted({m.period for m in mails})
    return [m for m in mails if m.key not in sent], not _seen_before(outbox, kind, periods)
