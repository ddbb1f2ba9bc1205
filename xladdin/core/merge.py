"""Merging returned forms: check each return whole, then say exactly which cells change.

Pure: a :class:`~xladdin.core.returns.FormFile` and the tracker's state in, a
:class:`ReturnResult` out. A return is accepted only when everything in it is right
(signature, agency, period, rows, locked columns, values); then only the editable columns
of that agency's lead tasks change. Nothing is guessed: a doubtful return is refused with
every reason at once (:mod:`xladdin.core.return_checks`), each naming the sheet, row and
column.

Which of two returns of one agency is newer is decided by, in order: the period, the "Ngày
lập phiếu", the save time (capped at when the return is read, so a wrong clock cannot win)
and, last, the order the returns are received in. A return for an earlier period than one
already merged, or made earlier, is "bản cũ" and changes nothing.

Periods: a correctly signed form was issued by this office for its period, so returns are
accepted for any period forms were issued for, not only the period in "Cấu hình"; one for a
period that ended before the current one is flagged as late, and the return deadline
recorded when its forms were issued applies to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from . import return_checks as checks
from .agencies import AgencyCatalogue
from .errors import UsageError
from .layout import (
    COMPLETED_STATUSES,
    FORM_COLUMNS,
    FORM_EDITABLE,
    FORM_FORMAT,
    FORM_SHEET,
    FORM_VERSION,
)
from .model import as_date, nfc
from .period import Period, parse_period
from .return_checks import Problem, same
from .returns import FormFile

Status = Literal["accepted", "refused", "duplicate", "stale"]
HEADERS = checks.HEADERS
ACTION_RECEIVED = "Nhận phiếu"
ACTION_CHANGED = "Tổng hợp phiếu"
SAVED_AT_COLUMN = "Lưu lúc"  # where logs before the "Phiếu lưu lúc" column kept the save time
VALIDATION_BATCH = 200  # returns per pandera call
SKEW = timedelta(hours=1)  # a save time this far ahead of receipt means a wrong clock


@dataclass(frozen=True)
class Change:
    key: str
    field: str
    header: str
    old: Any
    new: Any


@dataclass
class ReturnResult:
    name: str
    sha256: str
    path: Path
    status: Status
    agency_code: str = ""
    agency_name: str = ""
    period: str = ""
    saved_at: datetime | None = None
    report_date: date | None = None
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    updated_keys: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


@dataclass(frozen=True, order=True)
class Recency:
    """How new a return is, compared field by field (see the module docstring)."""

    period_end: date
    report_date: date
    saved_at: datetime | None = field(default=None, compare=False)


@dataclass
class MergeState:
    """What the tracker says about earlier merges (from "Nhật ký"); updated as returns land."""

    merged_hashes: set[str] = field(default_factory=set)
    latest: dict[str, Recency] = field(default_factory=dict)  # by agency code
    # Values set by returns accepted earlier in this batch, by task key.
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)

    def note(self, code: str, recency: Recency) -> None:
        last = self.latest.get(code)
        if last is None or _newer(recency, last) >= 0:
            self.latest[code] = recency

    @classmethod
    def from_log(cls, log: Iterable[Mapping[Any, Any]]) -> MergeState:
        state = cls()
        for rec in log:
            if nfc(rec.get("action")) != ACTION_RECEIVED:
                continue
            if rec.get("sha256"):
                state.merged_hashes.add(str(rec["sha256"]))
            if nfc(rec.get("column")) == SAVED_AT_COLUMN and not nfc(rec.get("period")):
                # Written before the log had its own columns for these.
                period, saved, made = nfc(rec.get("key")), _iso(rec.get("new")), None
            else:
                period, saved = nfc(rec.get("period")), _iso(rec.get("saved_at"))
                made = as_date(rec.get("report_date")) or as_date(_iso(rec.get("report_date")))
            logged = _iso(rec.get("time"))
            saved = checks.capped_saved_at(saved, logged)
            code = nfc(rec.get("agency")).split(" ")[0]
            end = _period_end(period)
            made = made or (saved.date() if saved else None)
            if code and end is not None and made is not None:
                state.note(code, Recency(end, made, saved))
        return state


def _newer(a: Recency, b: Recency) -> int:
    """1 when ``a`` is newer than ``b``, -1 when older, 0 when it cannot be told."""
    if (a.period_end, a.report_date) != (b.period_end, b.report_date):
        return 1 if (a.period_end, a.report_date) > (b.period_end, b.report_date) else -1
    if a.saved_at is None or b.saved_at is None or a.saved_at == b.saved_at:
        return 0
    return 1 if a.saved_at > b.saved_at else -1


def _iso(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _period_end(code: str) -> date | None:
    try:
        return parse_period(code).end
    except UsageError:
        return None


@dataclass(frozen=True)
class MergeContext:
    tasks: Sequence[Mapping[str, Any]]
    catalogue: AgencyCatalogue
    secret: bytes
    period: Period
    today: date
    deadline: date | None = None  # the return deadline of "Cấu hình", if set
    now: datetime | None = None  # when the returns are read: no save time is later
    # The return deadline recorded when each period's forms were issued, by period code.
    deadlines: Mapping[str, date | None] = field(default_factory=dict)
    by_key: dict[str, Mapping[str, Any]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {nfc(t.get("key")): t for t in self.tasks})

    def deadline_of(self, period: str) -> date | None:
        if period in self.deadlines:
            return self.deadlines[period]
        return self.deadline if period == self.period.code else None


@dataclass
class Prepared:
    """A return after every check not depending on other returns, before validation."""

    form: FormFile
    result: ReturnResult
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    recency: Recency | None = None
    dated: bool = False  # the agency typed a "Ngày lập phiếu"


class _Refuse(Exception):
    def __init__(self, *reasons: str, status: Status = "refused") -> None:
        super().__init__(reasons[0] if reasons else "")
        self.reasons = list(reasons)
        self.status = status


def check_form(form: FormFile, ctx: MergeContext, state: MergeState) -> ReturnResult:
    """Check one return (see :func:`check_forms`)."""
    return check_forms([form], ctx, state)[0]


def check_forms(
    forms: Sequence[FormFile], ctx: MergeContext, state: MergeState
) -> list[ReturnResult]:
    """Check returns, oldest first (see the module docstring), and give their results in
    that order; ``state`` learns each accepted one (for duplicates and stale returns later
    in the same batch). Values are validated in one pandera call per batch."""
    prepared = [prepare(form, ctx) for form in forms]
    checked = [p for p in prepared if p.rows]
    # In batches: one pandera call per few thousand rows keeps both speed and peak memory.
    for start in range(0, len(checked), VALIDATION_BATCH):
        validate_prepared(checked[start : start + VALIDATION_BATCH])
    order = sorted(range(len(prepared)), key=lambda i: _arrival(prepared[i], i))
    return [decide(prepared[i], ctx, state) for i in order]


def _arrival(p: Prepared, index: int) -> tuple[Any, ...]:
    r = p.recency
    if r is None:
        return (date.min, date.min, datetime.min, index)
    return (r.period_end, r.report_date, r.saved_at or datetime.min, index)


def prepare(form: FormFile, ctx: MergeContext) -> Prepared:
    src = form.source
    saved = checks.capped_saved_at(form.saved_at, ctx.now)
    result = ReturnResult(src.name, src.sha256, src.path, "refused", saved_at=saved)
    prepared = Prepared(form, result)
    try:
        _check(prepared, ctx)
    except _Refuse as refusal:
        result.status = refusal.status
        result.reasons.extend(refusal.reasons)
        return prepared
    result.status = "accepted"  # provisionally: validation and decide() may still refuse
    return prepared


def validate_prepared(prepared: Iterable[Prepared]) -> None:
    from ..validators import validate_return_rows
    from .table import records_frame

    batch = list(prepared)
    records: list[dict[str, Any]] = []
    owner: list[Prepared] = []
    for p in batch:
        records.extend(p.rows)
        owner.extend([p] * len(p.rows))
    if not records:
        return
    frame = records_frame(records, ["key", *FORM_EDITABLE, "_row"])
    col_of = {c.header: i + 1 for i, c in enumerate(FORM_COLUMNS)}
    for f in validate_return_rows(frame, sheet=FORM_SHEET, columns=FORM_COLUMNS):
        p = owner[int(f.index)]
        row, col = int(f.row or 0), col_of.get(f.column, 0)
        # A cell that could not be read at all is reported once, for that.
        if any(q.row == row and q.col == col for q in p.problems):
            continue
        p.problems.append(
            Problem(1, row, col, f"Trang “{f.sheet}”, dòng {f.row}, cột “{f.column}”: {f.message}")
        )


def decide(p: Prepared, ctx: MergeContext, state: MergeState) -> ReturnResult:
    result = p.result
    if result.sha256 in state.merged_hashes:
        result.status = "duplicate"
        result.reasons[:] = ["Tệp này đã được tổng hợp trước đó (trùng nội dung); bỏ qua."]
        result.warnings.clear()
        return result
    if p.problems:
        result.status = "refused"
        result.reasons.extend(q.text for q in sorted(p.problems))
    if result.status != "accepted" or p.recency is None:
        return result
    last = state.latest.get(result.agency_code)
    if last is not None:
        verdict = _newer(p.recency, last)
        if verdict < 0:
            result.status = "stale"
            result.reasons.append(_stale_reason(p.recency, last, result.agency_name))
            return result
        guessed = not p.dated  # "Ngày lập phiếu" blank and no save time: the age is unknown
        if p.recency.saved_at is None and (verdict == 0 or guessed):
            result.status = "refused"
            result.reasons.append(
                f"Phiếu không ghi thời điểm lưu, mà {result.agency_name} đã có phiếu cùng ngày "
                f"lập được tổng hợp (lưu lúc {_when(last.saved_at)}): không biết phiếu này mới "
                "hay cũ nên không ghi; nếu đây là bản mới, hãy mở phiếu bằng Excel, lưu lại và "
                "gửi lại."
            )
            return result
    # Compare with the tracker as it will be after the returns accepted before this one.
    for rec in p.rows:
        task = ctx.by_key[rec["key"]]
        current = {**task, **state.pending.get(rec["key"], {})}
        rec = {**rec, "completed_on": completion_date(current, rec, result.report_date)}
        changed = False
        for f in FORM_EDITABLE:
            if f not in rec:  # a form issued before this column: the tracker keeps its value
                continue
            if not same(current.get(f), rec[f]):
                result.changes.append(Change(rec["key"], f, HEADERS[f], current.get(f), rec[f]))
                state.pending.setdefault(rec["key"], {})[f] = rec[f]
                changed = True
        if changed:
            result.updated_keys.append(rec["key"])
    state.merged_hashes.add(result.sha256)
    state.note(result.agency_code, p.recency)
    return result


def completion_date(
    current: Mapping[str, Any], rec: Mapping[str, Any], report_date: date | None
) -> Any:
    """The completion date a return sets: the one the agency typed; when blank (or the form
    has no such column) and the task is completed, the tracker's date if it was already
    completed, else the report date (the first report of completion)."""
    typed = rec.get("completed_on")
    if typed is not None or nfc(rec.get("status")) not in COMPLETED_STATUSES:
        return typed
    known = as_date(current.get("completed_on"))
    if known is not None and nfc(current.get("status")) in COMPLETED_STATUSES:
        return known
    return report_date


def _when(value: datetime | None) -> str:
    return f"{value:%d/%m/%Y %H:%M}" if value else "không rõ"


def _stale_reason(mine: Recency, last: Recency, agency: str) -> str:
    if mine.period_end < last.period_end:
        return (
            f"Phiếu của kỳ cũ hơn phiếu của {agency} đã tổng hợp (kỳ kết thúc ngày "
            f"{last.period_end:%d/%m/%Y}); bỏ qua để không ghi đè số liệu mới hơn."
        )
    return (
        f"Phiếu lập ngày {mine.report_date:%d/%m/%Y} (lưu lúc {_when(mine.saved_at)}), cũ hơn "
        f"phiếu của {agency} đã tổng hợp (lập ngày {last.report_date:%d/%m/%Y}, lưu lúc "
        f"{_when(last.saved_at)}); bỏ qua bản cũ."
    )


def _check(p: Prepared, ctx: MergeContext) -> None:
    """Identity first (nothing else means anything without it), then every other check,
    each adding its problems to ``p``."""
    from .signing import verify
    from .snapshot import snapshot_digest

    form, result = p.form, p.result
    meta = form.meta
    if meta.get("format") != FORM_FORMAT:
        raise _Refuse("Không phải phiếu báo cáo do sổ theo dõi phát hành (thiếu dấu nhận dạng).")
    if meta.get("version") != FORM_VERSION:
        raise _Refuse(
            f"Phiếu theo mẫu phiên bản {meta.get('version') or '(không rõ)'}, sổ theo dõi dùng "
            f"mẫu phiên bản {FORM_VERSION}; hãy điền phiếu mới."
        )
    keys = [k for k in (meta.get("keys") or "").split(";") if k]
    code, period = meta.get("agency_code", ""), meta.get("period", "")
    result.agency_code, result.period = code, period
    signed = verify(
        ctx.secret,
        meta.get("signature", ""),
        agency=code,
        period=period,
        keys=keys,
        version=meta.get("version", ""),
        issued_at=meta.get("issued_at", ""),
        locked=snapshot_digest(meta, keys),
    )
    if not signed:
        raise _Refuse(
            "Chữ ký của phiếu không khớp: thông tin nhận dạng (cơ quan, kỳ báo cáo, danh sách "
            "nhiệm vụ) đã bị sửa, hoặc phiếu không do sổ theo dõi này phát hành."
        )
    agency = ctx.catalogue.get(code)
    if agency is None:
        raise _Refuse(f"Mã cơ quan “{code}” của phiếu không có trong trang “Cơ quan”.")
    result.agency_name = agency.name
    end = _period_end(period)
    if end is None:
        raise _Refuse(f"Kỳ báo cáo “{period}” của phiếu không đọc được.")
    if end < ctx.period.start:
        result.warnings.append(
            f"Phiếu của kỳ {parse_period(period).label}, nộp sau khi kỳ đã qua (đang tổng hợp "
            f"kỳ {ctx.period.label}): phiếu vẫn được tổng hợp, ghi nhận là nộp muộn."
        )
    problems = [*checks.header_problems(form), *checks.merged_problems(form)]
    report, dated = checks.report_date(form, ctx.today, ctx.now)
    problems.extend(dated)
    if not checks.header_problems(form):  # with the columns moved no cell can be read
        aligned = checks.align_rows(form, keys, ctx.by_key, code, ctx.catalogue)
        problems.extend(aligned.problems)
        found, warned = checks.task_problems(
            form, keys, aligned.rows, ctx.by_key, code, ctx.catalogue
        )
        problems.extend(found)
        result.warnings.extend(warned)
        usable = {k: i for k, i in aligned.rows.items() if k in ctx.by_key}
        rows, found, warned = checks.value_rows(form, keys, usable)
        problems.extend(found)
        result.warnings.extend(warned)
        p.rows = rows
    result.warnings.extend(checks.ignored_sheet_warnings(form))
    p.problems = problems
    p.dated = not checks.blank(form.report_date)
    if report is not None:
        result.report_date = report
        p.recency = Recency(end, report, result.saved_at)
        sent = result.saved_at.date() if result.saved_at else report
        deadline = ctx.deadline_of(period)
        if deadline is not None and sent > deadline:
            result.warnings.append(
                f"Phiếu gửi muộn: lưu ngày {sent:%d/%m/%Y}, sau hạn gửi {deadline:%d/%m/%Y}."
            )
    if ctx.now is not None and form.saved_at is not None and form.saved_at > ctx.now + SKEW:
        result.warnings.append(
            f"Thời điểm lưu phiếu ghi trong tệp ({_when(form.saved_at)}) ở sau lúc nhận phiếu: "
            "đồng hồ máy tính của cơ quan có thể bị sai; đã tính theo lúc nhận phiếu."
        )


# -- applying accepted returns -------------------------------------------------------------
def apply_returns(
    tasks: Sequence[Mapping[str, Any]], results: Sequence[ReturnResult], now: datetime
) -> tuple[dict[int, dict[str, Any]], list[dict[str, Any]]]:
    """New values by Excel row (only changed fields) and the audit-log rows to append."""
    by_key = {nfc(t.get("key")): t for t in tasks}
    cells: dict[int, dict[str, Any]] = {}
    log: list[dict[str, Any]] = []
    for res in results:
        if not res.accepted:
            continue
        agency = f"{res.agency_code} – {res.agency_name}"
        for ch in res.changes:
            row = int(by_key[ch.key]["_row"])
            cells.setdefault(row, {})[ch.field] = ch.new
            log.append({"time": now, "action": ACTION_CHANGED, "file": res.name,
                        "sha256": res.sha256, "agency": agency, "key": ch.key,
                        "column": ch.header, "old": _log_value(ch.old),
                        "new": _log_value(ch.new), "period": res.period})  # fmt: skip
        for key in res.updated_keys:
            row = int(by_key[key]["_row"])
            cells.setdefault(row, {}).update(updated_at=res.report_date, source=res.name)
        log.append({"time": now, "action": ACTION_RECEIVED, "file": res.name,
                    "sha256": res.sha256, "agency": agency, "period": res.period,
                    "saved_at": res.saved_at, "report_date": res.report_date,
                    "note": "; ".join([f"{len(res.changes)} ô thay đổi", *res.warnings])
                    })  # fmt: skip
    return cells, log


def _log_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def summary_frame(results: Sequence[ReturnResult]) -> pd.DataFrame:
    """One row per returned file, for the report file and the console table."""
    labels = {"accepted": "Đã tổng hợp", "refused": "Từ chối", "duplicate": "Trùng, bỏ qua",
              "stale": "Bản cũ, bỏ qua"}  # fmt: skip
    return pd.DataFrame(
        [
            {
                "Tệp": r.name,
                "Cơ quan": r.agency_name or r.agency_code,
                "Kỳ": r.period,
                "Kết quả": labels[r.status],
                "Số ô thay đổi": len(r.changes),
                "Lý do / cảnh báo": "\n".join([*r.reasons, *r.warnings]),
                "SHA-256": r.sha256,
            }
            for r in results
        ]
    )
