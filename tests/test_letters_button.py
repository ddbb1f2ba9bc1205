"""The "Tạo công văn" button through xlwings' remote engine, on a real tracker file.

The button reads the open workbook (one bulk read per sheet), makes the consolidated report
and the reminders with the same core call as ``theodoi letters`` into the workspace's outbox,
writes nothing into the workbook and ends with one message box listing the files.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import xlremote
from docxread import full_text, open_docx
from letterdata import reported_source, workspace_with
from xlremote import actions, alerts, open_book, payload_from_workbook

from xladdin.adapters import buttons
from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.core.letters import LetterKind, build_letters
from xladdin.core.tracker import recalc
from xladdin.io import letters_io
from xladdin.io.workspace import Workspace

xw_remote = xlremote.xw_remote
HAS_SOFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, plan_docx: Path) -> Path:
    return reported_source(tmp_path_factory.mktemp("src") / "ws", plan_docx)


@pytest.fixture
def ws(source: Path, tmp_path: Path) -> Workspace:
    return workspace_with(source, tmp_path / "ws")


def _book(ws: Workspace) -> Any:
    payload = payload_from_workbook(ws.workbook)
    payload["book"]["name"] = str(ws.workbook)  # what Excel gives as the book's full name
    return open_book(payload)


def _expected_reminders(ws: Workspace) -> list[str]:
    data = read_data(open_tracker(ws.workbook))
    result = recalc(data, date.today())  # the button dates its letters today
    plan = build_letters(LetterKind.REMINDER, result, data.catalogue(), data.config)
    return [letter.file_name for letter in plan.letters]


def _check(ws: Workspace, book: Any, message: str, *, pdf: bool) -> None:
    folder = ws.root / "outbox" / "2026-11"
    reminders = _expected_reminders(ws)
    assert reminders  # the sample has unreported tasks whatever today is
    assert alerts(book) == [message]
    assert [a["func"] for a in actions(book)] == ["alert"]  # the workbook is only read
    assert message.startswith(
        f"Đã lập 1 báo cáo tổng hợp, {len(reminders)} công văn đôn đốc (tháng 11 năm 2026) "
        f"trong thư mục {folder}:"
    )
    names = ["BaoCao_TongHop_2026-11.docx", *reminders]
    for name in names:
        assert f"• {name}" + (" (+ PDF)" if pdf else "") in message
        assert (folder / name).is_file()
        assert (folder / name).with_suffix(".pdf").is_file() == pdf
    report = full_text(open_docx(folder / names[0]))
    assert "BÁO CÁO" in report and "Kính gửi" not in report and "Nguyễn Văn An" in report
    assert "- Ban Thường vụ Tỉnh ủy (để báo cáo)," in report


@pytest.mark.skipif(not HAS_SOFFICE, reason="needs LibreOffice (bash .ci/run installs it)")
def test_letters_button_makes_report_and_reminders_with_pdf(ws: Workspace, xw_remote: Any) -> None:
    book = _book(ws)
    message = buttons.make_letters(book)
    _check(ws, book, message, pdf=True)
    assert "LibreOffice" not in message


def test_letters_button_without_libreoffice_makes_word_files(
    ws: Workspace, xw_remote: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letters_io, "find_soffice", lambda: None)
    book = _book(ws)
    message = buttons.make_letters(book)
    _check(ws, book, message, pdf=False)
    assert message.endswith("Máy chưa cài LibreOffice nên chưa có bản PDF (chỉ có bản Word).")


def test_letters_button_needs_a_saved_workbook(ws: Workspace, xw_remote: Any) -> None:
    book = open_book(ws.workbook)  # the payload names the book without a folder
    message = buttons.make_letters(book)
    assert message.startswith("Không xác định được thư mục làm việc của sổ “TheoDoiNhiemVu.xlsm”")
    assert [a["func"] for a in actions(book)] == ["alert"]
    assert not (Path.cwd() / "outbox").exists()


def test_letters_button_reports_a_broken_template(ws: Workspace, xw_remote: Any) -> None:
    own = ws.root / "templates" / "don_doc.docx"
    own.parent.mkdir()
    own.write_bytes(b"PK\x03\x04 broken")
    book = _book(ws)
    message = buttons.make_letters(book)
    assert message.startswith("Không mở được mẫu công văn")
    assert "Traceback" not in message
    assert alerts(book) == [message]
    assert not (ws.root / "outbox" / "2026-11").exists()
