"""Files of the scheduled jobs: their state beside the tracker, the instance lock, the log,
and which returns in the inbox are ready to be read."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Collection, Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from filelock import Timeout

from ..core.errors import WorkbookBusyError
from . import files

STATE_NAME = ".theodoi-jobs.json"
STATE_FORMAT = "theodoi-jobs"
STATE_VERSION = 1
PID_NAME = ".theodoi-jobs.pid"
LOCK_NAME = ".theodoi-jobs.lock"
LOG_DIR = "logs"
LOG_NAME = "theodoi-jobs.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 5

JobRecords = dict[str, dict[str, Any]]


# -- state ---------------------------------------------------------------------------
def read_state(path: Path) -> tuple[JobRecords, str | None]:
    """Each job's record by name, and a Vietnamese problem when the file could not be used.

    A missing file is a first start. A damaged one (a half-synced copy, a hand edit) must not
    stop the jobs: it reads as empty, which makes the daily and weekly jobs wait for their next
    time rather than guess what ran."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        return {}, f"Không đọc được tệp trạng thái {path.name} ({exc}); bắt đầu lại từ đầu."
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            raise ValueError("format")
        jobs = data.get("jobs")
        if not isinstance(jobs, dict) or not all(isinstance(v, dict) for v in jobs.values()):
            raise ValueError("jobs")
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return {}, f"Tệp trạng thái {path.name} bị hỏng; bỏ qua và ghi lại từ đầu."
    return {str(k): dict(v) for k, v in jobs.items()}, None


def write_state(path: Path, jobs: JobRecords) -> None:
    """Replace the state file in one step: an interrupted write leaves the previous state."""
    data = {"format": STATE_FORMAT, "version": STATE_VERSION, "jobs": jobs}
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    files.atomic_write(path, text.encode("utf-8"))


# -- one instance per workspace --------------------------------------------------------
@contextlib.contextmanager
def instance_lock(root: Path) -> Iterator[Path]:
    """Hold ``<root>/.theodoi-jobs.lock`` or refuse at once (WorkbookBusyError, exit code 2).

    The same OS lock as the tracker's writers (:func:`files.os_lock`); the holder's process
    id goes to a file beside it for the refusal message (the lock file itself is the OS's)."""
    path = root / LOCK_NAME
    pid_file = root / PID_NAME
    try:
        lock = files.os_lock(path, timeout=0)
        lock.acquire()
    except Timeout:
        try:
            holder = pid_file.read_text(encoding="ascii").strip()
        except OSError:
            holder = ""
        who = f" (tiến trình {holder})" if holder.isdigit() else ""
        raise WorkbookBusyError(
            f"Việc tự động của thư mục làm việc {root} đang chạy{who}; không chạy thêm lần nữa. "
            "Mỗi thư mục làm việc chỉ chạy một “theodoi jobs” một lúc."
        ) from None
    try:
        with contextlib.suppress(OSError):
            pid_file.write_text(str(os.getpid()), encoding="ascii")
        yield path
    finally:
        lock.release()


# -- log file ------------------------------------------------------------------------
def log_path(root: Path) -> Path:
    return root / LOG_DIR / LOG_NAME


def log_handler(root: Path) -> logging.Handler:
    """``<root>/logs/theodoi-jobs.log``, rotated at 1 MB, five old files kept."""
    path = log_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    return handler


# -- the inbox -------------------------------------------------------------------------
def pending_returns(
    inbox: Path, settle_seconds: float, complete: Collection[Path] = ()
) -> tuple[list[Path], int]:
    """Files in the inbox ``theodoi merge`` reads (returns, and anything else, which it reports
    as not a return), and how many are still too new.

    A file modified in the last ``settle_seconds`` may still be being written (a mail program
    saving an attachment, a copy over the network); read now, it would look damaged and be
    refused, so it waits for the next run. Files in ``complete`` (saved by this very run from
    the mailbox) need no wait. File times are compared with the real time, not the jobs'
    clock, because they come from the file system."""
    if not inbox.is_dir():
        return [], 0
    ready: list[Path] = []
    waiting = 0
    cutoff = time.time() - settle_seconds
    known = {_same(p) for p in complete}
    for path in sorted(inbox.rglob("*")):
        if path.name.startswith(("~$", ".")):
            continue  # owner and hidden files; any other file gets an outcome (a return or not)
        try:
            if not path.is_file():
                continue
            fresh = path.stat().st_mtime > cutoff and _same(path) not in known
        except OSError:
            continue
        if fresh:
            waiting += 1
        else:
            ready.append(path)
    return ready, waiting


def _same(path: Path) -> str:
    return os.path.normcase(str(Path(path).resolve()))
