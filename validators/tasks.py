"""Schemas of the "Nhiệm vụ" sheet and of the rows of a returned form.

:class:`TrackingSchema` holds what an agency reports (status, progress, result) and is
shared by the tracker and returned forms; :class:`TaskSchema` adds the plan's own
columns. Checks that need outside facts (the agency catalogue, today's date) read them
from ``ctx_`` columns that :func:`prepare_tasks` adds, so the schemas stay plain
pandera models.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..core.agencies import AgencyCatalogue
from ..core.layout import (
    COMPLETED_STATUSES,
    LEVEL_LABELS,
    STATUS_DONE,
    STATUS_DONE_LATE,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    STATUSES,
    Level,
)
from ..core.model import level_from_label, nfc
from ..core.timeframe import FIXED_DEADLINE_KINDS, KIND_LABELS, kind_from_label
from .findings import Rule, show_value

COMPLETED = list(COMPLETED_STATUSES)  # pandas isin wants a list


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or nfc(value) == ""


def _is_date(value: Any) -> bool:
    return isinstance(value, date | datetime)


def _progress_ok(value: Any) -> bool:
    n = _num(value)
    return _blank(value) or (n is not None and 0 <= n <= 100)


def _status_of(frame: pd.DataFrame) -> pd.Series:
    return frame["status"].map(nfc)


def _progress_of(frame: pd.DataFrame) -> pd.Series:
    return frame["progress"].map(_num)


class TrackingSchema(pa.DataFrameModel):
    """What an agency reports on one of its tasks."""

    status: Series[object] = pa.Field(nullable=True)
    progress: Series[object] = pa.Field(nullable=True)
    result: Series[object] = pa.Field(nullable=True)
    ctx_leaf: Series[object] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False

    @pa.check("status", name="status_invalid")
    def status_invalid(cls, s: pd.Series) -> pd.Series:
        return s.map(lambda v: _blank(v) or nfc(v) in STATUSES)

    @pa.check("progress", name="progress_invalid")
    def progress_invalid(cls, s: pd.Series) -> pd.Series:
        return s.map(_progress_ok)

    @pa.dataframe_check(name="progress_done")
    def progress_done(cls, df: pd.DataFrame) -> pd.Series:
        p = _progress_of(df)
        bad = df["ctx_leaf"].astype(bool) & _status_of(df).isin(COMPLETED) & p.notna() & (p != 100)
        return ~bad

    @pa.dataframe_check(name="status_for_100")
    def status_for_100(cls, df: pd.DataFrame) -> pd.Series:
        s = _status_of(df)
        bad = df["ctx_leaf"].astype(bool) & (_progress_of(df) == 100) & (s != "")
        return ~(bad & ~s.isin(COMPLETED))

    @pa.dataframe_check(name="progress_not_started")
    def progress_not_started(cls, df: pd.DataFrame) -> pd.Series:
        p = _progress_of(df)
        bad = df["ctx_leaf"].astype(bool) & (_status_of(df) == STATUS_NOT_STARTED) & (p > 0)
        return ~bad

    @pa.dataframe_check(name="status_for_0")
    def status_for_0(cls, df: pd.DataFrame) -> pd.Series:
        s = _status_of(df)
        bad = df["ctx_leaf"].astype(bool) & (_progress_of(df) == 0) & (s == STATUS_IN_PROGRESS)
        return ~bad

    @pa.dataframe_check(name="result_missing")
    def result_missing(cls, df: pd.DataFrame) -> pd.Series:
        bad = (
            df["ctx_leaf"].astype(bool) & _status_of(df).isin(COMPLETED) & df["result"].map(_blank)
        )
        return ~bad


class TaskSchema(TrackingSchema):
    """One row of "Nhiệm vụ"."""

    key: Series[object] = pa.Field(nullable=True)
    level: Series[object] = pa.Field(nullable=True)
    parent: Series[object] = pa.Field(nullable=True)
    content: Series[object] = pa.Field(nullable=True)
    lead: Series[object] = pa.Field(nullable=True)
    due_date: Series[object] = pa.Field(nullable=True)
    deadline_kind: Series[object] = pa.Field(nullable=True)
    updated_at: Series[object] = pa.Field(nullable=True)
    weight: Series[object] = pa.Field(nullable=True)
    ctx_duplicate_of: Series[object] = pa.Field(nullable=True)
    ctx_lead_unknown: Series[object] = pa.Field(nullable=True)
    ctx_today: Series[object] = pa.Field(nullable=True)
    completed_on: Series[object] = pa.Field(nullable=True)
    ctx_completed_conflict: Series[object] = pa.Field(nullable=True)

    @pa.dataframe_check(name="progress_fraction")
    def progress_fraction(cls, df: pd.DataFrame) -> pd.Series:
        # 0.5 in a cell without a % format: 0.5% or 50%? Never guessed: the user says.
        p = _progress_of(df)
        return ~(p.notna() & (p > 0) & (p <= 1) & ~df["ctx_progress_percent"].astype(bool))

    @pa.dataframe_check(name="key_missing")
    def key_missing(cls, df: pd.DataFrame) -> pd.Series:
        return ~df["key"].map(_blank)

    @pa.dataframe_check(name="key_duplicate")
    def key_duplicate(cls, df: pd.DataFrame) -> pd.Series:
        return df["ctx_duplicate_of"].map(_blank)

    @pa.check("level", name="level_invalid")
    def level_invalid(cls, s: pd.Series) -> pd.Series:
        return s.map(lambda v: level_from_label(v) is not None)

    @pa.dataframe_check(name="content_missing")
    def content_missing(cls, df: pd.DataFrame) -> pd.Series:
        return ~df["content"].map(_blank)

    @pa.dataframe_check(name="lead_missing")
    def lead_missing(cls, df: pd.DataFrame) -> pd.Series:
        return ~(df["ctx_leaf"].astype(bool) & df["lead"].map(_blank))

    @pa.dataframe_check(name="lead_unknown")
    def lead_unknown(cls, df: pd.DataFrame) -> pd.Series:
        return df["ctx_lead_unknown"].map(_blank)

    @pa.dataframe_check(name="parent_missing")
    def parent_missing(cls, df: pd.DataFrame) -> pd.Series:
        keys = set(df["key"].map(nfc))
        parent = df["parent"].map(nfc)
        return (parent == "") | (parent.isin(keys) & (parent != df["key"].map(nfc)))

    @pa.check("deadline_kind", name="kind_invalid")
    def kind_invalid(cls, s: pd.Series) -> pd.Series:
        return s.map(lambda v: kind_from_label(nfc(v)) is not None)

    @pa.check("due_date", name="due_invalid")
    def due_invalid(cls, s: pd.Series) -> pd.Series:
        return s.map(_is_date)

    @pa.dataframe_check(name="due_missing")
    def due_missing(cls, df: pd.DataFrame) -> pd.Series:
        fixed = df["deadline_kind"].map(lambda v: kind_from_label(nfc(v)) in FIXED_DEADLINE_KINDS)
        return ~(fixed & df["due_date"].map(_blank))

    @pa.check("updated_at", name="updated_invalid")
    def updated_invalid(cls, s: pd.Series) -> pd.Series:
        return s.map(_is_date)

    @pa.dataframe_check(name="updated_future")
    def updated_future(cls, df: pd.DataFrame) -> pd.Series:
        def ok(v: Any, today: date) -> bool:
            d = v.date() if isinstance(v, datetime) else v
            return not isinstance(d, date) or d <= today

        return pd.Series(
            [ok(v, t) for v, t in zip(df["updated_at"], df["ctx_today"], strict=True)],
            index=df.index,
        )

    @pa.check("completed_on", name="completed_invalid")
    def completed_invalid(cls, s: pd.Series) -> pd.Series:
        return s.map(lambda v: _blank(v) or _is_date(v))

    @pa.dataframe_check(name="completed_future")
    def completed_future(cls, df: pd.DataFrame) -> pd.Series:
        return pd.Series(
            [
                not _is_date(v) or _day(v) <= t
                for v, t in zip(df["completed_on"], df["ctx_today"], strict=True)
            ],
            index=df.index,
        )

    @pa.dataframe_check(name="completed_conflict")
    def completed_conflict(cls, df: pd.DataFrame) -> pd.Series:
        return ~df["ctx_completed_conflict"].map(bool)

    @pa.check("weight", name="weight_invalid")
    def weight_invalid(cls, s: pd.Series) -> pd.Series:
        return s.map(lambda v: (n := _num(v)) is not None and n >= 0)


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def completed_conflict(row: Mapping[str, Any]) -> str:
    """Why a leaf task's typed status contradicts its completion date ("" when it does not):
    the dates decide on time or late (core/recalc.finished_late), so the status must agree."""
    from ..core.recalc import NEVER_OVERDUE

    typed = row.get("completed_on")
    status = nfc(row.get("status"))
    if not row.get("ctx_leaf") or not isinstance(typed, date) or status not in STATUSES:
        return ""
    done = _day(typed)
    if status not in COMPLETED_STATUSES:
        return (
            f"Đã ghi ngày hoàn thành {done:%d/%m/%Y} nhưng trạng thái là “{status}”: chọn "
            f"“{STATUS_DONE}” hoặc “{STATUS_DONE_LATE}”, hoặc xóa ngày hoàn thành."
        )
    deadline = row.get("due_date")
    if not isinstance(deadline, date):
        return ""
    if kind_from_label(nfc(row.get("deadline_kind"))) in NEVER_OVERDUE:
        return ""
    due = _day(deadline)
    if status == STATUS_DONE and done > due:
        return (
            f"Hoàn thành ngày {done:%d/%m/%Y}, sau hạn {due:%d/%m/%Y}, nhưng trạng thái là "
            f"“{STATUS_DONE}”: chọn “{STATUS_DONE_LATE}” hoặc sửa ngày hoàn thành."
        )
    if status == STATUS_DONE_LATE and done <= due:
        return (
            f"Hoàn thành ngày {done:%d/%m/%Y}, không sau hạn {due:%d/%m/%Y}, nhưng trạng thái "
            f"là “{STATUS_DONE_LATE}”: chọn “{STATUS_DONE}” hoặc sửa ngày hoàn thành."
        )
    return ""


def _unknown_leads(lead: Any, catalogue: AgencyCatalogue) -> str:
    return "; ".join(name for name, agency in catalogue.named_in(nfc(lead)) if agency is None)


def prepare_tasks(
    frame: pd.DataFrame,
    catalogue: AgencyCatalogue,
    today: date,
    percent_rows: frozenset[int] = frozenset(),
) -> pd.DataFrame:
    """The tracker frame plus the ``ctx_`` facts the schema's checks read; ``percent_rows``:
    Excel rows whose progress cell has a % format."""
    out = frame.copy()
    out["ctx_progress_percent"] = out["_row"].map(lambda r: r in percent_rows).astype(object)
    keys = out["key"].map(nfc)
    first_row: dict[str, Any] = {}
    duplicate_of: list[Any] = []
    for k, r in zip(keys, out["_row"], strict=True):
        if k and k in first_row:
            duplicate_of.append(first_row[k])
        else:
            first_row.setdefault(k, r)
            duplicate_of.append(None)
    out["ctx_duplicate_of"] = pd.Series(duplicate_of, index=out.index, dtype=object)
    out["ctx_leaf"] = out["level"].map(lambda v: level_from_label(v) is Level.TASK).astype(object)
    out["ctx_lead_unknown"] = out["lead"].map(lambda v: _unknown_leads(v, catalogue)).astype(object)
    out["ctx_today"] = pd.Series([today] * len(out), index=out.index, dtype=object)
    out["ctx_completed_conflict"] = pd.Series(
        [completed_conflict({str(k): v for k, v in r.items()}) for r in out.to_dict("records")],
        index=out.index,
        dtype=object,
    )
    return out


def prepare_returns(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["ctx_leaf"] = pd.Series([True] * len(out), index=out.index, dtype=object)
    return out


def _fraction_message(row: Mapping[str, Any]) -> str:
    typed = _p(row)
    meant = show_value(round((_num(row.get("progress")) or 0) * 100, 6))
    return (
        f"Tiến độ {typed} là {typed}% hay {meant}%? Nếu là {meant}%, hãy gõ {meant} (hoặc gõ kèm "
        f"dấu %); nếu đúng là {typed}%, hãy gõ {typed}% để phần mềm không phải đoán."
    )


def _p(row: Mapping[str, Any]) -> str:
    return show_value(row.get("progress"))


_STATUS_LIST = ", ".join(STATUSES)
_LEVELS = ", ".join(f"“{x}”" for x in LEVEL_LABELS.values())
_KINDS = ", ".join(KIND_LABELS.values())

TRACKING_RULES: dict[str, Rule] = {
    "status_invalid": Rule(
        "status",
        lambda r: f"Trạng thái {show_value(r['status'])} không có trong danh sách: {_STATUS_LIST}.",
    ),
    "progress_invalid": Rule(
        "progress",
        lambda r: (
            f"Tiến độ phải là số từ 0 đến 100 (đang là {_p(r)})"
            + ("; chỉ ghi số, không kèm dấu %, ví dụ: 50." if "%" in str(r["progress"]) else ".")
        ),
    ),
    "progress_done": Rule(
        "progress",
        lambda r: f"Khi trạng thái là “{nfc(r['status'])}”, tiến độ phải là 100 (đang là {_p(r)}).",
    ),
    "status_for_100": Rule(
        "status",
        lambda r: (
            f"Tiến độ 100 nhưng trạng thái là “{nfc(r['status'])}”: chọn “{STATUS_DONE}” "
            f"hoặc “{STATUS_DONE_LATE}”, hoặc sửa tiến độ."
        ),
    ),
    "progress_not_started": Rule(
        "progress",
        lambda r: (
            f"Khi trạng thái là “{STATUS_NOT_STARTED}”, tiến độ phải là 0 hoặc để trống "
            f"(đang là {_p(r)})."
        ),
    ),
    "status_for_0": Rule(
        "progress",
        lambda r: (
            f"Khi trạng thái là “{nfc(r['status'])}”, tiến độ phải lớn hơn 0 (đang là 0); "
            f"nếu chưa làm, chọn “{STATUS_NOT_STARTED}”."
        ),
    ),
    "result_missing": Rule(
        "result", lambda r: "Đã báo cáo hoàn thành nhưng chưa ghi kết quả thực hiện."
    ),
}

TASK_RULES: dict[str, Rule] = {
    **TRACKING_RULES,
    "progress_fraction": Rule("progress", lambda r: _fraction_message(r)),
    "key_missing": Rule("key", lambda r: "Thiếu mã nhiệm vụ (Mã NV)."),
    "key_duplicate": Rule(
        "key",
        lambda r: f"Mã NV {show_value(r['key'])} bị trùng với dòng {r['ctx_duplicate_of']}.",
    ),
    "level_invalid": Rule(
        "level", lambda r: f"Cấp phải là {_LEVELS} (đang là {show_value(r['level'])})."
    ),
    "content_missing": Rule("content", lambda r: "Thiếu nội dung nhiệm vụ."),
    "lead_missing": Rule("lead", lambda r: "Nhiệm vụ chưa có cơ quan chủ trì."),
    "lead_unknown": Rule(
        "lead",
        lambda r: (
            f"Cơ quan chủ trì “{r['ctx_lead_unknown']}” chưa có trong trang “Cơ quan”: "
            "thêm cơ quan, hoặc thêm tên này vào cột tên gọi khác của cơ quan đó."
        ),
    ),
    "parent_missing": Rule(
        "parent",
        lambda r: (
            f"Mã cha {show_value(r['parent'])} trùng với mã của chính nhiệm vụ này; hãy ghi mã "
            "của phần hoặc nhóm chứa nhiệm vụ."
            if nfc(r["parent"]) == nfc(r["key"])
            else f"Mã cha {show_value(r['parent'])} không có trong cột “Mã NV”."
        ),
    ),
    "kind_invalid": Rule(
        "deadline_kind",
        lambda r: (
            f"Loại thời hạn {show_value(r['deadline_kind'])} không có trong danh sách: {_KINDS}."
        ),
    ),
    "due_invalid": Rule(
        "due_date",
        lambda r: (
            f"Hạn hoàn thành phải là một ngày, dạng ngày/tháng/năm "
            f"(đang là {show_value(r['due_date'])})."
        ),
    ),
    "due_missing": Rule(
        "due_date",
        lambda r: (
            f"Loại thời hạn “{nfc(r['deadline_kind'])}” cần có hạn hoàn thành (ngày/tháng/năm)."
        ),
    ),
    "updated_invalid": Rule(
        "updated_at",
        lambda r: (
            f"Ngày cập nhật phải là một ngày, dạng ngày/tháng/năm "
            f"(đang là {show_value(r['updated_at'])})."
        ),
    ),
    "updated_future": Rule(
        "updated_at",
        lambda r: (
            f"Ngày cập nhật {show_value(r['updated_at'])} muộn hơn ngày hôm nay "
            f"({show_value(r['ctx_today'])}); kiểm tra lại."
        ),
    ),
    "completed_invalid": Rule(
        "completed_on",
        lambda r: (
            f"Ngày hoàn thành phải là một ngày, dạng ngày/tháng/năm "
            f"(đang là {show_value(r['completed_on'])})."
        ),
    ),
    "completed_future": Rule(
        "completed_on",
        lambda r: (
            f"Ngày hoàn thành {show_value(r['completed_on'])} muộn hơn ngày hôm nay "
            f"({show_value(r['ctx_today'])}); kiểm tra lại."
        ),
    ),
    "completed_conflict": Rule("status", lambda r: str(r["ctx_completed_conflict"])),
    "weight_invalid": Rule(
        "weight",
        lambda r: f"Trọng số phải là số không âm (đang là {show_value(r['weight'])}).",
    ),
}
