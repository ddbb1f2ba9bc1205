"""The tracker workbook's sheets and columns: the one place that names them.

Headers are Vietnamese and stable because forms, returns and users' own formulas
refer to them; field names are the English keys used in code and exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

CellKind = Literal["text", "wrap", "number", "percent", "date", "datetime", "code"]


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: float
    kind: CellKind = "text"


SHEET_TASKS = "Nhiệm vụ"
SHEET_AGENCIES = "Cơ quan"
SHEET_SUMMARY = "Tổng hợp"
SHEET_CHECKS = "Kiểm tra"
SHEET_LOG = "Nhật ký"
SHEET_CONFIG = "Cấu hình"
SHEET_XLWINGS = "xlwings.conf"

TASK_COLUMNS: tuple[Column, ...] = (
    Column("key", "Mã NV", 10, "code"),
    Column("tt", "TT", 6, "code"),
    Column("level", "Cấp", 10),
    Column("parent", "Mã cha", 9, "code"),
    Column("content", "Nội dung nhiệm vụ", 60, "wrap"),
    Column("lead", "Cơ quan chủ trì", 22, "wrap"),
    Column("coordinating", "Cơ quan phối hợp", 24, "wrap"),
    Column("timeframe", "Thời gian thực hiện", 20, "wrap"),
    Column("due_date", "Hạn hoàn thành", 13, "date"),
    Column("deadline_kind", "Loại thời hạn", 15),
    Column("status", "Trạng thái", 17),
    Column("progress", "Tiến độ (%)", 10, "number"),
    Column("result", "Kết quả thực hiện", 40, "wrap"),
    Column("difficulties", "Khó khăn, vướng mắc", 30, "wrap"),
    Column("proposals", "Đề xuất, kiến nghị", 30, "wrap"),
    Column("updated_at", "Cập nhật lần cuối", 14, "date"),
    Column("source", "Nguồn cập nhật", 24, "wrap"),
    Column("due_state", "Tình trạng hạn", 15),
    Column("weight", "Trọng số", 9, "number"),
    Column("notes", "Ghi chú", 30, "wrap"),
)

AGENCY_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã", 10, "code"),
    Column("name", "Tên cơ quan", 36, "wrap"),
    Column("aliases", "Tên gọi khác, viết tắt (cách nhau bởi dấu ;)", 40, "wrap"),
    Column("email", "Email", 28),
    Column("contact", "Người liên hệ", 24),
    Column("addressee", "Kính gửi (dòng trong công văn)", 36, "wrap"),
)

CHECK_COLUMNS: tuple[Column, ...] = (
    Column("sheet", "Trang tính", 14),
    Column("row", "Dòng", 7, "number"),
    Column("column", "Cột", 20),
    Column("value", "Giá trị", 24, "wrap"),
    Column("message", "Nội dung", 70, "wrap"),
)

LOG_COLUMNS: tuple[Column, ...] = (
    Column("time", "Thời gian", 19, "datetime"),
    Column("action", "Thao tác", 22),
    Column("file", "Tệp nguồn", 30, "wrap"),
    Column("sha256", "SHA-256", 18, "code"),
    Column("agency", "Cơ quan", 20),
    Column("key", "Mã NV", 10, "code"),
    Column("column", "Cột", 18),
    Column("old", "Giá trị cũ", 30, "wrap"),
    Column("new", "Giá trị mới", 30, "wrap"),
)

CONFIG_COLUMNS: tuple[Column, ...] = (
    Column("label", "Tham số", 34, "wrap"),
    Column("value", "Giá trị", 40, "wrap"),
    Column("help", "Giải thích", 60, "wrap"),
    Column("key", "Khóa (không sửa)", 22, "code"),
)


class Level(StrEnum):
    SECTION = "section"
    GROUP = "group"
    TASK = "task"


LEVEL_LABELS: dict[Level, str] = {
    Level.SECTION: "Phần",
    Level.GROUP: "Nhóm",
    Level.TASK: "Nhiệm vụ",
}

STATUSES: tuple[str, ...] = (
    "Chưa triển khai",
    "Đang triển khai",
    "Hoàn thành",
    "Hoàn thành quá hạn",
    "Tạm dừng",
)
STATUS_NOT_STARTED, STATUS_IN_PROGRESS, STATUS_DONE, STATUS_DONE_LATE, STATUS_PAUSED = STATUSES

# Columns an agency reports on; everything else in "Nhiệm vụ" belongs to the plan.
TRACKING_FIELDS: tuple[str, ...] = (
    "status",
    "progress",
    "result",
    "difficulties",
    "proposals",
    "updated_at",
    "source",
    "due_state",
    "weight",
    "notes",
)
PLAN_FIELDS: tuple[str, ...] = (
    "tt",
    "level",
    "parent",
    "content",
    "lead",
    "coordinating",
    "timeframe",
    "due_date",
    "deadline_kind",
)


@dataclass(frozen=True)
class ConfigItem:
    key: str
    label: str
    default: str
    help: str = ""


CONFIG_ITEMS: tuple[ConfigItem, ...] = (
    ConfigItem("plan_name", "Tên kế hoạch", "", "Điền tự động khi nhập phụ lục; có thể sửa."),
    ConfigItem("plan_number", "Số, ký hiệu kế hoạch", "", "Ví dụ: 250-KH/TU."),
    ConfigItem("province", "Tỉnh", "Điện Biên", "Tên tỉnh, dùng trong công văn."),
    ConfigItem(
        "committee",
        "Cơ quan cấp trên",
        "TỈNH ỦY ĐIỆN BIÊN",
        "Dòng trên cùng của tên cơ quan ban hành công văn.",
    ),
    ConfigItem(
        "office", "Cơ quan theo dõi", "VĂN PHÒNG", "Tên cơ quan ban hành công văn (in đậm)."
    ),
    ConfigItem(
        "place", "Địa danh", "Điện Biên", "Dùng trong dòng “Điện Biên, ngày … tháng … năm …”."
    ),
    ConfigItem(
        "period", "Kỳ báo cáo", "", "Dạng 2026-11 (tháng), 2026-Q4 (quý) hoặc 2026-H2 (6 tháng)."
    ),
    ConfigItem("return_deadline", "Hạn gửi phiếu báo cáo", "", "Ngày, dạng 25/11/2026."),
    ConfigItem(
        "due_soon_days",
        "Số ngày coi là “sắp đến hạn”",
        "15",
        "Nhiệm vụ còn ít ngày hơn số này là sắp đến hạn.",
    ),
    ConfigItem(
        "signer_authority",
        "Thẩm quyền ký",
        "K/T CHÁNH VĂN PHÒNG",
        "Ví dụ: K/T CHÁNH VĂN PHÒNG hoặc để trống.",
    ),
    ConfigItem("signer_title", "Chức vụ người ký", "PHÓ CHÁNH VĂN PHÒNG", ""),
    ConfigItem("signer_name", "Họ tên người ký", "", ""),
    ConfigItem(
        "letter_suffix", "Hậu tố số công văn", "-CV/VPTU", "Số công văn để trống cho văn thư điền."
    ),
    ConfigItem(
        "inbox_dir", "Thư mục nhận phiếu", "inbox", "Đường dẫn tương đối so với thư mục làm việc."
    ),
    ConfigItem("outbox_dir", "Thư mục phiếu, công văn gửi đi", "outbox", ""),
    ConfigItem("archive_dir", "Thư mục lưu phiếu đã xử lý", "archive", ""),
    ConfigItem(
        "backup_dir", "Thư mục sao lưu", "backups", "Bản sao trước mỗi lần ghi sổ theo dõi."
    ),
    ConfigItem(
        "collect_minutes", "Chu kỳ thu phiếu (phút)", "10", "Việc tự động: thu và tổng hợp phiếu."
    ),
    ConfigItem("reminder_time", "Giờ lập công văn đôn đốc hằng ngày", "08:00", ""),
    ConfigItem("report_weekday", "Ngày lập báo cáo tổng hợp hằng tuần", "Thứ Sáu", ""),
    ConfigItem("report_time", "Giờ lập báo cáo tổng hợp", "16:00", ""),
)

TASKS_FIRST_DATA_ROW = 2


def task_column(field: str) -> Column:
    for col in TASK_COLUMNS:
        if col.field == field:
            return col
    raise KeyError(field)
