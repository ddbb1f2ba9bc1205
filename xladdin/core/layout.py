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
    # What a reader of the printed sheet needs, left to right (its print area ends at
    # "result", see core/printing.py); the rest of the fields follow.
    Column("key", "Mã NV", 10, "code"),
    Column("content", "Nội dung nhiệm vụ", 56, "wrap"),
    Column("lead", "Cơ quan chủ trì", 20, "wrap"),
    Column("coordinating", "Cơ quan phối hợp", 20, "wrap"),
    Column("timeframe", "Thời gian thực hiện", 17, "wrap"),
    Column("due_date", "Hạn hoàn thành", 12, "date"),
    Column("status", "Trạng thái", 18),
    Column("progress", "Tiến độ (%)", 9, "number"),
    Column("due_state", "Tình trạng hạn", 20),
    Column("result", "Kết quả thực hiện", 36, "wrap"),
    Column("difficulties", "Khó khăn, vướng mắc", 30, "wrap"),
    Column("proposals", "Đề xuất, kiến nghị", 30, "wrap"),
    Column("notes", "Ghi chú", 30, "wrap"),
    Column("tt", "TT", 6, "code"),
    Column("level", "Cấp", 10),
    Column("parent", "Mã cha", 9, "code"),
    Column("deadline_kind", "Loại thời hạn", 15),
    Column("updated_at", "Cập nhật lần cuối", 14, "date"),
    Column("source", "Nguồn cập nhật", 24, "wrap"),
    Column("weight", "Trọng số", 9, "number"),
    # Added for the on-time/late split (core/recalc.due_state). Last, and optional when
    # read: a tracker made before it still opens (its tasks have no completion dates).
    Column("completed_on", "Ngày hoàn thành", 12, "date"),
)
# Columns a tracker may lack (made by an older version): read as blank, not written.
OPTIONAL_FIELDS: frozenset[str] = frozenset({"completed_on"})

AGENCY_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã", 13, "code"),
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
    # Added with form snapshots: older trackers get these headers on their next write.
    Column("period", "Kỳ báo cáo", 11, "code"),
    Column("saved_at", "Phiếu lưu lúc", 19, "datetime"),
    Column("report_date", "Ngày lập phiếu", 12, "date"),
    Column("note", "Ghi chú", 40, "wrap"),
)

# The yearly log archives (xladdin/core/log_archive.py): the log's columns plus a fingerprint.
LOG_ROW_ID = "row_id"
LOG_ARCHIVE_COLUMNS: tuple[Column, ...] = (
    *LOG_COLUMNS,
    Column(LOG_ROW_ID, "Mã dòng (không sửa)", 18, "code"),
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
COMPLETED_STATUSES = frozenset({STATUS_DONE, STATUS_DONE_LATE})

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
    "completed_on",
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
        "letter_suffix",
        "Hậu tố số công văn",
        "-CV/VPTU",
        "Số công văn để trống cho văn thư điền. Báo cáo tổng hợp dùng hậu tố này, thay CV "
        "bằng BC (-BC/VPTU).",
    ),
    ConfigItem(
        "reply_working_days",
        "Số ngày làm việc để báo cáo khi được đôn đốc",
        "5",
        "Hạn trong công văn đôn đốc là ngày lập cộng số ngày làm việc này (không tính thứ Bảy, "
        "Chủ nhật, ngày nghỉ lễ, Tết). Công văn đề nghị và phiếu lập khi hạn gửi phiếu đã qua "
        "cũng tính hạn như vậy.",
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
        "log_keep_rows",
        "Số dòng tối đa của trang “Nhật ký”",
        "5000",
        "Khi bắt đầu tổng hợp phiếu mà trang có nhiều dòng hơn số này, các dòng cũ nhất được "
        "chuyển sang tệp lưu trữ (thư mục lưu phiếu đã xử lý, thư mục con nhat-ky, mỗi năm một "
        "thư mục); trang giữ lại một nửa số này và dòng nhận phiếu mới nhất của mỗi cơ quan. "
        "Ghi 0 để không chuyển. Lệnh theodoi log đọc cả lưu trữ và trang như một.",
    ),
    ConfigItem(
        "collect_minutes", "Chu kỳ thu phiếu (phút)", "10", "Việc tự động: thu và tổng hợp phiếu."
    ),
    ConfigItem("reminder_time", "Giờ lập công văn đôn đốc hằng ngày", "08:00", ""),
    ConfigItem("report_weekday", "Ngày lập báo cáo tổng hợp hằng tuần", "Thứ Sáu", ""),
    ConfigItem("report_time", "Giờ lập báo cáo tổng hợp", "16:00", ""),
    # Mailbox of the scheduled job. Credentials never live in the workbook (it is emailed
    # around and opened by many people): the user name and password come from environment
    # variables or the operating system's password store, see xladdin/io/imap_io.py.
    ConfigItem(
        "imap_host",
        "Máy chủ thư (IMAP)",
        "",
        "Ví dụ: mail.dienbien.dcs.vn. Để trống: không thu phiếu từ hộp thư. Tên đăng nhập, mật "
        "khẩu không ghi ở đây: đặt biến môi trường THEODOI_IMAP_USER, THEODOI_IMAP_PASSWORD "
        "hoặc lưu mật khẩu vào kho mật khẩu của hệ điều hành (dịch vụ “theodoi-imap”).",
    ),
    ConfigItem("imap_port", "Cổng máy chủ thư", "993", "Cổng IMAP qua TLS (IMAPS), thường là 993."),
    ConfigItem(
        "imap_folder",
        "Thư mục thư nhận phiếu",
        "INBOX",
        "Thư mục trên hộp thư có các thư gửi phiếu về; INBOX là hộp thư đến.",
    ),
    ConfigItem(
        "imap_processed_folder",
        "Thư mục thư đã xử lý",
        "Đã xử lý",
        "Thư có phiếu đã tổng hợp được chuyển vào đây (tự tạo nếu chưa có).",
    ),
    ConfigItem(
        "imap_rejected_folder",
        "Thư mục thư bị từ chối",
        "Bị từ chối",
        "Thư có phiếu bị từ chối được chuyển vào đây (tự tạo nếu chưa có).",
    ),
    ConfigItem(
        "imap_tls_verify",
        "Kiểm tra chứng chỉ máy chủ thư",
        "có",
        "Luôn để “có”. Chỉ ghi “không” khi thử với máy chủ tự cấp chứng chỉ: khi không kiểm "
        "tra, mật khẩu có thể bị đánh cắp trên đường truyền.",
    ),
    # Sending mail (xladdin/io/smtp_io.py). As for the mailbox, the password never lives in
    # the workbook: THEODOI_SMTP_PASSWORD or the OS password store (service "theodoi-smtp").
    ConfigItem(
        "smtp_host",
        "Máy chủ gửi thư (SMTP)",
        "",
        "Ví dụ: mail.dienbien.dcs.vn. Để trống: phần mềm không gửi thư. Mật khẩu không ghi ở "
        "đây: đặt biến môi trường THEODOI_SMTP_PASSWORD hoặc lưu vào kho mật khẩu của hệ điều "
        "hành (dịch vụ “theodoi-smtp”).",
    ),
    ConfigItem(
        "smtp_port",
        "Cổng máy chủ gửi thư",
        "587",
        "587 khi mã hóa STARTTLS, 465 khi mã hóa TLS.",
    ),
    ConfigItem(
        "smtp_security",
        "Kiểu mã hóa khi gửi thư",
        "STARTTLS",
        "STARTTLS (thường dùng cổng 587) hoặc TLS (thường dùng cổng 465). Không gửi thư khi "
        "không mã hóa.",
    ),
    ConfigItem("smtp_user", "Tài khoản gửi thư", "", "Tên đăng nhập máy chủ gửi thư."),
    ConfigItem(
        "smtp_sender",
        "Địa chỉ thư gửi đi",
        "",
        "Địa chỉ hiện ở dòng “Người gửi”, ví dụ vptu@dienbien.dcs.vn; để trống: dùng tài "
        "khoản gửi thư.",
    ),
    ConfigItem(
        "mail_pause_seconds",
        "Số giây nghỉ giữa hai thư",
        "2",
        "Để máy chủ thư không coi là gửi thư hàng loạt.",
    ),
    ConfigItem(
        "mail_max_per_run",
        "Số thư gửi tối đa mỗi lần",
        "100",
        "Thư còn lại được gửi ở lần chạy sau.",
    ),
    ConfigItem(
        "mail_unknown_sender",
        "Tổng hợp phiếu gửi từ địa chỉ thư lạ",
        "không",
        "“không”: phiếu gửi từ địa chỉ không có trong cột Email của trang “Cơ quan” bị từ chối. "
        "“có”: vẫn tổng hợp. Thư xác nhận luôn gửi về địa chỉ đã đăng ký của cơ quan.",
    ),
    ConfigItem(
        "job_send_reminders",
        "Việc tự động gửi công văn đôn đốc",
        "không",
        "“có”: công văn đôn đốc lập hằng ngày được gửi qua thư điện tử.",
    ),
    ConfigItem(
        "job_send_acks",
        "Việc tự động gửi thư xác nhận phiếu",
        "không",
        "“có”: sau mỗi lần tổng hợp, cơ quan gửi phiếu qua thư nhận thư xác nhận kết quả.",
    ),
)

# Every table sheet (Nhiệm vụ, Cơ quan, Cấu hình, Nhật ký, Kiểm tra) has its headers in row 1
# and its data from row 2; readers and both backends' writers take the row from here.
HEADER_ROW = 1
FIRST_DATA_ROW = 2


def task_column(field: str) -> Column:
    for col in TASK_COLUMNS:
        if col.field == field:
            return col
    raise KeyError(field)


# -- due states and the colour of a task row -----------------------------------------
DUE_DONE_ON_TIME = "Hoàn thành đúng hạn"
DUE_DONE_LATE = "Hoàn thành quá hạn"
DUE_OVERDUE = "Quá hạn"
DUE_SOON = "Sắp đến hạn"
DUE_ON_TIME = "Trong hạn"
DUE_NO_DEADLINE = "Không có hạn cố định"
DUE_STATES: tuple[str, ...] = (
    DUE_DONE_ON_TIME,
    DUE_DONE_LATE,
    DUE_OVERDUE,
    DUE_SOON,
    DUE_ON_TIME,
    DUE_NO_DEADLINE,
)

# Row colours of "Nhiệm vụ" (conditional formatting, so Excel and headless runs agree):
# the common convention of Vietnamese follow-up systems, plus yellow for "due soon".
# (name, fill ARGB, legend text) in rule priority order; the rule formulas live in
# workbook_build/styles.py. Black text reads on every fill (contrast 7:1 or more), and the
# fills differ in lightness where hue alone would fail a colour-blind reader: overdue is
# the darkest (and bold), completed late clearly lighter (tests/test_print.py measures it).
TASK_COLOURS: tuple[tuple[str, str, str], ...] = (
    ("overdue", "FFE67C73", "Quá hạn"),
    ("done_late", "FFF6B26B", "Hoàn thành quá hạn"),
    ("done_on_time", "FFC6EFCE", "Hoàn thành đúng hạn"),
    ("due_soon", "FFFFF2CC", "Sắp đến hạn"),
    ("not_started", "FFD9D9D9", "Chưa triển khai"),
    ("in_progress", "FFDDEBF7", "Đang thực hiện, trong hạn"),
)
FINDING_FILL = "FFFFFF00"  # cells named in "Kiểm tra" (highest priority rule)

# -- "Tổng hợp": fixed blocks side by side, each growing downwards ----------------------
SUMMARY_STAMP_CELL = (2, 1)  # row, column of "Tính lúc …"
SUMMARY_TITLE_ROW = 3  # block titles
SUMMARY_HEADER_ROW = 4
SUMMARY_FIRST_DATA_ROW = 5


@dataclass(frozen=True)
class SummaryBlock:
    title: str
    first_col: int  # 1-based column of the block's first column
    columns: tuple[Column, ...]


PLAN_FIGURES: tuple[tuple[str, str], ...] = (
    ("tasks", "Số nhiệm vụ"),
    ("completed", "Đã hoàn thành"),
    ("completed_on_time", "Hoàn thành đúng hạn"),
    ("completed_late", "Hoàn thành quá hạn"),
    ("overdue", "Quá hạn"),
    ("due_soon", "Sắp đến hạn"),
    ("no_fixed_deadline", "Không có hạn cố định"),
    ("not_reported", "Chưa báo cáo kỳ này"),
    ("completion_rate", "Tỷ lệ hoàn thành (%)"),
    ("mean_progress", "Tiến độ bình quân (%)"),
)
STATUS_UNSET = "Chưa cập nhật trạng thái"

SUMMARY_PLAN = SummaryBlock(
    "Toàn kế hoạch",
    1,
    (Column("label", "Chỉ tiêu", 30, "wrap"), Column("value", "Số liệu", 12, "number")),
)
SUMMARY_AGENCIES = SummaryBlock(
    "Theo cơ quan chủ trì",
    4,
    (
        Column("name", "Cơ quan chủ trì", 40, "wrap"),
        Column("completion_rate", "Tỷ lệ hoàn thành", 11, "percent"),
        Column("mean_progress", "Tiến độ bình quân (%)", 11, "number"),
        Column("tasks", "Số nhiệm vụ", 9, "number"),
        Column("completed", "Đã hoàn thành", 10, "number"),
        Column("completed_on_time", "Hoàn thành đúng hạn", 10, "number"),
        Column("completed_late", "Hoàn thành quá hạn", 10, "number"),
        Column("overdue", "Quá hạn", 8, "number"),
        Column("due_soon", "Sắp đến hạn", 9, "number"),
        Column("no_fixed_deadline", "Không có hạn cố định", 10, "number"),
        Column("not_reported", "Chưa báo cáo kỳ này", 10, "number"),
        Column("code", "Mã cơ quan", 11, "code"),
    ),
)
SUMMARY_SECTIONS = SummaryBlock(
    "Theo phần của kế hoạch",
    17,
    (
        Column("key", "Mã", 7, "code"),
        Column("title", "Phần", 58, "wrap"),
        Column("progress", "Tiến độ (%)", 9, "number"),
        Column("tasks", "Số nhiệm vụ", 9, "number"),
        Column("completed", "Đã hoàn thành", 10, "number"),
        Column("overdue", "Quá hạn", 8, "number"),
        Column("due_soon", "Sắp đến hạn", 9, "number"),
        Column("completion_rate", "Tỷ lệ hoàn thành", 11, "percent"),
    ),
)
SUMMARY_OVERDUE = SummaryBlock(
    "Nhiệm vụ quá hạn",
    26,
    (
        Column("key", "Mã NV", 9, "code"),
        # One line per row (core/summary.py): a wrapped task would make the row as tall
        # in every block beside it.
        Column("content", "Nội dung nhiệm vụ", 62),
        Column("lead", "Cơ quan chủ trì", 28),
        Column("due_date", "Hạn hoàn thành", 12, "date"),
        Column("days_late", "Số ngày quá hạn", 9, "number"),
        Column("status", "Trạng thái", 16),
        Column("progress", "Tiến độ (%)", 9, "number"),
    ),
)
# What the chart plots (core/chart.chart_bars: at most 25 bars), right of the printed
# blocks: the agency block keeps every agency, this one the bars, "Các cơ quan khác" too.
SUMMARY_CHART_DATA = SummaryBlock(
    "Số liệu của biểu đồ",
    34,
    (
        Column("label", "Cơ quan chủ trì", 40, "wrap"),
        Column("completion_rate", "Tỷ lệ hoàn thành", 11, "percent"),
    ),
)
SUMMARY_BLOCKS: tuple[SummaryBlock, ...] = (
    SUMMARY_PLAN,
    SUMMARY_AGENCIES,
    SUMMARY_SECTIONS,
    SUMMARY_OVERDUE,
    SUMMARY_CHART_DATA,
)
# The blocks a printed "Tổng hợp" holds (its print area ends with the last of them).
SUMMARY_PRINTED: tuple[SummaryBlock, ...] = SUMMARY_BLOCKS[:4]
SUMMARY_CHART_TITLE = "Tỷ lệ hoàn thành theo cơ quan chủ trì"


# -- closed reporting periods (core/period_history.py): the headers of their CSV files ----
HISTORY_TASK_HEADERS: dict[str, str] = {
    "key": "Mã NV",
    "status": "Trạng thái",
    "progress": "Tiến độ (%)",
    "due_state": "Tình trạng hạn",
    "completed_on": "Ngày hoàn thành",
    "result": "Kết quả thực hiện",
}
HISTORY_TREND_HEADERS: dict[str, str] = {
    "period": "Kỳ báo cáo",
    "closed_at": "Chốt lúc",
    "tasks": "Số nhiệm vụ",
    "completed": "Đã hoàn thành",
    "completed_on_time": "Hoàn thành đúng hạn",
    "completed_late": "Hoàn thành quá hạn",
    "overdue": "Quá hạn",
    "completion_rate": "Tỷ lệ hoàn thành",
    "mean_progress": "Tiến độ bình quân (%)",
}


# -- agency forms (phiếu báo cáo) and their returns ---------------------------------------
# The contract between `theodoi forms` (writer) and `theodoi merge` (reader): sheet names,
# header rows and the metadata keys. Changing any of it makes old returns unreadable, so
# FORM_VERSION must change with it.
FORM_VERSION = "1"
# Excel keeps at most this many characters in a cell; longer text is cut where it is written.
CELL_TEXT_LIMIT = 32767
FORM_SHEET = "Phiếu báo cáo"
FORM_COORD_SHEET = "Phối hợp (để biết)"
FORM_HELP_SHEET = "Hướng dẫn"
FORM_META_SHEET = "theodoi_meta"  # veryHidden: key in column A, value in column B
FORM_REPORT_DATE_CELL = (4, 2)  # B4: "Ngày lập phiếu", typed by the agency (any date format)
FORM_HEADER_ROW = 6
FORM_FIRST_ROW = 7

FORM_COLUMNS: tuple[Column, ...] = (
    Column("key", "Mã NV", 9, "code"),
    Column("content", "Nội dung nhiệm vụ", 55, "wrap"),
    Column("timeframe", "Thời gian thực hiện", 18, "wrap"),
    Column("due_date", "Hạn hoàn thành", 12, "date"),
    Column("status", "Trạng thái", 18),
    Column("progress", "Tiến độ (%)", 10, "number"),
    Column("result", "Kết quả thực hiện", 40, "wrap"),
    Column("difficulties", "Khó khăn, vướng mắc", 30, "wrap"),
    Column("proposals", "Đề xuất, kiến nghị", 30, "wrap"),
    # Added after version 1 forms were issued: last, so a return of a form without it still
    # reads (core/return_checks.py); blank means "the report date" when the task is completed.
    Column("completed_on", "Ngày hoàn thành", 13, "date"),
)
FORM_EDITABLE: tuple[str, ...] = (
    "status",
    "progress",
    "result",
    "difficulties",
    "proposals",
    "completed_on",
)
# Trailing form columns a return may lack because its form was issued before they existed.
FORM_LATER_COLUMNS: tuple[str, ...] = ("completed_on",)
FORM_LOCKED: tuple[str, ...] = ("key", "content", "timeframe", "due_date")
FORM_COORD_COLUMNS: tuple[Column, ...] = (
    Column("key", "Mã NV", 9, "code"),
    Column("content", "Nội dung nhiệm vụ", 55, "wrap"),
    Column("lead", "Cơ quan chủ trì", 26, "wrap"),
    Column("timeframe", "Thời gian thực hiện", 18, "wrap"),
    Column("status", "Trạng thái", 18),
    Column("progress", "Tiến độ (%)", 10, "number"),
)
# Metadata rows of FORM_META_SHEET, in this order.
FORM_META_KEYS: tuple[str, ...] = (
    "format",  # always "theodoi-form"
    "version",  # FORM_VERSION
    "plan",  # plan name from "Cấu hình"
    "agency_code",
    "agency_name",
    "period",  # canonical period code, e.g. 2026-11
    "issued_at",  # ISO datetime, seconds
    "keys",  # the lead task keys in row order, joined by ";"
    "signature",  # hex HMAC-SHA256, see xladdin.core.signing
)
FORM_FORMAT = "theodoi-form"
