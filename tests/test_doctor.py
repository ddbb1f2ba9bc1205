"""``theodoi doctor`` and the "Kiểm tra cài đặt" button, on a good workspace and broken ones."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlremote
from pyopenvba import ExcelFile

from xladdin.adapters import buttons
from xladdin.adapters.cli import main
from xladdin.commands import doctor
from xladdin.commands.doctor import Machine
from xladdin.core.layout import SHEET_XLWINGS
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

xw_remote = xlremote.xw_remote
LINUX = Machine(platform="linux", soffice=lambda: "/usr/bin/soffice")


def _by_label(report: doctor.DoctorReport) -> dict[str, doctor.Check]:
    return {c.label: c for c in report.checks}


@pytest.fixture
def soffice_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("")
    monkeypatch.setenv("THEODOI_SOFFICE", str(fake))


def test_a_good_workspace_passes(
    workspace: Workspace, soffice_found: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--workbook", str(workspace.workbook)]) == 0
    out = capsys.readouterr().out
    assert "[CẦN SỬA]" not in out
    assert "[OK] Phiên bản xlwings: 0.37.8, khớp với mô-đun VBA trong sổ." in out
    assert "[OK] Macro và ribbon" in out and "[OK] Thư mục làm việc" in out
    assert "Cài đặt đầy đủ" in out
    assert "[không áp dụng] Python mà Excel gọi" in out  # not Windows here


def _set_conf(ws: Workspace, key: str, value: str) -> None:
    with TrackerWorkbook.edit(ws.workbook, None) as book:
        rows = book.rows(SHEET_XLWINGS)
        row = next(i for i, r in enumerate(rows, 1) if r and r[0] == key)
        book.write_grid(SHEET_XLWINGS, {(row, 2): value})


def test_a_wrong_interpreter_path_on_windows(workspace: Workspace, tmp_path: Path) -> None:
    windows = Machine(
        platform="win32",
        soffice=lambda: "soffice.exe",
        zone_of=lambda p: None,
        import_error=lambda python: None,
    )
    empty = _by_label(doctor.doctor(workbook=workspace.workbook, machine=windows))
    assert empty["Python mà Excel gọi"].status == "problem"
    assert "chưa điền “Interpreter_Win”" in empty["Python mà Excel gọi"].detail

    _set_conf(workspace, "Interpreter_Win", r"C:\Python\pythonw.exe")
    report = doctor.doctor(workbook=workspace.workbook, machine=windows)
    check = _by_label(report)["Python mà Excel gọi"]
    assert check.status == "problem" and r"không có tệp C:\Python\pythonw.exe" in check.detail
    assert "Interpreter_Win" in check.fix and "pythonw.exe" in check.fix
    assert not report.ok and report.problems == [check]

    good = tmp_path / "venv" / "Scripts"
    good.mkdir(parents=True)
    for name in ("python.exe", "pythonw.exe"):
        (good / name).write_text("")
    _set_conf(workspace, "Interpreter_Win", str(good / "python.exe"))
    check = _by_label(doctor.doctor(workbook=workspace.workbook, machine=windows))[
        "Python mà Excel gọi"
    ]
    assert check.status == "problem" and "cửa sổ đen" in check.detail

    _set_conf(workspace, "Interpreter_Win", str(good / "pythonw.exe"))
    report = doctor.doctor(workbook=workspace.workbook, machine=windows)
    assert _by_label(report)["Python mà Excel gọi"].status == "ok"
    broken = Machine(
        platform="win32",
        soffice=lambda: "x",
        zone_of=lambda p: None,
        import_error=lambda python: "No module named 'xladdin'",
    )
    check = _by_label(doctor.doctor(workbook=workspace.workbook, machine=broken))[
        "Gói phần mềm xladdin"
    ]
    assert check.status == "problem" and "No module named 'xladdin'" in check.detail
    assert "-m pip install" in check.fix


def test_mark_of_the_web_on_windows(workspace: Workspace) -> None:
    downloaded = Machine(
        platform="win32",
        soffice=lambda: "soffice.exe",
        zone_of=lambda p: "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://mail.example/\r\n",
    )
    check = _by_label(doctor.doctor(workbook=workspace.workbook, machine=downloaded))[
        "Chặn macro do tải từ Internet"
    ]
    assert check.status == "problem"
    assert "Unblock-File" in check.fix and "Unblock" in check.fix
    local = Machine(platform="win32", soffice=lambda: "x", zone_of=lambda p: None)
    check = _by_label(doctor.doctor(workbook=workspace.workbook, machine=local))[
        "Chặn macro do tải từ Internet"
    ]
    assert check.status == "ok"


def test_an_xlwings_version_mismatch(
    workspace: Workspace, soffice_found: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with ExcelFile(workspace.workbook) as wb:
        source = wb.get_module("xlwings").replace('"0.37.8"', '"0.30.0"', 1)
        wb.set_module("xlwings", source)
        wb.save(workspace.workbook)
    assert main(["doctor", "--workbook", str(workspace.workbook)]) == 1
    out = capsys.readouterr()
    assert (
        "[CẦN SỬA] Phiên bản xlwings: mô-đun VBA trong sổ là xlwings 0.30.0, gói đã cài là "
        "0.37.8. Cách sửa: cài đúng phiên bản: pip install xlwings==0.30.0" in out.out
    )
    assert "Có 1 việc cần sửa" in out.err


def test_a_missing_secret(
    workspace: Workspace, soffice_found: None, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace.secret_file.unlink()
    assert main(["doctor", "--workbook", str(workspace.workbook)]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "Thư mục làm việc" in x)
    assert line.startswith("[CẦN SỬA]") and str(workspace.secret_file) in line
    assert "Cách sửa:" in line


def test_a_tracker_without_its_vba_project(
    workspace: Workspace, soffice_found: None, capsys: pytest.CaptureFixture[str]
) -> None:
    stripped = workspace.workbook.with_suffix(".tmp")
    with zipfile.ZipFile(workspace.workbook) as src, zipfile.ZipFile(stripped, "w") as dst:
        for item in src.infolist():
            if item.filename != "xl/vbaProject.bin":
                dst.writestr(item, src.read(item.filename))
    shutil.move(stripped, workspace.workbook)
    assert main(["doctor", "--workbook", str(workspace.workbook)]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "] Macro và ribbon:" in x)
    assert line.startswith("[CẦN SỬA]") and "không còn dự án VBA" in line
    assert "bản sao lưu" in line and "Traceback" not in out
    assert "[CẦN SỬA] Phiên bản xlwings: sổ không có mô-đun VBA xlwings" in out


def test_no_libreoffice_is_a_problem(workspace: Workspace) -> None:
    report = doctor.doctor(workbook=workspace.workbook, machine=Machine(soffice=lambda: None))
    check = _by_label(report)["LibreOffice (để có bản PDF)"]
    assert check.status == "problem" and "libreoffice.org" in check.fix
    assert (
        _by_label(doctor.doctor(workbook=workspace.workbook, machine=LINUX))[
            "LibreOffice (để có bản PDF)"
        ].status
        == "ok"
    )


def test_the_button_makes_the_same_call(
    workspace: Workspace, soffice_found: None, xw_remote: Any
) -> None:
    workspace.secret_file.unlink()
    payload = xlremote.payload_from_workbook(workspace.workbook)
    payload["book"]["name"] = str(workspace.workbook)
    book = xlremote.open_book(payload)
    message = buttons.check_setup(book)
    assert message == doctor.message(doctor.doctor(workbook=workspace.workbook))
    assert message.startswith("Có 1 việc cần sửa để các nút chạy được:")
    assert xlremote.alerts(book) == [message]
    assert [a["func"] for a in xlremote.actions(book)] == ["alert"]  # only reads
