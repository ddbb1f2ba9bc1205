"""Usage mistakes get a Vietnamese message and exit code 2, never click's English text.

The CLI is run the ways users run it: ``main`` (what the ``theodoi`` script calls), click's
``CliRunner`` on the ``theodoi`` group, and real processes (``python -m xladdin`` and the
installed ``theodoi`` script). Issue 14.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from xladdin.adapters.cli import cli, main
from xladdin.adapters.cli_text import DateType
from xladdin.io.workspace import Workspace

# What click says in English, and what Python says when an error escapes: none may show.
ENGLISH = (
    "Usage:", "Error", "Options:", "Commands:", "Arguments:", "Missing", "No such",
    "is not", "does not", "Got unexpected", "requires", "Invalid", "Try '", "Did you mean",
    "is a directory", "is a file", "not writable", "not readable", "not exist", "default:",
    "required", "Show this", "Show the", "Aborted", "Traceback", "NotADirectoryError",
    "FileNotFoundError", "Errno", "FILE", "FOLDER", "DIRECTORY", "PATH", "TEXT", "INTEGER",
    "%Y", "%d",
)  # fmt: skip
# Upper-case ASCII words a help text may show: formats and product names, not metavars.
ALLOWED_CAPS = {"JSON", "CSV", "PDF", "YYYY"}


def english_in(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase in text]


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["import"], "Thiếu đối số 'KẾ_HOẠCH.docx'."),
        (["init"], "Thiếu đối số 'THƯ_MỤC'."),
        (["merge", "--bogus"], "Không có tùy chọn --bogus."),
        (
            ["merge", "--wrkbook", "x"],
            "Không có tùy chọn --wrkbook. Có phải ý bạn là '--workbook'?",
        ),
        (["nope"], "Không có lệnh 'nope'."),
        (["exprt"], "Không có lệnh 'exprt'. Có phải ý bạn là 'export'?"),
        (["--debug"], "Thiếu lệnh."),
        (["recalc", "--today", "abc"], "ngày phải có dạng YYYY-MM-DD hoặc dd/mm/yyyy."),
        (
            ["export", "--format", "xml"],
            "Giá trị không hợp lệ cho '--format': 'xml' không phải giá trị được phép; chọn một "
            "trong các giá trị: 'json', 'csv'.",
        ),
        (
            ["recalc", "--today", "31/02/2026"],
            "ngày 31/02/2026 không có thật (tháng 2/2026 chỉ có 28 ngày).",
        ),
        (["init", "a", "b"], "Thừa đối số không dùng đến: b."),
        (["export", "-o"], "Tùy chọn -o cần một giá trị đi kèm."),
        (["init", "--force=1", "x"], "Tùy chọn --force không nhận giá trị."),
        (["jobs", "--interval-seconds", "x"], "'x' không phải là số hợp lệ."),
        (["jobs", "--interval-seconds", "0"], "0 nằm ngoài khoảng cho phép"),
    ],
)
def test_usage_errors_in_vietnamese(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = one_line(capsys.readouterr().err)
    assert "Lỗi cách dùng:" in err and expected in err
    assert "Lỗi cách dùng: Cách dùng" not in err
    assert "để xem hướng dẫn." in err
    assert not english_in(err), err


def test_hint_names_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "-o"]) == 2  # click's option parser gives no context
    assert "Gõ “theodoi export --help” để xem hướng dẫn." in capsys.readouterr().err
    assert main(["merge", "--bogus"]) == 2
    assert "Gõ “theodoi merge --help” để xem hướng dẫn." in capsys.readouterr().err


def test_workbook_that_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--workbook", str(tmp_path)]) == 2
    err = one_line(capsys.readouterr().err)
    assert f"'{tmp_path}' là một thư mục, không phải tệp." in err
    assert not english_in(err), err


@pytest.mark.parametrize("command", ["init", "demo"])
def test_folder_under_a_file(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "tep.txt"
    blocker.write_text("x")
    folder = blocker / "theo-doi"
    assert main([command, str(folder)]) == 2
    err = one_line(capsys.readouterr().err)
    assert (
        f"Lỗi: Không tạo được thư mục làm việc{' mẫu' if command == 'demo' else ''} {folder}" in err
    )
    assert f"{blocker} là một tệp, không phải thư mục." in err
    assert "Lỗi không mong đợi" not in err and not english_in(err), err


def test_folder_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "tep.txt"
    existing.write_text("x")
    assert main(["init", str(existing)]) == 2
    err = one_line(capsys.readouterr().err)
    assert f"'{existing}' là một tệp, không phải thư mục." in err and not english_in(err)


def test_os_error_on_a_path_is_said_in_vietnamese(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "khong-co" / "ket-qua.json"
    assert main(["export", "-o", str(out), "-w", str(workspace.workbook)]) == 2
    err = one_line(capsys.readouterr().err)
    assert f"Lỗi: Không dùng được {out}: thư mục {out.parent} không tồn tại." in err
    assert "Lỗi không mong đợi" not in err and not english_in(err), err


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("31/02/2026", "tháng 2/2026 chỉ có 28 ngày"),
        ("2026-02-30", "tháng 2/2026 chỉ có 28 ngày"),
        ("29/02/2025", "tháng 2/2025 chỉ có 28 ngày"),
        ("31/04/2026", "tháng 4/2026 chỉ có 30 ngày"),
        ("00/01/2026", "tháng 1/2026 chỉ có 31 ngày"),
        ("2026-13-01", "không có tháng 13, tháng chỉ từ 1 đến 12"),
        ("01/01/0000", "không có năm 0"),
    ],
)
def test_a_date_that_does_not_exist(text: str, why: str) -> None:
    with pytest.raises(click.BadParameter) as caught:
        DateType().convert(text, None, None)
    assert caught.value.message == f"ngày {text} không có thật ({why})."


@pytest.mark.parametrize(
    ("text", "day"),
    [("29/02/2024", date(2024, 2, 29)), ("2026-1-5", date(2026, 1, 5)),
     ("5/1/2026", date(2026, 1, 5)), (" 2026-12-31 ", date(2026, 12, 31))],
)  # fmt: skip
def test_dates_in_both_forms(text: str, day: date) -> None:
    assert DateType().convert(text, None, None) == day


def test_bare_theodoi_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    """No command: the help, as with --help, on stdout and with exit code 0; no error."""
    assert main([]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Cách dùng: theodoi [TÙY CHỌN] LỆNH [ĐỐI SỐ]...")
    assert "Lệnh:" in out and "merge" in out and err == ""
    assert main(["--help"]) == 0
    assert capsys.readouterr().out == out


def test_help_is_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Cách dùng: theodoi [TÙY CHỌN] LỆNH [ĐỐI SỐ]...")
    assert "Lệnh:" in out and "Tùy chọn:" in out
    assert not english_in(out), out


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_help_is_vietnamese(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Cách dùng: theodoi {command} [TÙY CHỌN]")
    assert "Tùy chọn:" in out and "--debug" in out and "Hiện hướng dẫn này rồi thoát." in out
    assert not english_in(out), out
    caps = set(re.findall(r"\b[A-Z]{3,}\b", out)) - ALLOWED_CAPS
    assert not caps, f"English metavars or words in `theodoi {command} --help`: {caps}"


def test_help_metavars_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--help"]) == 0
    out = one_line(capsys.readouterr().out)
    assert "-w, --workbook TỆP" in out and "-o, --output TỆP" in out and "--summary TỆP" in out
    assert "--today NGÀY" in out and "[mặc định: json]" in out
    assert main(["init", "--help"]) == 0
    assert "Cách dùng: theodoi init [TÙY CHỌN] THƯ_MỤC" in capsys.readouterr().out
    assert main(["demo", "--help"]) == 0
    assert "Cách dùng: theodoi demo [TÙY CHỌN] [THƯ_MỤC]" in capsys.readouterr().out


@pytest.fixture
def doctor_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """`theodoi doctor` meets a fault no one foresaw."""
    from xladdin.commands import doctor

    def broken(**_: object) -> None:
        raise RuntimeError("hỏng ngoài dự kiến")

    monkeypatch.setattr(doctor, "doctor", broken)


@pytest.mark.parametrize(
    ("argv", "traceback"),
    [
        (["doctor"], False),
        (["--debug", "doctor"], True),
        (["doctor", "--debug"], True),
    ],
)
def test_debug_before_or_after_the_command(
    argv: list[str], traceback: bool, doctor_breaks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Lỗi không mong đợi: RuntimeError: hỏng ngoài dự kiến" in one_line(err)
    assert ("Traceback (most recent call last)" in err) is traceback
    assert ("Chạy lại với --debug" in err) is not traceback


def test_debug_after_the_command_on_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "khong-co.xlsm"
    assert main(["merge", "--workbook", str(missing)]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert main(["merge", "--workbook", str(missing), "--debug"]) == 2
    err = capsys.readouterr().err
    assert f"Không tìm thấy sổ theo dõi {missing}." in one_line(err) and "Traceback" in err


def test_cli_runner(tmp_path: Path, doctor_breaks: None) -> None:
    """click's own runner (standalone mode) goes through the same handling."""
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--format", "xml"])
    assert result.exit_code == 2
    assert "'xml' không phải giá trị được phép" in result.stderr
    assert not english_in(result.output), result.output
    result = runner.invoke(cli, [])
    assert result.exit_code == 0 and result.stdout.startswith("Cách dùng: theodoi [TÙY CHỌN]")
    result = runner.invoke(cli, ["init", str(tmp_path / "a.txt"), "x"])
    assert result.exit_code == 2 and "Thừa đối số không dùng đến: x." in result.stderr
    result = runner.invoke(cli, ["doctor"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "Lỗi không mong đợi" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(cli, ["doctor", "--debug"])
    assert result.exit_code == 2 and "Traceback" in result.stderr


def _theodoi_script() -> Path:
    script = Path(sys.executable).parent / ("theodoi.exe" if sys.platform == "win32" else "theodoi")
    if not script.exists():
        pytest.skip("the theodoi script is not installed next to this Python")
    return script


@pytest.mark.parametrize("how", ["script", "module"])
def test_real_process(how: str, tmp_path: Path) -> None:
    """What a user at a terminal sees: the installed script and ``python -m xladdin``."""
    blocker = tmp_path / "tep.txt"
    blocker.write_text("x")
    start = [str(_theodoi_script())] if how == "script" else [sys.executable, "-m", "xladdin"]
    cases = [
        (["export", "--format", "xml"], 2, "chọn một trong các giá trị: 'json', 'csv'."),
        (["export", "--workbook", str(tmp_path)], 2, "là một thư mục, không phải tệp."),
        (["init", str(blocker / "sub")], 2, f"{blocker} là một tệp, không phải thư mục."),
        (["recalc", "--today", "31/02/2026"], 2, "ngày 31/02/2026 không có thật"),
        (["merge", "--debug", "--workbook", str(tmp_path / "x.xlsm")], 2, "Traceback"),
        ([], 0, "Cách dùng: theodoi [TÙY CHỌN] LỆNH [ĐỐI SỐ]..."),
    ]
    for argv, code, expected in cases:
        proc = subprocess.run(
            [*start, *argv], capture_output=True, text=True, encoding="utf-8", check=False
        )
        shown = proc.stdout + proc.stderr
        assert proc.returncode == code, (argv, shown)
        assert expected in one_line(shown), (argv, shown)
        if "--debug" not in argv:
            assert not english_in(shown), (argv, shown)
