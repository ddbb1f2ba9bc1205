"""``theodoi merge``: returned forms from the inbox (or given paths) into the tracker.

:func:`run` works on any :class:`~xladdin.book.base.Book`: the file (CLI, jobs) or the
workbook open in Excel (the "Tổng hợp phiếu" button). On the file, every return is read and
checked before the tracker's lock is taken. The accepted ones are applied in one write
(backup, atomic replace; nothing is written when none is accepted, so a refused return
leaves the tracker byte-identical), then each processed file is filed under ``archive/`` by
its hash and a report is written next to the period's forms.
"""

from __future__ import annotations

import csv
import dataclasses
import glob
import hashlib
import io
import re
import shutil
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..book.base import (
    Book,
    append_log,
    archive_log,
    header_positions,
    log_over_limit,
    read_config,
    read_data,
    read_log,
)
from ..book.file import edit_tracker, open_tracker
from ..core.layout import SHEET_TASKS, TASK_COLUMNS
from ..core.mail_compose import screen_senders, unknown_sender_allowed
from ..core.merge import (
    MergeContext,
    MergeState,
    ReturnResult,
    apply_returns,
    check_forms,
    summary_frame,
)
from ..core.period import Period
from ..core.returns import FormFile, SourceProblem
from ..core.tracker import TrackerData, period_of
from ..io import files
from ..io.forms_ledger import deadlines, read_ledger
from ..io.mail_origin import MailOrigin, origins_of
from ..io.return_io import ReturnRefused, open_form
from ..io.return_sources import MEMBER_SEP, container_members, returns_in
from ..io.workspace import Workspace

REFUSED_DIR = "tu-choi"
ORIGINALS_DIR = "ban-goc"  # containers as received, once each return is filed


@dataclass
class MergeOutcome:
    workspace: Workspace
    period: Period
    results: list[ReturnResult]
    backup: Path | None
    report: Path | None
    archived: list[Path] = field(default_factory=list)
    inbox: Path | None = None
    # The sender of each return file that is a mail (.eml, .msg), read before it is filed:
    # the acknowledgements reply to it (xladdin/commands/mail_batches.py).
    origins: dict[Path, MailOrigin] = field(default_factory=dict)

    @property
    def accepted(self) -> list[ReturnResult]:
        return [r for r in self.results if r.accepted]

    @property
    def refused(self) -> list[ReturnResult]:
        return [r for r in self.results if r.status == "refused"]

    @property
    def cells_changed(self) -> int:
        return sum(len(r.changes) for r in self.accepted)


def _problem_result(p: SourceProblem) -> ReturnResult:
    return ReturnResult(p.name, p.sha256, p.path, "refused", reasons=[p.message])


def read_returns(paths: Sequence[Path]) -> tuple[list[FormFile], list[ReturnResult]]:
    """Open every return under ``paths``; unreadable ones come back as refusals (the files
    and members found unreadable first, then the returns that would not open)."""
    problems: list[ReturnResult] = []
    refused: list[ReturnResult] = []
    forms = []
    # One file at a time: a return's bytes are let go once it is open.
    for src in returns_in(paths):
        if isinstance(src, SourceProblem):
            problems.append(_problem_result(src))
            continue
        try:
            form = open_form(src)
            # Keep the name and hash, not the bytes: thousands of returns stay small in memory.
            form.source = dataclasses.replace(src, data=b"")
            forms.append(form)
        except ReturnRefused as exc:
            refused.append(
                ReturnResult(src.name, src.sha256, src.path, "refused", reasons=[str(exc)])
            )
    # Older saves first, so that of two returns of one agency the newer one wins.
    forms.sort(key=lambda f: (f.saved_at or datetime.min, f.source.name))
    return forms, [*problems, *refused]


@dataclass
class MergePlan:
    """The core call's result: per-file outcomes, new cell values by Excel row, log rows."""

    results: list[ReturnResult]
    cells: dict[int, dict[str, Any]]
    log_rows: list[dict[str, Any]]


def plan_merge(
    forms: Sequence[FormFile],
    data: TrackerData,
    log: Iterable[Mapping[Any, Any]],
    *,
    secret: bytes,
    period: Period,
    today: date,
    now: datetime,
    issued: Mapping[str, str] | None = None,
) -> MergePlan:
    """Check the returns against the tracker's data and say what changes (pure).

    ``issued``: the return deadline each period's forms were issued with (the forms
    ledger), so a late return of an earlier period is judged by its own deadline."""
    from ..core.normalize import parse_date

    state = MergeState.from_log(log)

    def day(text: str | None) -> date | None:
        parsed = parse_date(text or None)
        return parsed.value if parsed.ok else None

    ctx = MergeContext(
        data.task_records(),
        data.catalogue(),
        secret,
        period,
        today,
        day(data.config.get("return_deadline")),
        now=now,
        deadlines={code: day(text) for code, text in (issued or {}).items()},
    )
    results = check_forms(forms, ctx, state)
    cells, log_rows = apply_returns(ctx.tasks, results, now)
    return MergePlan(results, cells, log_rows)


def run(
    book: Book,
    paths: Sequence[Path] = (),
    *,
    today: date,
    now: datetime,
    archive: bool = True,
    returns: tuple[list[FormFile], list[ReturnResult]] | None = None,
) -> MergeOutcome:
    """Merge the returns under ``paths`` (default: the inbox) into the tracker.

    ``returns`` are the returns already read by :func:`read_returns` (the file path reads
    them before taking the tracker's lock). The tracker is made durable
    (:meth:`Book.save`) before the returns leave the inbox, so a merge is never lost with
    its files already archived."""
    ws = book.workspace
    data = read_data(book)
    config = data.config
    period = period_of(config, today)
    inbox = ws.folder(config, "inbox_dir")
    forms, results = returns if returns is not None else read_returns(list(paths) or [inbox])
    # A return mailed from an address its agency has not registered: merged only if allowed.
    if not unknown_sender_allowed(config):
        senders = {p: o.sender for p, o in origins_of(f.source.path for f in forms).items()}
        forms, unknown = screen_senders(forms, data.catalogue(), senders)
        results = [*results, *unknown]
    if not forms and not results:
        return MergeOutcome(ws, period, [], None, None, inbox=inbox)
    log = read_log(book)
    issued = deadlines(read_ledger(ws.folder(config, "outbox_dir")))
    plan = plan_merge(
        forms, data, log, secret=ws.secret(), period=period, today=today, now=now, issued=issued
    )
    backup = None
    if plan.log_rows:
        positions = header_positions(book, SHEET_TASKS, TASK_COLUMNS)
        grid = {
            (row, positions[f]): v
            for row, fields in plan.cells.items()
            for f, v in fields.items()
            if f in positions  # an older tracker may lack an optional column
        }
        book.write_cells(SHEET_TASKS, grid)
        append_log(book, plan.log_rows)
        backup = book.save()
    results = [*results, *plan.results]
    return finish(ws, config, period, inbox, results, backup, now, archive=archive)


def message(outcome: MergeOutcome) -> str:
    if not outcome.results:
        return f"Thư mục nhận phiếu {outcome.inbox} đang trống: không có phiếu nào để tổng hợp."
    lines = [
        f"Tổng hợp phiếu kỳ {outcome.period.label}: {len(outcome.accepted)} phiếu được tổng hợp "
        f"({outcome.cells_changed} ô thay đổi), {len(outcome.refused)} phiếu bị từ chối."
    ]
    for r in outcome.refused[:5]:
        lines.append(f"• {r.name}: {r.reasons[0] if r.reasons else ''}")
    if len(outcome.refused) > 5:
        lines.append(f"… và {len(outcome.refused) - 5} phiếu khác.")
    if outcome.report:
        lines.append(f"Chi tiết: {outcome.report}")
    return "\n".join(lines)


def merge_returns(
    paths: Sequence[Path] = (),
    *,
    workbook: Path | None = None,
    now: datetime | None = None,
    today: date | None = None,
    archive: bool = True,
) -> MergeOutcome:
    """:func:`run` on the tracker file (``theodoi merge``, the scheduled job)."""
    now = now or datetime.now().replace(microsecond=0)
    # Returns are read and checked before the lock is taken: reading thousands of them must
    # not keep other writers (the scheduled job, a second clerk) waiting.
    inbox = _archive_old_log(workbook)
    returns = read_returns(list(paths) or [inbox])
    with edit_tracker(workbook) as book:
        return run(
            book, paths, today=today or now.date(), now=now, archive=archive, returns=returns
        )


def _archive_old_log(workbook: Path | None) -> Path:
    """Move the log's oldest rows to the archive when there are too many; the inbox.

    Before anything else, while the process is small, and in a function of its own so the
    books it opens are gone before the merge opens the tracker again: moving the rows reads
    the whole log, and done after the merge it set the merge's peak memory, which then grew
    with the log (issue 17)."""
    reader = open_tracker(workbook)
    inbox, over = inbox_of(reader), log_over_limit(reader)
    del reader
    if over:
        with edit_tracker(workbook) as book:
            if archive_log(book):
                book.save()
    return inbox


def inbox_of(book: Book) -> Path:
    return book.workspace.folder(read_config(book), "inbox_dir")


def finish(
    ws: Workspace,
    config: dict[str, str],
    period: Period,
    inbox: Path,
    results: list[ReturnResult],
    backup: Path | None,
    now: datetime,
    *,
    archive: bool = True,
) -> MergeOutcome:
    """After the tracker is written: file the processed returns and write the report."""
    outcome = MergeOutcome(ws, period, results, backup, None, inbox=inbox)
    outcome.origins = origins_of(r.path for r in results)
    if archive:
        outcome.archived = _archive(ws, config, inbox, results)
    outcome.report = _write_report(ws, config, period, results, now)
    return outcome


def _archive(
    ws: Workspace, config: dict[str, str], inbox: Path, results: Sequence[ReturnResult]
) -> list[Path]:
    """Move processed files out of the inbox; files given from elsewhere stay where they are.

    Under the archive folder (``archive/``), every name begins with the first 16 hex digits
    of the SHA-256 of what it holds:

    - a return sent as a file of its own: ``<hash>_<file>``, under ``tu-choi/`` when refused;
      so is a container refused as a whole (a damaged zip, a mail without a return);
    - each return inside a container (.zip, .eml, .msg): a copy of its own,
      ``<hash>_<container>__<member>`` (a zip in a mail: ``<mail>__<zip>__<member>``), under
      ``tu-choi/`` when refused (a zip inside a zip too), else in ``archive/`` itself; a
      member whose bytes could not be read out has no copy;
    - the container itself, as received: ``ban-goc/<hash>_<container>`` ("bản gốc", the
      originals), whatever became of its returns.

    Copies are written before the container leaves the inbox, and a copy already there is
    kept: a run stopped half-way files the rest next time."""
    root = ws.folder(config, "archive_dir")
    by_path: dict[Path, list[ReturnResult]] = {}
    for r in results:
        by_path.setdefault(r.path, []).append(r)
    moved = []
    for path, rs in by_path.items():
        try:
            inside = path.resolve().is_relative_to(inbox.resolve())
        except OSError:
            inside = False
        if not inside or not path.exists():
            continue
        members = [r for r in rs if r.name != path.name]
        if members:
            moved.extend(_archive_members(root, path, members))
            folder = root / ORIGINALS_DIR
        else:
            refused = any(r.status == "refused" for r in rs)
            folder = root / REFUSED_DIR if refused else root
        folder.mkdir(parents=True, exist_ok=True)
        digest = files.sha256_file(path)[:16]
        target = folder / f"{digest}_{path.name}"
        if target.exists():
            path.unlink()
        else:
            shutil.move(str(path), target)
        moved.append(target)
    return moved


def _archive_members(root: Path, container: Path, results: Sequence[ReturnResult]) -> list[Path]:
    """A copy of each return of ``container`` by its outcome, read out of the container again
    and matched by report name and hash (the merge kept no bytes)."""
    folders: dict[tuple[str, str], set[Path]] = {}
    for r in results:
        if r.sha256:  # no hash: the member could not be read, the original keeps it
            folder = root / REFUSED_DIR if r.status == "refused" else root
            folders.setdefault((r.name, r.sha256), set()).add(folder)
    written = []
    for name, data in container_members(container):
        digest = hashlib.sha256(data).hexdigest()
        for folder in sorted(folders.pop((name, digest), ())):
            target = folder / f"{digest[:16]}_{container.name}__{_member_file_name(name)}"
            if not target.exists():
                folder.mkdir(parents=True, exist_ok=True)
                files.atomic_write(target, data)
            written.append(target)
    return written


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_MAX_MEMBER_BYTES = 120  # of the member's part of a copy's name; the system allows 255


def _member_file_name(name: str) -> str:
    """``a.zip › b.xlsx`` -> ``b.xlsx``, ``thu.eml › a.zip › b.xlsx`` -> ``a.zip__b.xlsx``: the
    report name after the container's, safe on Windows, NFC, not too long."""
    parts = name.split(MEMBER_SEP)[1:] or [name]
    text = "__".join(_UNSAFE.sub("_", p).strip(" .") or "_" for p in parts)
    text = unicodedata.normalize("NFC", text)
    if len(text.encode()) <= _MAX_MEMBER_BYTES:
        return text
    suffix = Path(text).suffix[:10]
    stem = text[: len(text) - len(suffix)]
    while len(f"{stem}~{suffix}".encode()) > _MAX_MEMBER_BYTES:
        stem = stem[:-1]
    return f"{stem}~{suffix}"


def archived_outcome(archive: Path, name: str) -> str | None:
    """What an earlier merge did with the inbox file ``name``, read from the archive (see
    :func:`_archive`): "refused" when it, or a return inside it, was refused; "merged" when
    it was filed otherwise; None when it is not there."""
    refused, kept, name = archive / REFUSED_DIR, archive / ORIGINALS_DIR, glob.escape(name)
    try:
        if any(refused.glob(f"*_{name}")) or any(refused.glob(f"*_{name}__*")):
            return "refused"
        if any(archive.glob(f"*_{name}")) or any(kept.glob(f"*_{name}")):
            return "merged"
    except OSError:
        return None
    return None


def _write_report(
    ws: Workspace,
    config: dict[str, str],
    period: Period,
    results: Sequence[ReturnResult],
    now: datetime,
) -> Path | None:
    if not results:
        return None
    folder = ws.folder(config, "outbox_dir") / period.code
    target = files.unique_path(folder, f"KetQuaTongHopPhieu_{now:%Y%m%d-%H%M%S}", ".csv")
    buf = io.StringIO()
    frame = summary_frame(results)
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(list(frame.columns))
    writer.writerows([files.csv_cell(v) for v in row] for row in frame.itertuples(index=False))
    # UTF-8 with BOM: Excel on Windows then shows the Vietnamese text correctly.
    files.atomic_write(target, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return target
