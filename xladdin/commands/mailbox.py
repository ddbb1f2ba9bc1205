"""Returns by e-mail: the scheduled job's mailbox step, in two calls around the merge.

1. :func:`collect_mail` takes the unread messages of the configured IMAP folder that carry a
   return (an attachment ending .xlsx, .xlsm, .xls, .zip, .eml or .msg), saves each as
   ``<inbox>/mail_<uid>_<hash>.eml`` (an attached .eml/.msg as a file of its own) and records
   it in the workspace's mail state file *before* anything is merged.
2. The job merges the inbox (``xladdin.commands.merge.merge_returns``) as for files dropped there by hand.
3. :func:`finish_mail` looks up the merge results of each message's files and moves the
   message to the "processed" folder when all its returns were accepted (or were already
   merged), else to the "rejected" folder, marks it read and records that.

A message is never merged twice: the state file remembers every message by SHA-256 and
Message-ID and every UID looked at, so a message marked unread again, a copy under another
UID, or a run after a crash between the steps is recognised; the merge itself also refuses
a return whose file hash it has merged before. A run that stops after step 1 leaves its
messages "collected": the next run hands them to :func:`finish_mail` again (their files are
still in the inbox, or already filed in the archive by the merge that did run).

Messages without a return are left where they are, unread, so that a person still sees them
(the mailbox may also receive other mail); they are recorded and not downloaded again.
Replies to the sender are not sent.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.model import nfc
from ..io import files
from ..io.imap_io import (
    Credentials,
    MailSettings,
    credentials,
    ensure_folder,
    exists,
    move_message,
    open_mailbox,
    select,
)
from ..io.mail_state import (
    COLLECTED,
    PROCESSED,
    REJECTED,
    SKIPPED,
    MailRecord,
    MailState,
    locked_state,
)
from ..io.return_io import MAX_FILE, WORKBOOK_SUFFIXES
from ..io.workspace import Workspace

if TYPE_CHECKING:
    from imapclient import IMAPClient

    from ..core.merge import ReturnResult
    from .merge import MergeOutcome

MESSAGE_SUFFIXES = (".eml", ".msg")
RETURN_SUFFIXES = (*WORKBOOK_SUFFIXES, ".zip", *MESSAGE_SUFFIXES)
MAX_PER_RUN = 200  # a first run on a busy mailbox takes its unread mail in portions
PENDING = "pending"
NO_RETURN = "không có phiếu báo cáo đính kèm (.xlsx, .xlsm, .xls, .zip, .eml, .msg)"
DONE_BEFORE = "đã xử lý ở lần thu trước"
MERGED_STATUSES = ("accepted", "duplicate")
HEADERS = email.policy.default  # decodes RFC 2047 subjects and sender names


@dataclass(frozen=True)
class MailItem:
    """A message whose returns were saved to the inbox for the merge."""

    uid: int
    message_id: str
    subject: str
    sender: str
    eml_path: Path | None  # the first file saved for it (None: refused before saving)
    paths: tuple[Path, ...] = ()  # every file saved: the message, attached .eml/.msg
    sha256: str = ""
    problem: str = ""  # refused without merging (too large)
    earlier: bool = False  # collected by an earlier run that stopped before finishing

    def title(self) -> str:
        return f"thư “{self.subject or '(không tiêu đề)'}” của {self.sender or '(không rõ)'}"


@dataclass(frozen=True)
class SkippedMail:
    uid: int
    message_id: str
    subject: str
    sender: str
    reason: str


@dataclass
class MailOutcome:
    enabled: bool = False
    host: str = ""
    folder: str = ""
    items: list[MailItem] = field(default_factory=list)
    skipped: list[SkippedMail] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the job log says about this collection, in Vietnamese."""
        if not self.enabled or not (self.items or self.skipped):
            return []  # a quiet mailbox does not fill the log every few minutes
        out = [
            f"Hộp thư {self.host}, thư mục “{self.folder}”: {len(self.items)} thư có phiếu, "
            f"{len(self.skipped)} thư để nguyên."
        ]
        out += [f"- Bỏ qua thư “{s.subject}” của {s.sender}: {s.reason}." for s in self.skipped]
        return out


@dataclass
class MailDisposition:
    """What :func:`finish_mail` did with one message."""

    item: MailItem
    status: str  # "processed", "rejected" or "pending" (its returns were not merged yet)
    reasons: list[str] = field(default_factory=list)
    moved_to: str = ""
    note: str = ""

    def describe(self) -> str:
        if self.status == PENDING:
            return f"{self.item.title()}: chưa tổng hợp, để lần sau."
        where = f"chuyển vào thư mục “{self.moved_to}”" if self.moved_to else self.note
        if self.status == PROCESSED:
            return f"{self.item.title()}: đã tổng hợp, {where}."
        return f"{self.item.title()}: bị từ chối ({'; '.join(self.reasons)}), {where}."


def mailbox_enabled(config: dict[str, str]) -> bool:
    return bool(nfc(config.get("imap_host")))


def mailbox_key(settings: MailSettings, creds: Credentials) -> str:
    return f"{creds.user}@{settings.host.lower()}:{settings.port}/{settings.folder}"


# -- step 1: collect -----------------------------------------------------------------------
def collect_mail(
    workspace: Workspace,
    config: dict[str, str],
    *,
    creds: Credentials | None = None,
    now: datetime | None = None,
    limit: int = MAX_PER_RUN,
) -> MailOutcome:
    """Save the returns of unread messages to the inbox; nothing is merged here."""
    settings = MailSettings.from_config(config)
    if not settings.enabled:
        return MailOutcome()
    creds = creds or credentials()
    stamp = (now or datetime.now()).isoformat(timespec="seconds")
    inbox = workspace.folder(config, "inbox_dir")
    outcome = MailOutcome(True, settings.host, settings.folder)
    key = mailbox_key(settings, creds)
    with locked_state(workspace.root) as state, open_mailbox(settings, creds) as client:
        validity = select(client, settings, settings.folder)
        outcome.items += [_item(workspace, r) for r in state.pending()]
        known = state.known_uids(key, validity)
        unseen = client.search(["UNSEEN", "UNDELETED"])
        new = [uid for uid in sorted(unseen) if uid not in known][:limit]
        sizes = client.fetch(new, ["RFC822.SIZE"]) if new else {}
        for uid in new:
            size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
            if size > MAX_FILE:
                item = _too_large(client, state, key, validity, uid, size, stamp)
                outcome.items.append(item)
                continue
            raw = _fetch(client, uid)
            if raw is None:
                continue  # deleted by someone else meanwhile
            _take(workspace, inbox, state, outcome, key, validity, uid, raw, stamp)
    return outcome


def _fetch(client: IMAPClient, uid: int) -> bytes | None:
    # BODY.PEEK leaves the message unread until it has been dealt with.
    data = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
    raw = data.get(b"BODY[]")
    return raw if isinstance(raw, bytes) else None


def _take(
    ws: Workspace,
    inbox: Path,
    state: MailState,
    outcome: MailOutcome,
    key: str,
    validity: int,
    uid: int,
    raw: bytes,
    stamp: str,
) -> None:
    sha = hashlib.sha256(raw).hexdigest()
    msg = email.message_from_bytes(raw, policy=HEADERS)
    message_id = _header(msg, "Message-ID")
    subject, sender = _header(msg, "Subject"), _header(msg, "From")
    earlier = state.find(sha, message_id)
    if earlier is not None:
        state.note_uid(key, validity, uid)
        if earlier.status == COLLECTED:
            # Seen again before its first run finished (UIDVALIDITY changed): follow the new UID.
            earlier.mailbox, earlier.uidvalidity, earlier.uid = key, validity, uid
            outcome.items = [i for i in outcome.items if i.sha256 != sha]
            outcome.items.append(_item(ws, earlier))
        else:
            reason = NO_RETURN if earlier.status == SKIPPED else DONE_BEFORE
            outcome.skipped.append(SkippedMail(uid, message_id, subject, sender, reason))
        return
    record = MailRecord(sha, message_id, key, validity, uid, COLLECTED, subject, sender)
    record.collected_at = stamp
    parts = _return_parts(msg, raw)
    if not parts:
        record.status, record.reasons = SKIPPED, [NO_RETURN]
        state.add(record)
        outcome.skipped.append(SkippedMail(uid, message_id, subject, sender, NO_RETURN))
        return
    inbox.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, (suffix, data) in enumerate(parts):
        name = f"mail_{uid}_{sha[:12]}{f'_{n}' if n else ''}{suffix}"
        files.atomic_write(inbox / name, data)
        paths.append(inbox / name)
    record.files = [_relative(ws, p) for p in paths]
    # Recorded before the merge: a crash from here on cannot make this message merge twice.
    state.add(record)
    state.save()
    outcome.items.append(_item(ws, record, earlier=False))


def _too_large(
    client: IMAPClient,
    state: MailState,
    key: str,
    validity: int,
    uid: int,
    size: int,
    stamp: str,
) -> MailItem:
    """Refused without downloading: the merge would refuse a file this large anyway."""
    problem = (
        f"thư quá lớn ({size / 1e6:.1f} MB, giới hạn {MAX_FILE / 1e6:.0f} MB) nên không tải về; "
        "đề nghị cơ quan gửi riêng phiếu báo cáo"
    )
    wanted = "HEADER.FIELDS (SUBJECT FROM MESSAGE-ID)"
    head = (
        client.fetch([uid], [f"BODY.PEEK[{wanted}]"]).get(uid, {}).get(f"BODY[{wanted}]".encode())
    )
    msg = email.message_from_bytes(head if isinstance(head, bytes) else b"", policy=HEADERS)
    message_id, subject, sender = (_header(msg, h) for h in ("Message-ID", "Subject", "From"))
    # No bytes were fetched: the UID stands in for the hash, the record is this message's.
    sha = f"uid:{key}#{validity}:{uid}"
    record = MailRecord(sha, message_id, key, validity, uid, COLLECTED, subject, sender)
    record.reasons, record.collected_at = [problem], stamp
    state.add(record)
    return MailItem(uid, message_id, subject, sender, None, (), sha, problem, earlier=False)


def _header(msg: Message, name: str) -> str:
    try:
        return nfc(msg.get(name, ""))
    except (ValueError, TypeError, IndexError, AttributeError, LookupError):
        return ""  # a malformed header is not a reason to drop the message


def _return_parts(msg: Message, raw: bytes) -> list[tuple[str, bytes]]:
    """The files to save for the merge: the message itself when it carries workbooks or zips
    directly, plus each attached message (.eml/.msg), which the merge reads on its own."""
    direct = False
    nested: list[tuple[str, bytes]] = []
    if not isinstance(msg, EmailMessage):
        return [(".eml", raw)]
    try:
        for part in msg.iter_attachments():
            name = (part.get_filename() or "").lower()
            if name.endswith((*WORKBOOK_SUFFIXES, ".zip")):
                direct = True
            elif part.get_content_type() == "message/rfc822":
                inner = part.get_payload(0)
                if isinstance(inner, Message):
                    nested.append((".eml", inner.as_bytes()))
            elif name.endswith(MESSAGE_SUFFIXES):
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    nested.append((Path(name).suffix, payload))
    except Exception:  # a damaged structure: let the merge's reader report what is wrong
        return [(".eml", raw)]
    return [(".eml", raw), *nested] if direct else nested


def _relative(ws: Workspace, path: Path) -> str:
    try:
        return path.resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _item(ws: Workspace, record: MailRecord, *, earlier: bool = True) -> MailItem:
    paths = tuple(ws.root / p for p in record.files)
    problem = "; ".join(record.reasons) if not paths else ""
    return MailItem(
        record.uid,
        record.message_id,
        record.subject,
        record.sender,
        paths[0] if paths else None,
        paths,
        record.sha256,
        problem,
        earlier,
    )


# -- step 3: finish ------------------------------------------------------------------------
def finish_mail(
    workspace: Workspace,
    config: dict[str, str],
    mail_outcome: MailOutcome,
    merge_outcome: MergeOutcome | None,
    *,
    creds: Credentials | None = None,
    now: datetime | None = None,
) -> list[MailDisposition]:
    """Move each collected message to the processed or rejected folder by its merge results.

    Call it after the merge of the inbox; with ``merge_outcome`` None (the merge did not run,
    e.g. the tracker was open in Excel) only messages refused before merging are moved and the
    others wait for the next run."""
    if not mail_outcome.items:
        return []
    settings = MailSettings.from_config(config)
    by_path = _results_by_path(merge_outcome)
    archive = workspace.folder(config, "archive_dir")
    decisions = [_decide(item, by_path, archive) for item in mail_outcome.items]
    todo = [d for d in decisions if d.status != PENDING]
    if not todo:
        return decisions
    creds = creds or credentials()
    stamp = (now or datetime.now()).isoformat(timespec="seconds")
    key = mailbox_key(settings, creds)
    with locked_state(workspace.root) as state, open_mailbox(settings, creds) as client:
        validity = select(client, settings, settings.folder)
        ready: set[str] = set()
        for d in todo:
            record = state.records.get(d.item.sha256)
            if record is None or record.status != COLLECTED:
                d.note = "đã được xử lý ở lần chạy khác"
                continue
            target = (
                settings.processed_folder if d.status == PROCESSED else settings.rejected_folder
            )
            here = (record.mailbox, record.uidvalidity) == (key, validity)
            if here and exists(client, record.uid):
                if target not in ready:
                    ensure_folder(client, target)
                    ready.add(target)
                move_message(client, record.uid, target)
                d.moved_to = target
            else:
                d.note = f"thư không còn trong thư mục “{settings.folder}” nên không chuyển"
            record.status, record.reasons, record.finished_at = d.status, d.reasons, stamp
            record.moved_to = d.moved_to
            # Saved after every move: a failure on the next one must not forget this one.
            state.save()
    return decisions


def _key(path: Path) -> str:
    return os.path.normcase(str(Path(path).resolve()))


def _results_by_path(merge: MergeOutcome | None) -> dict[str, list[ReturnResult]]:
    by_path: dict[str, list[ReturnResult]] = {}
    for r in merge.results if merge is not None else []:
        # The merge has filed the file under archive/ by now; results keep the inbox path.
        by_path.setdefault(_key(r.path), []).append(r)
    return by_path


def _decide(
    item: MailItem, by_path: dict[str, list[ReturnResult]], archive: Path
) -> MailDisposition:
    if item.problem:
        return MailDisposition(item, REJECTED, [item.problem])
    results = [r for p in item.paths for r in by_path.get(_key(p), [])]
    if results:
        reasons = [
            f"{r.name}: {reason}"
            for r in results
            if r.status not in MERGED_STATUSES
            for reason in (r.reasons or [_STATUS_TEXT.get(r.status, r.status)])
        ]
        return MailDisposition(item, REJECTED if reasons else PROCESSED, reasons)
    if any(p.exists() for p in item.paths):
        return MailDisposition(item, PENDING)  # not merged yet (the merge did not run)
    return _decide_from_archive(item, archive)


_STATUS_TEXT = {"stale": "phiếu cũ hơn phiếu đã tổng hợp", "refused": "bị từ chối"}


def _decide_from_archive(item: MailItem, archive: Path) -> MailDisposition:
    """An earlier run merged the files but stopped before moving the message: the merge
    filed them by outcome (:func:`xladdin.commands.merge.archived_outcome` reads it back)."""
    from .merge import archived_outcome

    outcomes = {archived_outcome(archive, p.name) for p in item.paths}
    found_bad, found_ok = "refused" in outcomes, "merged" in outcomes
    if found_bad:
        return MailDisposition(item, REJECTED, ["bị từ chối ở lần tổng hợp trước (xem báo cáo)"])
    if found_ok:
        return MailDisposition(item, PROCESSED)
    return MailDisposition(
        item, REJECTED, ["không tìm thấy kết quả tổng hợp các phiếu của thư này; cần kiểm tra"]
    )
