"""What a form holds and what it says: its tasks, metadata and every text printed on it (pure).

:mod:`xladdin.core.forms` decides which agency gets which tasks; :mod:`xladdin.io.form_io`
lays an :class:`AgencyForm` out as an .xlsx, writing the texts given here.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .agencies import Agency
from .agency_names import timeframe_text
from .layout import (
    FORM_COORD_COLUMNS,
    FORM_COORD_SHEET,
    FORM_FORMAT,
    FORM_HELP_SHEET,
    FORM_META_KEYS,
    FORM_REPORT_DATE_CELL,
    FORM_SHEET,
    FORM_VERSION,
    STATUS_DONE,
    STATUS_DONE_LATE,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    STATUS_PAUSED,
)
from .model import nfc
from .period import Period
from .snapshot import COORD_KEY, SNAPSHOT_FIELDS, coord_entry, locked_entries

FILE_PREFIX = "PhieuBaoCao"


KEY_SEPARATOR = ";"


def form_file_name(agency_code: str, period_code: str) -> str:
    """``PhieuBaoCao_<CODE>_<period>.xlsx``: ASCII only, so mail clients keep it intact."""
    return f"{FILE_PREFIX}_{agency_code}_{period_code}.xlsx"


def _raw(value: Any) -> Any:
    """A tracker value as it will be prefilled: text stays text (NFC, line breaks kept, so an
    untouched return equals the tracker), NaN and blanks become None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value)
        return text if text.strip() else None
    return value


def printed_value(field: str, value: Any) -> Any:
    """A tracker value as a form prints it (:func:`_raw`); a timeframe is printed the standard
    way ("Qúy I/2026" → "Quý I/2026", :func:`timeframe_text`), the tracker keeps the plan's."""
    raw = _raw(value)
    if field == "timeframe" and isinstance(raw, str):
        return timeframe_text(raw)
    return raw


@dataclass(frozen=True)
class FormTask:
    """One task row of a form, with the tracker's current values."""

    key: str
    content: Any = None
    lead: Any = None
    timeframe: Any = None
    due_date: Any = None
    status: Any = None
    progress: Any = None
    result: Any = None
    difficulties: Any = None
    proposals: Any = None
    completed_on: Any = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> FormTask:
        values = {f: printed_value(f, record.get(f)) for f in _TASK_FIELDS}
        return cls(key=nfc(record.get("key")), **values)

    def value(self, field: str) -> Any:
        return getattr(self, field)


@dataclass(frozen=True)
class AgencyForm:
    """Everything one agency's form shows and carries."""

    agency: Agency
    plan: str
    period: Period
    return_deadline: str  # as configured ("25/11/2026"), may be empty
    office: str  # who receives the returns, for the instructions
    issued_at: datetime
    lead: tuple[FormTask, ...]
    coordinating: tuple[FormTask, ...]
    signature: str

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.lead)

    @property
    def issued_at_text(self) -> str:
        return self.issued_at.isoformat(timespec="seconds")

    @property
    def file_name(self) -> str:
        return form_file_name(self.agency.code, self.period.code)

    @property
    def title(self) -> str:
        return f"Phiếu báo cáo {self.period.label} – {self.agency.name}"

    def metadata(self) -> dict[str, str]:
        """The rows of the hidden metadata sheet, in FORM_META_KEYS order, all text."""
        values = {
            "format": FORM_FORMAT,
            "version": FORM_VERSION,
            "plan": self.plan,
            "agency_code": self.agency.code,
            "agency_name": self.agency.name,
            "period": self.period.code,
            "issued_at": self.issued_at_text,
            "keys": KEY_SEPARATOR.join(self.keys),
            "signature": self.signature,
        }
        meta = {k: values[k] for k in FORM_META_KEYS}
        meta.update(locked_snapshot(self.lead))
        meta[COORD_KEY] = coord_entry(
            [[t.value(c.field) for c in FORM_COORD_COLUMNS] for t in self.coordinating]
        )
        return meta


def locked_snapshot(lead: Sequence[FormTask]) -> dict[str, str]:
    """The metadata entries fingerprinting each lead task's locked cells as printed."""
    return locked_entries([(t.key, [t.value(f) for f in SNAPSHOT_FIELDS]) for t in lead])


FORM_TITLE = "PHIẾU BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ"


COORD_TITLE = "NHIỆM VỤ CƠ QUAN THAM GIA PHỐI HỢP (ĐỂ BIẾT, KHÔNG CẦN ĐIỀN)"


HELP_TITLE = "HƯỚNG DẪN ĐIỀN PHIẾU BÁO CÁO"


REPORT_DATE_LABEL = "Ngày lập phiếu:"


STATUS_MEANINGS: dict[str, str] = {
    STATUS_NOT_STARTED: "chưa bắt đầu thực hiện (tiến độ được tính là 0).",
    STATUS_IN_PROGRESS: "đang thực hiện; ghi tiến độ ước đạt ở cột “Tiến độ (%)”.",
    STATUS_DONE: "đã hoàn thành trong thời hạn (tiến độ được tính là 100).",
    STATUS_DONE_LATE: "đã hoàn thành nhưng sau thời hạn (tiến độ được tính là 100).",
    STATUS_PAUSED: "tạm dừng thực hiện; nêu lý do ở cột “Khó khăn, vướng mắc”.",
}


def deadline_text(form: AgencyForm) -> str:
    return form.return_deadline or "theo công văn đề nghị báo cáo"


Cell = tuple[int, int]  # (row, column), 1-based


def header_lines(form: AgencyForm) -> dict[Cell, str]:
    """Texts of rows 1–5 of the form sheet, by cell."""
    row, col = FORM_REPORT_DATE_CELL
    return {
        (1, 1): FORM_TITLE,
        (2, 1): form.plan,
        (3, 1): f"Cơ quan: {form.agency.name}",
        (3, 3): f"Kỳ báo cáo: {form.period.label} ({form.period.code})",
        (3, 7): f"Hạn gửi: {deadline_text(form)}",
        (row, col - 1): REPORT_DATE_LABEL,
        (5, 1): (
            f"Chỉ điền vào các ô nền vàng. Xem cách điền ở trang “{FORM_HELP_SHEET}”."
            if form.lead
            else "Cơ quan không chủ trì nhiệm vụ nào trong kỳ này; các nhiệm vụ phối hợp ở "
            f"trang “{FORM_COORD_SHEET}”. Vẫn gửi lại phiếu để xác nhận."
        ),
    }


def coord_header_lines(form: AgencyForm) -> dict[Cell, str]:
    return {
        (1, 1): COORD_TITLE,
        (2, 1): form.plan,
        (3, 1): f"Cơ quan: {form.agency.name}",
        (3, 3): f"Kỳ báo cáo: {form.period.label} ({form.period.code})",
        (5, 1): (
            "Trạng thái và tiến độ do cơ quan chủ trì báo cáo; cơ quan phối hợp không điền vào "
            "trang này."
            if form.coordinating
            else "Cơ quan không tham gia phối hợp nhiệm vụ nào."
        ),
    }


def instructions(form: AgencyForm) -> list[tuple[str, str]]:
    """The instruction sheet, one (style, text) per row; style is "title", "head" or ""."""
    receiver = form.office or "cơ quan theo dõi"
    lines: list[tuple[str, str]] = [
        ("title", HELP_TITLE),
        ("", form.plan),
        ("", f"Cơ quan: {form.agency.name} — Kỳ báo cáo: {form.period.label}."),
        ("", ""),
        ("head", "1. Điền phiếu"),
        (
            "",
            f"Trang “{FORM_SHEET}” liệt kê các nhiệm vụ do cơ quan chủ trì. Chỉ điền vào các ô "
            "nền vàng: “Trạng thái”, “Tiến độ (%)”, “Kết quả thực hiện”, “Khó khăn, vướng mắc”, "
            "“Đề xuất, kiến nghị”, “Ngày hoàn thành” của từng nhiệm vụ và ô “Ngày lập phiếu” (ô "
            "B4). Các ô khác đã "
            "được khóa.",
        ),
        (
            "",
            "Giá trị đang có là số liệu của kỳ trước trong sổ theo dõi: nhiệm vụ nào không thay "
            "đổi thì giữ nguyên.",
        ),
        ("head", "2. Trạng thái (chọn trong danh sách của ô)"),
        *(("", f"• {status}: {meaning}") for status, meaning in STATUS_MEANINGS.items()),
        ("head", "3. Tiến độ (%)"),
        (
            "",
            "Ghi một số từ 0 đến 100, không kèm dấu % (ví dụ: 60 hoặc 62,5). Nhiệm vụ hoàn thành "
            "ghi 100.",
        ),
        (
            "",
            "Nhiệm vụ đã hoàn thành: ghi ngày hoàn thành (ngày/tháng/năm) ở cột “Ngày hoàn "
            "thành”; để trống thì lấy ngày lập phiếu. Hoàn thành đúng hạn hay quá hạn được tính "
            "từ ngày này và hạn hoàn thành.",
        ),
        ("head", "4. Kết quả, khó khăn, đề xuất"),
        (
            "",
            "Ghi ngắn gọn kết quả đạt được (văn bản đã ban hành, số liệu, sản phẩm), khó khăn "
            "vướng mắc và đề xuất, kiến nghị nếu có.",
        ),
        ("head", "5. Không thay đổi cấu trúc phiếu"),
        (
            "",
            "Không thêm, xóa, di chuyển, sắp xếp lại hay đổi tên dòng, cột hoặc trang tính; "
            "không sửa các ô đã khóa; điền trực tiếp vào tệp này, không chép sang tệp khác. "
            "Phiếu có thông tin nhận dạng để tổng hợp tự động; phiếu bị thay đổi cấu trúc sẽ "
            "không được tổng hợp.",
        ),
        ("head", "6. Nhiệm vụ phối hợp"),
        (
            "",
            f"Trang “{FORM_COORD_SHEET}” liệt kê các nhiệm vụ cơ quan tham gia phối hợp, chỉ "
            "để biết; cơ quan chủ trì báo cáo các nhiệm vụ này.",
        ),
        ("head", "7. Gửi lại phiếu"),
        (
            "",
            f"Lưu tệp (giữ định dạng .xlsx) và gửi qua thư điện tử về {receiver} "
            f"trước hạn: {deadline_text(form)}. Nếu cần sửa sau khi đã gửi, sửa trên chính "
            "tệp này và gửi lại cả tệp.",
        ),
    ]
    return lines


_TASK_FIELDS = (
    "content",
    "lead",
    "timeframe",
    "due_date",
    "status",
    "progress",
    "result",
    "difficulties",
    "proposals",
    "completed_on",
)
