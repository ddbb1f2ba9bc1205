"""``theodoi doctor`` and the "Kiểm tra cài đặt" button: what stops the buttons on an office PC.

Each check says OK, or what is wrong and what to do, in Vietnamese. Checks that only mean
something on Windows (the interpreter xlwings starts, Mark-of-the-Web) say "không áp dụng"
elsewhere. The tracker is only read.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PureWindowsPath
from typing import Literal

from ..book.base import Book, read_config
from ..book.file import open_tracker
from ..core.errors import TheoDoiError
from ..core.layout import SHEET_XLWINGS
from ..io import files
from ..io.letters_io import find_soffice
from ..io.workspace import DEFAULT_FOLDERS

Status = Literal["ok", "problem", "n/a"]
STATUS_TEXT = {"ok": "OK", "problem": "CẦN SỬA", "n/a": "không áp dụng"}
NOT_WINDOWS = "chỉ kiểm tra trên máy Windows chạy Excel."
_VBA_VERSION = re.compile(r'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', re.IGNORECASE)


@dataclass(frozen=True)
class Check:
    label: str
    status: Status
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"[{STATUS_TEXT[self.status]}] {self.label}: {self.detail}"
        return f"{text} Cách sửa: {self.fix}" if self.fix else text


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def problems(self) -> list[Check]:
        return [c for c in self.checks if c.status == "problem"]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Machine:
    """What the checks ask of the computer; tests give another platform or tools."""

    platform: str = field(default_factory=lambda: sys.platform)
    xlwings_version: Callable[[], str | None] = lambda: _version("xlwings")
    soffice: Callable[[], str | None] = lambda: find_soffice()
    zone_of: Callable[[Path], str | None] = lambda path: files.zone_identifier(path)
    import_error: Callable[[str], str | None] = lambda python: _import_error(python)

    @property
    def windows(self) -> bool:
        return self.platform.startswith("win")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _import_error(python: str) -> str | None:
    """Why ``python`` cannot import the buttons module (None when it can)."""
    try:
        done = subprocess.run(
            [python, "-c", "import xladdin.adapters.buttons"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    return (done.stderr.strip().splitlines() or [f"mã thoát {done.returncode}"])[-1]


def _conf(book: Book) -> dict[str, str]:
    """The hidden "xlwings.conf" sheet as key -> value (its first pair is in row 1)."""
    return {
        str(row[0]).strip(): "" if len(row) < 2 or row[1] is None else str(row[1]).strip()
        for row in book.rows(SHEET_XLWINGS)
        if row and row[0] not in (None, "")
    }


def check_interpreter(conf: dict[str, str], machine: Machine) -> Check:
    label = "Python mà Excel gọi"
    if not machine.windows:
        return Check(label, "n/a", NOT_WINDOWS)
    configured = conf.get("Interpreter_Win", "")
    fix = (
        "mở trang ẩn “xlwings.conf” (chuột phải vào tên một trang → Unhide), điền vào ô cạnh "
        "“Interpreter_Win” đường dẫn tệp pythonw.exe của môi trường đã cài phần mềm, ví dụ "
        r"C:\TheoDoiNhiemVu\.venv\Scripts\pythonw.exe, rồi lưu sổ."
    )
    if not configured:
        return Check(
            label, "problem", "chưa điền “Interpreter_Win” trong trang “xlwings.conf”.", fix
        )
    path = Path(configured)
    if not path.is_file():
        return Check(label, "problem", f"không có tệp {configured}.", fix)
    windowed = path.with_name("pythonw.exe")
    if not windowed.is_file():
        return Check(label, "problem", f"thiếu {windowed} bên cạnh {path.name}.", fix)
    if PureWindowsPath(configured).name.lower() != "pythonw.exe":
        return Check(label, "problem", f"{configured} mở một cửa sổ đen mỗi lần bấm nút.", fix)
    return Check(label, "ok", f"{configured}.")


def check_package(conf: dict[str, str], machine: Machine) -> Check:
    """The configured interpreter imports xladdin (on Windows, asked of that interpreter)."""
    label = "Gói phần mềm xladdin"
    configured = conf.get("Interpreter_Win", "")
    if machine.windows and configured and Path(configured).is_file():
        error = machine.import_error(configured)
        if error is not None:
            return Check(
                label,
                "problem",
                f"{configured} không nạp được gói phần mềm ({error}).",
                f"cài lại phần mềm vào môi trường đó: {configured} -m pip install -e <thư mục phần "
                "mềm>.",
            )
    return Check(label, "ok", f"phiên bản {_version('theodoinhiemvu') or 'đang phát triển'}.")


def check_xlwings(vba: dict[str, str] | None, machine: Machine) -> Check:
    label = "Phiên bản xlwings"
    installed = machine.xlwings_version()
    if installed is None:
        return Check(
            label, "problem", "máy chưa cài gói xlwings.", "cài lại phần mềm (pip install -e .)."
        )
    match = _VBA_VERSION.search((vba or {}).get("xlwings", ""))
    if match is None:
        return Check(
            label,
            "problem",
            f"sổ không có mô-đun VBA xlwings (gói xlwings {installed} đã cài).",
            "khôi phục macro của sổ (xem mục “Macro và ribbon” bên dưới).",
        )
    if match.group(1) != installed:
        return Check(
            label,
            "problem",
            f"mô-đun VBA trong sổ là xlwings {match.group(1)}, gói đã cài là {installed}.",
            f"cài đúng phiên bản: pip install xlwings=={match.group(1)} (hoặc cài lại phần mềm).",
        )
    return Check(label, "ok", f"{installed}, khớp với mô-đun VBA trong sổ.")


def check_workspace(book: Book, config: dict[str, str]) -> Check:
    label = "Thư mục làm việc"
    ws = book.workspace
    missing = [
        str(ws.folder(config, key))
        for key in DEFAULT_FOLDERS
        if not ws.folder(config, key).is_dir()
    ]
    try:
        ws.secret()
    except TheoDoiError:
        missing.append(str(ws.secret_file))
    if missing:
        return Check(
            label,
            "problem",
            "thiếu " + ", ".join(missing) + ".",
            f"tạo lại thư mục bị thiếu; tệp khóa ký phiếu chỉ khôi phục được từ bản sao (nếu mất, "
            f"chạy “theodoi init” vào thư mục mới và phát lại phiếu). Thư mục: {ws.root}.",
        )
    return Check(label, "ok", f"{ws.root} có đủ các thư mục và tệp khóa ký phiếu.")


def check_mark_of_the_web(path: Path, machine: Machine) -> Check:
    label = "Chặn macro do tải từ Internet"
    if not machine.windows:
        return Check(label, "n/a", NOT_WINDOWS)
    zone = machine.zone_of(path)
    if zone is not None and re.search(r"ZoneId=([34])", zone):
        return Check(
            label,
            "problem",
            f"Windows đánh dấu {path.name} là tệp tải từ Internet nên Excel chặn macro.",
            f"chuột phải vào {path.name} → Properties → đánh dấu “Unblock” → OK, hoặc chạy trong "
            f'PowerShell: Unblock-File "{path}"; rồi mở lại sổ.',
        )
    return Check(label, "ok", "sổ không bị đánh dấu tải từ Internet.")


def check_vba(path: Path, vba: dict[str, str] | None, backups: Path) -> Check:
    from pyopenvba import check_file

    label = "Macro và ribbon"
    problems: list[str] = []
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
    if "xl/vbaProject.bin" not in names:
        problems.append("sổ không còn dự án VBA (xl/vbaProject.bin)")
    if "customUI/customUI14.xml" not in names:
        problems.append("sổ không còn thẻ ribbon (customUI/customUI14.xml)")
    if vba is not None:
        problems += [f"thiếu mô-đun {m}" for m in ("Ribbon", "xlwings") if m not in vba]
    report = check_file(path)
    problems += [issue.message for issue in report.errors]
    if problems:
        return Check(
            label,
            "problem",
            "; ".join(problems) + ". Các nút trên thẻ “Theo dõi nhiệm vụ” sẽ không chạy.",
            f"lấy lại sổ từ bản sao lưu gần nhất trong {backups} (sổ thường mất macro khi lưu bằng "
            "LibreOffice hoặc lưu thành .xlsx); các lệnh theodoi vẫn chạy được trên sổ này.",
        )
    return Check(label, "ok", "dự án VBA và thẻ ribbon còn nguyên.")


def check_libreoffice(machine: Machine) -> Check:
    label = "LibreOffice (để có bản PDF)"
    found = machine.soffice()
    if found is None:
        return Check(
            label,
            "problem",
            "chưa cài: công văn chỉ có bản Word, không có PDF.",
            "cài LibreOffice (https://www.libreoffice.org/download/) rồi bấm lại nút này.",
        )
    return Check(label, "ok", f"{found}.")


def _vba_modules(path: Path) -> dict[str, str] | None:
    from ..workbook_build.vba_project import read_modules

    try:
        return read_modules(path)
    except Exception:  # no project, or a damaged one: the VBA check says which
        return None


def run(book: Book, machine: Machine | None = None) -> DoctorReport:
    machine = machine or Machine()
    ws = book.workspace
    conf = _conf(book)
    vba = _vba_modules(ws.workbook)
    config = read_config(book)
    backups = ws.folder(config, "backup_dir")
    return DoctorReport(
        [
            check_interpreter(conf, machine),
            check_package(conf, machine),
            check_xlwings(vba, machine),
            check_workspace(book, config),
            check_mark_of_the_web(ws.workbook, machine),
            check_vba(ws.workbook, vba, backups),
            check_libreoffice(machine),
        ]
    )


def message(report: DoctorReport) -> str:
    head = (
        "Cài đặt đầy đủ: các nút đều dùng được."
        if report.ok
        else f"Có {len(report.problems)} việc cần sửa để các nút chạy được:"
    )
    return "\n".join([head, *(c.line() for c in report.checks)])


def doctor(*, workbook: Path | None = None, machine: Machine | None = None) -> DoctorReport:
    """:func:`run` on the tracker file (``theodoi doctor``)."""
    return run(open_tracker(workbook), machine)
