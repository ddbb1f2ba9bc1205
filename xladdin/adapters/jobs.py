"""``theodoi jobs``: the unattended work of the office's machine.

Three jobs, timed from "Cấu hình": **collect** returns every ``collect_minutes`` (mailbox when
configured, the inbox folder, merge, recalc), **reminders** (công văn đôn đốc) daily at
``reminder_time``, the consolidated **report** weekly on ``report_weekday`` at ``report_time``.
What they do is in :mod:`xladdin.adapters.job_tasks`; this module decides when.

The timing rules are ``schedule``'s (``schedule.Scheduler`` and its ``Job``). Whether a job is
due is decided from its last successful run, kept in ``.theodoi-jobs.json`` beside the
tracker: each job is scheduled as if "now" were its last run, so its next slot is the first one
after that run. A job whose slot has passed is due and runs once, however many slots were
missed (sleep, shutdown, a stopped loop), and the long-running loop and ``--once`` (Task
Scheduler, cron) share the same rule. A failed or skipped job keeps its old record, so it is
tried again at the next tick (one collect interval later) and by the next ``--once``.
"""

from __future__ import annotations

import contextlib
import datetime as _datetime_module
import logging
import signal
import sys
import time as _time_module
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal, Protocol

import schedule

from ..core.errors import TheoDoiError, WorkbookBusyError
from ..io import files, jobs_io
from ..io.workspace import Workspace, find_workspace
from .job_specs import COLLECT, LABELS, JobContext, JobSpec, specs_from_config

log = logging.getLogger("xladdin.adapters.jobs")

BUSY_MESSAGE = "Sổ theo dõi đang mở trong {program}; bỏ qua lần này."
GRACE = timedelta(seconds=60)  # Task Scheduler / cron start a few seconds late or early
MIN_NAP = 0.05


# -- time ------------------------------------------------------------------------------
class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class RealClock:
    """Local wall-clock time (naive, as Excel and staff see it)."""

    def now(self) -> datetime:
        return datetime.now()

    def sleep(self, seconds: float) -> None:
        _time_module.sleep(seconds)


class FakeClock:
    """Simulated time for tests: ``sleep`` moves ``now`` forward at once."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class _ScheduleDatetime:
    """Stands in for the ``datetime`` module inside ``schedule`` (see :func:`_schedule_time`)."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        class _Datetime(datetime):
            @classmethod
            def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
                current = now()
                return current if tz is None else current.astimezone(tz)

        self.datetime = _Datetime

    def __getattr__(self, name: str) -> Any:
        return getattr(_datetime_module, name)


@contextlib.contextmanager
def _schedule_time(now: Callable[[], datetime]) -> Iterator[None]:
    """Make ``schedule`` read the time from ``now`` for the duration of the block.

    ``schedule`` has no clock parameter: it calls ``datetime.datetime.now()`` through its
    module-level name ``datetime``. This is the one place that injects time: every call this
    module makes into ``schedule`` runs inside this block, which swaps that single name for a
    stand-in whose ``datetime.now()`` answers from our clock, and puts the real module back
    afterwards (also on error). Nothing outside ``schedule`` sees the stand-in. It serves a
    fake clock in tests (days simulated without sleeping) and anchoring a job on its last run
    (``schedule`` computes "the next slot after now"; we answer "now" with the last run).
    Single-threaded, like the jobs themselves."""
    previous = getattr(schedule, "datetime", None)
    if previous is not _datetime_module and not isinstance(previous, _ScheduleDatetime):
        # A future schedule release reading the time differently would make anchoring silently
        # wrong; fail loudly instead (tests/test_jobs.py catches it first).
        raise RuntimeError("schedule no longer reads the time through schedule.datetime")
    setattr(schedule, "datetime", _ScheduleDatetime(now))  # noqa: B010 (typed module attribute)
    try:
        yield
    finally:
        setattr(schedule, "datetime", previous)  # noqa: B010


# -- runs ------------------------------------------------------------------------------
class JobSkipped(Exception):
    """A job could not run now for a reason that is not a fault; it is tried again later."""


Runner = Callable[[JobContext], str]
RunStatus = Literal["done", "skipped", "failed"]


@dataclass(frozen=True)
class JobRun:
    name: str
    label: str
    started: datetime
    status: RunStatus
    message: str

    def line(self) -> str:
        """The short status line printed for every run."""
        return f"{self.started:%Y-%m-%d %H:%M} {self.label}: {self.message}"


def default_runners() -> dict[str, Runner]:
    from . import job_tasks

    return dict(job_tasks.RUNNERS)


def tracker_config(workspace: Workspace) -> Callable[[], Mapping[str, str]]:
    """Read "Cấu hình" again only when the tracker file changed since the last read."""
    cache: dict[str, Any] = {}

    def load() -> Mapping[str, str]:
        from ..book.base import read_config
        from ..book.file import open_tracker

        st = workspace.workbook.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        if cache.get("stamp") != stamp:
            cache["config"] = read_config(open_tracker(workspace.workbook))
            cache["stamp"] = stamp
        return dict(cache["config"])

    return load


def _constant(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def _print_status(line: str) -> None:
    if sys.stdout is not None:  # pythonw (Task Scheduler without a window) has no stdout
        print(line, flush=True)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _from_iso(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class Scheduler:
    """The jobs of one workspace on a ``schedule.Scheduler``, with state, clock and runners
    injectable. ``run_pending`` is one tick (what ``--once`` does); ``run`` loops until
    :meth:`request_stop` (a signal) or ``until``."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        clock: Clock | None = None,
        runners: Mapping[str, Runner] | None = None,
        load_config: Callable[[], Mapping[str, str]] | None = None,
        interval_seconds: int | None = None,
        status: Callable[[str], None] | None = None,
    ) -> None:
        self.workspace = workspace
        self.clock: Clock = clock or RealClock()
        self.runners = dict(runners) if runners is not None else default_runners()
        self._load_config = load_config or tracker_config(workspace)
        self._interval = interval_seconds
        self.status = status or _print_status
        self._sched = schedule.Scheduler()
        self._jobs: dict[str, tuple[JobSpec, schedule.Job]] = {}
        self._order: list[str] = []
        self._warned: set[str] = set()
        self._last_run: JobRun | None = None
        self._seen: datetime | None = None
        self.stop_reason: str | None = None
        self.config: dict[str, str] = {}
        self.state_path = workspace.root / jobs_io.STATE_NAME
        self.state, problem = jobs_io.read_state(self.state_path)
        if problem:
            log.warning(problem)
        self.refresh()

    # -- configuration ---------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read "Cấu hình"; reschedule the jobs whose time changed (anchored on state)."""
        try:
            config = {str(k): str(v) for k, v in self._load_config().items()}
        except Exception as exc:
            if self._jobs:  # keep the schedule we have; the tracker may be being replaced
                log.warning("Không đọc được trang “Cấu hình” (%s); giữ lịch đang chạy.", exc)
                return
            raise
        specs, problems = specs_from_config(config, interval_seconds=self._interval)
        for p in problems:
            if p not in self._warned:
                self._warned.add(p)
                log.warning(p)
        self.config = config
        self._apply(specs)

    def _apply(self, specs: Sequence[JobSpec]) -> None:
        now = self.clock.now()
        wanted = {s.name: s for s in specs}
        changed = False
        first = not self._jobs
        for name, (spec, job) in list(self._jobs.items()):
            if wanted.get(name) != spec:
                self._sched.cancel_job(job)
                del self._jobs[name]
                if name not in wanted:
                    log.info("Tắt việc %s (giờ chạy để trống ở “Cấu hình”).", spec.label)
        for name, record in self.state.items():
            # A job turned off starts afresh when turned on again: no catch-up for the time
            # it was off.
            if name not in wanted and record.pop("since", None) is not None:
                changed = True
        for spec in specs:
            if spec.name in self._jobs:
                continue
            record = self.state.setdefault(spec.name, {})
            if _from_iso(record.get("since")) is None:
                record["since"] = _iso(now)
                changed = True
            anchor = self._anchor(spec, record, now)
            with _schedule_time(_constant(anchor)):
                job = spec.timing.rule(self._sched).do(self._execute, spec).tag(spec.name)
            self._jobs[spec.name] = (spec, job)
            if not first:  # the loop's start line already says when each job runs
                log.info("Lịch mới của việc %s: %s.", spec.label, spec.timing.describe())
        self._order = [s.name for s in specs]
        if changed:
            self._save()

    @staticmethod
    def _anchor(spec: JobSpec, record: Mapping[str, Any], now: datetime) -> datetime:
        """The moment the job is scheduled from: its next slot is the first after this."""
        last = _from_iso(record.get("last_run"))
        period = spec.timing.period
        if period is not None:
            if last is None or last > now:  # never collected, or the clock was set back
                return now - period  # due at once
            # Started a little early by Task Scheduler, a run is still "one interval later".
            return min(last - min(GRACE, period / 10), now)
        since = _from_iso(record.get("since")) or now
        return min(max(last, since) if last else since, now)

    @property
    def specs(self) -> list[JobSpec]:
        return [self._jobs[n][0] for n in self._order]

    @property
    def retry_delay(self) -> timedelta:
        """A failed or skipped job is tried again one collect interval later."""
        period = self._jobs[COLLECT][0].timing.period if COLLECT in self._jobs else None
        return period or timedelta(minutes=10)

    def next_runs(self) -> dict[str, datetime | None]:
        return {name: self._jobs[name][1].next_run for name in self._order}

    def describe(self) -> str:
        return "; ".join(f"{s.label} {s.timing.describe()}" for s in self.specs)

    def describe_next(self) -> str:
        today = self.clock.now().date()
        return ", ".join(
            f"{LABELS[name]} {when:%H:%M}"
            if when.date() == today
            else f"{LABELS[name]} {when:%d/%m %H:%M}"
            for name, when in self.next_runs().items()
            if when is not None
        )

    # -- running -----------------------------------------------------------------------
    def request_stop(self, reason: str = "yêu cầu") -> None:
        """Stop after the job that is running (safe to call from a signal handler)."""
        self.stop_reason = reason

    @property
    def stop_requested(self) -> bool:
        return self.stop_reason is not None

    def run_pending(self) -> list[JobRun]:
        """One tick: every due job once, collect first (letters then see the fresh returns)."""
        now = self.clock.now()
        if self._seen is not None and now < self._seen - GRACE:
            # The clock was set back: slots computed from the later time would leave the jobs
            # idle for as long; schedule them again from the state (anchors never pass now).
            log.warning("Đồng hồ của máy bị lùi lại (%s → %s); xếp lại lịch.", self._seen, now)
            for _spec, job in self._jobs.values():
                self._sched.cancel_job(job)
            self._jobs.clear()
        self._seen = now
        self.refresh()
        runs: list[JobRun] = []
        for name in self._order:
            if self.stop_requested:
                break
            _spec, job = self._jobs[name]
            with _schedule_time(self.clock.now):
                if not job.should_run:
                    continue
                self._last_run = None
                job.run()  # calls _execute, then schedule moves next_run past "now"
            run = self._last_run
            if run is None:
                continue
            runs.append(run)
            if run.status != "done":
                retry = run.started + self.retry_delay
                if job.next_run is None or retry < job.next_run:
                    job.next_run = retry
        return runs

    def _execute(self, spec: JobSpec) -> None:
        started = self.clock.now()
        record = self.state.setdefault(spec.name, {})
        status, message = self._attempt(spec, started, record.setdefault("memo", {}))
        run = JobRun(spec.name, spec.label, started, status, message)
        record.update(last_attempt=_iso(started), status=status, message=message)
        if status == "done":
            record["last_run"] = _iso(started)
        self._save()
        level = {"done": logging.INFO, "skipped": logging.WARNING, "failed": logging.ERROR}
        log.log(level[status], "%s: %s", spec.label, message)
        self._last_run = run
        self.say(run.line())

    def say(self, line: str) -> None:
        """Print a status line; a closed console must not turn a finished job into a rerun."""
        try:
            self.status(line)
        except Exception as exc:
            log.warning("Không in được dòng trạng thái (%s).", exc)

    def _attempt(
        self, spec: JobSpec, started: datetime, memo: dict[str, Any]
    ) -> tuple[RunStatus, str]:
        busy = self._busy()
        if spec.writes_tracker and busy:
            return "skipped", busy
        ctx = JobContext(self.workspace, started, dict(self.config), memo)
        try:
            return "done", self.runners[spec.name](ctx)
        except WorkbookBusyError as exc:
            # Opened in Excel while the job ran, or another program holds the tracker's lock.
            return "skipped", self._busy() or exc.user_message()
        except JobSkipped as exc:
            return "skipped", str(exc)
        except Exception as exc:
            log.exception("%s: lỗi khi chạy (%s)", spec.label, type(exc).__name__)
            if isinstance(exc, TheoDoiError):
                text = exc.user_message()
            else:
                text = f"{type(exc).__name__}: {exc}"
            where = jobs_io.log_path(self.workspace.root)
            return (
                "failed",
                f"LỖI – {text.rstrip('.')}. Sẽ thử lại lần sau; chi tiết trong {where}.",
            )

    def _busy(self) -> str:
        """The skip line when another program has the tracker open (Excel, WPS, LibreOffice)."""
        found = files.open_elsewhere(self.workspace.workbook)
        return BUSY_MESSAGE.format(program=found.program) if found else ""

    def _save(self) -> None:
        try:
            jobs_io.write_state(self.state_path, self.state)
        except OSError as exc:  # e.g. an antivirus holding the file: the next save catches up
            log.warning("Không ghi được tệp trạng thái %s: %s", self.state_path.name, exc)

    def seconds_to_next(self) -> float | None:
        with _schedule_time(self.clock.now):
            return self._sched.idle_seconds

    def run(self, *, until: datetime | None = None, max_nap: float = 1.0) -> None:
        """Loop until stopped (or until ``until``, for tests); never dies on a job's error.

        Sleeps in naps of at most ``max_nap`` seconds so a stop request is seen promptly; a
        machine that slept wakes with every missed job due, and each runs once."""
        log.info("Bắt đầu việc tự động cho %s: %s.", self.workspace.workbook, self.describe())
        self.say(f"{self.clock.now():%Y-%m-%d %H:%M} bắt đầu việc tự động: {self.describe()}")
        while not self.stop_requested:
            now = self.clock.now()
            if until is not None and now >= until:
                break
            wait: float | None
            try:
                self.run_pending()
                wait = self.seconds_to_next()
            except Exception:  # outside any job (state, config): log, wait a tick, go on
                log.exception("Lỗi ngoài dự kiến của bộ lập lịch; thử lại sau.")
                wait = self.retry_delay.total_seconds()
            if self.stop_requested:
                break
            nap = max_nap if wait is None else max(min(wait, max_nap), MIN_NAP)
            if until is not None:
                nap = min(nap, max((until - self.clock.now()).total_seconds(), 0.0))
            self.clock.sleep(nap)
        reason = f" (nhận tín hiệu {self.stop_reason})" if self.stop_reason else ""
        log.info("Đã dừng việc tự động%s.", reason)
        self.say(f"{self.clock.now():%Y-%m-%d %H:%M} đã dừng việc tự động{reason}.")


def run_once(workspace: Workspace, **kwargs: Any) -> list[JobRun]:
    """``--once``: run whatever is due now, once; ``kwargs`` as for :class:`Scheduler`."""
    return Scheduler(workspace, **kwargs).run_pending()


# -- the command -------------------------------------------------------------------------
@contextlib.contextmanager
def logging_to(root: Path) -> Iterator[Path]:
    """Send this module's log (and the job tasks') to ``<root>/logs/theodoi-jobs.log`` only:
    tracebacks go to the file, never to the console."""
    handler = jobs_io.log_handler(root)
    previous = (log.level, log.propagate)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        yield jobs_io.log_path(root)
    finally:
        log.removeHandler(handler)
        handler.close()
        log.setLevel(previous[0])
        log.propagate = previous[1]


@contextlib.contextmanager
def stop_on_signals(scheduler: Scheduler) -> Iterator[None]:
    """SIGINT / SIGTERM (and Ctrl+Break on Windows) ask the scheduler to stop between jobs."""

    def handler(signum: int, _frame: Any) -> None:
        scheduler.request_stop(signal.Signals(signum).name)

    previous: dict[int, Any] = {}
    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        # Outside the main thread signals cannot be caught; the caller stops the loop itself.
        with contextlib.suppress(ValueError):
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_jobs(
    *,
    workbook: Path | None = None,
    once: bool = False,
    interval_seconds: int | None = None,
    clock: Clock | None = None,
    status: Callable[[str], None] | None = None,
) -> list[JobRun]:
    """``theodoi jobs [--once]``: one instance per workspace, logged to the workspace.

    Returns the runs of ``--once`` (nothing for the loop, which ends on a signal)."""
    ws = find_workspace(workbook)
    with jobs_io.instance_lock(ws.root), logging_to(ws.root):
        try:
            scheduler = Scheduler(ws, clock=clock, interval_seconds=interval_seconds, status=status)
        except Exception:  # under Task Scheduler the log is the only place anyone looks
            log.exception("Không khởi động được việc tự động.")
            raise
        with stop_on_signals(scheduler):
            if once:
                runs = scheduler.run_pending()
                if not runs:
                    line = f"không có việc nào đến giờ; lần tới: {scheduler.describe_next()}."
                    log.info("%s", line[0].upper() + line[1:])
                    scheduler.say(f"{scheduler.clock.now():%Y-%m-%d %H:%M} {line}")
                return runs
            scheduler.run()
    return []
