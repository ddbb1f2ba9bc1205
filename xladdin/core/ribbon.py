"""The ribbon tab's buttons: the one list the ribbon XML, the VBA callbacks, the help box
and the tests are made from.

To add a button, add a :class:`Button` here and a function of the same name in
:mod:`xladdin.adapters.buttons`; ``theodoi build-workbook`` writes the rest (see
docs/how-to.md).
"""

from __future__ import annotations

from dataclasses import dataclass

TAB_ID = "tabTheoDoi"
TAB_LABEL = "Theo dõi nhiệm vụ"
BUTTONS_MODULE = "xladdin.adapters.buttons"


@dataclass(frozen=True)
class Group:
    id: str
    label: str


@dataclass(frozen=True)
class Button:
    function: str  # the function in xladdin.adapters.buttons that RunPython calls
    callback: str  # the VBA Sub the ribbon's onAction names (ASCII)
    control_id: str  # the ribbon control id
    group: Group
    label: str
    image: str  # an imageMso name from Excel's own control list (tests/data/excel_control_ids.txt)
    supertip: str  # the tooltip under the label
    help: str  # its line in the "Hướng dẫn" box
    command: str | None = None  # the xladdin.commands module it runs (what a click imports)


DATA = Group("grpData", "Dữ liệu")
FORMS = Group("grpForms", "Phiếu báo cáo")
LETTERS = Group("grpLetters", "Công văn")
TOOLS = Group("grpTools", "Tiện ích")

BUTTONS: tuple[Button, ...] = (
    Button(
        "import_appendix",
        "OnImportAppendix",
        "btnImport",
        DATA,
        "Nhập phụ lục",
        "GetExternalDataImportClassic",
        "Đọc bảng phụ lục nhiệm vụ từ tệp kế hoạch Word (.docx) vào trang “Nhiệm vụ”; dữ liệu "
        "theo dõi đã có được giữ nguyên.",
        "đọc bảng phụ lục từ tệp kế hoạch Word (.docx) mới nhất trong thư mục làm việc.",
        command="plan",
    ),
    Button(
        "validate",
        "OnValidate",
        "btnValidate",
        DATA,
        "Kiểm tra dữ liệu",
        "DataValidation",
        "Kiểm tra các ô nhập sai (trạng thái, tiến độ, hạn, cơ quan) và liệt kê lỗi ở trang "
        "“Kiểm tra”.",
        "tìm ô nhập sai, tô vàng và liệt kê ở trang “Kiểm tra”.",
        command="validate",
    ),
    Button(
        "recalc",
        "OnRecalc",
        "btnRecalc",
        DATA,
        "Tính tiến độ",
        "CalculateNow",
        "Tính lại tiến độ theo nhóm, phần, cơ quan và toàn kế hoạch; cập nhật trang “Tổng hợp”.",
        "tính lại tiến độ, tình trạng hạn và trang “Tổng hợp”.",
        command="recalc",
    ),
    Button(
        "close_period",
        "OnClosePeriod",
        "btnClosePeriod",
        DATA,
        "Chốt kỳ báo cáo",
        "FileMarkAsFinal",
        "Lưu trạng thái, tiến độ, kết quả của từng nhiệm vụ ở cuối kỳ báo cáo, để lần tính "
        "tiến độ và báo cáo tổng hợp sau so sánh với kỳ này.",
        "lưu số liệu từng nhiệm vụ của kỳ báo cáo (thư mục archive, lich-su-ky) để so sánh với "
        "kỳ trước.",
        command="history",
    ),
    Button(
        "make_forms",
        "OnMakeForms",
        "btnForms",
        FORMS,
        "Tạo phiếu báo cáo",
        "SendCopySendToMailRecipient",
        "Tạo cho mỗi cơ quan một phiếu báo cáo (.xlsx) của kỳ báo cáo trong thư mục gửi đi.",
        "phiếu .xlsx và công văn đề nghị báo cáo cho từng cơ quan (thư mục outbox).",
        command="forms",
    ),
    Button(
        "send_forms",
        "OnSendForms",
        "btnSendForms",
        FORMS,
        "Gửi phiếu qua thư",
        "FileSendAsAttachment",
        "Tạo phiếu và công văn đề nghị báo cáo rồi gửi thư điện tử cho từng cơ quan (địa chỉ ở "
        "trang “Cơ quan”), sau khi hỏi lại số thư và người nhận. Lần đầu của kỳ chỉ ghi thư xem "
        "trước.",
        "tạo phiếu, hỏi lại rồi gửi thư cho từng cơ quan (cài đặt gửi thư ở trang “Cấu hình”).",
        command="mail_batches",
    ),
    Button(
        "merge_returns",
        "OnMergeReturns",
        "btnMerge",
        FORMS,
        "Tổng hợp phiếu",
        "Consolidate",
        "Đọc các phiếu cơ quan gửi về trong thư mục nhận phiếu và cập nhật vào sổ theo dõi.",
        "đọc các phiếu trong thư mục inbox, kiểm tra, ghi vào sổ và lưu sổ.",
        command="merge",
    ),
    Button(
        "make_letters",
        "OnMakeLetters",
        "btnLetters",
        LETTERS,
        "Tạo công văn",
        "FileNew",
        "Tạo công văn đề nghị báo cáo, đôn đốc và báo cáo tổng hợp theo thể thức văn bản của Đảng.",
        "công văn đôn đốc và báo cáo tổng hợp.",
        command="letters",
    ),
    Button(
        "open_folder",
        "OnOpenFolder",
        "btnFolder",
        TOOLS,
        "Mở thư mục làm việc",
        "FileOpen",
        "Mở thư mục chứa sổ theo dõi, phiếu nhận về, phiếu và công văn gửi đi.",
        "mở thư mục chứa sổ theo dõi và các thư mục nhận, gửi, lưu.",
    ),
    Button(
        "check_setup",
        "OnCheckSetup",
        "btnDoctor",
        TOOLS,
        "Kiểm tra cài đặt",
        "ErrorChecking",
        "Kiểm tra những gì các nút cần để chạy trên máy này (Python, xlwings, thư mục làm việc, "
        "macro, LibreOffice) và cách sửa từng việc.",
        "kiểm tra Python, xlwings, thư mục làm việc, macro và LibreOffice; bấm nút này trước "
        "tiên khi dùng sổ trên máy mới.",
        command="doctor",
    ),
    Button(
        "show_help",
        "OnHelp",
        "btnHelp",
        TOOLS,
        "Hướng dẫn",
        "Help",
        "Cách dùng các nút trên thẻ này.",
        "hiện hướng dẫn này.",
    ),
)


def groups() -> list[Group]:
    """The groups in the order their first button appears."""
    out: list[Group] = []
    for b in BUTTONS:
        if b.group not in out:
            out.append(b.group)
    return out


def help_text() -> str:
    """The "Hướng dẫn" box: one line per button."""
    lines = [f"Thẻ “{TAB_LABEL}”:"]
    lines += [f"• {b.label}: {b.help}" for b in BUTTONS if b.function != "show_help"]
    lines.append("Mọi nút đều có lệnh tương ứng “theodoi …” chạy không cần Excel (xem README).")
    return "\n".join(lines)
