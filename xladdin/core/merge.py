"""Merging returned forms: check each return whole, then say exactly which cells change.

Pure: a :class:`~xladdin.core.returns.FormFile` and the tracker's state in, a
:class:`ReturnResult` out. A return is accepted only when everything in it is right
(signature, agency, period, rows, locked columns, values); then only the editable columns
of that agency's lead tasks change. Nothing is guessed: a doubtful return is refused with
a message naming the file, sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .agencies import AgencyCatalogue
from .layout import (
    FORM_COLUMNS,
    FORM_EDITABLE,
    FORM_FIRST_ROW,
    FORM_FORMAT,
    FORM_HEADER_ROW,
    FORM_REPORT_DATE_CELL,
    FORM_SHEET,
    FORM_VERSION,
    Level,
)
from .model import as_date, fold, level_from_label, nfc, number
from .period import Period
from .returns import FormFile

Status = Literal["accepted", "refused", "duplicate", "stale"]
HEADERS = {c.field: c.header for c in FORM_COLUMNS}
POSITION = {c.field: i for i, c in enumerate(FORM_COLUMNS)}
ACTION_RECEIVED = "Nhận phiếu"
ACTION_CHANGED = "Tổng hợp phiếu"
SAVED_AT_COLUMN = "Lưu lúc"
VALIDATION_BATCH = 200  # returns per pandera call


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


@dataclass
class MergeState:
    """What the tracker says about earlier merges (from "Nhật ký"); updated as returns land."""

    merged_hashes: set[str] = field(default_factory=set)
    last_saved: dict[tuple[str, str], datetime] = field(default_factory=dict)
    # Values set by returns accepted earlier in this batch, by task key.
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_log(cls, log: Iterable[Mapping[Any, Any]]) -> MergeState:
        state = cls()
        for rec in log:
            if nfc(rec.get("action")) != ACTION_RECEIVED:
                continue
            if rec.get("sha256"):
                state.merged_hashes.add(str(rec["sha256"]))
            saved = _iso(rec.get("new"))
            code, period = nfc(rec.get("agency")).split(" ")[0], nfc(rec.get("key"))
            if saved is not None and code:
                key = (code, period)
                if key not in state.last_saved or saved > state.last_saved[key]:
                    state.last_saved[key] = saved
        return state


def _iso(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class MergeContext:
    tasks: Sequence[Mapping[str, Any]]
    catalogue: AgencyCatalogue
    secret: bytes
    period: Period
    today: date
    deadline: date | None = None  # the return deadline of "Cấu hình", if set
    by_key: dict[str, Mapping[str, Any]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {nfc(t.get("key")): t for t in self.tasks})


@dataclass
class Prepared:
    """A return that passed every check not depending on other returns, before validation."""

    form: FormFile
    result: ReturnResult
    rows: list[dict[str, Any]] = field(default_factory=list)


class _Refuse(Exception):
    def __init__(self, *reasons: str, status: Status = "refused") -> None:
        super().__init__(reasons[0] if reasons else "")
        self.reasons = list(reasons)
        self.status = status


def _where(row: int, header: str) -> str:
    return f"trang “{FORM_SHEET}”, dòng {row}, cột “{header}”"


def _at(row: int, header: str) -> str:
    """The same place at the start of a sentence."""
    return f"Trang “{FORM_SHEET}”, dòng {row}, cột “{header}”"


def _leads(task: Mapping[str, Any], catalogue: AgencyCatalogue) -> set[str]:
    return {a.code for _, a in catalogue.named_in(nfc(task.get("lead"))) if a is not None}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _filled(row: Sequence[Any]) -> bool:
    return any(not _blank(v) for v in row)


def _same(a: Any, b: Any) -> bool:
    """Equal as a person reads the cell: blank = blank, 50 = 50.0, dates by day, text NFC."""
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    da, db = as_date(a), as_date(b)
    if da is not None or db is not None:
        return da == db
    na, nb = number(a), number(b)
    if na is not None and nb is not None:
        return abs(na - nb) < 1e-9
    return nfc(a) == nfc(b)


def check_form(form: FormFile, ctx: MergeContext, state: MergeState) -> ReturnResult:
    """Check one return (see :func:`check_forms`)."""
    return check_forms([form], ctx, state)[0]


def check_forms(
    forms: Sequence[FormFile], ctx: MergeContext, state: MergeState
) -> list[ReturnResult]:
    """Check returns in order; ``state`` learns each accepted one (for duplicates and stale
    returns later in the same batch). Values are validated in one pandera call for all."""
    prepared = [prepare(form, ctx) for form in forms]
    candidates = [p for p in prepared if p.result.status == "accepted"]
    # In batches: one pandera call per few thousand rows keeps both speed and peak memory.
    for start in range(0, len(candidates), VALIDATION_BATCH):
        validate_prepared(candidates[start : start + VALIDATION_BATCH])
    return [decide(p, ctx, state) for p in prepared]


def prepare(form: FormFile, ctx: MergeContext) -> Prepared:
    src = form.source
    result = ReturnResult(src.name, src.sha256, src.path, "refused", saved_at=form.saved_at)
    prepared = Prepared(form, result)
    try:
        prepared.rows = _check(form, ctx, result)
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
    for f in validate_return_rows(frame, sheet=FORM_SHEET, columns=FORM_COLUMNS):
        res = owner[int(f.index)].result
        res.status = "refused"
        res.reasons.append(f"Trang “{f.sheet}”, dòng {f.row}, cột “{f.column}”: {f.message}")


def decide(p: Prepared, ctx: MergeContext, state: MergeState) -> ReturnResult:
    result = p.result
    if result.sha256 in state.merged_hashes:
        result.status = "duplicate"
        result.reasons[:] = ["Tệp này đã được tổng hợp trước đó (trùng nội dung); bỏ qua."]
        result.warnings.clear()
        return result
    if result.status != "accepted":
        return result
    last = state.last_saved.get((result.agency_code, result.period))
    saved = result.saved_at
    if last is not None and saved is None:
        result.status = "refused"
        result.reasons.append(
            f"Phiếu không ghi thời điểm lưu, mà {result.agency_name} đã có phiếu được tổng hợp "
            f"(lưu lúc {last:%d/%m/%Y %H:%M}): không biết phiếu này mới hay cũ nên không ghi; "
            "nếu đây là bản mới, hãy mở phiếu bằng Excel, lưu lại và gửi lại."
        )
        return result
    if last is not None and saved is not None and saved < last:
        result.status = "stale"
        result.reasons.append(
            f"Phiếu lưu lúc {saved:%d/%m/%Y %H:%M}, cũ hơn phiếu của {result.agency_name} "
            f"đã tổng hợp (lưu lúc {last:%d/%m/%Y %H:%M}); bỏ qua bản cũ."
        )
        return result
    # Compare with the tracker as it will be after the returns accepted before this one.
    for rec in p.rows:
        task = ctx.by_key[rec["key"]]
        current = {**task, **state.pending.get(rec["key"], {})}
        changed = False
        for f in FORM_EDITABLE:
            if not _same(current.get(f), rec[f]):
                result.changes.append(Change(rec["key"], f, HEADERS[f], current.get(f), rec[f]))
                state.pending.setdefault(rec["key"], {})[f] = rec[f]
                changed = True
        if changed:
            result.updated_keys.append(rec["key"])
    state.merged_hashes.add(result.sha256)
    if saved is not None:
        state.last_saved[(result.agency_code, result.period)] = saved
    return result


def _check(form: FormFile, ctx: MergeContext, result: ReturnResult) -> list[dict[str, Any]]:
    from .signing import verify

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
    if period != ctx.period.code:
        raise _Refuse(
            f"Phiếu của kỳ {period}, sổ theo dõi đang tổng hợp kỳ {ctx.period.code} "
            "(ô “Kỳ báo cáo” ở trang “Cấu hình”)."
        )
    _check_header(form)
    _check_merged(form)
    _check_rows(form, keys, ctx.by_key, code, ctx.catalogue)
    result.report_date = _report_date(form, result, ctx.today)
    sent = form.saved_at.date() if form.saved_at else result.report_date
    if ctx.deadline is not None and sent > ctx.deadline:
        result.warnings.append(
            f"Phiếu gửi muộn: lưu ngày {sent:%d/%m/%Y}, sau hạn gửi {ctx.deadline:%d/%m/%Y}."
        )
    return _normalised_rows(form, keys, result)


def _check_header(form: FormFile) -> None:
    for i, col in enumerate(FORM_COLUMNS):
        got = form.header[i] if i < len(form.header) else None
        if fold(got) != fold(col.header):
            raise _Refuse(
                f"Trang “{FORM_SHEET}”, dòng {FORM_HEADER_ROW}: cột thứ {i + 1} phải là "
                f"“{col.header}” (đang là “{nfc(got)}”); không thêm, xóa, đổi tên hay đổi thứ "
                "tự cột của phiếu."
            )
    extra = [nfc(h) for h in form.header[len(FORM_COLUMNS) :] if nfc(h)]
    if extra:
        raise _Refuse(
            f"Trang “{FORM_SHEET}”, dòng {FORM_HEADER_ROW}: có thêm cột “{extra[0]}”; không thêm "
            "cột vào phiếu."
        )


def _check_merged(form: FormFile) -> None:
    for ref in form.merged:
        rows = [int("".join(ch for ch in part if ch.isdigit()) or 0) for part in ref.split(":")]
        if max(rows) >= FORM_HEADER_ROW:
            raise _Refuse(
                f"Trang “{FORM_SHEET}”: các ô {ref} bị gộp; không gộp ô trong bảng nhiệm vụ."
            )


def _check_rows(
    form: FormFile,
    keys: Sequence[str],
    by_key: Mapping[str, Mapping[str, Any]],
    code: str,
    catalogue: AgencyCatalogue,
) -> None:
    got = [nfc(r[0]) if r else "" for r in form.rows]
    for i in range(max(len(got), len(keys))):
        row = FORM_FIRST_ROW + i
        want = keys[i] if i < len(keys) else None
        have = got[i] if i < len(got) else None
        if want == have:
            continue
        at = _at(row, HEADERS["key"])
        if want is None:
            # Below the table: name the first row that holds anything (a blank row is fine).
            extra = next(
                (
                    (FORM_FIRST_ROW + j, r)
                    for j, r in enumerate(form.rows[i:], start=i)
                    if _filled(r)
                ),
                None,
            )
            if extra is None:
                break
            where_row, cells = extra
            first = next(nfc(v) for v in cells if not _blank(v))
            owner = by_key.get(nfc(cells[0]) if cells else "")
            if owner is not None and code not in _leads(owner, catalogue):
                raise _Refuse(
                    f"{_at(where_row, HEADERS['key'])}: nhiệm vụ {nfc(cells[0])} không do cơ quan "
                    "này chủ trì; chỉ báo cáo nhiệm vụ của cơ quan mình."
                )
            raise _Refuse(
                f"Trang “{FORM_SHEET}”, dòng {where_row}: có nội dung ngoài bảng nhiệm vụ "
                f"(“{first}”); không thêm dòng vào phiếu, ghi chú xin ghi ở cột “Khó khăn, vướng "
                "mắc” hoặc “Đề xuất, kiến nghị”."
            )
        if not have:
            raise _Refuse(f"{at}: thiếu dòng của nhiệm vụ {want}; không xóa dòng của phiếu.")
        if have not in keys:
            owner = by_key.get(have)
            if owner is not None and code not in _leads(owner, catalogue):
                raise _Refuse(
                    f"{at}: nhiệm vụ {have} không do cơ quan này chủ trì; chỉ báo cáo nhiệm vụ "
                    "của cơ quan mình."
                )
            raise _Refuse(f"{at}: dòng “{have}” được thêm vào phiếu; không thêm dòng.")
        if want in got:
            raise _Refuse(
                f"{at}: thứ tự các dòng đã bị thay đổi (đây là {have}, đúng ra là {want}); "
                "không sắp xếp lại phiếu."
            )
        raise _Refuse(f"{at}: thiếu dòng của nhiệm vụ {want}; không xóa dòng của phiếu.")
    for i, key in enumerate(keys):
        row = FORM_FIRST_ROW + i
        task = by_key.get(key)
        if task is None or level_from_label(task.get("level")) is not Level.TASK:
            raise _Refuse(
                f"{_at(row, HEADERS['key'])}: nhiệm vụ {key} không còn trong sổ "
                "theo dõi (kế hoạch đã được nhập lại); cần phát hành phiếu mới."
            )
        if code not in _leads(task, catalogue):
            raise _Refuse(
                f"{_at(row, HEADERS['key'])}: nhiệm vụ {key} không còn do cơ "
                "quan này chủ trì; cần phát hành phiếu mới."
            )
        values = form.rows[i]
        for f in ("content", "timeframe", "due_date"):
            cell = values[POSITION[f]] if POSITION[f] < len(values) else None
            if not _same(cell, task.get(f)):
                raise _Refuse(
                    f"{_at(row, HEADERS[f])}: cột này bị khóa, không được sửa "
                    f"(phiếu ghi {_show(cell)}, sổ theo dõi ghi {_show(task.get(f))})."
                )


def _show(value: Any) -> str:
    from ..validators import show_value

    return show_value(value)


def _report_date(form: FormFile, result: ReturnResult, today: date) -> date:
    from .normalize import parse_date

    raw = form.report_date
    if raw is None or nfc(raw) == "":
        return form.saved_at.date() if form.saved_at else today
    parsed = parse_date(raw)
    if not parsed.ok or parsed.value is None:
        r, c = FORM_REPORT_DATE_CELL
        raise _Refuse(
            f"Trang “{FORM_SHEET}”, ô “Ngày lập phiếu” (dòng {r}, cột {c}): {parsed.error}"
        )
    return parsed.value


def _normalised_rows(
    form: FormFile, keys: Sequence[str], result: ReturnResult
) -> list[dict[str, Any]]:
    from .normalize import normalize_text, parse_progress, parse_status

    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    for i, key in enumerate(keys):
        row = FORM_FIRST_ROW + i
        values = form.rows[i]
        rec: dict[str, Any] = {"key": key, "_row": row}
        for f in FORM_EDITABLE:
            col = POSITION[f] + 1
            raw = values[col - 1] if col - 1 < len(values) else None
            if (row, col) in form.formulas:
                if raw is None or raw == "":
                    problems.append(f"{_at(row, HEADERS[f])}: ô có công thức "
                                    "nhưng không có giá trị; hãy nhập giá trị.")  # fmt: skip
                    continue
                result.warnings.append(f"{_at(row, HEADERS[f])}: ô có công "
                                       "thức; đã lấy giá trị hiển thị.")  # fmt: skip
            if f == "status":
                st = parse_status(raw)
                if not st.ok:
                    problems.append(f"{_at(row, HEADERS[f])}: {st.error}")
                rec[f] = st.value
                if st.note:
                    result.warnings.append(f"{_at(row, HEADERS[f])}: {st.note}")
            elif f == "progress":
                pr = parse_progress(raw, percent_format=(row, col) in form.percent_cells or None)
                if not pr.ok:
                    problems.append(f"{_at(row, HEADERS[f])}: {pr.error}")
                rec[f] = pr.value
                if pr.note:
                    result.warnings.append(f"{_at(row, HEADERS[f])}: {pr.note}")
            else:
                tx = normalize_text(raw, font_encoding=form.legacy_cells.get((row, col)))
                rec[f] = tx.text or None
                if tx.note:
                    result.warnings.append(f"{_at(row, HEADERS[f])}: {tx.note}")
        rows.append(rec)
    if problems:
        raise _Refuse(*problems)
    return rows


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
                        "new": _log_value(ch.new)})  # fmt: skip
        for key in res.updated_keys:
            row = int(by_key[key]["_row"])
            cells.setdefault(row, {}).update(updated_at=res.report_date, source=res.name)
        log.append({"time": now, "action": ACTION_RECEIVED, "file": res.name,
                    "sha256": res.sha256, "agency": agency, "key": res.period,
                    "column": SAVED_AT_COLUMN,
                    "new": res.saved_at.isoformat(timespec="seconds") if res.saved_at else None,
                    "old": f"{len(res.changes)} ô thay đổi"})  # fmt: skip
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
