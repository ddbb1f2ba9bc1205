"""What each scheduled job does, on files. :mod:`xladdin.adapters.jobs` decides when.

- collect: closes the last period once a new one starts (``close_period``), the mailbox (when "imap_host" is set and :mod:`xladdin.commands.mailbox` is installed), the
  inbox folder, ``merge_returns``, then ``recalc_workbook``; writes the tracker.
- reminders: ``make_letters("don-doc")``; report: ``make_letters("bao-cao")``. Both only read
  the tracker and write to the outbox.
- sending (off by default): "gửi công văn đôn đốc" mails the reminders as they are made,
  "gửi xác nhận" replies to each return of a collect's merge that came by mail
  (:mod:`xladdin.commands.mail_batches`), when "Cấu hình" says "có".

Each returns a short Vietnamese summary for the status line and raises on failure; the
scheduler turns an exception into a log entry and a retry.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import TheoDoiError
from ..core.model import nfc, yes_no
from ..io import files, jobs_io
from .job_specs import COLLECT, REMINDERS, REPORT, JobContext

log = logging.getLogger("xladdin.adapters.jobs")

# A return modified this recently may still be being written (see jobs_io.pending_returns).
SETTLE_SECONDS = 2.0


# -- collect -----------------------------------------------------------------------------
def collect(ctx: JobContext) -> str:
    from ..commands.merge import merge_returns

    ws = ctx.workspace
    config = dict(ctx.config)
    parts: list[str] = []
    closed = _close_if_new_period(ctx)
    if closed:
        parts.append(closed)
    mailbox = _mailbox(config)
    mail = None
    if mailbox is not None:
        mail, note = _call_mail(mailbox, "collect_mail", ws, config)
        parts.extend(note)
    saved = [p for item in getattr(mail, "items", ()) for p in getattr(item, "paths", ())]
    inbox = ws.folder(config, "inbox_dir")
    ready, waiting = jobs_io.pending_returns(inbox, SETTLE_SECONDS, complete=saved)
    merged = None
    if ready:
        merged = merge_returns(ready, workbook=ws.workbook, now=ctx.now, today=ctx.now.date())
        parts.append(_merge_summary(merged))
        for result in merged.refused:
            log.warning("Từ chối %s: %s", result.name, " ".join(result.reasons))
    else:
        parts.append("không có phiếu mới")
    if waiting:
        parts.append(f"{waiting} tệp đang được ghi, để lần sau")
    parts.append(_recalc_if_needed(ctx))
    if merged is not None and _on(config, "job_send_acks"):
        parts.append(_send_acks(ctx, merged))
    if mailbox is not None and mail is not None:
        _, note = _call_mail(mailbox, "finish_mail", ws, config, mail, merged)
        parts.extend(note)
    return "; ".join(parts)


def _close_if_new_period(ctx: JobContext) -> str | None:
    """Close the period the job last ran in once a new one has started (a new month, or
    "Kỳ báo cáo" moved on in "Cấu hình"), before any return of the new period is merged:
    the tracker then still shows where that period ended. The first run only remembers the
    period: closing one the job never saw would record the wrong moment."""
    from ..commands.history import close_period
    from ..core.period import parse_period
    from ..core.tracker import period_of

    current = period_of(ctx.config, ctx.now.date())
    seen = ctx.memo.get("period")
    if not isinstance(seen, str) or seen == current.code:
        ctx.memo["period"] = current.code
        return None
    try:
        previous = parse_period(seen)
    except TheoDoiError:
        previous = None
    if previous is None or previous.start >= current.start:  # moved back: nothing ended
        ctx.memo["period"] = current.code
        return None
    outcome = close_period(seen, workbook=ctx.workspace.workbook, today=ctx.now.date(), now=ctx.now)
    ctx.memo["period"] = current.code  # only once closed: a failure is retried next tick
    t = outcome.closing.totals
    return f"đã chốt {previous.label} (hoàn thành {t.completed}/{t.tasks} nhiệm vụ)"


def _merge_summary(outcome: Any) -> str:
    counts: dict[str, int] = {}
    for r in outcome.results:
        counts[r.status] = counts.get(r.status, 0) + 1
    details = [
        f"{counts[status]} {label}"
        for status, label in (
            ("accepted", "đã tổng hợp"),
            ("refused", "từ chối"),
            ("duplicate", "trùng"),
            ("stale", "bản cũ"),
        )
        if counts.get(status)
    ]
    return f"{len(outcome.results)} phiếu ({', '.join(details)})"


def _recalc_if_needed(ctx: JobContext) -> str:
    """Recalculate when the tracker changed since the last recalc (a merge, an edit in Excel)
    or the day changed (due states move with "today"). Otherwise nothing is written, so the
    backup folder keeps real history instead of one copy per tick."""
    from ..commands.recalc import recalc_workbook

    workbook = ctx.workspace.workbook
    today = ctx.now.date()
    if (
        ctx.memo.get("recalc_sha256") == files.sha256_file(workbook)
        and ctx.memo.get("recalc_day") == today.isoformat()
    ):
        return "sổ không đổi, không cần tính lại"
    outcome = recalc_workbook(workbook=workbook, today=today, now=ctx.now)
    ctx.memo.update(recalc_sha256=files.sha256_file(workbook), recalc_day=today.isoformat())
    overdue = len(outcome.result.overdue)
    return "tính tiến độ xong" + (f" ({overdue} nhiệm vụ quá hạn)" if overdue else "")


# -- sending mail (off unless "Cấu hình" turns it on) ------------------------------------
def _on(config: dict[str, str], key: str) -> bool:
    return bool(yes_no(config.get(key) or "không"))


def _send_acks(ctx: JobContext, merged: Any) -> str:
    """Reply to each return that came by mail. Turning the step on in "Cấu hình" is the
    consent to send: the job sends at once (the first-send preview is for the commands)."""
    from ..book.base import read_data
    from ..book.file import open_tracker
    from ..commands.mail_batches import send_acks

    try:
        data = read_data(open_tracker(ctx.workspace.workbook))
        sent = send_acks(data, ctx.workspace, merged, dry_run=False, now=ctx.now)
    except TheoDoiError as exc:
        log.warning("Gửi thư xác nhận: %s", exc.user_message())
        return f"gửi thư xác nhận lỗi: {exc.user_message().rstrip('.')}"
    for line in sent.lines():
        log.info("Gửi thư xác nhận: %s", line)
    return f"đã gửi {len(sent.sent)} thư xác nhận"


# -- the mailbox hook --------------------------------------------------------------------
def _mailbox(config: dict[str, str]) -> Any | None:
    """``xladdin.commands.mailbox`` when a mail server is set in "Cấu hình" and the module is there."""
    host = nfc(config.get("imap_host"))
    if not host:
        return None
    try:
        return importlib.import_module("xladdin.commands.mailbox")
    except ImportError as exc:
        log.warning(
            "Đã đặt máy chủ thư %s nhưng chưa có phần nhận thư (%s); chỉ thu phiếu trong thư mục.",
            host,
            exc,
        )
        return None


def _call_mail(module: Any, name: str, *args: Any) -> tuple[Any, list[str]]:
    """Call ``module.<name>(*args)``; a mailbox problem never stops the folder's returns.

    Returns the result (None when the call failed) and a note for the status line."""
    func: Callable[..., Any] | None = getattr(module, name, None)
    if func is None:
        log.warning("Phần nhận thư không có %s; bỏ qua hộp thư.", name)
        return None, []
    try:
        result = func(*args)
    except NotImplementedError:
        log.info("Nhận phiếu qua hộp thư chưa được hỗ trợ (%s); bỏ qua hộp thư.", name)
        return None, []
    except Exception as exc:
        log.exception("Lỗi hộp thư (%s)", name)
        message = exc.user_message() if isinstance(exc, TheoDoiError) else f"{exc}"
        return None, [f"hộp thư lỗi: {message.rstrip('.')}"]
    # What the mailbox module has to say goes to the log; the status line stays short.
    lines = getattr(result, "lines", None)
    for line in lines() if callable(lines) else ():
        log.info("%s", line)
    for disposition in result if isinstance(result, list) else ():
        describe = getattr(disposition, "describe", None)
        if callable(describe):
            log.info("%s", describe())
    if name == "collect_mail":
        items = getattr(result, "items", None)
        return result, [
            f"hộp thư: {len(items)} thư có phiếu" if items else "hộp thư: không có thư mới"
        ]
    return result, []


# -- letters -----------------------------------------------------------------------------
def _letters(ctx: JobContext, kind: str, what: str) -> str:
    from ..commands.letters import make_letters

    # Word files only: the clerk fills in the number and signs before anything is sent, and
    # LibreOffice would make every run slow and fail on machines without it.
    outcome = make_letters(kind, workbook=ctx.workspace.workbook, today=ctx.now.date())
    for note in outcome.notes:
        log.warning("%s: %s", what, note)
    for line in outcome.info:  # the deadline the letters print, for whoever reads the log
        log.info("%s: %s", what, line)
    if not outcome.files:
        return "không có văn bản nào cần lập"
    folder = _relative(outcome.folder, ctx.workspace.root)
    return f"đã lập {len(outcome.files)} {what} ({outcome.period.label}) trong {folder}"


def reminders(ctx: JobContext) -> str:
    if not _on(dict(ctx.config), "job_send_reminders"):
        return _letters(ctx, "don-doc", "công văn đôn đốc")
    from ..commands.mail_batches import make_and_send_reminders

    letters, sent = make_and_send_reminders(
        workbook=ctx.workspace.workbook, today=ctx.now.date(), dry_run=False
    )
    for line in sent.lines():
        log.info("Gửi công văn đôn đốc: %s", line)
    if sent.failed or sent.unaddressed or sent.unconfirmed:
        log.warning("Gửi công văn đôn đốc: %s", sent.message())
    return f"đã lập {len(letters.files)} công văn đôn đốc, gửi {len(sent.sent)} thư"


def report(ctx: JobContext) -> str:
    return _letters(ctx, "bao-cao", "báo cáo tổng hợp")


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


RUNNERS: dict[str, Callable[[JobContext], str]] = {
    COLLECT: collect,
    REMINDERS: reminders,
    REPORT: report,
}
